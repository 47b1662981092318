"""Delivering the outbox: claim pending reminders a batch at a time, try each channel, record
every attempt.

Delivery is separate from the scan.  A pass (one ``deliver`` call) has a token and claims
batches of at most ``settings.batch`` due rows (``claimed_until``, ``claim``); on PostgreSQL
it first selects the batch's ids ``FOR UPDATE SKIP LOCKED`` and then updates those ids, so two
passes never take the same reminder and one pass never takes more than a batch.  A claim lapses
after ``claim_minutes``: if the process dies, what it held is taken again later (at least once;
nothing is lost, and nothing goes out twice within the claim window).  A pass that finds
nothing to do because another pass holds the reminders says so (``Report.claimed_elsewhere``).

Each channel's try is kept in ``reminder_attempt``; a reminder whose channels all worked is
``sent``; otherwise it is retried with exponential back-off, and after ``max_attempts`` tries
it is ``failed`` and stays listed.  Channels that already worked are not tried again.  The
console and e-mail are tried reminder by reminder; group robots get one digest per robot per
pass (``workflows/robots.py``), and a refused digest counts as a failed try for every reminder
in it.  Only one batch of reminders and one message per robot are held in memory: the
deliveries are handed to ``each`` as they are recorded, whatever the backlog.

Recipients: the member for a member pledge (their e-mail; without one, their branch), the
organisation for an organisation pledge (its secretary's e-mail and the branch's group robot),
the parent organisation for an escalation.  The console channel (the ``pledges.remind`` log)
always gets the message; e-mail and webhook where the recipient has them."""

import logging
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.orm import aliased

from pledges import i18n
from pledges.db import Ledger
from pledges.models import Campaign, Member, Organisation, Pledge, Reminder, ReminderAttempt
from pledges.vocab import Outcome, ReminderState, Rule
from pledges.workflows import robots
from pledges.workflows.reminders import PARENT, RULES

log = logging.getLogger("pledges.remind")
SUBJECT_LIMIT = 120  # characters of an e-mail subject


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
    robot_per_minute: int = 20
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
            batch=get("REMIND_BATCH", cls.batch, int), robot_per_minute=get("ROBOT_PER_MINUTE", 20, int),
            lang=i18n.norm_lang(env.get("PLEDGES_LANG")),
        )
        return cls(**{**values, **overrides})

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(minutes=self.retry_minutes * 2 ** max(attempts - 1, 0))


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
    errors: list[str] = field(default_factory=list)  # this pass's failed channels

    def as_dict(self) -> dict:
        return {"id": self.id, "pledge": self.pledge_id, "rule": self.rule, "recipient": self.recipient,
                "state": self.state, "delivered": self.delivered, "attempts": self.attempts, "error": self.error}


@dataclass
class Report:
    """What one pass did: how many reminders ended in each state, the deliveries (kept here only
    when no ``each`` callback takes them), the messages posted to robots, and the reminders
    another pass holds (how many, until when)."""

    counts: Counter = field(default_factory=Counter)
    results: list[Delivery] = field(default_factory=list)
    posts: int = 0
    claimed_elsewhere: int = 0
    claimed_until: datetime | None = None


# --- channels -------------------------------------------------------------------------------


def console_line(notice: Notice, settings: Settings) -> str:
    return f"{notice.rule} → {robots.one_line(notice.recipient.name)}: {notice.text(settings.lang)}"


def send_console(notice: Notice, address, settings: Settings) -> None:
    """The console channel for one reminder; a pass writes a batch's lines as one log record
    (a record per reminder cost 16 s for the city's 150,000)."""
    log.info("%s", console_line(notice, settings))


def send_email(notice: Notice, address: str, settings: Settings) -> None:
    import smtplib  # here, not at the top: ``remind run`` with nothing to mail does not pay for it
    import ssl
    from email.message import EmailMessage

    if not settings.smtp_host:
        raise RuntimeError("PLEDGES_SMTP_HOST is not set")
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = notice.subject(settings.lang), settings.smtp_from, address
    message.set_content(notice.text(settings.lang, quote=str))  # the body keeps the text as typed
    connect = smtplib.SMTP_SSL if settings.smtp_tls == "ssl" else smtplib.SMTP
    with connect(settings.smtp_host, settings.smtp_port, timeout=settings.webhook_timeout) as smtp:
        if settings.smtp_tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


