"""``pledges remind serve``: an APScheduler ``BlockingScheduler`` with a few cron sweepers.

- ``scan``: every day at 08:00 in the campaign's time zone, the rules scan, then delivery;
- ``deliver``: every few minutes, delivery of what is pending (retries after back-off);
- ``lease``: every minute, renews this process's lease on the database.

Jobs live in memory and are registered at every start (no pickled job store to go stale).
``misfire_grace_time=None`` and ``coalesce=True``: a sweep that was late (the machine slept)
runs once, as soon as it can.  One scheduler per database: a lease row in
``scheduler_lease`` (renewed every minute, lapsing after three) refuses a second one, on SQLite
and PostgreSQL alike; a clean stop (Ctrl-C, SIGTERM) gives it back."""

import logging
import os
import signal
import socket
import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from typing import TYPE_CHECKING

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from pledges.db import Ledger
from pledges.errors import BadInput, SchedulerRunning
from pledges.models import DEFAULT_TIMEZONE, FIRST_YEAR, LAST_YEAR, Campaign, SchedulerLease
from pledges.workflows import delivery, reminders
from pledges.workflows.robots import Pacer

if TYPE_CHECKING:  # APScheduler is imported by ``build`` only: ``remind run`` does not need it
    from apscheduler.schedulers.blocking import BlockingScheduler

log = logging.getLogger("pledges.remind")
LEASE = "remind_serve"
LEASE_TTL = timedelta(minutes=3)


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def acquire(ledger: Ledger, holder: str, now: datetime | None = None) -> None:
    """Take or renew the lease; raise ``SchedulerRunning`` if another live scheduler holds it."""
    now = now or ledger.now()
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[ledger.engine.dialect.name]
    with ledger.session() as session:
        session.execute(insert(SchedulerLease).values(name=LEASE, holder=holder, expires_at=now + LEASE_TTL)
                        .on_conflict_do_nothing(index_elements=["name"]))
        taken = session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == LEASE,
                   or_(SchedulerLease.holder == holder, SchedulerLease.expires_at < now))
            .values(holder=holder, expires_at=now + LEASE_TTL).returning(SchedulerLease.name)
            .execution_options(synchronize_session=False)).first()
        if taken is None:
            lease = session.scalar(select(SchedulerLease).where(SchedulerLease.name == LEASE))
            if not _died_here(lease.holder):
                until = lease.expires_at.astimezone(ZoneInfo(campaign_timezone(ledger)))
                raise SchedulerRunning(holder=lease.holder, until=until.isoformat(timespec="seconds"))
            log.warning("taking over the lease of %s, which is no longer running", lease.holder)
            session.execute(update(SchedulerLease).where(SchedulerLease.name == LEASE,
                                                         SchedulerLease.holder == lease.holder)
                            .values(holder=holder, expires_at=now + LEASE_TTL)
                            .execution_options(synchronize_session=False))


