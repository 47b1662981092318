"""The outbox as delivery reads it: claiming batches of pending reminders, loading them as
notices (the reminder, its pledge and who is told), listing the outbox, giving claims back.

A pass (``workflows/delivery.py``) has a token and claims batches of at most ``settings.batch``
due rows (``claimed_until``, ``claim``); on PostgreSQL it first selects the batch's ids ``FOR
UPDATE SKIP LOCKED`` and then updates those ids, so two passes never take the same reminder and
one pass never takes more than a batch.  A claim lapses after ``settings.claim_minutes``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import aliased

from pledges import i18n
from pledges.db import Ledger
from pledges.models import Campaign, Member, Organisation, Pledge, Reminder
from pledges.scope import roots, within
from pledges.vocab import Outcome, ReminderState, Rule
from pledges.workflows import robots
from pledges.workflows.reminders import PARENT, RULES

if TYPE_CHECKING:
    from pledges.workflows.delivery import Settings

SUBJECT_LIMIT = 120  # characters of an e-mail subject


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str | None = None
    webhook: str | None = None  # as stored: may carry the robot's #secret=…


class Facts(NamedTuple):
    """What the rules read of a pledge (``pledges.rules``)."""

    state: str
    due: date
    last_progress_on: date | None
    approved_on: date | None
    finished_on: date | None


@dataclass
class Notice:
    """One claimed reminder with what its message and its recipient need."""

    id: int
    rule: str
    period: date
    day: date
    pledge_id: int
    title: str
    due: date
    outcome: str | None
    owner: str
    org: str
    recipient: Recipient
    delivered: list[str]
    attempts: int
    applies: bool = True  # False once the pledge no longer qualifies (completed, extended, …)

    def days(self) -> int:
        return RULES[Rule(self.rule)].days(self.due, self.day, self.period)

    def text(self, lang: str = "zh", quote: Callable[[str], str] = robots.one_line) -> str:
        """The message; ``quote`` makes the user's text (title, names) safe where it goes."""
        return i18n.text(RULES[Rule(self.rule)].message, lang, owner=quote(self.owner), title=quote(self.title),
                         id=self.pledge_id, due=self.due, days=self.days(), since=self.period, org=quote(self.org),
                         outcome=i18n.label_of(Outcome, self.outcome, lang))

    def subject(self, lang: str = "zh") -> str:
        """One line (a header cannot hold a newline), at most ``SUBJECT_LIMIT`` characters."""
        head, tail = f"[{i18n.label_of(Rule, self.rule, lang)}] ", f" (#{self.pledge_id})"
        title = robots.one_line(self.title)
        room = SUBJECT_LIMIT - len(head) - len(tail)
        return head + (title if len(title) <= room else title[:room - 1] + "…") + tail

    def channels(self) -> list[tuple[str, str | None]]:
        """(channel, address) pairs this reminder goes to."""
        found = [("console", None)]
        if self.recipient.email:
            found.append(("email", self.recipient.email))
        if self.recipient.webhook:
            found.append(("webhook", self.recipient.webhook))
        return found



def claim(ledger: Ledger, now: datetime, settings: Settings, token: str, wall: datetime | None = None) -> list[int]:
    """Take up to ``settings.batch`` pending reminders due at ``now`` for the pass ``token``;
    returns their ids.  Claims are timed by ``wall`` (the ledger's clock; ``now`` may be an
    earlier ``--as-of``)."""
    wall = wall or now
    free = or_(Reminder.claimed_until.is_(None), Reminder.claimed_until < wall)
    ready = and_(Reminder.state == ReminderState.pending, Reminder.next_attempt_at <= now, free)
    # Oldest due first; ix_reminder_state_next gives that order without a sort.
    pick = select(Reminder.id).where(ready).order_by(Reminder.next_attempt_at).limit(settings.batch)
    take = (update(Reminder).values(claimed_until=wall + timedelta(minutes=settings.claim_minutes), claim=token)
            .execution_options(synchronize_session=False))
    with ledger.session() as session:
        if ledger.engine.dialect.name == "postgresql":
            # Ids first, then the update: PostgreSQL re-ran a LIMIT … FOR UPDATE SKIP LOCKED
            # subquery inside UPDATE … WHERE id IN (…) and claimed every pending reminder.
            ids = list(session.scalars(pick.with_for_update(skip_locked=True)))
            if ids:
                session.execute(take.where(Reminder.id.in_(ids)))
            return sorted(ids)
        # One statement, atomic under SQLite's write lock.  (Repeating ``ready`` outside the
        # subquery made SQLite walk every pending row per claim: 0.2 s a batch in the city.)
        return sorted(session.scalars(take.where(Reminder.id.in_(pick.scalar_subquery())).returning(Reminder.id)))


def claimed_elsewhere(ledger: Ledger, now: datetime, wall: datetime) -> tuple[int, datetime | None]:
    """How many reminders due at ``now`` another pass holds, and until when the last claim runs."""
    with ledger.session() as session:
        count, until = session.execute(
            select(func.count(), func.max(Reminder.claimed_until))
            .where(Reminder.state == ReminderState.pending, Reminder.next_attempt_at <= now,
                   Reminder.claimed_until >= wall)).one()
    return count, until


