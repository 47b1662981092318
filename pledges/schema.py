"""The ledger's schema over time: the Alembic revisions in ``pledges/migrations``, one chain for
SQLite and PostgreSQL, numbered like ``meta.schema_version`` (revision ``0003`` is version 3).

A new ledger is created from the models and stamped at the newest revision; ``upgrade`` runs
the missing revisions in one transaction (DDL included, on both databases).  A ledger made
before the revisions existed (``meta.schema_version`` 3 and no ``alembic_version`` table) is
recognised and stamped at the first revision on the way."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, event, select, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel, create_engine

from pledges import models

MIGRATIONS = Path(__file__).parent / "migrations"
FIRST = "0003"  # the schema this chain starts from: every ledger made before it is at version 3
HEAD = f"{models.SCHEMA_VERSION:04d}"
Progress = Callable[[str, int, int], None]

# What Alembic keeps, spelt as Alembic creates it, so a new ledger is stamped without loading
# the revision scripts (a test holds the two equal).
VERSION_TABLE = Table("alembic_version", MetaData(), Column("version_num", String(32), nullable=False),
                      PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))


def transactional_engine(url: str, immediate: bool = True) -> Engine:
    """An engine whose transactions hold DDL too.  pysqlite commits before DDL on its own:
    here it is told to keep out and ``BEGIN`` is sent by hand (SQLAlchemy's documented recipe).
    Foreign keys stay off on SQLite, as a batch migration rebuilds referenced tables; whoever
    loads rows checks them before committing (``check_foreign_keys``).  ``immediate`` takes
    SQLite's write lock at BEGIN; a reader passes False and keeps one snapshot throughout."""
    from pledges.db import normalise_url

    url = normalise_url(url)
    if not url.startswith("sqlite"):
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA busy_timeout=30000")

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def check_foreign_keys(connection: Connection) -> None:
    """On SQLite, where the loads run with foreign keys off: refuse to commit dangling ids."""
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
        if broken is not None:
            raise RuntimeError(f"foreign key check failed: {tuple(broken)}")


def create_schema(connection: Connection) -> None:
    """Every table, index and trigger of the newest schema, stamped at ``HEAD``; no rows."""
    SQLModel.metadata.create_all(connection)
    VERSION_TABLE.create(connection, checkfirst=True)
    connection.execute(VERSION_TABLE.insert().values(version_num=HEAD))


def stored_revision(connection: Connection) -> str | None:
    """The revision a ledger is at: ``alembic_version``, or ``FIRST`` for a ledger made before
    the revisions (``meta.schema_version`` 3); ``None`` when the database holds no ledger."""
    dialect = connection.dialect
    if dialect.has_table(connection, "alembic_version"):
        if (revision := connection.scalar(select(VERSION_TABLE.c.version_num))) is not None:
            return revision
    if not dialect.has_table(connection, "meta"):
        return None
    version = connection.scalar(text("SELECT value FROM meta WHERE key = 'schema_version'"))
    return f"{int(version):04d}" if version is not None else None


def alembic_config(connection: Connection | None = None, on_step: Callable | None = None,
                   version_locations: tuple[str, ...] = ()):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if version_locations:
        config.set_main_option("version_locations", " ".join([str(MIGRATIONS / "versions"), *version_locations]))
        config.set_main_option("path_separator", "space")
    config.attributes.update(connection=connection, on_version_apply=on_step)
    return config


@dataclass
class Plan:
    """What ``upgrade`` would do: the revision found, the revisions to apply, and whether the
    ledger predates the revisions and must be stamped first."""

    current: str
    steps: list[str]
    stamp: bool
    head: str


def plan(connection: Connection, version_locations: tuple[str, ...] = ()) -> Plan | None:
    """``None`` when the database holds no ledger; raises ``LedgerTooNew`` for a revision this
    program does not know."""
    from alembic.script import ScriptDirectory

    from pledges.errors import LedgerTooNew

    current = stored_revision(connection)
    if current is None:
        return None
    script = ScriptDirectory.from_config(alembic_config(version_locations=version_locations))
    known = [rev.revision for rev in script.walk_revisions()]
    if current not in known:
        raise LedgerTooNew(found=int(current) if current.isdigit() else current, known=script.get_current_head())
    steps = [rev.revision for rev in script.iterate_revisions(script.get_current_head(), current)]
    stamp = not connection.dialect.has_table(connection, "alembic_version")
    return Plan(current, list(reversed(steps)), stamp, script.get_current_head())


def _drop_policies(connection: Connection) -> None:
    """Row-level security policies (``pledges secure``, docs/deployment.md) name columns, so a
    revision that alters one would fail on them.  They go for the migration; ``pledges upgrade``
    puts them back (``pgsecurity.secure_again``).  Meanwhile a person's login, with row-level
    security on and no policy, reads and writes nothing: never more than before."""
    quote = connection.dialect.identifier_preparer.quote_identifier
    found = connection.execute(text("SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema()"))
    for table, policy in found.all():
        connection.exec_driver_sql(f"DROP POLICY {quote(policy)} ON {quote(table)}")


def migrate(connection: Connection, target: str = "heads", progress: Progress | None = None,
            version_locations: tuple[str, ...] = (), downgrade: bool = False) -> None:
    """Run the revisions up (or down) to ``target`` inside the caller's transaction."""
    from alembic import command

    todo = plan(connection, version_locations)
    if connection.dialect.name == "postgresql":
        _drop_policies(connection)
    if todo is not None and todo.stamp:
        VERSION_TABLE.create(connection)
        connection.execute(VERSION_TABLE.insert().values(version_num=todo.current))
    total = len(todo.steps) if todo else 0
    done = [0]

    def on_step(ctx, step, heads, run_args):
        done[0] += 1
        if progress:
            progress("upgrade", done[0], max(total, done[0]))

    config = alembic_config(connection, on_step, version_locations)
    (command.downgrade if downgrade else command.upgrade)(config, target)
