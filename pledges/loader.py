"""Loading many rows fast: tuples straight to the database driver, ids chosen by the caller.

SQLite gets ``executemany`` on the raw connection, PostgreSQL gets ``COPY … FROM STDIN``; both
inside the caller's one transaction, so a failed load leaves nothing behind.  Dates and times
are converted for SQLite by SQLAlchemy's own bind processors (memoised: a ledger has few distinct
days), so what is stored reads back exactly as if the ORM had written it.  Because ids are
given, PostgreSQL's sequences must be moved past them afterwards (``reset_sequences``).

Audit events are linked into the hash chain as they are written (``pledges.chain``): here on
SQLite, and on PostgreSQL when the load keeps its own times (``keep_stamps``: the demo's
history, a copy); otherwise PostgreSQL's trigger stamps and links each row."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import Date, DateTime, Table, func, select, text
from sqlalchemy.engine import Connection

from pledges import chain


class _Memo(dict):
    """value → stored value, each distinct value converted once (``memo[value]`` runs in C)."""

    def __init__(self, process: Callable):
        super().__init__({None: None})
        self.process = process

    def __missing__(self, value):
        self[value] = converted = self.process(value)
        return converted


def _with_defaults(table: Table, columns: Sequence[str], rows: list[tuple]) -> tuple[list[str], list[tuple]]:
    """Add the columns the caller left out that have a plain Python default (``x: int = 7`` in a
    model), with that value: raw inserts bypass SQLAlchemy, which would otherwise fill them."""
    extra = [(c.name, c.default.arg) for c in table.columns
             if c.name not in columns and c.default is not None and c.default.is_scalar]
    if not extra:
        return list(columns), rows
    values = tuple(value for _, value in extra)
    return [*columns, *(name for name, _ in extra)], [(*row, *values) for row in rows]


class BulkWriter:
    """Writes rows (tuples in the order of ``columns``) into tables of one connection."""

    def __init__(self, connection: Connection, keep_stamps: bool = False):
        self.connection = connection
        self.keep_stamps = keep_stamps
        self.dialect = connection.dialect
        self.postgresql = self.dialect.name == "postgresql"
        self.written: dict[str, int] = {}
        self._converters: dict[tuple, list] = {}

    def write(self, table: Table, columns: Sequence[str], rows: Iterable[tuple], linked: bool = False) -> int:
        """``linked``: audit rows already given their ids and hashes (``chain_head``), their times
        as ``time_text`` spells them and their days as ISO text: written as they are."""
        rows = list(rows)
        if not rows:
            return 0
        columns, rows = _with_defaults(table, columns, rows)
        if table.name == "audit_event" and not linked and (self.keep_stamps or not self.postgresql):
            columns, rows = self._linked(tuple(columns), rows)
        cursor = self.connection.connection.dbapi_connection.cursor()
        names = ", ".join(columns)
        if self.postgresql:
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            insert = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
            cursor.executemany(insert, rows if linked else self._for_sqlite(table, columns, rows))
        cursor.close()
        self.written[table.name] = self.written.get(table.name, 0) + len(rows)
        return len(rows)

    def chain_head(self) -> chain.Head:
        """The head of the audit chain, to link events after it (PostgreSQL: keeping their stamps)."""
        if self.postgresql:
            chain.lock_appends(self.connection)
            chain.keep_stamps(self.connection)
        return chain.Head(self.connection)

    def time_text(self, value: datetime) -> str:
        """An aware time as the text this database takes as it is: SQLite's stored text (UTC,
        microseconds, as SQLAlchemy writes it), or the chain's UTC text for PostgreSQL's COPY.
        Both sort in time order."""
        if self.postgresql:
            return chain.at_text(value)
        return value.astimezone(timezone.utc).isoformat(" ", "microseconds")[:26]  # without "+00:00"

    def _linked(self, columns: tuple[str, ...], rows: list[tuple]) -> tuple[tuple[str, ...], list[tuple]]:
        """Audit rows given their ids, logins and hashes after the chain's head."""
        return self.chain_head().link_rows(columns, rows)

    def _for_sqlite(self, table: Table, columns: Sequence[str], rows: list[tuple]):
        key = (table.name, tuple(columns))
        if key not in self._converters:
            self._converters[key] = [
                (i, _Memo(table.c[name].type.dialect_impl(self.dialect).bind_processor(self.dialect)))
                for i, name in enumerate(columns) if isinstance(table.c[name].type, (Date, DateTime))
                or isinstance(getattr(table.c[name].type, "impl", None), (Date, DateTime))
            ]
        converters = self._converters[key]
        for row in rows:
            row = list(row)
            for i, memo in converters:
                row[i] = memo[row[i]]
            yield row

    @contextmanager
    def indexes_deferred(self, tables: Iterable[Table]) -> Iterator[None]:
        """Drop the tables' secondary indexes for the load and build them again after it: one
        sort per index instead of a random B-tree insert per row.  Inside the transaction, so a
        failed load leaves the schema as it was."""
        indexes = [index for table in tables for index in sorted(table.indexes, key=lambda i: i.name)]
        for index in indexes:
            index.drop(self.connection)
        yield
        for index in indexes:
            index.create(self.connection)

    def next_id(self, table: Table) -> int:
        """The first id free in ``table``."""
        return (self.connection.scalar(select(func.max(table.c.id))) or 0) + 1

    def reset_sequences(self, tables: Iterable[Table]) -> None:
        """Move PostgreSQL's id sequences past the ids written by hand (SQLite needs nothing)."""
        if not self.postgresql:
            return
        for table in tables:
            self.connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
