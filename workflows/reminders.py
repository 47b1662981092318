"""Reminder rules (docs/reminders.md) as one table, and the scan that puts what they find into the outbox.

``RULES`` is the one definition of each rule, read by the scan (as SQL), by delivery (whether a
reminder still applies before it goes out, and the days its message counts) and by the docs:

| rule                | which pledges (``pledges.rules``)                     | once per …          | days counted     | told   |
|---------------------|-------------------------------------------------------|---------------------|------------------|--------|
| due_soon            | active, today ≤ due ≤ today + due_soon_days           | the due date        | until the due    | owner  |
| overdue             | overdue: active, due < today                          | the ISO week        | late             | owner  |
| stalled             | in progress, last progress ≤ today − stalled_days     | last progress day   | since the period | owner  |
| awaiting_display    | approved on a day < today − display_wait_days         | the approval day    | since the period | owner  |
| awaiting_evaluation | finished on a day < today − evaluation_wait_days      | the finishing day   | since the period | owner  |
| escalation          | active, due < today − escalation_days, has a parent   | the due date        | late             | parent |

"Today" is the scan day in the pledge's campaign time zone; the thresholds are the campaign's
columns.  The scan runs one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` per rule against the
unique key ``(pledge_id, rule, period)``, so running it twice, or in two processes at once, adds
nothing.  An extension moves the due date, so a pledge that becomes due soon or overdue again
after one is reminded again."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Select, case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from pledges import rules
from pledges.db import Ledger
from pledges.models import Campaign, Meta, Organisation, Pledge, Reminder, UTCDateTime
from pledges.vocab import ReminderState, Rule

OWNER, PARENT = "owner", "parent"  # who is told: the pledge's owner, or the parent organisation


@dataclass(frozen=True)
class Days:
    """The days a rule compares a pledge with, in the pledge's campaign: ``today``; ``limit``,
    today moved by the rule's threshold (ahead for due_soon, back for the others); the
    ``monday`` of today's ISO week.  SQL expressions in the scan, dates when a reminder is
    checked before it goes out."""

    today: object
    limit: object
    monday: object


@dataclass(frozen=True)
class ReminderRule:
    code: Rule
    finds: Callable[[object, Days], object]  # (Pledge or a pledge row, days) → the shared predicate
    period: Callable[[object, Days], object]  # the day that makes "once per …" exact
    days: Callable[[date, date, date], int]  # (due, today, period) → the days its message counts
    threshold: str | None = None  # the campaign column that sets ``limit``
    ahead: bool = False
    told: str = OWNER
    message: str = ""  # the i18n key of the message

    def limits(self, campaign: Campaign, today: date) -> Days:
        shift = timedelta(days=getattr(campaign, self.threshold) if self.threshold else 0)
        return Days(today, today + shift if self.ahead else today - shift, today - timedelta(days=today.weekday()))

    def applies(self, pledge, campaign: Campaign, today: date, period: date) -> bool:
        """Whether ``pledge`` would be found today for the same period: a reminder found earlier
        must not tell anyone to finish a pledge completed meanwhile, or quote a moved due date."""
        days = self.limits(campaign, today)
        return bool(self.finds(pledge, days)) and self.period(pledge, days) == period


def until_due(due: date, today: date, period: date) -> int:
    return (due - today).days


def late(due: date, today: date, period: date) -> int:
    return rules.days_late(due, today)


def since_period(due: date, today: date, period: date) -> int:
    return (today - period).days


RULES: dict[Rule, ReminderRule] = {rule.code: rule for rule in (
    ReminderRule(Rule.due_soon, lambda p, d: rules.due_soon(p.state, p.due, d.today, d.limit),
                 period=lambda p, d: p.due, days=until_due, threshold="due_soon_days", ahead=True,
                 message="remind_due_soon"),
    ReminderRule(Rule.overdue, lambda p, d: rules.overdue(p.state, p.due, d.today),
                 period=lambda p, d: d.monday, days=late, message="remind_overdue"),
    # The pledge keeps its last progress and approval days (the record_progress and approve
    # effects): plain filters, no correlated MAX over progress records (0.3 s in the city).
    ReminderRule(Rule.stalled, lambda p, d: rules.stalled(p.state, p.last_progress_on, d.limit),
                 period=lambda p, d: p.last_progress_on, days=since_period, threshold="stalled_days",
                 message="remind_stalled"),
    ReminderRule(Rule.awaiting_display, lambda p, d: rules.awaiting_display(p.state, p.approved_on, d.limit),
                 period=lambda p, d: p.approved_on, days=since_period, threshold="display_wait_days",
                 message="remind_awaiting_display"),
    ReminderRule(Rule.awaiting_evaluation, lambda p, d: rules.awaiting_evaluation(p.state, p.finished_on, d.limit),
                 period=lambda p, d: p.finished_on, days=since_period, threshold="evaluation_wait_days",
                 message="remind_awaiting_evaluation"),
    ReminderRule(Rule.escalation, lambda p, d: rules.escalated(p.state, p.due, d.limit),
                 period=lambda p, d: p.due, days=late, threshold="escalation_days", told=PARENT,
                 message="remind_escalation"),
)}


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

    def per_campaign(self, value: Callable[[Campaign], date]):
        """A SQL date that depends on the pledge's campaign: a literal when all campaigns agree,
        else a CASE on ``pledge.campaign_id`` (still one statement per rule)."""
        values = {c.id: value(c) for c in self.campaigns}
        if len(set(values.values())) == 1:
            return literal(next(iter(values.values())), Date)
        return case({cid: literal(day, Date) for cid, day in values.items()}, value=Pledge.campaign_id)

    def days(self, rule: ReminderRule) -> Days:
        """The rule's days as SQL, for every campaign at once."""
        def each(name):
            return self.per_campaign(lambda c: getattr(rule.limits(c, self.today(c)), name))

        return Days(each("today"), each("limit"), each("monday"))


