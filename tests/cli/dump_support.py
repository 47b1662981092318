"""What a database holds, whole, for "a refused command left it byte for byte as it was"."""

import hashlib
import sqlite3

from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel


def dump(url: str) -> str:
    """SQLite: the SQL dump of the file (schema and every row, through ``iterdump``, which reads
    the WAL too).  PostgreSQL: every row of every table of the schema, sorted."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(parsed.database) as connection:
            return "\n".join(connection.iterdump())
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            lines = []
            for table in sorted(inspect(connection).get_table_names()):
                rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
                lines += [f"{table}: {row!r}" for row in sorted(rows, key=repr)]
            return "\n".join(lines)
    finally:
        engine.dispose()


def digest(url: str) -> str:
    return hashlib.sha256(dump(url).encode("utf-8", "surrogatepass")).hexdigest()


def contents(url: str) -> dict:
    """Every row of every table by primary key (not the ledger's own id), and the foreign keys and
    indexes of the tables an import's first load changes for a while (pledge, member, audit_event)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = {table.name: connection.execute(select(table).order_by(*table.primary_key.columns)).all()
                    for table in SQLModel.metadata.sorted_tables}
            rows["meta"] = [row for row in rows["meta"] if row[0] != "ledger_id"]  # each ledger's own
            schema = inspect(connection)
            for name in ("pledge", "member", "audit_event"):
                rows[f"{name} foreign keys"] = sorted(map(repr, schema.get_foreign_keys(name)))
                rows[f"{name} indexes"] = sorted(map(repr, schema.get_indexes(name)))
            return rows
    finally:
        engine.dispose()
