"""A whole ledger from one database into another, empty one: ``pledges copy --to URL`` (SQLite
↔ PostgreSQL), and the engine under ``backup`` and ``restore``.

Every table of ``SQLModel.metadata``, parents before children, is read in primary-key order in
batches from one snapshot of the source and written with its ids into the target, in one
transaction there: ``COPY`` on PostgreSQL (psycopg 3), ``executemany`` on SQLite.  Rows are
only inserted, never updated, so the append-only history triggers hold throughout.  After the
rows, PostgreSQL's id sequences are moved past the largest id; on SQLite the foreign keys are
checked before the commit."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from datetime import timezone

from sqlalchemy import Column, Date, DateTime, MetaData, Table, delete, func, inspect, select
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from pledges import chain
from pledges.db import normalise_url, shown_url
from pledges.errors import BadInput, NeedsUpgrade, NotEmpty
from pledges.loader import BulkWriter
from pledges.schema import HEAD, VERSION_TABLE, Progress, check_foreign_keys, create_schema, stored_revision, \
    transactional_engine

BATCH = 5000
# Facts about one database that a copy of its rows must not carry to another.
LOCAL_META = ("last_backup_at",)


@dataclass
class Copied:
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    return list(SQLModel.metadata.sorted_tables)


@contextmanager
def snapshot(url: str) -> Iterator[Connection]:
    """A connection that reads one instant of the ledger throughout, while others write."""
    engine = transactional_engine(url, immediate=False)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                yield connection
    finally:
        engine.dispose()


@contextmanager
def writing(url: str) -> Iterator[Connection]:
    """One transaction on the target; nothing is left of it if the process dies."""
    engine = transactional_engine(url)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def copy_ledger(source_url: str, target_url: str, progress: Progress | None = None,
                as_it_is: bool = False) -> Copied:
    """The ledger at ``source_url`` (at the newest revision) into the empty ``target_url``.
    ``as_it_is`` (a backup taken before an upgrade) also takes a ledger of an older revision:
    the empty target is given that revision's schema and the rows go over as they are."""
    if normalise_url(source_url) == normalise_url(target_url):
        raise BadInput("copy_same")
    with snapshot(source_url) as source, writing(target_url) as target:
        revision = stored_revision(source)
        if as_it_is and revision is not None and revision != HEAD:
            _prepare_older_target(target, target_url, revision)
            return copy_rows(source, target, progress, tables_of(source))
        _require_head(source, source_url)
        prepare_target(target, target_url)
        return copy_rows(source, target, progress)


def tables_of(connection: Connection) -> list[Table]:
    """The models' tables as an older ledger has them: only the tables and columns it holds."""
    present = inspect(connection)
    narrowed, kept = [], MetaData()
    for table in tables():
        if not present.has_table(table.name):
            continue
        columns = {column["name"] for column in present.get_columns(table.name)}
        narrowed.append(Table(table.name, kept, *(Column(c.name, c.type, primary_key=c.primary_key)
                                                  for c in table.columns if c.name in columns)))
    return narrowed


def _prepare_older_target(connection: Connection, url: str, revision: str) -> None:
    """An empty database given the schema of ``revision`` by running the revisions up to it."""
    from pledges.schema import migrate

    if present := inspect(connection).get_table_names():
        raise NotEmpty(url=shown_url(url), table=present[0], rows="?")
    migrate(connection, revision)
    connection.execute(delete(SQLModel.metadata.tables["meta"]))  # the source's own rows come over


def _require_head(connection: Connection, url: str) -> None:
    revision = stored_revision(connection)
    if revision != HEAD:
        from pledges.errors import NotInitialised

        if revision is None:
            raise NotInitialised(url=shown_url(url))
        raise NeedsUpgrade(url=shown_url(url), found=int(revision), needed=int(HEAD))


