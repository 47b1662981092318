"""Loading many rows fast: tuples straight to the database driver, ids chosen by the caller.

SQLite gets ``executemany`` on the raw connection, PostgreSQL gets ``COPY … FROM STDIN``; both
inside the caller's one transaction, so a failed load leaves nothing behind.  Dates and times
are converted for SQLite by SQLAlchemy's own bind processors (memoised: a ledger has few distinct
days), so what is stored reads back exactly as if the ORM had written it.  Because ids are
given, PostgreSQL's sequences must be moved past them afterwards (``reset_sequences``)."""

from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import Date, DateTime, Table, func, select, text
from sqlalchemy.engine import Connection


def _memoised(process: Callable) -> Callable:
    seen: dict = {}

    def convert(value):
        if value is None:
            return None
        try:
            return seen[value]
        except KeyError:
            seen[value] = converted = process(value)
            return converted

    return convert


class BulkWriter:
    """Writes rows (tuples in the order of ``columns``) into tables of one connection."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.dialect = connection.dialect
        self.postgresql = self.dialect.name == "postgresql"
        self.written: dict[str, int] = {}
        self._converters: dict[tuple, list] = {}

    def write(self, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        rows = list(rows)
        if not rows:
            return 0
        cursor = self.connection.connection.dbapi_connection.cursor()
        names = ", ".join(columns)
        if self.postgresql:
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", self._for_sqlite(table, columns, rows))
        cursor.close()
        self.written[table.name] = self.written.get(table.name, 0) + len(rows)
        return len(rows)

    def _for_sqlite(self, table: Table, columns: Sequence[str], rows: list[tuple]):
        key = (table.name, tuple(columns))
        if key not in self._converters:
            self._converters[key] = [
                (i, _memoised(table.c[name].type.dialect_impl(self.dialect).bind_processor(self.dialect)))
                for i, name in enumerate(columns) if isinstance(table.c[name].type, (Date, DateTime))
                or isinstance(getattr(table.c[name].type, "impl", None), (Date, DateTime))
            ]
        converters = self._converters[key]
        for row in rows:
            row = list(row)
            for i, convert in converters:
                row[i] = convert(row[i])
            yield row

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