CHANNELS = {"console": send_console, "email": send_email}  # webhooks go by digest (Pass.hold)


# --- claiming, loading, recording -----------------------------------------------------------


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


def listing(ledger: Ledger, state: str | None = None, rule: str | None = None) -> Iterator[dict]:
    """The outbox for ``pledges remind list``, read as it is consumed: every reminder, failed
    ones included.  Webhooks are shown without their secret."""
    where = [column == value for column, value in ((Reminder.state, state), (Reminder.rule, rule)) if value]
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


def attempt(notice: Notice, settings: Settings, skip: tuple[str, ...] = (), console: list[str] | None = None
            ) -> Delivery:
    """Try every channel not yet done (but those in ``skip``); ``finish`` says what follows.
    With ``console``, the console line is added to it rather than logged at once."""
    result = Delivery(notice.id, notice.pledge_id, notice.rule, notice.recipient.name, ReminderState.pending,
                      list(notice.delivered), notice.attempts)
    if not notice.applies:
        result.state = ReminderState.cancelled
        return result
    for channel, address in notice.channels():
        if channel in result.delivered or channel in skip:
            continue
        try:
            if channel == "console" and console is not None:
                console.append(console_line(notice, settings))
            else:
                CHANNELS[channel](notice, address, settings)
        except Exception as err:  # any failure of a channel is recorded and retried, never raised
            tried(result, channel, address, f"{channel}: {str(err) or err.__class__.__name__}")
        else:
            tried(result, channel, address, None)
    return result


def tried(result: Delivery, channel: str, target: str | None, error: str | None) -> None:
    result.tried.append({"channel": channel, "target": target, "ok": error is None, "error": error})
    if error is None:
        result.delivered.append(channel)
    else:
        result.errors.append(error)


def finish(result: Delivery, settings: Settings) -> Delivery:
    """Sent when no channel failed; else one more attempt, retried or, at the limit, failed."""
    if result.state == ReminderState.cancelled:
        return result
    if not result.errors:
        result.state = ReminderState.sent
        return result
    result.attempts += 1
    result.error = "; ".join(result.errors)
    result.state = ReminderState.failed if result.attempts >= settings.max_attempts else ReminderState.pending
    return result


def record(ledger: Ledger, results: list[Delivery], now: datetime, settings: Settings, token: str) -> list[Delivery]:
    """Store finished ``results`` (their attempts and new states) and release their claims, in
    one transaction, for those this pass still holds; returns those (a claim that lapsed was
    taken by another pass, which records it)."""
    if not results:
        return []
    with ledger.session() as session:
        held = set(session.scalars(  # the write lock first: nobody takes them between check and write
            update(Reminder).where(Reminder.id.in_([r.id for r in results]), Reminder.claim == token)
            .values(claim=token).returning(Reminder.id).execution_options(synchronize_session=False)))
        kept = [r for r in results if r.id in held]
        alike: dict[tuple, list[int]] = {}  # one UPDATE per outcome: a console batch is one statement
        for result in kept:
            alike.setdefault((result.state, ",".join(result.delivered), result.attempts, result.error), []).append(
                result.id)
        for (state, delivered, attempts, error), ids in alike.items():
            session.execute(update(Reminder).where(Reminder.id.in_(ids))
                            .values(state=state, delivered=delivered, attempts=attempts, claimed_until=None,
                                    claim=None, **_outcome(state, attempts, error, now, settings))
                            .execution_options(synchronize_session=False))
        tries = [{"reminder_id": r.id, "at": now, **t} for r in kept for t in r.tried]
        if tries:
            session.execute(insert(ReminderAttempt.__table__), tries)  # Core: no ORM bulk bookkeeping
    for result in results:
        if result.id not in held:
            log.warning("reminder %s: the claim lapsed during delivery; another pass has it", result.id)
    return kept


def _outcome(state: str, attempts: int, error: str | None, now: datetime, settings: Settings) -> dict:
    if state == ReminderState.sent:
        return {"sent_at": now}
    if state in (ReminderState.pending, ReminderState.failed):
        return {"last_error": error, "next_attempt_at": now + settings.backoff(attempts)}
    return {}


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


# --- one pass -------------------------------------------------------------------------------