def prepare_target(connection: Connection, url: str) -> None:
    """Create the newest schema in an empty database, or accept a ledger with no rows (its
    ``meta`` rows give way to the source's); refuse anything else."""
    revision = stored_revision(connection)
    if revision is None:
        present = inspect(connection).get_table_names()
        if present:
            raise NotEmpty(url=shown_url(url), table=present[0], rows="?")
        create_schema(connection)
        return
    if revision != HEAD:
        raise NeedsUpgrade(url=shown_url(url), found=int(revision), needed=int(HEAD))
    for table in tables():
        if table.name != "meta" and (rows := connection.scalar(select(func.count()).select_from(table))):
            raise NotEmpty(url=shown_url(url), table=table.name, rows=rows)
    connection.execute(delete(SQLModel.metadata.tables["meta"]))
    if not connection.dialect.has_table(connection, "alembic_version"):
        VERSION_TABLE.create(connection)
        connection.execute(VERSION_TABLE.insert().values(version_num=HEAD))


def copy_rows(source: Connection, target: Connection, progress: Progress | None = None,
              which: list[Table] | None = None) -> Copied:
    """Rows travel as the drivers give them, without the models' conversions (3-5x faster): a
    SQLite value is already in the text form PostgreSQL's COPY reads (times in UTC, both
    sessions set to UTC); only times and days from PostgreSQL are spelt as SQLite stores them."""
    for connection in (source, target):
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")
    chain.keep_stamps(target)  # the history goes over as it is: times, logins and hashes
    which = tables() if which is None else which
    counts = {table.name: source.exec_driver_sql(f"SELECT COUNT(*) FROM ({_select_all(source, table)}) AS t").scalar()
              for table in which}
    total, done = sum(counts.values()), 0
    write = _copy_into if target.dialect.name == "postgresql" else _insert_into
    bulk = BulkWriter(target)
    with bulk.indexes_deferred(which):
        for table in which:
            spell = _sqlite_spelling(table) if (source.dialect.name, target.dialect.name) == ("postgresql", "sqlite") \
                else None
            result = source.execution_options(stream_results=True).exec_driver_sql(_select_all(source, table))
            for batch in result.partitions(BATCH):
                write(target, table, [spell(row) for row in batch] if spell else batch)
                done += len(batch)
                if progress:
                    progress("copy", done, total)
    bulk.reset_sequences([table for table in which if "id" in table.c])
    check_foreign_keys(target)
    return Copied(counts)


def _select_all(connection: Connection, table: Table) -> str:
    quote = connection.dialect.identifier_preparer.quote
    columns = ", ".join(quote(column.name) for column in table.columns)
    order = ", ".join(quote(column.name) for column in table.primary_key.columns)
    kept = ", ".join(f"'{key}'" for key in LOCAL_META)
    where = f" WHERE key NOT IN ({kept})" if table.name == "meta" else ""
    return f"SELECT {columns} FROM {quote(table.name)}{where} ORDER BY {order}"


def _sqlite_spelling(table: Table):
    """Times as SQLAlchemy stores them on SQLite (UTC, microseconds), days as ISO dates."""
    types = [getattr(column.type, "impl", column.type) for column in table.columns]  # UTCDateTime → DateTime
    kinds = [("time" if isinstance(t, DateTime) else "day" if isinstance(t, Date) else None) for t in types]
    if not any(kinds):
        return None

    def spell(row):
        return tuple(value if kind is None or value is None
                     else value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f") if kind == "time"
                     else value.isoformat() for kind, value in zip(kinds, row))

    return spell


def _insert_into(connection: Connection, table: Table, rows) -> None:
    quote = connection.dialect.identifier_preparer.quote
    columns = ", ".join(quote(column.name) for column in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    connection.connection.driver_connection.executemany(
        f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})", [tuple(row) for row in rows])


def _copy_into(connection: Connection, table: Table, rows) -> None:
    quote = connection.dialect.identifier_preparer.quote
    columns = ", ".join(quote(column.name) for column in table.columns)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
