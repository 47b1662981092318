"""``pledges demo`` through the real command: it loads, says what it loaded, and refuses to mix
demo data into a ledger that already holds organisations."""

import re
from datetime import date

from sqlalchemy import func, select

from cli_support import add, counts, ok, refused, show, usage_error
from pledges.db import Ledger
from pledges.models import AuditEvent


def numbers(line: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", line)]


def test_demo_initialises_loads_and_says_what_it_loaded(pledges, db_url):
    result = ok(pledges("demo", "--scale", "small", "--seed", "4"))
    line = result.stdout.strip()
    assert line.startswith("已载入演示台账（small，种子 4，截至 2026-06-15）"), line
    assert result.stderr.strip() == "" and "Traceback" not in result.stderr
    ledger = Ledger(db_url)
    try:
        held = counts(ledger)
        orgs, members, org_pledges, member_pledges, events = numbers(line.split("：", 1)[1])[:5]
        assert (orgs, members, events) == (held["Organisation"], held["Member"], held["AuditEvent"])
        assert org_pledges + member_pledges == held["Pledge"]
        assert members == 300
    finally:
        ledger.dispose()


def test_a_second_demo_is_refused_in_one_line_and_changes_nothing(pledges, db_url):
    ok(pledges("demo"))
    ledger = Ledger(db_url)
    try:
        before = counts(ledger)
        line = refused(pledges("demo", "--seed", "2"))
        assert line.startswith("错误：该台账已有") and str(before["Organisation"]) in line
        assert counts(ledger) == before
        assert "already holds" in refused(pledges("--lang", "en", "demo"))
    finally:
        ledger.dispose()


def test_a_ledger_with_organisations_of_its_own_is_refused(pledges, tree, db_url):
    before = counts(tree)
    refused(pledges("demo"))
    assert counts(tree) == before


def test_the_demo_ledger_takes_new_pledges_like_any_other(pledges, db_url):
    ok(pledges("demo", "--as-of", "2026-05-31"))
    pledge_id = add(pledges, org="WL-DX-V001", due="2026-12-01")
    ok(pledges("submit", pledge_id))
    shown = show(pledges, pledge_id)
    assert shown["state"] == "submitted" and shown["org"] == "WL-DX-V001"
    assert [event["trigger"] for event in shown["history"]] == ["create", "submit"]


def test_the_ledger_stands_at_the_as_of_day_in_english_too(pledges, db_url):
    line = ok(pledges("--lang", "en", "demo", "--as-of", "2026-03-01")).stdout
    assert line.startswith("loaded a demo ledger (small, seed 1, as of 2026-03-01): ")
    ledger = Ledger(db_url)
    try:
        with ledger.session() as session:
            first, last = session.execute(select(func.min(AuditEvent.effective_on),
                                                 func.max(AuditEvent.effective_on))).one()
            assert first == date(2026, 1, 1) and date(2026, 2, 20) < last <= date(2026, 3, 1)
    finally:
        ledger.dispose()


def test_a_day_in_the_future_or_outside_the_campaign_years_is_refused(pledges, db_url):
    assert "2026-06-16" in refused(pledges("demo", "--as-of", "2026-06-16"))
    assert "1999" in refused(pledges("demo", "--as-of", "1999-12-31"))
    ledger = Ledger(db_url)
    try:
        assert sum(counts(ledger).values()) == 0  # initialised, nothing loaded
    finally:
        ledger.dispose()


def test_bad_options_are_usage_errors(pledges, db_url):
    assert "city" in usage_error(pledges("demo", "--scale", "town"))
    assert "YYYY-MM-DD" in usage_error(pledges("demo", "--as-of", "tomorrow"))