def deliver(ledger: Ledger, settings: Settings | None = None, now: datetime | None = None, *,
            each: Callable[[Delivery], None] | None = None, pacer: robots.Pacer | None = None) -> Report:
    """Deliver every pending reminder that is due for a try at ``now`` (default: the ledger's
    clock); each recorded delivery goes to ``each`` (or into ``Report.results`` without one).

    Each batch is recorded as soon as it is tried (a robot's reminders once its digest is
    posted).  A pass stops working on a batch when half the claim time is gone (slow servers),
    gives the rest back, and claims again, so a claim never lapses while it is being sent."""
    settings = settings or Settings.from_env()
    return Pass(ledger, settings, now, each, pacer or robots.Pacer(settings.robot_per_minute)).run()


class Pass:
    def __init__(self, ledger: Ledger, settings: Settings, now: datetime | None, each, pacer: robots.Pacer):
        self.ledger, self.settings, self.fixed, self.each, self.pacer = ledger, settings, now, each, pacer
        self.token = uuid.uuid4().hex
        self.report = Report()
        self.digests: dict[str, robots.Digest] = {}
        self.budget = settings.claim_minutes * 60 / 2
        self.campaigns = campaigns_of(ledger)
        self.held_since: float | None = None  # when the oldest claim held for a digest was made

    def now(self) -> datetime:
        return self.fixed or self.ledger.now()

    def run(self) -> Report:
        try:
            while self.batch():
                pass
            for digest in self.digests.values():
                if digest.items:
                    self.post(digest, digest.take())
        finally:
            release(self.ledger, self.token)
        self.report.claimed_elsewhere, self.report.claimed_until = claimed_elsewhere(
            self.ledger, self.now(), self.ledger.now())
        return self.report

    def batch(self) -> bool:
        """Claim one batch and try it; False when there was nothing left to claim."""
        if self.held_since is not None and time.monotonic() - self.held_since > self.budget:
            renew(self.ledger, self.token, self.settings)
            self.held_since = time.monotonic()
        started = time.monotonic()
        ids = claim(self.ledger, self.now(), self.settings, self.token, self.ledger.now())
        if not ids:
            return False
        notices = load(self.ledger, ids, self.now(), self.campaigns)
        done, lines = [], []
        for index, notice in enumerate(notices):
            if time.monotonic() - started > self.budget:
                release(self.ledger, self.token, [n.id for n in notices[index:]])
                break
            result = attempt(notice, self.settings, skip=("webhook",), console=lines)
            if result.state != ReminderState.cancelled and notice.recipient.webhook \
                    and "webhook" not in result.delivered:
                self.held_since = self.held_since or started
                self.hold(notice, result)
            else:
                done.append(finish(result, self.settings))
        if lines:
            log.info("%s", "\n".join(lines))
        self.record(done)
        return True

    def hold(self, notice: Notice, result: Delivery) -> None:
        """Keep the reminder for its robot's digest; post the digest's message when it is full."""
        address = notice.recipient.webhook
        digest = self.digests.get(address)
        if digest is None:
            digest = self.digests[address] = robots.Digest(robots.Robot(address), self.heading(notice.day))
        item = {"id": notice.id, "pledge": notice.pledge_id, "rule": notice.rule, "text": notice.text(self.settings.lang)}
        full = digest.add(result, notice.text(self.settings.lang, quote=robots.markdown_text), item)
        if full:
            self.post(digest, full)

    def heading(self, day: date) -> Callable[[int, int], str]:
        lang = self.settings.lang
        return lambda part, count: i18n.text("remind_digest" if part == 1 else "remind_digest_more", lang,
                                             day=day, count=count, part=part)

    def post(self, digest: robots.Digest, taken: list) -> None:
        """One message of a digest; every reminder in it records the outcome."""
        title, text, items = digest.message(taken)
        self.pacer.wait(digest.robot.url)
        try:
            digest.robot.post(digest.robot.body(title, text, items), self.settings.webhook_timeout)
            error = None
        except Exception as err:  # a refused digest is a failed try of each reminder in it
            error = f"webhook: {str(err) or err.__class__.__name__}"
        self.report.posts += 1
        results = [kept for kept, _, _ in taken]
        for result in results:
            tried(result, "webhook", digest.robot.url, error)
        self.record([finish(result, self.settings) for result in results])

    def record(self, results: list[Delivery]) -> None:
        for result in record(self.ledger, results, self.now(), self.settings, self.token):
            self.report.counts[result.state] += 1
            if self.each is not None:
                self.each(result)
            else:
                self.report.results.append(result)
