"""The ledger's vocabularies (docs/lifecycle.md, docs/figures.md): code names stored in the database.

Members are named exactly as their values, so the code name is the same in Python, in the
database, in JSON and in the lifecycle diagram.  Chinese and English labels live in
``pledges.i18n``.
"""

from enum import StrEnum


class State(StrEnum):
    draft = "draft"
    submitted = "submitted"
    approved = "approved"
    displayed = "displayed"
    in_progress = "in_progress"
    fulfilled = "fulfilled"
    unfulfilled = "unfulfilled"
    evaluated = "evaluated"
    withdrawn = "withdrawn"


class Kind(StrEnum):
    committee = "committee"
    organ = "organ"
    village = "village"
    community = "community"
    enterprise = "enterprise"
    social = "social"
    institution = "institution"
    soe = "soe"
    school = "school"
    other = "other"


class Channel(StrEnum):
    board = "board"
    website = "website"
    meeting = "meeting"
    household = "household"
    post = "post"
    stall = "stall"


class Grade(StrEnum):
    excellent = "excellent"
    good = "good"
    passed = "pass"
    fail = "fail"


class RaterGroup(StrEnum):
    self_ = "self"
    organisation = "organisation"
    members = "members"
    public = "public"


class PublicGrade(StrEnum):
    """What the public (群众评) answers: 满意 / 基本满意 / 不满意."""

    satisfied = "satisfied"
    fair = "fair"
    unsatisfied = "unsatisfied"


class Outcome(StrEnum):
    fulfilled = "fulfilled"
    unfulfilled = "unfulfilled"


# Derived, not stored (docs/lifecycle.md): a pledge is overdue when its due date has passed in one of these.
ACTIVE = frozenset({State.approved, State.displayed, State.in_progress})

# The state sets the figures are defined by (docs/figures.md).
NOT_DECLARED = frozenset({State.draft, State.withdrawn})
FINISHED = frozenset({State.fulfilled, State.unfulfilled, State.evaluated})
DISPLAYED_OR_LATER = frozenset({State.displayed, State.in_progress}) | FINISHED
APPROVED_OR_LATER = DISPLAYED_OR_LATER | {State.approved}
WORKING = frozenset({State.displayed, State.in_progress})  # the pledges whose progress is averaged

# --- reminders (issue 4) ---------------------------------------------------------------------


class Rule(StrEnum):
    """The reminder rules of workflows/reminders.py."""

    due_soon = "due_soon"
    overdue = "overdue"
    stalled = "stalled"
    awaiting_display = "awaiting_display"
    awaiting_evaluation = "awaiting_evaluation"
    escalation = "escalation"


class ReminderState(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"
    cancelled = "cancelled"  # the pledge stopped qualifying before the reminder went out

# --- people and grants (issue 10, docs/roles.md) ----------------------------------------------


class Role(StrEnum):
    """What a person may do, granted on one organisation and valid in its whole subtree
    (labels: 管理员 组织部门 书记 党员 点评组 查看; the rules are workflows/authority.py)."""

    admin = "admin"
    organiser = "organiser"
    secretary = "secretary"
    member = "member"
    evaluator = "evaluator"
    viewer = "viewer"


# --- choices of the command line (issue 11, words) ---------------------------------------------


class Format(StrEnum):
    """The output formats a command offers (each command takes a few of them)."""

    table = "table"
    json = "json"
    csv = "csv"
    text = "text"
    mermaid = "mermaid"
    xlsx = "xlsx"


class Breakdown(StrEnum):
    """What ``dashboard --by`` splits the figures by."""

    kind = "kind"
    category = "category"


class Scale(StrEnum):
    """The sizes of the demo ledger."""

    small = "small"
    city = "city"


# Every vocabulary a command-line option may offer as a choice, in the order a set of choices is
# matched to one (the first whose values hold them all): a choice option of the CLI takes the code
# name or either label of ``pledges.i18n.LABELS``.
CHOICES: tuple[type[StrEnum], ...] = (State, Kind, Channel, Grade, PublicGrade, RaterGroup, Outcome, Rule,
                                      ReminderState, Role, Format, Breakdown, Scale)


def vocabulary_of(values) -> type[StrEnum] | None:
    """The vocabulary of ``CHOICES`` that holds every one of ``values`` (None if there is none)."""
    wanted = {str(value) for value in values}
    for enum_type in CHOICES:
        if wanted <= {member.value for member in enum_type}:
            return enum_type
    return None
