"""Alembic's environment for the ledger: one chain of revisions for SQLite and PostgreSQL.

``pledges upgrade`` (pledges/schema.py) hands in an open connection whose transaction holds
the whole upgrade, DDL included, so a run killed half-way leaves the ledger as it was.  Run by
hand (``alembic revision --autogenerate``, see docs/upgrading.md) it opens ``PLEDGES_DB``.
After the revisions, ``meta.schema_version`` is set to the number of the revision reached, so
an older ``pledges`` that only knows that row refuses the ledger instead of misreading it."""

import os

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

from pledges.models import UTCDateTime  # and every table is registered on SQLModel.metadata

config = context.config
target_metadata = SQLModel.metadata


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters a table by copying it; the same script on both
        transactional_ddl=True,
        compare_type=True,
        render_item=_render_item,
        on_version_apply=config.attributes.get("on_version_apply"),
    )
    with context.begin_transaction():
        context.run_migrations()
        _record_version(connection)


def _render_item(kind, obj, _autogen_context):
    """Revisions spell a UTC time column as the plain type it is stored as, not our class."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _record_version(connection) -> None:
    revision = context.get_context().get_current_revision()
    if revision is None or not connection.dialect.has_table(connection, "meta"):
        return
    connection.execute(text("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(int(revision))})


if context.is_offline_mode():
    raise SystemExit("the ledger's migrations run online only: pledges upgrade")
elif (connection := config.attributes.get("connection")) is not None:
    run(connection)
else:
    from pledges.schema import transactional_engine

    engine = transactional_engine(os.environ.get("PLEDGES_DB") or config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        run(connection)
