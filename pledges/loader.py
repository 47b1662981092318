"""Loading many rows fast: tuples straight to the database driver, ids chosen by the caller.

SQLite gets ``executemany`` on the raw connection, PostgreSQL gets ``COPY … FROM STDIN``; both
inside the caller's one transaction, so a failed load leaves nothing behind.  Dates and times
are converted for SQLite by SQLAlchemy's own bind processors (memoised: a ledger has few distinct
days), so what is stored reads back exactly as if the ORM had written it.  Because ids are
given, PostgreSQL's sequences must be moved past them afterwards (``reset_sequences``).

On PostgreSQL through a person's own login (row-level security, docs/deployment.md), COPY is
refused and ``max(id)`` sees only the login's subtree, so there the rows go in by INSERT, and
``next_id`` takes the first id from the table's sequence while holding the table against other
writers until the commit (any login: two imports at once never pick the same ids).

Audit events are linked into the hash chain as they are written (``pledges.chain``): here on
SQLite, and on PostgreSQL when the load keeps its own times (``keep_stamps``: the demo's
history, a copy); otherwise PostgreSQL's trigger stamps and links each row."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import Date, DateTime, Table, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.schema import AddConstraint, DropConstraint

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
        self._owned: dict[str, bool] = {}
        self._given: dict[str, int] = {}  # PostgreSQL: the first id taken from each table's sequence

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
        if self.postgresql and self._owns_table(table.name):
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        elif self.postgresql:  # row-level security refuses COPY; the policies check each row
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", rows)
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
        # pysqlite opens a transaction only before a row is written, so a DROP INDEX as the first
        # statement would be committed on its own and outlive a rollback: open it first.
        chain.hold_write_lock(self.connection)
        for index in indexes:
            index.drop(self.connection)
        yield
        for index in indexes:
            index.create(self.connection)

    @contextmanager
    def foreign_keys_deferred(self, tables: Iterable[Table]) -> Iterator[None]:
        """Drop the tables' foreign keys for the load and add them again after it: one check of
        every row by a join when the constraint is added, instead of a trigger per reference and
        row.  Inside the transaction (a failed load leaves the schema as it was); the constraints
        are added as the models define them, so the schema comes back the same.  On PostgreSQL
        the drop holds an exclusive lock on the tables and on those they refer to until the
        commit (docs/spreadsheets.md says when the import does this).  Only a login that owns
        all those tables may alter them; for any other (a person's own login, docs/deployment.md)
        the constraints stay and check each row as usual."""
        tables = list(tables)
        constraints = [fk for table in tables for fk in sorted(table.foreign_key_constraints, key=lambda c: c.name)]
        if not self._owns({t.name for t in tables} | {c.referred_table.name for c in constraints}):
            yield
            return
        for constraint in constraints:
            self.connection.execute(DropConstraint(constraint))
        yield
        for constraint in constraints:  # isolated, it would be left out of every later CREATE TABLE
            self.connection.execute(AddConstraint(constraint, isolate_from_table=False))

    def _owns(self, names: set[str]) -> bool:
        """PostgreSQL: does this login own (or act as the owner of) every table named?"""
        return bool(self.connection.scalar(text(
            "SELECT bool_and(pg_catalog.pg_has_role(c.relowner, 'USAGE')) FROM pg_catalog.pg_class c "
            "WHERE c.oid = ANY(CAST(:names AS text[])::regclass[])"), {"names": sorted(names)}))

    def _owns_table(self, name: str) -> bool:
        if name not in self._owned:
            self._owned[name] = self._owns({name})
        return self._owned[name]

    def next_id(self, table: Table) -> int:
        """The first id free in ``table``.  PostgreSQL: the table is held against other writers
        (SHARE ROW EXCLUSIVE, until the commit: readers go on) and the id comes from its
        sequence, which every insert moves, whatever rows the login may see."""
        if not self.postgresql:
            return (self.connection.scalar(select(func.max(table.c.id))) or 0) + 1
        self.connection.execute(text(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE"))
        first = self.connection.scalar(text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id'))"))
        if self._owns_table(table.name):  # ids written by hand before (a copy) may be past it
            first = max(first, (self.connection.scalar(select(func.max(table.c.id))) or 0) + 1)
        self._given[table.name] = first
        return first

    def reset_sequences(self, tables: Iterable[Table]) -> None:
        """Move PostgreSQL's id sequences past the ids written by hand (SQLite needs nothing).
        The owner sets them; a person's login, which may only draw from a sequence, draws up to
        the highest id it wrote."""
        if not self.postgresql:
            return
        for table in tables:
            sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
            if self._owns_table(table.name):
                self.connection.execute(text(
                    f"SELECT setval({sequence}, COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
                continue
            if table.name not in self._given:
                continue
            highest = self.connection.scalar(select(func.max(table.c.id))) or 0
            drawn = self._given[table.name]  # the sequence's value now (next_id drew it)
            if highest > drawn:
                self.connection.execute(text(f"SELECT max(nextval({sequence})) FROM generate_series(1, :n)"),
                                        {"n": highest - drawn})
