"""``remind serve``'s scheduler: the 08:00 sweep when its clock gets there, a clean stop, and
one scheduler per database."""

import os
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from sqlalchemy import select

from pledges.db import Ledger
from pledges.errors import SchedulerRunning
from pledges.models import Reminder, SchedulerLease
from pledges.workflows import delivery, scheduler
from support import TODAY

SHANGHAI = ZoneInfo("Asia/Shanghai")


def leases(ledger):
    with ledger.session() as session:
        return list(session.scalars(select(SchedulerLease.holder)))


def test_serve_sweeps_at_eight_and_stops_cleanly(ledger, db_url, make_pledge):
    pledge = make_pledge("displayed", due=TODAY)  # overdue from tomorrow
    live = Ledger(db_url)  # the real clock, moved by time-machine
    # Five seconds before the sweep: a loaded machine may take seconds to start the scheduler,
    # and one that starts after 08:00 waits for tomorrow's.
    with time_machine.travel(datetime(2026, 6, 16, 7, 59, 55, tzinfo=SHANGHAI), tick=True):
        scheduler.acquire(live, "test:1")
        jobs = scheduler.build(live, delivery.Settings(), "test:1", tz="Asia/Shanghai")
        swept, errors = threading.Event(), []

        def listen(event):
            if event.job_id == "scan":
                errors.append(event.exception)
                swept.set()

        jobs.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        assert jobs.get_job("scan").trigger.get_next_fire_time(None, datetime.now(SHANGHAI)) == datetime(
            2026, 6, 16, 8, 0, tzinfo=SHANGHAI)
        thread = threading.Thread(target=scheduler.serve, args=(live, jobs, "test:1"))
        thread.start()
        assert swept.wait(timeout=40), "the 08:00 sweep did not run"
        jobs.shutdown(wait=False)
        thread.join(timeout=20)
    assert not thread.is_alive() and errors == [None]
    with ledger.session() as session:
        rows = session.execute(select(Reminder.pledge_id, Reminder.rule, Reminder.day, Reminder.state)).all()
    assert rows == [(pledge, "overdue", TODAY + timedelta(days=1), "sent")]
    assert leases(ledger) == []  # given back on the way out
    live.dispose()


def test_the_jobs_follow_the_style_notes(ledger):
    jobs = scheduler.build(ledger, delivery.Settings(), "test:1", tz="Asia/Shanghai", at="07:30", every=10)
    assert str(jobs.timezone) == "Asia/Shanghai"
    assert {job.id for job in jobs.get_jobs()} == {"scan", "deliver", "lease"}
    defaults = jobs._job_defaults
    assert (defaults["misfire_grace_time"], defaults["coalesce"], defaults["max_instances"]) == (None, True, 1)
    assert str(jobs.get_job("scan").trigger) == "cron[hour='7', minute='30']"
    assert str(jobs.get_job("deliver").trigger) == "cron[minute='*/10']"


def test_a_second_scheduler_on_the_same_database_is_refused(ledger, clock):
    scheduler.acquire(ledger, "host:1", clock())
    with pytest.raises(SchedulerRunning) as refused:
        scheduler.acquire(ledger, "host:2", clock())
    assert "host:1" in refused.value.message("en")
    scheduler.acquire(ledger, "host:1", clock())  # renewing one's own lease is fine
    assert leases(ledger) == ["host:1"]


def test_the_lease_of_a_dead_process_on_this_host_is_taken_over_at_once(ledger, clock):
    import socket
    import subprocess

    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid that has just ended: a scheduler killed with -9, say
    scheduler.acquire(ledger, f"{socket.gethostname()}:{gone.pid}", clock())
    scheduler.acquire(ledger, scheduler.holder_name(), clock())
    assert leases(ledger) == [scheduler.holder_name()]
    alive = f"{socket.gethostname()}:{os.getppid()}"  # a live process here keeps its lease
    scheduler.release(ledger, scheduler.holder_name())
    scheduler.acquire(ledger, alive, clock())
    with pytest.raises(SchedulerRunning) as refused:
        scheduler.acquire(ledger, scheduler.holder_name(), clock())
    assert "+08:00" in refused.value.message("en")  # shown in the campaign's time, not UTC


def test_a_lapsed_lease_is_taken_over(ledger, clock):
    scheduler.acquire(ledger, "host:1", clock())
    clock.now += scheduler.LEASE_TTL + timedelta(seconds=1)  # host:1 died without giving it back
    scheduler.acquire(ledger, "host:2", clock())
    assert leases(ledger) == ["host:2"]
    scheduler.release(ledger, "host:1")  # a late release by the old holder changes nothing
    assert leases(ledger) == ["host:2"]
