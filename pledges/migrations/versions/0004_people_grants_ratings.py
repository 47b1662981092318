"""Schema version 4: people and their role grants (issue 10), ratings by rater group with
tallied counts and public-board moderation (issues 13 and 14), and per-campaign rater weights
and lint setting.  New tables and two added columns: nothing is rebuilt.

Revision ID: 0004
Revises: 0003
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pledges.models import UTCDateTime

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("login", sa.String(length=63), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("person_member_id_fkey")),
        sa.PrimaryKeyConstraint("id", name=op.f("person_pkey")),
        sa.UniqueConstraint("login", name=op.f("person_login_key")),
        sa.UniqueConstraint("name", name=op.f("person_name_key")),
    )
    op.create_index(op.f("ix_person_member_id"), "person", ["member_id"], unique=False)
    op.create_table(
        "role_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("granted_by", sa.String(), nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"], name=op.f("role_grant_org_id_fkey")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("role_grant_person_id_fkey")),
        sa.PrimaryKeyConstraint("id", name=op.f("role_grant_pkey")),
        sa.UniqueConstraint("person_id", "role", "org_id", name=op.f("role_grant_person_id_role_org_id_key")),
    )
    op.create_index(op.f("ix_role_grant_org_id"), "role_grant", ["org_id"], unique=False)
    op.create_index(op.f("ix_role_grant_person_id"), "role_grant", ["person_id"], unique=False)
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("rater_group", sa.String(length=16), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("moderated_by", sa.String(), nullable=True),
        sa.Column("moderated_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["pledge_id"], ["pledge.id"], name=op.f("rating_pledge_id_fkey")),
        sa.PrimaryKeyConstraint("id", name=op.f("rating_pkey")),
    )
    op.create_index("ix_rating_pledge_group", "rating", ["pledge_id", "rater_group", "status"], unique=False)
    with op.batch_alter_table("campaign") as batch_op:  # ADD COLUMN on both: nothing rebuilt
        batch_op.add_column(sa.Column("weights", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("lint_refuses", sa.Boolean(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("campaign") as batch_op:
        batch_op.drop_column("lint_refuses")
        batch_op.drop_column("weights")
    op.drop_index("ix_rating_pledge_group", table_name="rating")
    op.drop_table("rating")
    op.drop_index(op.f("ix_role_grant_person_id"), table_name="role_grant")
    op.drop_index(op.f("ix_role_grant_org_id"), table_name="role_grant")
    op.drop_table("role_grant")
    op.drop_index(op.f("ix_person_member_id"), table_name="person")
    op.drop_table("person")
