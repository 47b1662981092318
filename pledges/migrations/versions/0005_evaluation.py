"""Schema version 5: the evaluation visit (issue 13): a pledge's score frozen when it is evaluated
(``pledge_score``), questionnaire answers (``survey_answer``), and the organisation grades of
``evaluation`` moved into ``rating`` (the one table of ratings; ``evaluation`` stays, empty).

Revision ID: 0005
Revises: 0004
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from pledges.models import UTCDateTime

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MOVED = "evaluation"  # rating.source of the rows moved from the evaluation table


def upgrade() -> None:
    op.create_table(
        "pledge_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(length=16), nullable=False),
        sa.Column("frozen_at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["pledge_id"], ["pledge.id"], name=op.f("pledge_score_pledge_id_fkey")),
        sa.PrimaryKeyConstraint("id", name=op.f("pledge_score_pkey")),
        sa.UniqueConstraint("pledge_id", name=op.f("pledge_score_pledge_id_key")),
    )
    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("respondent_group", sa.String(length=16), nullable=False),
        sa.Column("aware", sa.Boolean(), nullable=True),
        sa.Column("satisfaction", sa.String(length=16), nullable=True),
        sa.Column("suggestion", sa.Text(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("survey_answer_campaign_id_fkey")),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"], name=op.f("survey_answer_org_id_fkey")),
        sa.PrimaryKeyConstraint("id", name=op.f("survey_answer_pkey")),
    )
    op.create_index(op.f("ix_survey_answer_org_id"), "survey_answer", ["org_id"], unique=False)
    op.execute(
        "INSERT INTO rating (pledge_id, rater_group, grade, count, comment, actor, status, source, recorded_at) "
        f"SELECT pledge_id, rater_group, grade, 1, comment, actor, 'recorded', '{MOVED}', recorded_at "
        "FROM evaluation ORDER BY id")
    op.execute("DELETE FROM evaluation")


def downgrade() -> None:
    op.execute(
        "INSERT INTO evaluation (pledge_id, rater_group, grade, comment, actor, recorded_at) "
        "SELECT pledge_id, rater_group, grade, comment, actor, recorded_at FROM rating "
        "WHERE rater_group = 'organisation' AND status = 'recorded' ORDER BY id")
    op.execute("DELETE FROM rating WHERE rater_group = 'organisation' AND status = 'recorded'")
    op.drop_index(op.f("ix_survey_answer_org_id"), table_name="survey_answer")
    op.drop_table("survey_answer")
    op.drop_table("pledge_score")
