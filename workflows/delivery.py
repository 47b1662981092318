"""Delivering the outbox: claim pending reminders, try each channel, record every attempt.

Delivery is separate from the scan.  A deliverer claims a batch of due rows atomically
(``UPDATE … WHERE state='pending' AND not claimed … RETURNING``, with ``FOR UPDATE SKIP LOCKED``
on PostgreSQL), so two deliverers never take the same reminder.  A claim lapses after
``claim_minutes``: if the process dies between claim and record, the reminder is taken again
later (at-least-once; nothing is lost).  Each channel's try is kept in ``reminder_attempt``;
a reminder whose channels all worked is ``sent``; otherwise it is retried with exponential
back-off, and after ``max_attempts`` tries it is ``failed`` and stays listed.  Channels that
already worked are not tried again.

Recipients: the member for a member pledge (their e-mail; without one, their branch), the
organisation for an organisation pledge (its secretary's e-mail and the branch's group robot),
the parent organisation for an escalation.  The console channel (the ``pledges.remind`` log)
always gets the message; e-mail and webhook where the recipient has them."""

import json
import logging
import os
import smtplib
import ssl
import time
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.orm import aliased

from pledges import i18n
from pledges.db import Ledger
from pledges.models import Member, Organisation, Pledge, Reminder, ReminderAttempt
from pledges.vocab import ACTIVE, Outcome, ReminderState, Rule, State

log = logging.getLogger("pledges.remind")


@dataclass(frozen=True)
class Settings:
    """Delivery settings, from ``PLEDGES_*`` environment variables (README, "Reminders")."""

    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_tls: str = "none"  # none | starttls | ssl
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "pledges@localhost"
    webhook_timeout: float = 10.0
    max_attempts: int = 5
    retry_minutes: int = 5
    claim_minutes: int = 10
    batch: int = 500
    lang: str = "zh"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ, **overrides) -> "Settings":
        def get(name, default, kind=str):
            value = env.get(f"PLEDGES_{name}")
            return kind(value) if value not in (None, "") else default

        tls = get("SMTP_TLS", "none").lower()
        values = dict(
            smtp_host=get("SMTP_HOST", None), smtp_tls=tls,
            smtp_port=get("SMTP_PORT", 465 if tls == "ssl" else 587 if tls == "starttls" else 25, int),
            smtp_user=get("SMTP_USER", None), smtp_password=get("SMTP_PASSWORD", None),
            smtp_from=get("SMTP_FROM", cls.smtp_from), webhook_timeout=get("WEBHOOK_TIMEOUT", 10.0, float),
            max_attempts=get("REMIND_MAX_ATTEMPTS", 5, int), retry_minutes=get("REMIND_RETRY_MINUTES", 5, int),
            lang=i18n.norm_lang(env.get("PLEDGES_LANG")),
        )
        return cls(**{**values, **overrides})

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(minutes=self.retry_minutes * 2 ** max(attempts - 1, 0))


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str | None = None
    webhook: str | None = None


@dataclass
class Notice:
    """One claimed reminder with what its message and its recipient need."""

    id: int
    rule: str
    period: object
    day: object
    pledge_id: int
    title: str
    due: object
    outcome: str | None
    owner: str
    org: str
    recipient: Recipient
    delivered: list[str]
    attempts: int
    applies: bool = True  # False once the pledge no longer qualifies (completed, extended, …)

    def days(self) -> int:
        if self.rule == Rule.due_soon:
            return (self.due - self.day).days
        if self.rule in (Rule.overdue, Rule.escalation):
            return (self.day - self.due).days
        return (self.day - self.period).days

    def text(self, lang: str = "zh") -> str:
        return i18n.text(f"remind_{self.rule}", lang, owner=self.owner, title=self.title, id=self.pledge_id,
                         due=self.due, days=self.days(), since=self.period, org=self.org,
                         outcome=i18n.label_of(Outcome, self.outcome, lang))

    def subject(self, lang: str = "zh") -> str:
        return f"[{i18n.label_of(Rule, self.rule, lang)}] {self.title} (#{self.pledge_id})"

    def channels(self) -> list[tuple[str, str | None]]:
        """(channel, address) pairs this reminder goes to."""
        found = [("console", None)]
        if self.recipient.email:
            found.append(("email", self.recipient.email))
        if self.recipient.webhook:
            found.append(("webhook", self.recipient.webhook))
        return found


@dataclass
class Delivery:
    """What one delivery pass did with one reminder."""

    id: int
    pledge_id: int
    rule: str
    recipient: str
    state: str
    delivered: list[str]
    attempts: int
    error: str | None = None
    tried: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"id": self.id, "pledge": self.pledge_id, "rule": self.rule, "recipient": self.recipient,
                "state": self.state, "delivered": self.delivered, "attempts": self.attempts, "error": self.error}