def _died_here(holder: str) -> bool:
    """Whether ``holder`` ("host:pid") was a process of this host that is gone (killed, or
    crashed without giving the lease back): a restarted service need not wait for the lease to
    lapse."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def release(ledger: Ledger, holder: str) -> None:
    with ledger.session() as session:
        session.execute(delete(SchedulerLease).where(SchedulerLease.name == LEASE, SchedulerLease.holder == holder))


def campaign_timezone(ledger: Ledger) -> str:
    """The time zone of the latest campaign (Asia/Shanghai without one)."""
    with ledger.session() as session:
        return session.scalar(select(Campaign.timezone).order_by(Campaign.year.desc()).limit(1)) or DEFAULT_TIMEZONE


def instant(as_of: date | datetime | None, tz: str) -> datetime | None:
    """``--as-of``: a day means 08:00 of it (the daily scan), a naive time is in ``tz``."""
    if as_of is None:
        return None
    if not isinstance(as_of, datetime):
        as_of = datetime.combine(as_of, time(8, 0))
    return as_of if as_of.tzinfo else as_of.replace(tzinfo=ZoneInfo(tz))


def run_once(ledger: Ledger, settings: delivery.Settings, as_of: date | datetime | None = None, *,
             scan: bool = True, each=None, pacer=None):
    """One scan and one delivery pass (``pledges remind run``, from cron), as of ``as_of``
    (default: now); without ``scan`` only the delivery.  Returns (the instant, new reminders
    per rule, the delivery ``Report``); each delivery goes to ``each`` as it is recorded.

    A future ``as_of`` is refused: its scan would send today reminders that are not due yet,
    and use up the (pledge, rule, period) keys of the real ones.  Tests move the ledger's clock
    instead."""
    tz = campaign_timezone(ledger)
    at = instant(as_of, tz)
    if at is not None:
        _check_as_of(ledger, at, tz)
    now = at or ledger.now()
    created = reminders.scan(ledger, now) if scan else {rule: 0 for rule in reminders.RULES}
    return now, created, delivery.deliver(ledger, settings, at, each=each, pacer=pacer)


def _check_as_of(ledger: Ledger, at: datetime, tz: str) -> None:
    zone = ZoneInfo(tz)
    if at.year < FIRST_YEAR:
        raise BadInput("bad_year", year=at.year, first=FIRST_YEAR, last=LAST_YEAR)
    if at > ledger.now():
        raise BadInput("remind_future", at=at.astimezone(zone).isoformat(timespec="minutes"),
                       now=ledger.now().astimezone(zone).isoformat(timespec="minutes"))


def sweep(ledger: Ledger, settings: delivery.Settings, pacer=None) -> None:
    _, created, report = run_once(ledger, settings, pacer=pacer, each=lambda result: None)
    log.info("scan: %s new reminders %s", sum(created.values()), {k.value: v for k, v in created.items() if v})
    _log_deliveries(report)


def deliver(ledger: Ledger, settings: delivery.Settings, pacer=None) -> None:
    _log_deliveries(delivery.deliver(ledger, settings, pacer=pacer, each=lambda result: None))


def _log_deliveries(report: delivery.Report) -> None:
    if report.counts:
        log.info("delivery: %s sent, %s failed, %s to retry, %s cancelled; %s robot messages",
                 *(report.counts[state] for state in ("sent", "failed", "pending", "cancelled")), report.posts)
    if report.claimed_elsewhere:
        log.info("%s reminders are claimed by another pass until %s", report.claimed_elsewhere,
                 report.claimed_until.isoformat(timespec="minutes"))


def build(ledger: Ledger, settings: delivery.Settings, holder: str, *, tz: str, at: str = "08:00",
          every: int = 5) -> "BlockingScheduler":
    """The scheduler with its three jobs (not started)."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    zone = ZoneInfo(tz)
    hour, minute = (int(part) for part in at.split(":"))
    scheduler = BlockingScheduler(timezone=zone, job_defaults={
        "misfire_grace_time": None, "coalesce": True, "max_instances": 1})
    pacer = Pacer(settings.robot_per_minute)  # one for the process: robots are paced across sweeps too
    scheduler.add_job(sweep, CronTrigger(hour=hour, minute=minute, timezone=zone), args=[ledger, settings, pacer],
                      id="scan", replace_existing=True)
    scheduler.add_job(deliver, CronTrigger(minute=f"*/{every}", timezone=zone), args=[ledger, settings, pacer],
                      id="deliver", replace_existing=True)
    scheduler.add_job(_renew, IntervalTrigger(minutes=1, timezone=zone), args=[ledger, holder, scheduler],
                      id="lease", replace_existing=True)
    return scheduler


def _renew(ledger: Ledger, holder: str, scheduler: "BlockingScheduler") -> None:
    try:
        acquire(ledger, holder)
    except SchedulerRunning:
        log.error("lost the scheduler lease to another process: stopping")
        scheduler.shutdown(wait=False)


def serve(ledger: Ledger, scheduler: "BlockingScheduler", holder: str, ready=None) -> None:
    """Run ``scheduler`` until Ctrl-C, SIGTERM or ``scheduler.shutdown()``; the lease must be
    held (``acquire``) and is given back on the way out.  ``ready()`` is called once the
    signal handler is in place (so a SIGTERM right after it stops cleanly)."""
    def stop(signum, frame):  # SIGTERM stops exactly as Ctrl-C does, whenever it comes
        log.info("signal %s: stopping", signum)
        raise KeyboardInterrupt

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, stop)
    try:
        if ready is not None:
            ready()
        scheduler.start()
    except KeyboardInterrupt:
        if scheduler.running:
            scheduler.shutdown(wait=False)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        release(ledger, holder)
