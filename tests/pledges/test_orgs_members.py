"""Organisations, their closure table, members."""

import pytest
from sqlalchemy import select

from pledges.errors import BadInput, Duplicate, UnknownOrganisation
from pledges.members import add_member, list_members
from pledges.models import AuditEvent, Organisation, OrgClosure
from pledges.orgs import add_org, list_orgs
from support import ACTOR


@pytest.fixture
def city(make_org):
    make_org("WL", "温岭市委", kind="committee")
    for town in ("DX", "CB"):
        make_org(town, f"{town}党委", parent="WL", kind="committee")
    make_org("DX-V2", "二村", parent="DX", kind="village")
    make_org("DX-V1", "一村", parent="DX", kind="village")
    make_org("DX-V1-G1", "一村一组", parent="DX-V1")


def test_the_closure_table_holds_every_ancestor_at_its_depth(ledger, city):
    with ledger.session() as session:
        code = dict(session.execute(select(Organisation.id, Organisation.code)).all())
        pairs = {(code[a], code[d], depth) for a, d, depth in session.execute(
            select(OrgClosure.ancestor_id, OrgClosure.descendant_id, OrgClosure.depth))}
    assert {(a, depth) for a, d, depth in pairs if d == "DX-V1-G1"} == {
        ("DX-V1-G1", 0), ("DX-V1", 1), ("DX", 2), ("WL", 3)}
    assert len(pairs) == 6 + 5 + 3 + 1  # each organisation: itself and its ancestors


def test_listing_is_in_tree_order_and_scoped(ledger, city):
    assert [(o.code, o.parent, o.depth) for o in list_orgs(ledger)] == [
        ("WL", None, 0), ("CB", "WL", 1), ("DX", "WL", 1), ("DX-V1", "DX", 2), ("DX-V1-G1", "DX-V1", 3),
        ("DX-V2", "DX", 2)]
    assert [o.code for o in list_orgs(ledger, under="DX-V1")] == ["DX-V1", "DX-V1-G1"]
    with pytest.raises(UnknownOrganisation):
        list_orgs(ledger, under="NOPE")


def test_kind_defaults_to_committee_at_the_top_and_other_below(ledger, city):
    kinds = {o.code: o.kind for o in list_orgs(ledger)}
    assert (kinds["WL"], kinds["DX-V1-G1"]) == ("committee", "other")


def test_bad_additions_are_refused_and_change_nothing(ledger, city):
    before = list_orgs(ledger)
    with pytest.raises(Duplicate, match="DX already exists"):
        add_org(ledger, "DX", "重复", actor=ACTOR)
    with pytest.raises(UnknownOrganisation, match="NOPE"):
        add_org(ledger, "NEW", "新", parent="NOPE", actor=ACTOR)
    with pytest.raises(BadInput, match="not valid"):
        add_org(ledger, "has space", "新", actor=ACTOR)
    with pytest.raises(BadInput, match="NAME must not be empty"):
        add_org(ledger, "NEW", " ", actor=ACTOR)
    assert list_orgs(ledger) == before


def test_every_addition_is_audited(ledger, city):
    add_member(ledger, "M1", "张三", org="DX-V1", actor="管理员")
    with ledger.session() as session:
        events = session.execute(select(AuditEvent.entity, AuditEvent.trigger, AuditEvent.actor)).all()
    assert events.count(("organisation", "create", ACTOR)) == 6
    assert ("member", "create", "管理员") in events


def test_members_are_listed_for_a_subtree(ledger, city):
    add_member(ledger, "M1", "张三", org="DX-V1-G1", actor=ACTOR)
    add_member(ledger, "M2", "李四", org="DX-V2", actor=ACTOR)
    add_member(ledger, "M3", "王五", org="CB", actor=ACTOR)
    assert [m.number for m in list_members(ledger, "DX")] == ["M1", "M2"]
    assert [m.number for m in list_members(ledger)] == ["M3", "M1", "M2"]
    with pytest.raises(Duplicate, match="M1 already exists"):
        add_member(ledger, "M1", "重名", org="CB", actor=ACTOR)
