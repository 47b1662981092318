"""Schema version 8: PostgreSQL's audit trigger links a transaction's events after the head it
keeps, instead of reading the head from the table for every row (issue 12: it was most of a
large import's time).  The statement trigger reads the head once per INSERT or COPY and keeps it
in a transaction-local setting (``pledges.chain.HEAD_SETTING``); each row links after it and
moves it.  The canonical text is spelt with fewer calls (integers, days and times need no
``to_json``).  The same text, hashes, times and logins as before (docs/audit.md).  Nothing changes on
SQLite, where the program links the events; the version moves on both.

Revision ID: 0008
Revises: 0007
"""
from collections.abc import Sequence

from alembic import op

from pledges import chain

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPLACED = ("audit_event_canonical(prev text, e audit_event)", "audit_event_serialise()", "audit_event_stamp()")
# The three functions as revision 0007 made them, for the downgrade.
PREVIOUS = [
    'CREATE OR REPLACE FUNCTION audit_event_canonical(prev text, e audit_event) RETURNS text LANGUAGE sql STABLE AS $$ SELECT \'[\' || coalesce(to_json(prev)::text, \'null\') || \',\' || coalesce(to_json(e.id)::text, \'null\') || \',\' || coalesce(to_json(pg_catalog.to_char(e.at AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\'))::text, \'null\') || \',\' || coalesce(to_json(pg_catalog.to_char(e.effective_on, \'YYYY-MM-DD\'))::text, \'null\') || \',\' || coalesce(to_json(e.actor)::text, \'null\') || \',\' || coalesce(to_json(e.login)::text, \'null\') || \',\' || coalesce(to_json(e.entity)::text, \'null\') || \',\' || coalesce(to_json(e.entity_id)::text, \'null\') || \',\' || coalesce(to_json(e.trigger)::text, \'null\') || \',\' || coalesce(to_json(e.from_state)::text, \'null\') || \',\' || coalesce(to_json(e.to_state)::text, \'null\') || \',\' || coalesce(to_json(e.reason)::text, \'null\') || \',\' || coalesce(to_json(pg_catalog.to_char(e.due_after, \'YYYY-MM-DD\'))::text, \'null\') || \',\' || coalesce(to_json(e.done_after)::text, \'null\') || \',\' || coalesce(to_json(e.outcome_after)::text, \'null\') || \',\' || coalesce(to_json(e.detail)::text, \'null\') || \']\' $$',
    'CREATE OR REPLACE FUNCTION audit_event_serialise() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock(7474650000000 + TG_RELID::bigint); RETURN NULL; END $$',
    "CREATE OR REPLACE FUNCTION audit_event_stamp() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$ DECLARE head record; kept boolean; BEGIN kept := coalesce(current_setting('pledges.keep_stamps', true), '') = 'on' AND pg_has_role((SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER'); IF kept AND NEW.hash IS NOT NULL THEN RETURN NEW; END IF; SELECT * INTO head FROM audit_event_head(); IF NOT kept AND NEW.id <= head.id THEN RAISE EXCEPTION USING MESSAGE = 'audit_event ids only grow: ' || NEW.id || ' after ' || head.id; END IF; IF NOT kept OR NEW.at IS NULL THEN NEW.at := greatest(clock_timestamp(), head.at); END IF; IF NOT kept OR NEW.login IS NULL THEN NEW.login := current_user; END IF; NEW.hash := encode(sha256(convert_to(audit_event_canonical(coalesce(head.hash, '0000000000000000000000000000000000000000000000000000000000000000'), NEW), 'UTF8')), 'hex'); RETURN NEW; END $$",
]


def _functions(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith("CREATE OR REPLACE FUNCTION")
            and any(f"FUNCTION {name}" in s for name in REPLACED)]


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for statement in _functions(chain.POSTGRESQL_DDL):
            connection.exec_driver_sql(statement)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for statement in PREVIOUS:
            connection.exec_driver_sql(statement)