# --- channels -------------------------------------------------------------------------------


def send_console(notice: Notice, address, settings: Settings) -> None:
    log.info("%s → %s: %s", notice.rule, notice.recipient.name, notice.text(settings.lang))


def send_email(notice: Notice, address: str, settings: Settings) -> None:
    if not settings.smtp_host:
        raise RuntimeError("PLEDGES_SMTP_HOST is not set")
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = notice.subject(settings.lang), settings.smtp_from, address
    message.set_content(notice.text(settings.lang))
    connect = smtplib.SMTP_SSL if settings.smtp_tls == "ssl" else smtplib.SMTP
    with connect(settings.smtp_host, settings.smtp_port, timeout=settings.webhook_timeout) as smtp:
        if settings.smtp_tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


def send_webhook(notice: Notice, address: str, settings: Settings) -> None:
    """POST the text message that DingTalk and WeCom group robots both accept."""
    body = json.dumps({"msgtype": "text", "text": {"content": notice.text(settings.lang)}}, ensure_ascii=False)
    request = urllib.request.Request(address, data=body.encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=settings.webhook_timeout) as response:
        answer = response.read()
    try:
        reply = json.loads(answer or b"{}")
    except ValueError:
        return
    if isinstance(reply, dict) and reply.get("errcode") not in (None, 0):
        raise RuntimeError(f"errcode {reply.get('errcode')}: {reply.get('errmsg')}")


CHANNELS = {"console": send_console, "email": send_email, "webhook": send_webhook}


# --- claiming, loading, recording -----------------------------------------------------------


def claim(ledger: Ledger, now: datetime, settings: Settings, token: str) -> list[int]:
    """Take up to ``settings.batch`` due pending reminders for this pass (``token``); returns
    their ids."""
    free = or_(Reminder.claimed_until.is_(None), Reminder.claimed_until < now)
    ready = and_(Reminder.state == ReminderState.pending, Reminder.next_attempt_at <= now, free)
    pick = select(Reminder.id).where(ready).order_by(Reminder.id).limit(settings.batch)
    if ledger.engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    take = (update(Reminder).where(Reminder.id.in_(pick.scalar_subquery()), ready)
            .values(claimed_until=now + timedelta(minutes=settings.claim_minutes), claim=token)
            .returning(Reminder.id)
            .execution_options(synchronize_session=False))
    with ledger.session() as session:
        return sorted(session.scalars(take))


def _joined(ledger: Ledger, *where) -> list[tuple]:
    """(reminder, pledge, organisation, member or None, parent organisation or None) rows."""
    parent = aliased(Organisation)
    query = (select(Reminder, Pledge, Organisation, Member, parent)
             .join(Pledge, Pledge.id == Reminder.pledge_id)
             .join(Organisation, Organisation.id == Pledge.org_id)
             .outerjoin(Member, Member.id == Pledge.member_id)
             .outerjoin(parent, parent.id == Organisation.parent_id)
             .where(*where).order_by(Reminder.id))
    with ledger.session() as session:
        return [tuple(row) for row in session.execute(query)]


def load(ledger: Ledger, ids: list[int], now: datetime | None = None) -> list[Notice]:
    """The claimed reminders as notices; sent at ``now``, a retry counts its days to then."""
    return [_notice(*row, now=now) for row in _joined(ledger, Reminder.id.in_(ids))]


def listing(ledger: Ledger, state: str | None = None, rule: str | None = None) -> list[dict]:
    """The outbox for ``pledges remind list``: every reminder, failed ones included."""
    where = [column == value for column, value in ((Reminder.state, state), (Reminder.rule, rule)) if value]
    rows = []
    for reminder, pledge, org, member, parent in _joined(ledger, *where):
        recipient = recipient_of(reminder.rule, org, member, parent)
        rows.append({"id": reminder.id, "pledge": pledge.id, "title": pledge.title, "rule": reminder.rule,
                     "period": reminder.period, "day": reminder.day, "state": reminder.state,
                     "recipient": recipient.name, "email": recipient.email, "webhook": recipient.webhook,
                     "attempts": reminder.attempts, "delivered": reminder.delivered or None,
                     "last_error": reminder.last_error, "created_at": reminder.created_at,
                     "sent_at": reminder.sent_at})
    return rows


def _org_recipient(org: Organisation) -> Recipient:
    return Recipient(org.secretary or org.name, org.email, org.webhook)


def recipient_of(rule: str, org: Organisation, member: Member | None, parent: Organisation | None) -> Recipient:
    if rule == Rule.escalation and parent is not None:
        return _org_recipient(parent)
    if member is not None and member.email:
        return Recipient(member.name, member.email)
    return _org_recipient(org)


