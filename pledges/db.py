"""Opening a ledger: the engine, SQLite pragmas, creating the schema, the clock.

``Ledger`` is what every domain and workflow function receives: the engine plus an injected
clock (``now`` returns an aware UTC datetime; tests pass a fixed one).
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event, insert, select
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError, ProgrammingError
from sqlmodel import Session, create_engine

from pledges import models
from pledges.errors import (DatabaseFailed, DatabaseUnavailable, EmptyDatabaseUrl, NeedsUpgrade, NotInitialised,
                            SchemaMismatch, UnsupportedDatabase)

DEFAULT_URL = "sqlite:///pledges.db"
SUPPORTED = ("sqlite", "postgresql")  # the databases the ledger runs on, and is tested on
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def normalise_url(url: str | None) -> str:
    """``None`` → the default file; a bare path → SQLite; ``postgresql://`` → psycopg 3.
    An empty text is refused: it is a mistake, not a wish for the default."""
    if url is None:
        return DEFAULT_URL
    if not url.strip():
        raise EmptyDatabaseUrl()
    if "://" not in url:
        return f"sqlite:///{Path(url)}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def parse_url(url: str) -> URL:
    """The URL of a database the ledger supports, or a one-line refusal naming those it does."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise UnsupportedDatabase(url=url) from None
    if parsed.get_backend_name() not in SUPPORTED:
        raise UnsupportedDatabase(url=parsed.render_as_string(hide_password=True))
    return parsed


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    return parse_url(url).render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for PostgreSQL, memory and URI-style names)."""
    parsed = parse_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:" or parsed.query.get("uri"):
        return None
    return Path(name)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    sqlite = parse_url(url).get_backend_name() == "sqlite"
    try:
        engine = create_engine(url, **({"connect_args": {"timeout": 10}} if sqlite else {"pool_pre_ping": False}))
    except (ImportError, NoSuchModuleError, ArgumentError):  # a driver that is not installed
        raise UnsupportedDatabase(url=shown_url(url)) from None
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@contextmanager
def database_errors() -> Iterator[None]:
    """Any error of the database driver as ``DatabaseFailed``: one line for people, the driver's
    exception as its ``__cause__``.  ``Ledger.session`` runs every session in it; code that
    uses the engine directly (a bulk load on a raw connection) can too."""
    try:
        yield
    except DBAPIError as err:
        raise DatabaseFailed(detail=_first_line(err)) from err


class Ledger:
    """A pledge ledger in one database, with the clock its changes are stamped by.

    ``create=False`` (what every command but ``init`` and ``demo`` opens) never creates a
    SQLite file: a mistyped path is refused as "not a ledger" and leaves nothing behind."""

    def __init__(self, url: str | None = None, clock: Clock = utc_now, engine: Engine | None = None,
                 create: bool = True):
        self.url = normalise_url(url)
        self.engine = engine or make_engine(self.url)  # connects only when first used
        path = None if create or engine else sqlite_file(self.url)
        if path is not None and not path.is_file():
            raise NotInitialised(url=shown_url(self.url))
        self.clock = clock
        self._reached = False

    def now(self) -> datetime:
        return self.clock()

    def today(self, tz: str = models.DEFAULT_TIMEZONE) -> date:
        return self.now().astimezone(ZoneInfo(tz)).date()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error.

        This is where database errors become ledger errors, once for every caller: a database
        that cannot be opened is ``DatabaseUnavailable``, any other driver error
        ``DatabaseFailed`` (both one line; the driver's exception is their ``__cause__``)."""
        self.reachable()
        with Session(self.engine, expire_on_commit=False) as session:
            with database_errors():
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise

    def reachable(self) -> None:
        """Connect once (the pool keeps the connection): a database that cannot be opened is
        ``DatabaseUnavailable`` rather than an error of the first statement."""
        if self._reached:
            return
        try:
            with self.engine.connect():
                self._reached = True
        except DBAPIError as err:
            raise DatabaseUnavailable(url=shown_url(self.url), detail=_first_line(err)) from err

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
                connection.execute(insert(models.Meta).values(key="ledger_id", value=uuid.uuid4().hex))
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
    lines = str(getattr(err, "orig", err)).strip().splitlines()
    return lines[0] if lines else err.__class__.__name__
