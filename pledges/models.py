"""The ledger's tables.

Counts are integers; times are stored in UTC (``UTCDateTime``), days as dates in the
campaign's time zone.  Vocabulary columns hold the code names of ``pledges.vocab``.
``table=True`` models do not validate on construction: input is validated in
``pledges.entries`` before it reaches them.
"""

from datetime import date, datetime, timezone

from sqlalchemy import DDL, DateTime, ForeignKey, Index, Text, UniqueConstraint, event
from sqlalchemy.orm import declared_attr
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from pledges import chain as _chain

DEFAULT_TIMEZONE = "Asia/Shanghai"
# The schema's version: the number of the newest Alembic revision (pledges/migrations/versions/
# NNNN_*.py); every change to these tables is a new revision with a test (docs/upgrading.md).
# 2: reminders (contacts, thresholds, outbox); 3: pledge.last_progress_on, approved_on;
# 4: people, role grants, ratings by rater group, campaign weights and lint setting;
# 5: frozen pledge scores and survey answers (the evaluation visit);
# 6: member and organisation moves (pledge_transfer, org_transfer, member.left_on);
# 7: the audit history's hash chain (audit_event.login and .hash, PostgreSQL's stamping trigger).
SCHEMA_VERSION = 8
MAX_INT = 2**31 - 1  # the largest INTEGER on PostgreSQL; SQLite would take more, silently
FIRST_YEAR, LAST_YEAR = 2000, 2100  # campaign years the ledger accepts


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on both databases (SQLite drops tzinfo; PostgreSQL keeps it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


# Constraint names as PostgreSQL gives unnamed ones (so the DDL of schema 3 is unchanged there),
# and written into SQLite's DDL too, so a migration in batch mode can name what it drops.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "fk": "%(table_name)s_%(column_0_N_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}


def _fk(target: str, **kw):
    return Field(sa_column_args=[ForeignKey(target)], **kw)


def _utc(**kw):
    return Field(sa_type=UTCDateTime, **kw)


class Meta(SQLModel, table=True):
    """Key/value facts about the ledger itself (schema version)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str


class Campaign(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(unique=True)
    name: str
    timezone: str = DEFAULT_TIMEZONE
    starts: date
    ends: date
    created_at: datetime = _utc()
    # --- reminder thresholds, in days (issue 4) ---
    due_soon_days: int = 7
    stalled_days: int = 30
    display_wait_days: int = 3
    evaluation_wait_days: int = 14
    escalation_days: int = 14
    # --- evaluation (issue 13): rater-group weights as JSON ({"organisation": 0.4, ...}), None
    # for the defaults of docs/evaluation.md; lint findings refuse add/submit when set ---
    weights: str | None = Field(default=None, sa_type=Text)
    lint_refuses: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class Organisation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str
    kind: str = Field(max_length=16)
    parent_id: int | None = _fk("organisation.id", default=None, index=True)
    created_at: datetime = _utc()
    # --- contact for reminders (issue 4): the secretary, and the branch's group robot ---
    secretary: str | None = None
    email: str | None = None
    webhook: str | None = None


class OrgClosure(SQLModel, table=True):
    """Every (ancestor, descendant) pair of the hierarchy, itself included at depth 0.

    Subtree scopes and roll-ups join through this table instead of walking the tree."""

    __tablename__ = "org_closure"
    ancestor_id: int = Field(sa_column_args=[ForeignKey("organisation.id")], primary_key=True)
    descendant_id: int = Field(sa_column_args=[ForeignKey("organisation.id")], primary_key=True, index=True)
    depth: int


class Member(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=64)
    name: str
    org_id: int = _fk("organisation.id", index=True)
    created_at: datetime = _utc()
    # --- contact for reminders (issue 4) ---
    email: str | None = None
    left_on: date | None = None  # the day the member left (member leave); kept for the history


class PledgeContentBase(SQLModel):
    """What a pledge promises: shared by the pledge, its earlier versions and the input model."""

    title: str
    content: str = ""
    category: str | None = None
    target: int | None = None
    unit: str | None = None
    qualitative: bool = False
    criterion: str | None = None


class Pledge(PledgeContentBase, table=True):
    """A pledge (承诺事项).  ``org_id`` is the owning organisation, or the member's organisation
    for a member pledge.  ``version`` is bumped by every change; an UPDATE that finds another
    version is refused (two people changing the same pledge at once)."""

    __table_args__ = (
        # Covers every column the figures read, so the dashboard's GROUP BY org_id scans this
        # index alone (on SQLite 3x faster than visiting 250,000 rows).
        Index("ix_pledge_figures", "campaign_id", "org_id", "state", "outcome", "due", "original_due",
              "finished_on", "member_id", "done", "target", "qualitative"),
        Index("ix_pledge_state_due", "state", "due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = _fk("campaign.id")
    org_id: int = _fk("organisation.id")
    member_id: int | None = _fk("member.id", default=None, index=True)
    due: date
    original_due: date
    state: str = Field(max_length=16)
    outcome: str | None = Field(default=None, max_length=16)
    finished_on: date | None = None
    done: int = 0
    last_progress_on: date | None = None  # the latest progress record's day (the stalled rule reads it)
    approved_on: date | None = None  # the day of the latest approval (the awaiting-display rule reads it)
    created_at: datetime = _utc()
    updated_at: datetime = _utc()
    version: int = Field(default=1, nullable=False)

    @declared_attr
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class PledgeVersion(PledgeContentBase, table=True):
    """The content a pledge had before an amendment; stays visible in its history."""

    __tablename__ = "pledge_version"
    __table_args__ = (UniqueConstraint("pledge_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = _fk("pledge.id", index=True)
    number: int
    replaced_at: datetime = _utc()
    actor: str
    reason: str


class ProgressRecord(SQLModel, table=True):
    __tablename__ = "progress_record"

    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = _fk("pledge.id", index=True)
    day: date
    amount: int = 0
    note: str | None = None
    evidence: str | None = None
    actor: str
    recorded_at: datetime = _utc()


class DisplayRecord(SQLModel, table=True):
    __tablename__ = "display_record"

    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = _fk("pledge.id", index=True)
    channel: str = Field(max_length=16)
    place: str | None = None
    day: date
    actor: str
    recorded_at: datetime = _utc()


class Evaluation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = _fk("pledge.id", index=True)
    rater_group: str = Field(max_length=16)
    grade: str = Field(max_length=16)
    comment: str | None = None
    actor: str
    recorded_at: datetime = _utc()


class AuditEvent(SQLModel, table=True):
    """Append-only record of every change (database triggers refuse UPDATE and DELETE).

    For pledges it also carries the figures' inputs as they stood after the change
    (``due_after``, ``done_after``, ``outcome_after``), so any day can be replayed."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc(index=True)
    effective_on: date
    actor: str
    entity: str = Field(max_length=16)
    entity_id: int
    trigger: str = Field(max_length=32)
    from_state: str | None = Field(default=None, max_length=16)
    to_state: str | None = Field(default=None, max_length=16)
    reason: str | None = Field(default=None, sa_type=Text)
    due_after: date | None = None
    done_after: int | None = None
    outcome_after: str | None = Field(default=None, max_length=16)
    detail: str | None = Field(default=None, sa_type=Text)
    # --- the hash chain (issue 10, docs/audit.md, pledges/chain.py): the database login that
    # wrote the event (PostgreSQL; none on SQLite) and the SHA-256 linking it to the one before ---
    login: str | None = Field(default=None, max_length=63)
    hash: str | None = Field(default=None, max_length=64)


# --- reminders (issue 4) ------------------------------------------------------------------

# The stalled rule asks for each pledge's last progress day: a covering index answers it.
Index("ix_progress_pledge_day", ProgressRecord.pledge_id, ProgressRecord.day)


class Reminder(SQLModel, table=True):
    """The outbox: one notice about a pledge, keyed by (pledge, rule, period) so a scan run twice,
    or by two processes at once, never creates a second one.  ``period`` is a day that names the
    "once per …" of the rule (workflows/reminders.py); ``day`` is the scan day it was found on.
    Delivery claims a pending row (``claimed_until``), tries each channel, and records the
    attempt; ``delivered`` lists the channels already done, so a retry does not repeat them."""

    __table_args__ = (
        UniqueConstraint("pledge_id", "rule", "period", name="uq_reminder_pledge_rule_period"),
        Index("ix_reminder_state_next", "state", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = _fk("pledge.id")
    rule: str = Field(max_length=24)
    period: date
    day: date
    state: str = Field(default="pending", max_length=16)
    attempts: int = 0
    delivered: str = ""
    last_error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = _utc()
    next_attempt_at: datetime = _utc()
    claimed_until: datetime | None = _utc(default=None)
    claim: str | None = Field(default=None, max_length=32)  # the claiming pass's token
    sent_at: datetime | None = _utc(default=None)


class ReminderAttempt(SQLModel, table=True):
    """One try of one channel for one reminder: kept, whether it worked or not."""

    __tablename__ = "reminder_attempt"

    id: int | None = Field(default=None, primary_key=True)
    reminder_id: int = _fk("reminder.id", index=True)
    channel: str = Field(max_length=16)
    target: str | None = None
    at: datetime = _utc()
    ok: bool
    error: str | None = Field(default=None, sa_type=Text)


class SchedulerLease(SQLModel, table=True):
    """Who runs ``pledges remind serve`` on this database, until when: one scheduler at a time."""

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=32)
    holder: str
    expires_at: datetime = _utc()


# --- end of reminders ------------------------------------------------------------------------

# --- people and grants (issue 10, docs/roles.md) -----------------------------------------------

class Person(SQLModel, table=True):
    """A user of the ledger.  ``name`` is what ``--as`` names; ``login`` is the person's own
    PostgreSQL role (``user add --login``); ``member_id`` ties a 党员 user to their member row,
    so "their own pledges" can be asked."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    login: str | None = Field(default=None, unique=True, max_length=63)
    member_id: int | None = _fk("member.id", default=None, index=True)
    created_at: datetime = _utc()
    created_by: str


class RoleGrant(SQLModel, table=True):
    """One role of one person on one organisation, valid in its whole subtree."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("person_id", "role", "org_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = _fk("person.id", index=True)
    role: str = Field(max_length=16)
    org_id: int = _fk("organisation.id", index=True)
    granted_by: str
    granted_at: datetime = _utc()


# --- ratings (issue 13, docs/evaluation.md; the public board's form, issue 14) -----------------

class Rating(SQLModel, table=True):
    """One rater group's grade of a pledge: ``count`` ballots of the same grade (tallied paper
    ballots are one row).  ``status`` is ``recorded`` for ratings entered by people with the
    right, ``pending`` / ``approved`` / ``rejected`` for the public board's form, which a
    secretary moderates; only recorded and approved ratings count.  ``origin`` is a keyed hash
    of the submitting address (the board's rate limit), never the address itself."""

    __table_args__ = (Index("ix_rating_pledge_group", "pledge_id", "rater_group", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = _fk("pledge.id")
    rater_group: str = Field(max_length=16)
    grade: str = Field(max_length=16)
    count: int = 1
    comment: str | None = Field(default=None, sa_type=Text)
    actor: str
    status: str = Field(default="recorded", max_length=16)
    source: str = Field(default="cli", max_length=16)
    origin: str | None = Field(default=None, max_length=64)
    recorded_at: datetime = _utc()
    moderated_by: str | None = None
    moderated_at: datetime | None = _utc(default=None)



# --- the evaluation visit (issue 13, docs/evaluation.md) ---------------------------------------

class PledgeScore(SQLModel, table=True):
    """A pledge's score and final grade as they stood when it was evaluated (``evaluate``):
    frozen, so ratings recorded later do not change them (``pledges.scores``)."""

    __tablename__ = "pledge_score"

    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(sa_column_args=[ForeignKey("pledge.id")], unique=True)
    score: float
    grade: str = Field(max_length=16)
    frozen_at: datetime = _utc()
    actor: str


class SurveyAnswer(SQLModel, table=True):
    """One respondent's questionnaire answers about one unit (``visit survey import``).
    ``aware``: knows the unit's pledges (None: not answered); ``satisfaction`` a public grade
    (satisfied / fair / unsatisfied, None: not answered)."""

    __tablename__ = "survey_answer"

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = _fk("campaign.id")
    org_id: int = _fk("organisation.id", index=True)
    respondent_group: str = Field(max_length=16)
    aware: bool | None = None
    satisfaction: str | None = Field(default=None, max_length=16)
    suggestion: str | None = Field(default=None, sa_type=Text)
    source: str
    row: int
    actor: str
    imported_at: datetime = _utc()



_APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
]
_APPEND_ONLY_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]
for _sql in _APPEND_ONLY_SQLITE:
    event.listen(AuditEvent.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
for _sql in _APPEND_ONLY_POSTGRESQL + _chain.POSTGRESQL_DDL:
    event.listen(AuditEvent.__table__, "after_create", DDL(_sql).execute_if(dialect="postgresql"))


# --- members and organisations that move (issue 11, words) -------------------------------------


class PledgeTransfer(SQLModel, table=True):
    """A pledge that moved with its member to another organisation: where it was before ``at``.
    Figures of a day before ``at`` count the pledge at ``from_org_id`` (pledges.queries.standing)."""

    __tablename__ = "pledge_transfer"
    __table_args__ = (Index("ix_pledge_transfer_pledge_at", "pledge_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = _fk("pledge.id")
    at: datetime = _utc()
    from_org_id: int = _fk("organisation.id")
    to_org_id: int = _fk("organisation.id")


class OrgTransfer(SQLModel, table=True):
    """An organisation moved under another parent at ``at``: the hierarchy of an earlier day is
    rebuilt from these (pledges.orgs.closure_as_of)."""

    __tablename__ = "org_transfer"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = _fk("organisation.id")
    at: datetime = _utc(index=True)
    from_parent_id: int | None = _fk("organisation.id", default=None)
    to_parent_id: int | None = _fk("organisation.id", default=None)
