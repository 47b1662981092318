"""Listing pledges: scopes, states, overdue, and replaying a past day from the audit log."""

from datetime import date

import pytest

from pledges.errors import BadInput
from pledges.queries import list_pledges, show_pledge
from pledges.workflows.engine import run
from support import ACTOR


def test_overdue_is_derived_from_the_due_date_and_the_state(ledger, make_pledge):
    late = make_pledge("displayed", due=date(2026, 6, 1))
    make_pledge("fulfilled", due=date(2026, 6, 1))  # finished: not overdue
    make_pledge("draft", due=date(2026, 6, 1))  # not approved: not overdue
    due_today = make_pledge("approved", due=date(2026, 6, 15))
    assert [(p.id, p.days_late) for p in list_pledges(ledger, overdue=True)] == [(late, 14)]
    shown = {p.id: p for p in list_pledges(ledger)}
    assert (shown[due_today].overdue, shown[due_today].days_late) == (False, None)
    assert [p.id for p in list_pledges(ledger, overdue=True, as_of=date(2026, 6, 16))] == [late, due_today]


def test_as_of_a_past_day_replays_state_due_and_done(ledger, make_pledge, clock):
    pledge_id = make_pledge("displayed")  # 2026-06-15
    clock.advance(days=1)
    run(ledger, [pledge_id], "record_progress", ACTOR, amount=5)
    run(ledger, [pledge_id], "extend", ACTOR, due=date(2026, 10, 31), reason="汛期")
    clock.advance(days=1)
    run(ledger, [pledge_id], "record_progress", ACTOR, amount=7)
    run(ledger, [pledge_id], "complete", ACTOR)
    then = {day: list_pledges(ledger, as_of=date(2026, 6, day)) for day in (14, 15, 16, 17)}
    assert then[14] == []
    assert [(p.state, p.done, p.due) for p in then[15]] == [("displayed", 0, date(2026, 9, 30))]
    assert [(p.state, p.done, p.due) for p in then[16]] == [("in_progress", 5, date(2026, 10, 31))]
    assert [(p.state, p.done, p.outcome) for p in then[17]] == [("fulfilled", 12, "fulfilled")]
    assert [p.state for p in list_pledges(ledger, state="in_progress", as_of=date(2026, 6, 16))] == ["in_progress"]


def test_scope_and_state_filters(ledger, make_org, make_pledge):
    make_org("CB", "城北街道", parent="WL")
    here, there = make_pledge("approved"), make_pledge("approved", org="CB")
    draft = make_pledge()
    assert [p.id for p in list_pledges(ledger, org="DX")] == [here, draft]
    assert [p.id for p in list_pledges(ledger, org="WL", state="approved")] == [here, there]


def test_campaigns_are_listed_one_at_a_time(ledger, make_pledge):
    this_year = make_pledge()
    assert [p.id for p in list_pledges(ledger, campaign=2026)] == [this_year]
    with pytest.raises(BadInput, match="no 2025 campaign"):
        list_pledges(ledger, campaign=2025)


def test_show_gives_the_whole_history(ledger, make_pledge):
    pledge_id = make_pledge("evaluated")
    view = show_pledge(ledger, pledge_id)
    assert [(h["trigger"], h["from"], h["to"]) for h in view.history] == [
        ("create", None, "draft"), ("submit", "draft", "submitted"), ("approve", "submitted", "approved"),
        ("display", "approved", "displayed"), ("record_progress", "displayed", "in_progress"),
        ("complete", "in_progress", "fulfilled"), ("evaluate", "fulfilled", "evaluated")]
    assert [d["channel"] for d in view.displays] == ["board"]
    assert [(p["amount"], p["day"]) for p in view.progress] == [(12, "2026-06-15")]
    assert [e["grade"] for e in view.evaluations] == ["good"]


def test_campaign_years_outside_the_ledger_range_are_refused(ledger, make_pledge):
    with pytest.raises(BadInput, match="campaign year 1 is not valid: give a year from 2000 to 2100"):
        make_pledge(campaign=1, due=date(1, 9, 30))
    with pytest.raises(BadInput, match="campaign year 99999999999 is not valid"):
        list_pledges(ledger, campaign=99999999999)
