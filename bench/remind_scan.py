"""Benchmark (docs/performance.md): the reminder scan over a city-sized ledger, under 0.5 s, and a second
scan that adds nothing; the first delivery sweep of the whole backlog (console), with its peak
memory; and a repeat ``pledges remind run`` as a command, process start included.

    python bench/remind_scan.py DB [--as-of 2026-11-25T08:00] [--keep]

DB is a database URL or a SQLite path of an already-built ledger; a SQLite path that does not
exist yet is built first with ``pledges demo --scale city --db PATH``.  The scan writes to
the outbox: unless ``--keep`` is given, the reminders it made are deleted afterwards, so the
ledger can be measured again.  Prints the time of the first scan (a whole year's backlog
into an empty outbox), of a second one at the same instant (adds nothing), and of the next
morning's (the daily steady state), and what each found; then the first delivery sweep of
everything the first scan made (console channel, written to /dev/null) with the process's
peak memory, and the best of three ``pledges remind run --as-of …`` subprocesses (a repeat
run: nothing new to scan or send).  The default instant is 08:00 today
in Asia/Shanghai, the day `pledges demo` builds its ledger for; pledges are read as they
stand now, so the instant should be the demo's as-of day.
"""

import argparse
import logging
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime, time as clock_time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select

from pledges.db import Ledger
from pledges.models import Pledge, Reminder, ReminderAttempt
from pledges.cli.remind_cmds import EachLine
from pledges.workflows import delivery, reminders


def build_if_missing(db: str) -> None:
    if "://" in db or Path(db).exists():
        return
    pledges = shutil.which("pledges") or str(Path(sys.executable).parent / "pledges")
    print(f"building {db} with `pledges demo --scale city` …", flush=True)
    subprocess.run([pledges, "demo", "--scale", "city", "--db", db], check=True)


def timed_scan(ledger: Ledger, now: datetime) -> tuple[float, dict]:
    started = time.perf_counter()
    created = reminders.scan(ledger, now)
    return time.perf_counter() - started, created


def timed_sweep(ledger: Ledger, now: datetime) -> tuple[float, delivery.Report, float]:
    """The first delivery sweep, console to /dev/null as ``remind run`` formats it; returns
    (seconds, the report, peak resident MB of this process so far)."""
    logger = logging.getLogger("pledges.remind")
    handler = logging.StreamHandler(open("/dev/null", "w"))
    handler.setFormatter(EachLine("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    started = time.perf_counter()
    try:
        report = delivery.deliver(ledger, delivery.Settings(), now, each=lambda result: None)
    finally:
        logger.removeHandler(handler)
    return time.perf_counter() - started, report, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_command(db: str, now: datetime) -> float:
    """Best of three ``pledges remind run --as-of NOW`` subprocesses, wall clock."""
    pledges = shutil.which("pledges") or str(Path(sys.executable).parent / "pledges")
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([pledges, "--db", db, "remind", "run", "--as-of", now.isoformat()], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    parser.add_argument("--as-of", default=datetime.combine(today, clock_time(8)).isoformat(),
                        help="scan instant, Asia/Shanghai if naive [default: 08:00 today]")
    parser.add_argument("--keep", action="store_true", help="keep the reminders the scan made")
    args = parser.parse_args()
    build_if_missing(args.db)
    now = datetime.fromisoformat(args.as_of)
    now = now if now.tzinfo else now.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    ledger = Ledger(args.db).check()  # the real clock stamps claims and scans; ``now`` is the scan's instant
    with ledger.session() as session:
        pledges = session.scalar(select(func.count()).select_from(Pledge))
        before = session.scalar(select(func.max(Reminder.id))) or 0
    reminders.forget_scans(ledger)
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    first, created = timed_scan(ledger, now)
    second, again = timed_scan(ledger, now)
    sweep, report, peak = timed_sweep(ledger, now)
    command = timed_command(args.db, now)
    morning, daily = timed_scan(ledger, now + timedelta(days=1))
    print(f"ledger: {ledger.engine.dialect.name}, {pledges} pledges, as of {now.isoformat()}")
    print("found:  " + ", ".join(f"{rule.value} {n}" for rule, n in created.items()))
    print(f"first scan:  {first:.3f} s  ({sum(created.values())} reminders created)")
    print(f"second scan: {second:.3f} s  ({sum(again.values())} reminders created)")
    print(f"first delivery sweep: {sweep:.1f} s  ({sum(report.counts.values())} delivered: "
          + ", ".join(f"{state} {n}" for state, n in report.counts.items())
          + f"); peak memory {peak:.0f} MB (the process, {before_rss:.0f} MB before the scans)")
    print(f"repeat `pledges remind run` as a command: {command:.3f} s (best of 3, process start included)")
    print(f"next morning: {morning:.3f} s  ({sum(daily.values())} reminders created: "
          + ", ".join(f"{rule.value} {n}" for rule, n in daily.items()) + ")")
    if not args.keep:
        with ledger.session() as session:
            made = select(Reminder.id).where(Reminder.id > before)
            session.execute(delete(ReminderAttempt).where(ReminderAttempt.reminder_id.in_(made)))
            session.execute(delete(Reminder).where(Reminder.id > before))
        reminders.forget_scans(ledger)
    ledger.dispose()


if __name__ == "__main__":
    main()
