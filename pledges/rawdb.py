"""A read-only connection to a ledger without the ORM, for the paths that answer before
SQLAlchemy could even be imported: the fast tables (``pledges.fastread``) and shell completion
(``pledges.completion``).

A SQLite file is opened through the standard library's ``sqlite3`` with ``query_only`` on
(nothing is created: a path that is not a file is not opened); PostgreSQL through ``psycopg``
with the URL's query string given to libpq as keywords.  Anything this does not handle, or
cannot open, gives ``None``: the caller then takes the ledger's own path, which says what is
wrong in the usual words."""

import os

POSTGRESQL_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


def open_readonly(url: str | None, timeout: float) -> tuple[object, str] | None:
    """(DBAPI connection, "sqlite" or "postgresql") for the ledger at ``url`` as ``--db`` gives
    it (``None``: ``pledges.db``), or ``None``."""
    url = "pledges.db" if url is None else url
    try:
        if "://" not in url or url.startswith("sqlite:///"):
            path = url[len("sqlite:///"):] if "://" in url else url
            if not path or "?" in path or path == ":memory:" or not os.path.isfile(path):
                return None
            import sqlite3

            connection = sqlite3.connect(path, timeout=timeout)
            connection.execute("PRAGMA query_only = ON")
            return connection, "sqlite"
        scheme, rest = url.split("://", 1)
        if scheme not in POSTGRESQL_SCHEMES:
            return None
        from urllib.parse import parse_qsl

        import psycopg

        # The query string as SQLAlchemy reads it ("+" is a space, as in options=-c…+-c…), given to
        # libpq as keywords: libpq's own URI parsing would keep the "+".
        base, _, query = rest.partition("?")
        keywords = dict(parse_qsl(query))
        return psycopg.connect("postgresql://" + base, connect_timeout=max(1, round(timeout)), **keywords), "postgresql"
    except Exception:  # noqa: BLE001 - the ledger's own path says what is wrong
        return None
