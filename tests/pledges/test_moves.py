"""Members and organisations that move (docs/moves.md), in the ledger layer on SQLite and
PostgreSQL: the closure table after any sequence of moves is the one the parents imply, the
hierarchy and each pledge's organisation of a past day are replayed, corrections count."""

import random

import pytest
from sqlalchemy import select

from pledges.errors import Refused
from pledges.figures import dashboard
from pledges.models import Organisation, OrgClosure
from pledges.moves import move_member, move_org
from pledges.members import add_member
from pledges.orgs import closure_as_of
from pledges.queries import end_of_day_utc, list_pledges
from pledges.workflows.engine import run
from support import ACTOR

CODES = ["WL", "A", "B", "C", "A1", "A2", "B1", "B2", "C1", "A11", "B21"]
PARENTS = {"A": "WL", "B": "WL", "C": "WL", "A1": "A", "A2": "A", "B1": "B", "B2": "B", "C1": "C", "A11": "A1",
           "B21": "B2"}


@pytest.fixture
def hierarchy(make_org):
    for code in CODES:
        make_org(code, parent=PARENTS.get(code))


def closure_from_parents(parents: dict[int, int | None]) -> set[tuple[int, int, int]]:
    pairs = set()
    for org_id in parents:
        node, depth = org_id, 0
        while node is not None:
            pairs.add((node, org_id, depth))
            node, depth = parents[node], depth + 1
    return pairs


def state_of(ledger):
    with ledger.session() as session:
        parents = dict(session.execute(select(Organisation.id, Organisation.parent_id)).all())
        closure = set(session.execute(select(OrgClosure.ancestor_id, OrgClosure.descendant_id, OrgClosure.depth)))
    return parents, closure


def test_the_closure_follows_any_sequence_of_moves(ledger, hierarchy, clock):
    rng = random.Random(11)
    moved = 0
    for _ in range(25):
        code, parent = rng.choice(CODES[1:]), rng.choice(CODES)
        try:
            move_org(ledger, code, parent, actor=ACTOR)
            moved += 1
        except Refused:
            pass  # a cycle or the same parent: nothing written
        parents, closure = state_of(ledger)
        assert closure == closure_from_parents(parents)
        clock.advance(hours=1)
    assert moved > 5


def test_a_cycle_is_refused_and_changes_nothing(ledger, hierarchy):
    before = state_of(ledger)
    for code, parent in (("A", "A11"), ("A", "A"), ("A1", "A")):
        with pytest.raises(Refused):
            move_org(ledger, code, parent, actor=ACTOR)
    assert state_of(ledger) == before


def test_the_hierarchy_of_a_past_day_is_rebuilt(ledger, hierarchy, clock):
    day = ledger.today()
    _, closure_then = state_of(ledger)
    clock.advance(days=2)
    move_org(ledger, "A1", "B", actor=ACTOR)
    move_org(ledger, "B2", "A11", actor=ACTOR)
    with ledger.session() as session:
        rebuilt = set(session.execute(select(*closure_as_of(session, end_of_day_utc(day, "Asia/Shanghai")).c)))
        assert closure_as_of(session, end_of_day_utc(ledger.today(), "Asia/Shanghai")) is OrgClosure.__table__
    assert rebuilt == closure_then


def test_past_figures_keep_the_organisation_a_pledge_had(ledger, make_pledge, org, clock):
    add_member(ledger, "M1", "张三", org="DX-V1", actor=ACTOR)
    from pledges.orgs import add_org

    add_org(ledger, "SX", "松门镇党委", parent="WL", actor=ACTOR)
    add_org(ledger, "SX-V1", "松门村党支部", parent="SX", actor=ACTOR)
    pledge_id = make_pledge("in_progress", member="M1")
    day = ledger.today()
    before = dashboard(ledger, as_of=day).as_dict()
    clock.advance(days=3)
    moved = move_member(ledger, "M1", "SX-V1", reason="调动", actor=ACTOR)
    assert moved.pledges == [pledge_id]
    run(ledger, [pledge_id], "correct_progress", ACTOR, amount=-1, reason="录错")
    assert dashboard(ledger, as_of=day).as_dict() == before
    assert [p.org for p in list_pledges(ledger, org="DX", as_of=day)] == ["DX-V1"]
    assert list_pledges(ledger, org="DX") == []
    now = {row.code: row for row in dashboard(ledger, depth=3).rows}
    assert now["SX-V1"].declared == 1 and now["DX-V1"].declared == 0
    assert [p.done for p in list_pledges(ledger, as_of=day)] == [1]
    assert [p.done for p in list_pledges(ledger)] == [0]
