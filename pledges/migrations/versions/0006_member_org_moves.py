"""Schema version 6: members and organisations that move (issue 11).  A member can leave
(``member.left_on``); a pledge that moves with its member, and an organisation that moves to
another parent, each leave a row saying where from, so figures of a past day are replayed with
the organisation and hierarchy of that day.  New tables and one added column: nothing is rebuilt.

Revision ID: 0006
Revises: 0005
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pledges.models import UTCDateTime

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pledge_transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("from_org_id", sa.Integer(), nullable=False),
        sa.Column("to_org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["pledge_id"], ["pledge.id"], name=op.f("pledge_transfer_pledge_id_fkey")),
        sa.ForeignKeyConstraint(["from_org_id"], ["organisation.id"], name=op.f("pledge_transfer_from_org_id_fkey")),
        sa.ForeignKeyConstraint(["to_org_id"], ["organisation.id"], name=op.f("pledge_transfer_to_org_id_fkey")),
        sa.PrimaryKeyConstraint("id", name=op.f("pledge_transfer_pkey")),
    )
    op.create_index("ix_pledge_transfer_pledge_at", "pledge_transfer", ["pledge_id", "at"], unique=False)
    op.create_table(
        "org_transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("from_parent_id", sa.Integer(), nullable=True),
        sa.Column("to_parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"], name=op.f("org_transfer_org_id_fkey")),
        sa.ForeignKeyConstraint(["from_parent_id"], ["organisation.id"], name=op.f("org_transfer_from_parent_id_fkey")),
        sa.ForeignKeyConstraint(["to_parent_id"], ["organisation.id"], name=op.f("org_transfer_to_parent_id_fkey")),
        sa.PrimaryKeyConstraint("id", name=op.f("org_transfer_pkey")),
    )
    op.create_index(op.f("ix_org_transfer_at"), "org_transfer", ["at"], unique=False)
    with op.batch_alter_table("member") as batch_op:  # ADD COLUMN on both: nothing rebuilt
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member") as batch_op:
        batch_op.drop_column("left_on")
    op.drop_index(op.f("ix_org_transfer_at"), table_name="org_transfer")
    op.drop_table("org_transfer")
    op.drop_index("ix_pledge_transfer_pledge_at", table_name="pledge_transfer")
    op.drop_table("pledge_transfer")
