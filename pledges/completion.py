"""What the shell completes from the ledger: organisation codes, member numbers, pledge ids.

The shell asks on every Tab, so these read the database the cheapest way there is: a SQLite file
through the standard library's ``sqlite3``, read-only (nothing is created, nothing locked for
long, no SQLModel import); PostgreSQL through a plain engine with a short connection timeout.
Whatever goes wrong (no ledger, no table yet, a server that is down), the answer is an empty
list: completion never fails loudly."""

from pathlib import Path

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


def _sqlite_path(url: str | None) -> Path | None:
    if url is None:
        return Path("pledges.db")
    if "://" not in url:
        return Path(url)
    if url.startswith("sqlite:///") and "?" not in url:
        return Path(url[len("sqlite:///"):])
    return None


def _read(url: str | None, what: str, prefix: str) -> list[tuple[str, str]]:
    path = _sqlite_path(url)
    if path is not None:
        import sqlite3

        if not path.is_file():
            return []
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=TIMEOUT) as connection:
            rows = connection.execute(_query(what, "?"), (_pattern(prefix),)).fetchall()
    else:
        from sqlalchemy import create_engine, text

        from pledges.db import normalise_url

        engine = create_engine(normalise_url(url), connect_args={"connect_timeout": TIMEOUT})
        try:
            with engine.connect() as connection:
                rows = connection.execute(text(_query(what, ":pattern")), {"pattern": _pattern(prefix)}).all()
        finally:
            engine.dispose()
    return [(str(value), str(shown or "")) for value, shown in rows]
