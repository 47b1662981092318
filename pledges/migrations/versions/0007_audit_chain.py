"""Schema version 7: the audit history's hash chain (issue 10, docs/audit.md).

``audit_event`` gains ``login`` (the database login that wrote the event; none for the events
already there, nor on SQLite) and ``hash``, computed here over the events already there in id
order (the append-only triggers are set aside for it inside this transaction).  On PostgreSQL
the trigger that stamps and links every new event is created.  ``meta`` gains ``ledger_id``,
the ledger's identity that signed checkpoints name.

Revision ID: 0007
Revises: 0006
"""
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pledges import chain

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 50_000
NO_UPDATE_SQLITE = ("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END")
COLUMNS = ("id", "at", "effective_on", "actor", "entity", "entity_id", "trigger", "from_state", "to_state", "reason",
           "due_after", "done_after", "outcome_after", "detail")


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch_op:  # ADD COLUMN on both: nothing rebuilt
        batch_op.add_column(sa.Column("login", sa.String(length=63), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        connection.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        connection.exec_driver_sql("CREATE TEMPORARY TABLE audit_hash (id integer PRIMARY KEY, hash text) "
                                   "ON COMMIT DROP")
    else:
        connection.exec_driver_sql("DROP TRIGGER audit_event_no_update")
    _link_existing(connection, postgresql)
    if postgresql:
        connection.exec_driver_sql("UPDATE audit_event SET hash = h.hash FROM audit_hash h WHERE audit_event.id = h.id")
        connection.exec_driver_sql("DROP TABLE audit_hash")
        connection.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
        for statement in chain.POSTGRESQL_DDL:
            connection.exec_driver_sql(statement)
    else:
        connection.exec_driver_sql(NO_UPDATE_SQLITE)
    if connection.dialect.has_table(connection, "meta"):
        found = connection.exec_driver_sql("SELECT 1 FROM meta WHERE key = 'ledger_id'").first()
        if found is None:
            connection.execute(sa.text("INSERT INTO meta (key, value) VALUES ('ledger_id', :v)"),
                               {"v": uuid.uuid4().hex})


def _link_existing(connection, postgresql: bool) -> None:
    """Hash the events already there, oldest first, a batch at a time (memory stays flat)."""
    head = chain.GENESIS
    last = 0
    select = (f"SELECT {', '.join(COLUMNS)} FROM audit_event WHERE id > %s ORDER BY id LIMIT {BATCH}" if postgresql
              else f"SELECT {', '.join(COLUMNS)} FROM audit_event WHERE id > ? ORDER BY id LIMIT {BATCH}")
    dbapi = connection.connection.dbapi_connection
    times, days = chain.Texts(chain.at_text), chain.Texts(chain.day_text)
    while True:
        cursor = dbapi.cursor()
        cursor.execute(select, (last,))
        rows = cursor.fetchall()
        cursor.close()
        if not rows:
            return
        hashes = []
        for (event_id, at, effective_on, actor, entity, entity_id, trigger, from_state, to_state, reason, due_after,
             done_after, outcome_after, detail) in rows:
            head = chain.link(head, (event_id, times[at], days[effective_on], actor, None, entity, entity_id, trigger,
                                     from_state, to_state, reason, days[due_after], done_after, outcome_after, detail))
            hashes.append((event_id, head) if postgresql else (head, event_id))
        last = rows[-1][0]
        cursor = dbapi.cursor()
        if postgresql:
            with cursor.copy("COPY audit_hash (id, hash) FROM STDIN") as copy:
                for row in hashes:
                    copy.write_row(row)
        else:
            cursor.executemany("UPDATE audit_event SET hash = ? WHERE id = ?", hashes)
        cursor.close()


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for statement in chain.POSTGRESQL_DROP:
            connection.exec_driver_sql(statement)
    for column in ("hash", "login"):  # SQLite ≥ 3.35 drops a column in place: its triggers stay
        connection.exec_driver_sql(f"ALTER TABLE audit_event DROP COLUMN {column}")
    if connection.dialect.has_table(connection, "meta"):
        connection.exec_driver_sql("DELETE FROM meta WHERE key = 'ledger_id'")