def query(rule: ReminderRule, calendar: Calendar) -> Select | None:
    """What ``rule`` finds at the calendar's instant: ``(pledge_id, period, day)`` rows."""
    if not calendar.campaigns:
        return None
    days = calendar.days(rule)
    found = select(Pledge.id.label("pledge_id"), rule.period(Pledge, days).label("period"),
                   days.today.label("day")).where(rule.finds(Pledge, days))
    if rule.told == PARENT:  # no escalation above the top organisation
        found = found.join(Organisation, Organisation.id == Pledge.org_id).where(Organisation.parent_id.is_not(None))
    return found


@dataclass(frozen=True, order=True)
class Due:
    pledge_id: int
    period: date
    day: date


def found(ledger: Ledger, rule: Rule, now: datetime) -> list[Due]:
    """What ``rule`` finds due at ``now`` (whether or not the outbox has it already)."""
    select_ = query(RULES[Rule(rule)], Calendar.of(ledger, now))
    if select_ is None:
        return []
    with ledger.session() as session:
        return sorted(Due(*row) for row in session.execute(select_))


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


LAST_SCAN = "remind_last_scan"  # the meta row of the last scan: its days, thresholds and wall time
SETTLE = timedelta(minutes=5)  # a change stamped before a scan may commit after it: look back this far


def scan(ledger: Ledger, now: datetime | None = None) -> dict[Rule, int]:
    """Put every due reminder into the outbox, one statement per rule, in one transaction.
    Returns how many each rule added (0 for what was already there).  (RETURNING counts them:
    psycopg reports no rowcount for an INSERT … SELECT … ON CONFLICT.)

    What a rule finds depends on the pledge and the campaign's day and thresholds only.  So a
    repeat scan on the same days with the same thresholds looks only at the pledges changed
    (``updated_at``, stamped by every change) since shortly before the last scan: the morning's
    scan does the whole city, a rerun that day reads one column instead of 150,000 candidates."""
    now = now or ledger.now()
    calendar = Calendar.of(ledger, now)
    created = {code: 0 for code in RULES}
    if not calendar.campaigns:
        return created
    days = _days_key(calendar)
    with ledger.session() as session:
        changed = _changed_since_last_scan(session, days)
        if changed is None or changed:
            for code, rule in RULES.items():
                found = query(rule, calendar)
                if changed is not None:
                    found = found.where(Pledge.id.in_(changed))
                result = session.execute(outbox_insert(ledger.engine.dialect.name, code, found, now))
                created[code] = len(result.all())
        _remember(session, ledger.engine.dialect.name, days, ledger.now())
    return created


def _days_key(calendar: Calendar) -> str:
    return json.dumps({str(c.id): [calendar.today(c).isoformat(), c.due_soon_days, c.stalled_days,
                                   c.display_wait_days, c.evaluation_wait_days, c.escalation_days]
                       for c in sorted(calendar.campaigns, key=lambda c: c.id)})


def _changed_since_last_scan(session, days: str) -> list[int] | None:
    """The pledges changed since the last scan of the same days, or None for a whole scan."""
    last = session.scalar(select(Meta.value).where(Meta.key == LAST_SCAN))
    if not last:
        return None
    last = json.loads(last)
    if last.get("days") != days:
        return None
    since = datetime.fromisoformat(last["at"]) - SETTLE
    changed = list(session.scalars(select(Pledge.id).where(Pledge.updated_at >= since)))
    return changed if len(changed) <= 5000 else None  # beyond that a whole scan is as quick


def _remember(session, dialect: str, days: str, wall: datetime) -> None:
    value = json.dumps({"days": days, "at": wall.isoformat()})
    session.execute(_insert(dialect)(Meta).values(key=LAST_SCAN, value=value)
                    .on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def forget_scans(ledger: Ledger) -> None:
    """The next scan looks at every pledge (after reminders were deleted by hand, say)."""
    with ledger.session() as session:
        session.execute(delete(Meta).where(Meta.key == LAST_SCAN))
