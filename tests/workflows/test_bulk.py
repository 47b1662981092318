"""``display --org --all-approved``: set-based, same definition, an audit event per pledge."""

from datetime import date

import pytest
from sqlalchemy import func, select

from pledges.errors import BadInput, TransitionRefused
from pledges.models import AuditEvent, DisplayRecord
from pledges.workflows.bulk import display_all_approved
from support import ACTOR, NOW, events_of, pledge_row, snapshot


@pytest.fixture
def town(ledger, make_org, make_pledge):
    """Approved pledges in two villages of DX, one elsewhere, and one DX pledge not yet approved."""
    make_org("DX-V2", "大溪二村党支部", parent="DX", kind="village")
    make_org("CB", "城北街道党工委", parent="WL", kind="committee")
    inside = [make_pledge("approved"), make_pledge("approved"), make_pledge("approved", org="DX-V2")]
    outside = make_pledge("approved", org="CB")
    waiting = make_pledge("submitted")
    return inside, outside, waiting


def test_displays_every_approved_pledge_of_the_subtree(ledger, town):
    inside, outside, waiting = town
    untouched = {pid: snapshot(ledger, pid)["pledge"] for pid in (outside, waiting)}
    count = display_all_approved(ledger, "DX", channel="board", place="镇公示栏", actor="组织委员")
    assert count == 3
    for pid in inside:
        row = pledge_row(ledger, pid)
        assert row.state == "displayed"
        last = events_of(ledger, pid)[-1]
        assert (last.trigger, last.from_state, last.to_state, last.actor, last.at) == (
            "display", "approved", "displayed", "组织委员", NOW)
        assert (last.due_after, last.done_after) == (row.due, row.done)
    for pid, row in untouched.items():
        assert snapshot(ledger, pid)["pledge"] == row
    with ledger.session() as session:
        records = session.execute(select(DisplayRecord.pledge_id, DisplayRecord.channel, DisplayRecord.place,
                                         DisplayRecord.day)).all()
    assert sorted(records) == sorted((pid, "board", "镇公示栏", date(2026, 6, 15)) for pid in inside)


def test_a_second_run_finds_nothing_to_do(ledger, town):
    assert display_all_approved(ledger, "DX", channel="board", actor=ACTOR) == 3
    assert display_all_approved(ledger, "DX", channel="board", actor=ACTOR) == 0


def test_the_guards_of_display_apply_to_the_batch(ledger, town):
    inside, _, _ = town
    with ledger.session() as session:
        events_before = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(TransitionRefused, match="needs a channel"):
        display_all_approved(ledger, "DX", channel=None, actor=ACTOR)
    with pytest.raises(BadInput, match="--channel cannot be"):
        display_all_approved(ledger, "DX", channel="wall", actor=ACTOR)
    with pytest.raises(TransitionRefused, match="after today"):
        display_all_approved(ledger, "DX", channel="board", day=date(2026, 7, 1), actor=ACTOR)
    assert all(pledge_row(ledger, pid).state == "approved" for pid in inside)
    with ledger.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events_before
