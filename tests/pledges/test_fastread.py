"""The fast read path (``pledges.fastread``): its SQL is what the ledger's query functions compile
to today, and it gives exactly what the ledger's own path gives, on SQLite and PostgreSQL."""

import subprocess
import sys
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import text

from pledges import fastread
from pledges.figures import dashboard, overdue
from pledges.queries import list_pledges

DAY = date(2026, 11, 25)
INSTANT = datetime.combine(DAY, time(20), ZoneInfo("Asia/Shanghai")).astimezone(timezone.utc)


def test_the_stored_sql_is_what_the_definitions_compile_to():
    """If this fails, a query of pledges.figures / pledges.queries / pledges.rules or the models
    changed: run `python -m pledges.fastread` and commit pledges/readsql.py."""
    with open(fastread.GENERATED, encoding="utf-8") as stored:
        assert stored.read() == fastread.compiled()


def test_the_fast_path_does_not_import_the_orm():
    code = ("import sys; import pledges.fastread, pledges.cli.main; "
            "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.fixture
def demo(ledger):
    from pledges.demo import build_demo

    ledger.clock.now = INSTANT
    build_demo(ledger, "small", seed=3, as_of=DAY)
    with time_machine.travel(INSTANT, tick=False):
        yield ledger


def test_dashboard_overdue_and_list_equal_the_ledgers_own(demo):
    url = demo.url
    town = next(row.code for row in dashboard(demo, depth=1).rows if row.depth == 1)
    for options in ({}, {"depth": 0}, {"depth": 9}, {"org": town}, {"org": town, "depth": 5}, {"as_of": DAY},
                    {"campaign": 2026}):
        fast = fastread.dashboard(url, **options)
        assert fast is not None, options
        assert fast.as_dict() == dashboard(demo, **options).as_dict(), options
    for options in ({}, {"org": town}, {"escalated": True}, {"org": town, "escalated": True}):
        found = fastread.overdue_rows(url, **options)
        assert found is not None, options
        day, rows = found
        rows = [row.as_dict() for row in rows]
        assert (day, rows) == (lambda d, r: (d, [row.as_dict() for row in r]))(*overdue(demo, **options))
        assert rows, options
    for options in ({}, {"limit": 50}, {"org": town}, {"state": "in_progress"}, {"overdue": True},
                    {"org": town, "state": "displayed", "overdue": True, "limit": 3}):
        fast = fastread.list_pledges(url, **options)
        assert fast is not None, options
        assert fast == [view.as_dict() for view in list_pledges(demo, **options)], options


def test_the_fast_path_leaves_the_unusual_to_the_ledger(demo):
    """None means: ask the ledger, which replays, refuses or warns in its usual words."""
    url = demo.url
    assert fastread.dashboard(url, as_of=date(2026, 9, 30)) is None  # replayed from the audit log
    assert fastread.overdue_rows(url, org="NOPE") is None
    assert fastread.list_pledges(url, campaign=2031) is None
    assert fastread.dashboard(url, depth=-1) is None
    assert fastread.dashboard("sqlite:////no/such/ledger.db") is None
    assert fastread.dashboard("mysql://x@y/z") is None
    with demo.engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '99' WHERE key = 'schema_version'"))
    assert fastread.dashboard(url) is None
