"""Reminder rules (docs/reminders.md) and the scan that puts what they find into the outbox.

Each rule is a plain function of ``(ledger, now)`` that returns a SELECT of what is due:
``(pledge_id, period, day)``.  ``period`` is the day that makes "once per …" exact, ``day``
the scan day (the pledge's campaign time zone).  The scan runs one
``INSERT … SELECT … ON CONFLICT DO NOTHING`` per rule against the unique key
``(pledge_id, rule, period)``, so running it twice, or in two processes at once, adds nothing.

| rule                | finds                                                        | period (once per …)      |
|---------------------|--------------------------------------------------------------|--------------------------|
| due_soon            | active (approved/displayed/in progress), today ≤ due ≤ today+N | the due date           |
| overdue             | active, due < today                                          | the ISO week (its Monday) |
| stalled             | in progress, last progress day ≤ today − N                   | the last progress day     |
| awaiting_display    | approved, approved on a day < today − N                      | the approval day          |
| awaiting_evaluation | fulfilled/unfulfilled, finished on a day < today − N         | the finishing day         |
| escalation          | active, due < today − N, the owner has a parent organisation | the due date              |

N is the campaign's threshold (``Campaign.due_soon_days`` …).  An extension moves the due date,
so a pledge that becomes due soon or overdue again after one is reminded again."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Select, case, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from pledges.db import Ledger
from pledges.models import Campaign, Organisation, Pledge, Reminder, UTCDateTime
from pledges.vocab import ACTIVE, ReminderState, Rule, State

FINISHED_UNEVALUATED = (State.fulfilled, State.unfulfilled)


@dataclass(frozen=True)
class Calendar:
    """Each campaign's today (in its own time zone) and thresholds, as of one instant."""

    campaigns: list[Campaign]
    now: datetime

    @classmethod
    def of(cls, ledger: Ledger, now: datetime) -> "Calendar":
        with ledger.session() as session:
            return cls(list(session.scalars(select(Campaign))), now)

    def today(self, campaign: Campaign) -> date:
        return self.now.astimezone(ZoneInfo(campaign.timezone)).date()

    def per_campaign(self, value: Callable[[Campaign, date], date]):
        """A SQL date that depends on the pledge's campaign: a literal when all campaigns agree,
        else a CASE on ``pledge.campaign_id`` (still one statement per rule)."""
        values = {c.id: value(c, self.today(c)) for c in self.campaigns}
        if len(set(values.values())) == 1:
            return literal(next(iter(values.values())), Date)
        return case({cid: literal(day, Date) for cid, day in values.items()}, value=Pledge.campaign_id)

    def today_sql(self):
        return self.per_campaign(lambda c, today: today)

    def days_before(self, attribute: str):
        return self.per_campaign(lambda c, today: today - timedelta(days=getattr(c, attribute)))


def _found(calendar: Calendar, period, *where) -> Select:
    return select(Pledge.id.label("pledge_id"), period.label("period"),
                  calendar.today_sql().label("day")).where(*where)


def due_soon(ledger: Ledger, now: datetime) -> Select | None:
    cal = Calendar.of(ledger, now)
    if not cal.campaigns:
        return None
    latest = cal.per_campaign(lambda c, today: today + timedelta(days=c.due_soon_days))
    return _found(cal, Pledge.due, Pledge.state.in_(ACTIVE), Pledge.due >= cal.today_sql(), Pledge.due <= latest)


def overdue(ledger: Ledger, now: datetime) -> Select | None:
    cal = Calendar.of(ledger, now)
    if not cal.campaigns:
        return None
    monday = cal.per_campaign(lambda c, today: today - timedelta(days=today.weekday()))
    return _found(cal, monday, Pledge.state.in_(ACTIVE), Pledge.due < cal.today_sql())


def stalled(ledger: Ledger, now: datetime) -> Select | None:
    cal = Calendar.of(ledger, now)
    if not cal.campaigns:
        return None
    # The pledge keeps its last progress day (the record_progress effect), so this is a plain
    # filter; a correlated MAX over progress_record per pledge in progress cost 0.3 s in the city.
    last = Pledge.last_progress_on
    return _found(cal, last, Pledge.state == State.in_progress, last <= cal.days_before("stalled_days"))


def awaiting_display(ledger: Ledger, now: datetime) -> Select | None:
    cal = Calendar.of(ledger, now)
    if not cal.campaigns:
        return None
    approved_on = Pledge.approved_on  # kept by the approve effect: no audit-log lookup per pledge
    return _found(cal, approved_on, Pledge.state == State.approved,
                  approved_on < cal.days_before("display_wait_days"))


def awaiting_evaluation(ledger: Ledger, now: datetime) -> Select | None:
    cal = Calendar.of(ledger, now)
    if not cal.campaigns:
        return None
    return _found(cal, Pledge.finished_on, Pledge.state.in_(FINISHED_UNEVALUATED),
                  Pledge.finished_on < cal.days_before("evaluation_wait_days"))


def escalation(ledger: Ledger, now: datetime) -> Select | None:
    cal = Calendar.of(ledger, now)
    if not cal.campaigns:
        return None
    return (_found(cal, Pledge.due, Pledge.state.in_(ACTIVE), Pledge.due < cal.days_before("escalation_days"),
                   Organisation.parent_id.is_not(None))
            .join(Organisation, Organisation.id == Pledge.org_id))


RULES: dict[Rule, Callable[[Ledger, datetime], Select | None]] = {
    Rule.due_soon: due_soon,
    Rule.overdue: overdue,
    Rule.stalled: stalled,
    Rule.awaiting_display: awaiting_display,
    Rule.awaiting_evaluation: awaiting_evaluation,
    Rule.escalation: escalation,
}


@dataclass(frozen=True, order=True)
class Due:
    pledge_id: int
    period: date
    day: date


def found(ledger: Ledger, rule: Rule, now: datetime) -> list[Due]:
    """What ``rule`` finds due at ``now`` (whether or not the outbox has it already)."""
    query = RULES[Rule(rule)](ledger, now)
    if query is None:
        return []
    with ledger.session() as session:
        return sorted(Due(*row) for row in session.execute(query))


def _insert(dialect: str):
    return {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]


def outbox_insert(dialect: str, rule: Rule, query: Select, now: datetime):
    """``INSERT INTO reminder … SELECT … ON CONFLICT (pledge_id, rule, period) DO NOTHING``."""
    rows = query.add_columns(literal(rule.value).label("rule"), literal(ReminderState.pending.value).label("state"),
                             literal(now, UTCDateTime).label("created_at"),
                             literal(now, UTCDateTime).label("next_attempt_at"))
    columns = ["pledge_id", "period", "day", "rule", "state", "created_at", "next_attempt_at"]
    return (_insert(dialect)(Reminder).from_select(columns, rows)
            .on_conflict_do_nothing(index_elements=["pledge_id", "rule", "period"])
            .returning(Reminder.id))


def scan(ledger: Ledger, now: datetime | None = None) -> dict[Rule, int]:
    """Put every due reminder into the outbox, one statement per rule, in one transaction.
    Returns how many each rule added (0 for what was already there).  (RETURNING counts them:
    psycopg reports no rowcount for an INSERT … SELECT … ON CONFLICT.)"""
    now = now or ledger.now()
    created = {}
    queries = {rule: make(ledger, now) for rule, make in RULES.items()}
    with ledger.session() as session:
        for rule, query in queries.items():
            if query is None:
                created[rule] = 0
                continue
            result = session.execute(outbox_insert(ledger.engine.dialect.name, rule, query, now))
            created[rule] = len(result.all())
    return created
