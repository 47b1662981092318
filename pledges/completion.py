"""What the shell completes from the ledger: organisation codes, member numbers, pledge ids.

The shell asks on every Tab, so these read the database the cheapest way there is, the one the
fast tables use (``pledges.rawdb``: the standard library's ``sqlite3`` read-only, or ``psycopg``
with a short timeout; nothing created, no SQLModel import).  Candidates are not narrowed to the
typing person's subtree: on SQLite whoever can open the file reads it all anyway, and on
PostgreSQL the login's row-level security already narrows what it reads.
Whatever goes wrong (no ledger, no table yet, a server that is down), the answer is an empty
list: completion never fails loudly."""

from pledges.rawdb import open_readonly

LIMIT = 200  # the shell shows no more than this many candidates
TIMEOUT = 2  # seconds to wait for a database

# (table, column completed, column shown beside it, order); the column names are fixed here
_WHAT = {
    "org": ("organisation", "code", "name", "code"),
    "member": ("member", "number", "name", "number"),
    "pledge": ("pledge", "CAST(id AS TEXT)", "title", "id DESC"),
}


def candidates(url: str | None, what: str, prefix: str) -> list[tuple[str, str]]:
    """(value, description) pairs of ``what`` (org, member, pledge) starting with ``prefix``."""
    try:
        return _read(url, what, prefix or "")
    except Exception:  # noqa: BLE001 - completion must never break the shell
        return []


def _query(what: str, placeholder: str) -> str:
    table, column, shown, order = _WHAT[what]
    return (f"SELECT {column}, {shown} FROM {table} WHERE {column} LIKE {placeholder} ESCAPE '!' "
            f"ORDER BY {order} LIMIT {LIMIT}")


def _pattern(prefix: str) -> str:
    return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"


def _read(url: str | None, what: str, prefix: str) -> list[tuple[str, str]]:
    opened = open_readonly(url, timeout=TIMEOUT)
    if opened is None:
        return []
    connection, dialect = opened
    try:
        cursor = connection.cursor()
        cursor.execute(_query(what, "?" if dialect == "sqlite" else "%s"), (_pattern(prefix),))
        rows = cursor.fetchall()
    finally:
        connection.close()
    return [(str(value), str(shown or "")) for value, shown in rows]
