"""Delivering the outbox: claim pending reminders a batch at a time, try each channel, record
every attempt.

Delivery is separate from the scan.  A pass (one ``deliver`` call) has a token and claims
batches of at most ``settings.batch`` due rows (``workflows/outbox.py``: two passes never take
the same reminder, one pass never takes more than a batch).  A claim lapses
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import insert, update

from pledges import i18n
from pledges.contacts import private_allowed
from pledges.db import Ledger
from pledges.models import Reminder, ReminderAttempt
from pledges.vocab import ReminderState
from pledges.workflows import robots
from pledges.workflows.outbox import Notice, campaigns_of, claim, claimed_elsewhere, load, release, renew

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
    robot_per_minute: int = 20
    lang: str = "zh"
    # PLEDGES_ALLOW_PRIVATE_WEBHOOKS: robots on loopback or private addresses (the admin's choice)
    allow_private_webhooks: bool = field(default_factory=private_allowed)

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
            lang=i18n.norm_lang(env.get("PLEDGES_LANG")), allow_private_webhooks=private_allowed(env),
        )
        return cls(**{**values, **overrides})

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(minutes=self.retry_minutes * 2 ** max(attempts - 1, 0))


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
        raise RuntimeError(i18n.text("smtp_not_set", settings.lang))  # kept as the reminder's last error
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


def attempt(notice: Notice, settings: Settings, skip: tuple[str, ...] = ("webhook",),
            console: list[str] | None = None) -> Delivery:
    """Try every channel not yet done (but those in ``skip``: a webhook goes by digest, see
    ``Pass.hold``); ``finish`` says what follows.  With ``console``, the console line is added
    to it rather than logged at once."""
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
    result.attempts += 1  # every try counts (remind list's 尝试次数), the one that went through too
    if not result.errors:
        result.state = ReminderState.sent
        return result
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
    """One delivery pass: one claim token, batches of reminders, one digest per robot."""

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
            result = attempt(notice, self.settings, console=lines)
            if result.state != ReminderState.cancelled and notice.recipient.webhook \
                    and "webhook" not in result.delivered:
                self.held_since = self.held_since or started
                self.hold(notice, result)
            else:
                done.append(finish(result, self.settings))
        if lines:
            log.info("%s", "\n".join(lines))
        self.keep(done)
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
            digest.robot.post(digest.robot.body(title, text, items), self.settings.webhook_timeout,
                              allow_private=self.settings.allow_private_webhooks)
            error = None
        except Exception as err:  # a refused digest is a failed try of each reminder in it
            error = f"webhook: {str(err) or err.__class__.__name__}"
        self.report.posts += 1
        results = [kept for kept, _, _ in taken]
        for result in results:
            tried(result, "webhook", digest.robot.url, error)
        self.keep([finish(result, self.settings) for result in results])

    def keep(self, results: list[Delivery]) -> None:
        """Record finished deliveries; hand each on (``each``) or keep it in the report."""
        for result in record(self.ledger, results, self.now(), self.settings, self.token):
            self.report.counts[result.state] += 1
            if self.each is not None:
                self.each(result)
            else:
                self.report.results.append(result)