def still_applies(rule: str, pledge: Pledge, period) -> bool:
    """Whether the pledge still qualifies for a reminder found earlier: a retry must not tell
    anyone to finish a pledge that was completed meanwhile, or quote a due date since moved."""
    if rule in (Rule.due_soon, Rule.escalation):
        return pledge.state in ACTIVE and pledge.due == period
    if rule == Rule.overdue:
        return pledge.state in ACTIVE
    if rule == Rule.stalled:
        return pledge.state == State.in_progress and pledge.last_progress_on == period
    if rule == Rule.awaiting_display:
        return pledge.state == State.approved and pledge.approved_on == period
    return pledge.state in (State.fulfilled, State.unfulfilled)


def _notice(reminder: Reminder, pledge: Pledge, org: Organisation, member, parent, now=None) -> Notice:
    later = (now - reminder.created_at).days if now and now > reminder.created_at else 0  # whole days since the scan
    return Notice(id=reminder.id, rule=reminder.rule, period=reminder.period, day=reminder.day + timedelta(days=later),
                  pledge_id=pledge.id, title=pledge.title, due=pledge.due, outcome=pledge.outcome,
                  owner=member.name if member else org.name, org=org.name,
                  recipient=recipient_of(reminder.rule, org, member, parent),
                  delivered=[c for c in reminder.delivered.split(",") if c], attempts=reminder.attempts,
                  applies=still_applies(reminder.rule, pledge, reminder.period))


def attempt(notice: Notice, now: datetime, settings: Settings) -> Delivery:
    """Try every channel not yet done; the reminder is sent when none is left."""
    result = Delivery(notice.id, notice.pledge_id, notice.rule, notice.recipient.name, ReminderState.pending,
                      list(notice.delivered), notice.attempts)
    if not notice.applies:
        result.state = ReminderState.cancelled
        return result
    errors = []
    for channel, address in notice.channels():
        if channel in result.delivered:
            continue
        try:
            CHANNELS[channel](notice, address, settings)
        except Exception as err:  # any failure of a channel is recorded and retried, never raised
            errors.append(f"{channel}: {str(err) or err.__class__.__name__}")
            result.tried.append({"channel": channel, "target": address, "ok": False, "error": errors[-1]})
            continue
        result.delivered.append(channel)
        result.tried.append({"channel": channel, "target": address, "ok": True, "error": None})
    if not errors:
        result.state = ReminderState.sent
        return result
    result.attempts += 1
    result.error = "; ".join(errors)
    if result.attempts >= settings.max_attempts:
        result.state = ReminderState.failed
    return result


def record(ledger: Ledger, result: Delivery, now: datetime, settings: Settings, token: str) -> bool:
    """Store one reminder's attempts and new state, and release its claim, if this pass still
    holds it (False when the claim lapsed and another pass took the reminder)."""
    row = {"state": result.state.value, "delivered": ",".join(result.delivered), "attempts": result.attempts,
           "claimed_until": None, "claim": None}
    if result.state == ReminderState.sent:
        row["sent_at"] = now
    elif result.state == ReminderState.pending or result.state == ReminderState.failed:
        row["last_error"] = result.error
        row["next_attempt_at"] = now + settings.backoff(result.attempts)
    with ledger.session() as session:
        held = session.execute(update(Reminder).where(Reminder.id == result.id, Reminder.claim == token)
                               .values(**row).execution_options(synchronize_session=False)).rowcount
        if held and result.tried:
            session.execute(insert(ReminderAttempt), [{"reminder_id": result.id, "at": now, **tried}
                                                      for tried in result.tried])
    if not held:
        log.warning("reminder %s: the claim lapsed during delivery; another pass has it", result.id)
    return bool(held)


def release(ledger: Ledger, token: str) -> None:
    """Give back what this pass claimed and did not get to."""
    with ledger.session() as session:
        session.execute(update(Reminder).where(Reminder.claim == token)
                        .values(claim=None, claimed_until=None).execution_options(synchronize_session=False))


def deliver(ledger: Ledger, settings: Settings | None = None, now: datetime | None = None) -> list[Delivery]:
    """Deliver every pending reminder that is due for a try; returns what happened to each.

    Each reminder is recorded as soon as it is tried.  A pass stops working on its batch when
    half the claim time is gone (slow servers), gives the rest back, and claims again, so a
    claim never lapses while the reminder is being sent."""
    settings = settings or Settings.from_env()
    budget = settings.claim_minutes * 60 / 2
    done: list[Delivery] = []
    while True:
        token, started = uuid.uuid4().hex, time.monotonic()
        ids = claim(ledger, now or ledger.now(), settings, token)
        if not ids:
            return done
        for notice in load(ledger, ids, now or ledger.now()):
            if time.monotonic() - started > budget:
                break
            result = attempt(notice, now or ledger.now(), settings)
            if record(ledger, result, now or ledger.now(), settings, token):
                done.append(result)
        release(ledger, token)
