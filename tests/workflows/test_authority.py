"""``workflows/authority.py``: one rights table for every trigger, asked once for a bulk
display, and silent in a ledger with nobody defined (docs/roles.md)."""

import pytest

from pledges.errors import NotPermitted
from pledges.people import add_person, grant_role
from pledges.workflows import authority, guards, lifecycle
from pledges.workflows.bulk import display_all_approved
from support import ACTOR, pledge_row, snapshot


def test_every_transition_asks_who_may_first_and_the_table_answers_it():
    for transition in lifecycle.TRANSITIONS:
        assert transition["conditions"][0] is guards.actor_may, transition["trigger"]
        assert transition["trigger"] in authority.RIGHTS


def test_with_nobody_defined_every_name_may(ledger, org):
    with ledger.session() as session:
        assert all(authority.allowed(session, "随便谁", action, None) for action in authority.RIGHTS)


@pytest.fixture
def secretary(ledger, make_org, make_pledge):
    """A secretary of DX-V1 (the village), approved pledges in DX-V1 and in its sibling DX-V2."""
    make_org("DX-V2", "大溪二村党支部", parent="DX", kind="village")
    pledges = {"DX-V1": make_pledge("approved"), "DX-V2": make_pledge("approved", org="DX-V2")}
    add_person(ledger, "王书记", actor=ACTOR)
    grant_role(ledger, "王书记", "secretary", "DX-V1", actor=ACTOR)
    return pledges


def test_a_bulk_display_needs_the_right_over_the_whole_scope(ledger, secretary):
    before = {pid: snapshot(ledger, pid) for pid in secretary.values()}
    with pytest.raises(NotPermitted) as err:
        display_all_approved(ledger, "DX", channel="board", actor="王书记")
    assert err.value.message("en") == (
        "王书记 may not display every approved pledge under 大溪镇党委: only a secretary or organiser of 大溪镇党委 "
        "or above may")
    assert {pid: snapshot(ledger, pid) for pid in secretary.values()} == before
    assert display_all_approved(ledger, "DX-V1", channel="board", actor="王书记") == 1
    assert pledge_row(ledger, secretary["DX-V1"]).state == "displayed"
    assert pledge_row(ledger, secretary["DX-V2"]).state == "approved"