def _rows(ledger: Ledger, *where, stream: bool = False) -> Iterator:
    """Reminders with their pledge, organisation, member and parent organisation, as named rows."""
    parent = aliased(Organisation)
    query = (
        select(Reminder.id, Reminder.rule, Reminder.period, Reminder.day, Reminder.state, Reminder.attempts,
               Reminder.delivered, Reminder.last_error, Reminder.created_at, Reminder.sent_at,
               Pledge.id.label("pledge_id"), Pledge.campaign_id, Pledge.title, Pledge.state.label("pledge_state"),
               Pledge.due, Pledge.outcome, Pledge.last_progress_on, Pledge.approved_on, Pledge.finished_on,
               Organisation.name.label("org_name"), Organisation.secretary.label("org_secretary"),
               Organisation.email.label("org_email"), Organisation.webhook.label("org_webhook"),
               Member.id.label("member_id"), Member.name.label("member_name"), Member.email.label("member_email"),
               parent.id.label("parent_id"), parent.name.label("parent_name"),
               parent.secretary.label("parent_secretary"), parent.email.label("parent_email"),
               parent.webhook.label("parent_webhook"))
        .join(Pledge, Pledge.id == Reminder.pledge_id)
        .join(Organisation, Organisation.id == Pledge.org_id)
        .outerjoin(Member, Member.id == Pledge.member_id)
        .outerjoin(parent, parent.id == Organisation.parent_id)
        .where(*where).order_by(Reminder.id))
    with ledger.session() as session:
        yield from session.execute(query.execution_options(yield_per=1000) if stream else query)


def recipient_of(rule: str, row) -> Recipient:
    if RULES[Rule(rule)].told == PARENT and row.parent_id is not None:
        return Recipient(row.parent_secretary or row.parent_name, row.parent_email, row.parent_webhook)
    if row.member_id is not None and row.member_email:
        return Recipient(row.member_name, row.member_email)
    return Recipient(row.org_secretary or row.org_name, row.org_email, row.org_webhook)


def load(ledger: Ledger, ids: list[int], now: datetime | None = None,
         campaigns: dict[int, Campaign] | None = None) -> list[Notice]:
    """The claimed reminders as notices; sent at ``now``, a retry counts its days to then."""
    if campaigns is None:
        campaigns = campaigns_of(ledger)
    return [_notice(row, campaigns[row.campaign_id], now) for row in _rows(ledger, Reminder.id.in_(ids))]


def campaigns_of(ledger: Ledger) -> dict[int, Campaign]:
    with ledger.session() as session:
        return {c.id: c for c in session.scalars(select(Campaign))}


def listing(ledger: Ledger, state: str | None = None, rule: str | None = None,
            reader: str | None = None) -> Iterator[dict]:
    """The outbox for ``pledges remind list``, read as it is consumed: every reminder of the
    pledges ``reader`` may read, failed ones included.  Webhooks are shown without their secret."""
    where = [column == value for column, value in ((Reminder.state, state), (Reminder.rule, rule)) if value]
    with ledger.session() as session:
        where += within(Pledge.org_id, roots(session, reader))
    for row in _rows(ledger, *where, stream=True):
        recipient = recipient_of(row.rule, row)
        yield {"id": row.id, "pledge": row.pledge_id, "title": row.title, "rule": row.rule, "period": row.period,
               "day": row.day, "state": row.state, "recipient": recipient.name, "email": recipient.email,
               "webhook": robots.shown(recipient.webhook), "attempts": row.attempts,
               "delivered": row.delivered or None, "last_error": row.last_error, "created_at": row.created_at,
               "sent_at": row.sent_at}


def _notice(row, campaign: Campaign, now: datetime | None) -> Notice:
    later = (now - row.created_at).days if now and now > row.created_at else 0  # whole days since the scan
    day = row.day + timedelta(days=later)
    facts = Facts(row.pledge_state, row.due, row.last_progress_on, row.approved_on, row.finished_on)
    return Notice(id=row.id, rule=row.rule, period=row.period, day=day, pledge_id=row.pledge_id, title=row.title,
                  due=row.due, outcome=row.outcome, owner=row.member_name or row.org_name, org=row.org_name,
                  recipient=recipient_of(row.rule, row), delivered=[c for c in row.delivered.split(",") if c],
                  attempts=row.attempts, applies=RULES[Rule(row.rule)].applies(facts, campaign, day, row.period))


def release(ledger: Ledger, token: str, ids: list[int] | None = None) -> None:
    """Give back what this pass claimed (or those of ``ids``) and did not get to."""
    where = [Reminder.claim == token] + ([Reminder.id.in_(ids)] if ids is not None else [])
    with ledger.session() as session:
        session.execute(update(Reminder).where(*where).values(claim=None, claimed_until=None)
                        .execution_options(synchronize_session=False))


def renew(ledger: Ledger, token: str, settings: Settings) -> None:
    """Push back the lapse of every claim this pass holds (held for a robot's digest)."""
    with ledger.session() as session:
        session.execute(update(Reminder).where(Reminder.claim == token)
                        .values(claimed_until=ledger.now() + timedelta(minutes=settings.claim_minutes))
                        .execution_options(synchronize_session=False))
