"""Opening a ledger: the engine, SQLite pragmas, creating the schema, the clock.

``Ledger`` is what every domain and workflow function receives: the engine plus an injected
clock (``now`` returns an aware UTC datetime; tests pass a fixed one).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlmodel import Session, create_engine

from pledges import models
from pledges.errors import DatabaseUnavailable, NeedsUpgrade, NotInitialised, SchemaMismatch

DEFAULT_URL = "sqlite:///pledges.db"
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def normalise_url(url: str | None) -> str:
    """``None`` → the default file; a bare path → SQLite; ``postgresql://`` → psycopg 3."""
    if not url:
        return DEFAULT_URL
    if "://" not in url:
        return f"sqlite:///{Path(url)}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=False)


class Ledger:
    """A pledge ledger in one database, with the clock its changes are stamped by."""

    def __init__(self, url: str | None = None, clock: Clock = utc_now, engine: Engine | None = None):
        self.url = normalise_url(url)
        self.engine = engine or make_engine(self.url)
        self.clock = clock

    def now(self) -> datetime:
        return self.clock()

    def today(self, tz: str = models.DEFAULT_TIMEZONE) -> date:
        return self.now().astimezone(ZoneInfo(tz)).date()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def is_initialised(self) -> bool:
        return self.schema_version() is not None

    def check(self) -> "Ledger":
        """Refuse to work on a database that holds no ledger, an older one (``pledges upgrade``)
        or a newer one than this program knows.  One query, on every command's path."""
        found = self.schema_version()
        if found is None:
            raise NotInitialised(url=shown_url(self.url))
        if found < models.SCHEMA_VERSION:
            raise NeedsUpgrade(url=shown_url(self.url), found=found, needed=models.SCHEMA_VERSION)
        if found > models.SCHEMA_VERSION:
            raise SchemaMismatch(url=shown_url(self.url), found=found, needed=models.SCHEMA_VERSION)
        return self

    def init(self) -> bool:
        """Create the newest schema, stamped at the newest revision, in one transaction.
        Returns False (and changes nothing) if a ledger is already there."""
        from pledges.schema import create_schema, stored_revision, transactional_engine

        engine = transactional_engine(self.url)
        try:
            with engine.begin() as connection:
                if stored_revision(connection) is not None:
                    return False
                create_schema(connection)
                connection.execute(insert(models.Meta).values(key="schema_version", value=str(models.SCHEMA_VERSION)))
        except OperationalError as err:
            raise DatabaseUnavailable(url=shown_url(self.url), detail=_first_line(err)) from err
        finally:
            engine.dispose()
        return True

    def schema_version(self) -> int | None:
        """``meta.schema_version`` (the newest revision applied), or None when there is no ledger."""
        try:
            with self.engine.connect() as connection:
                value = connection.scalar(select(models.Meta.value).where(models.Meta.key == "schema_version"))
        except (OperationalError, ProgrammingError) as err:
            if _no_such_table(err):
                return None
            raise DatabaseUnavailable(url=shown_url(self.url), detail=_first_line(err)) from err
        return None if value is None else int(value)

    def dispose(self) -> None:
        self.engine.dispose()


def _no_such_table(err: Exception) -> bool:
    """SQLite's "no such table" or PostgreSQL's undefined_table (42P01)."""
    orig = getattr(err, "orig", err)
    return getattr(orig, "sqlstate", None) == "42P01" or "no such table" in str(orig)


def _first_line(err: Exception) -> str:
    return str(getattr(err, "orig", err)).strip().splitlines()[0]
