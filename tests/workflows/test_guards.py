"""Each guard of docs/lifecycle.md with its message; a refused trigger leaves everything as it was."""

from datetime import date

import pytest
from sqlalchemy import select, update

from pledges.errors import BadInput, NotPermitted, PledgeError, TransitionRefused
from pledges.models import Pledge, PledgeVersion, Rating
from pledges.people import add_person, grant_role
from pledges.workflows.engine import run
from support import ACTOR, pledge_row, snapshot


def refused(ledger, pledge_id, trigger, error=TransitionRefused, **args) -> str:
    """Fire and expect a refusal that changes nothing; returns the English message."""
    before = snapshot(ledger, pledge_id)
    with pytest.raises(error) as err:
        run(ledger, [pledge_id], trigger, ACTOR, **args)
    assert snapshot(ledger, pledge_id) == before
    return err.value.message("en")


def set_fields(ledger, pledge_id, **values):
    """Change a pledge behind the ledger's back (as a bad import would)."""
    with ledger.session() as session:
        session.execute(update(Pledge.__table__).where(Pledge.__table__.c.id == pledge_id).values(**values))


@pytest.fixture
def no_authority(ledger):
    """Call it to make the actor the secretary of the pledges' own branch, DX-V1: no organiser,
    and a branch does not approve its own pledges (docs/roles.md)."""

    def deny():
        add_person(ledger, ACTOR, actor=ACTOR)
        grant_role(ledger, ACTOR, "secretary", "DX-V1", actor=ACTOR)

    return deny


# submit -------------------------------------------------------------------------------------

def test_submit_needs_a_title(ledger, make_pledge):
    pledge_id = make_pledge()
    set_fields(ledger, pledge_id, title="  ")
    assert "has no title" in refused(ledger, pledge_id, "submit")


def test_submit_needs_a_measurable_target_or_a_criterion(ledger, make_pledge):
    pledge_id = make_pledge(target=None, unit=None)
    assert "has no measurable target" in refused(ledger, pledge_id, "submit")
    qualitative = make_pledge(target=None, unit=None, qualitative=True, criterion="全年无违规")
    run(ledger, [qualitative], "submit", ACTOR)
    assert pledge_row(ledger, qualitative).state == "submitted"


def test_submit_needs_the_due_date_inside_the_campaign(ledger, make_pledge):
    pledge_id = make_pledge()
    set_fields(ledger, pledge_id, due=date(2027, 1, 15))
    assert "outside the 2026 campaign (2026-01-01 to 2026-12-31)" in refused(ledger, pledge_id, "submit")


def test_a_pledge_cannot_even_be_declared_due_outside_its_campaign(ledger, make_pledge):
    with pytest.raises(BadInput, match="outside the 2026 campaign"):
        make_pledge(due=date(2027, 3, 1))


# approve / return / withdraw ----------------------------------------------------------------

def test_approve_asks_who_may_approve(ledger, make_pledge, no_authority):
    pledge_id = make_pledge("submitted")
    no_authority()
    assert (f"{ACTOR} may not approve pledge {pledge_id}: only a secretary or organiser of an organisation above "
            "大溪村党支部 may approve the organisation pledges of 大溪村党支部") in refused(
        ledger, pledge_id, "approve", NotPermitted)


@pytest.mark.parametrize("trigger,state", [("return", "submitted"), ("withdraw", "approved"),
                                           ("fail", "displayed"), ("amend", "displayed")])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_reason_is_required(ledger, make_pledge, trigger, state, reason):
    pledge_id = make_pledge(state)
    args = {"changes": {"target": 20}} if trigger == "amend" else {}
    assert "needs a reason" in refused(ledger, pledge_id, trigger, reason=reason, **args)


# display ------------------------------------------------------------------------------------

def test_display_needs_a_known_channel(ledger, make_pledge):
    pledge_id = make_pledge("approved")
    assert "needs a channel" in refused(ledger, pledge_id, "display")
    assert "--channel cannot be wall" in refused(ledger, pledge_id, "display", BadInput, channel="wall")


def test_display_cannot_be_dated_in_the_future(ledger, make_pledge):
    pledge_id = make_pledge("approved")
    message = refused(ledger, pledge_id, "display", channel="board", day=date(2026, 6, 16))
    assert "date 2026-06-16 is after today (2026-06-15)" in message


# record_progress ----------------------------------------------------------------------------

@pytest.mark.parametrize("amount", [None, 0, -3])
def test_progress_needs_a_positive_amount(ledger, make_pledge, amount):
    pledge_id = make_pledge("displayed")
    assert f"greater than 0 (got {amount})" in refused(ledger, pledge_id, "record_progress", amount=amount)


def test_progress_cannot_be_in_the_future_or_before_display(ledger, make_pledge, clock):
    pledge_id = make_pledge("submitted")
    run(ledger, [pledge_id], "approve", ACTOR, day=date(2026, 6, 8))
    assert "before the pledge was approved (2026-06-08)" in refused(
        ledger, pledge_id, "display", channel="board", day=date(2026, 6, 7))
    run(ledger, [pledge_id], "display", ACTOR, channel="board", day=date(2026, 6, 10))
    assert "after today" in refused(ledger, pledge_id, "record_progress", amount=1, day=date(2026, 6, 20))
    message = refused(ledger, pledge_id, "record_progress", amount=1, day=date(2026, 6, 9))
    assert "before the pledge was displayed (2026-06-10)" in message
    run(ledger, [pledge_id], "record_progress", ACTOR, amount=1, day=date(2026, 6, 10))
    assert pledge_row(ledger, pledge_id).done == 1


def test_qualitative_progress_is_a_note_not_an_amount(ledger, make_pledge):
    pledge_id = make_pledge("displayed", target=None, unit=None, qualitative=True, criterion="全年无违规")
    assert "describe what was done with --note" in refused(ledger, pledge_id, "record_progress")
    assert "record it with --note only" in refused(ledger, pledge_id, "record_progress", amount=3, note="x")
    run(ledger, [pledge_id], "record_progress", ACTOR, note="参加清扫")
    assert (pledge_row(ledger, pledge_id).state, pledge_row(ledger, pledge_id).done) == ("in_progress", 0)


# complete -----------------------------------------------------------------------------------

def test_complete_when_the_target_is_reached(ledger, make_pledge, no_authority):
    pledge_id = make_pledge("in_progress")  # 1 of 12 done
    no_authority()
    assert "has 1 of 12 户 done" in refused(ledger, pledge_id, "complete")
    assert "may not complete below target pledge" in refused(ledger, pledge_id, "complete", NotPermitted,
                                                             note="组织确认")  # not an organiser
    run(ledger, [pledge_id], "record_progress", ACTOR, amount=11)
    run(ledger, [pledge_id], "complete", ACTOR)
    row = pledge_row(ledger, pledge_id)
    assert (row.state, row.outcome, row.finished_on) == ("fulfilled", "fulfilled", date(2026, 6, 15))


def test_an_organiser_may_confirm_completion_with_a_note(ledger, make_pledge):
    pledge_id = make_pledge("in_progress")
    assert "has 1 of 12 户 done" in refused(ledger, pledge_id, "complete")
    run(ledger, [pledge_id], "complete", ACTOR, note="另行核实已完成")
    assert pledge_row(ledger, pledge_id).outcome == "fulfilled"


def test_a_qualitative_pledge_is_completed_by_confirmation(ledger, make_pledge):
    pledge_id = make_pledge("displayed", target=None, unit=None, qualitative=True, criterion="全年无违规")
    run(ledger, [pledge_id], "record_progress", ACTOR, note="参加清扫")
    assert "needs a confirmation --note" in refused(ledger, pledge_id, "complete")


# fail ---------------------------------------------------------------------------------------

def test_fail_waits_for_the_due_date_unless_an_organiser(ledger, make_pledge, clock, no_authority):
    pledge_id = make_pledge("displayed", due=date(2026, 6, 20))
    no_authority()
    assert "is due 2026-06-20, not yet" in refused(ledger, pledge_id, "fail", reason="无法完成")
    clock.advance(days=5)  # 2026-06-20: the due day itself is not yet past
    assert "not yet" in refused(ledger, pledge_id, "fail", reason="无法完成")
    clock.advance(days=1)
    run(ledger, [pledge_id], "fail", ACTOR, reason="无法完成")
    assert pledge_row(ledger, pledge_id).outcome == "unfulfilled"


# evaluate -----------------------------------------------------------------------------------

def test_evaluate_records_the_organisation_rating(ledger, make_pledge):
    pledge_id = make_pledge("unfulfilled")
    assert "--grade cannot be superb" in refused(ledger, pledge_id, "evaluate", BadInput, grade="superb")
    run(ledger, [pledge_id], "evaluate", ACTOR, grade="pass", comment="客观原因")
    with ledger.session() as session:
        ratings = session.scalars(select(Rating).where(Rating.pledge_id == pledge_id)).all()
    assert [(r.rater_group, r.grade, r.comment, r.actor) for r in ratings] == [
        ("organisation", "pass", "客观原因", ACTOR)]
    row = pledge_row(ledger, pledge_id)
    assert (row.state, row.outcome) == ("evaluated", "unfulfilled")  # the outcome stays


# Defect 10 of issue 8: the guard used to run after the rating it asks for had been written.

def test_evaluate_without_a_grade_or_an_organisation_rating_is_refused(ledger, make_pledge):
    pledge_id = make_pledge("fulfilled")
    message = refused(ledger, pledge_id, "evaluate", comment="好")
    assert message == (f"pledge {pledge_id} has no organisation rating yet: "
                       f"use `pledges evaluate {pledge_id} --grade GRADE`")
    with ledger.session() as session:
        assert session.scalars(select(Rating).where(Rating.pledge_id == pledge_id)).all() == []


def test_evaluate_without_a_grade_uses_an_organisation_rating_recorded_before(ledger, make_pledge):
    pledge_id = make_pledge("fulfilled")
    with ledger.session() as session:  # as `pledges rate --group organisation` will record it
        session.add(Rating(pledge_id=pledge_id, rater_group="organisation", grade="good", actor="点评组",
                           recorded_at=ledger.now()))
    run(ledger, [pledge_id], "evaluate", ACTOR)
    with ledger.session() as session:
        grades = session.scalars(select(Rating.grade).where(Rating.pledge_id == pledge_id)).all()
    assert (pledge_row(ledger, pledge_id).state, grades) == ("evaluated", ["good"])


def test_a_rating_of_another_group_does_not_count(ledger, make_pledge):
    pledge_id = make_pledge("unfulfilled")
    with ledger.session() as session:
        session.add(Rating(pledge_id=pledge_id, rater_group="public", grade="satisfied", actor="群众",
                           recorded_at=ledger.now()))
    assert "no organisation rating yet" in refused(ledger, pledge_id, "evaluate")


# amend --------------------------------------------------------------------------------------

def test_amend_needs_a_coherent_change(ledger, make_pledge):
    pledge_id = make_pledge("displayed")
    assert "nothing to change" in refused(ledger, pledge_id, "amend", BadInput, reason="r", changes={})
    message = refused(ledger, pledge_id, "amend", BadInput, reason="r", changes={"qualitative": True})
    assert "needs --criterion" in message
    assert "greater than 0" in refused(ledger, pledge_id, "amend", BadInput, reason="r", changes={"target": 0})


def test_amend_keeps_the_old_content_as_a_version(ledger, make_pledge):
    pledge_id = make_pledge("in_progress")
    run(ledger, [pledge_id], "amend", ACTOR, reason="扩大范围", changes={"title": "走访困难群众和老党员", "target": 20})
    row = pledge_row(ledger, pledge_id)
    assert (row.state, row.title, row.target, row.done) == ("submitted", "走访困难群众和老党员", 20, 1)
    with ledger.session() as session:
        versions = session.scalars(select(PledgeVersion).where(PledgeVersion.pledge_id == pledge_id)).all()
    assert [(v.number, v.title, v.target, v.reason) for v in versions] == [(1, "走访困难群众", 12, "扩大范围")]


# extend -------------------------------------------------------------------------------------

def test_extend_moves_the_due_date_later_and_keeps_the_original(ledger, make_pledge):
    pledge_id = make_pledge("displayed")
    assert "must be later than the current one, 2026-09-30" in refused(
        ledger, pledge_id, "extend", due=date(2026, 9, 30), reason="r")
    assert "outside the 2026 campaign" in refused(ledger, pledge_id, "extend", due=date(2027, 1, 31), reason="r")
    run(ledger, [pledge_id], "extend", ACTOR, due=date(2026, 11, 30), reason="汛期停工")
    row = pledge_row(ledger, pledge_id)
    assert (row.state, row.due, row.original_due) == ("displayed", date(2026, 11, 30), date(2026, 9, 30))


def test_only_an_organiser_extends(ledger, make_pledge, no_authority):
    pledge_id = make_pledge("approved")
    no_authority()
    assert "may not extend" in refused(ledger, pledge_id, "extend", NotPermitted, due=date(2026, 11, 30), reason="r")


# many at once -------------------------------------------------------------------------------

def test_one_refusal_among_many_changes_none(ledger, make_pledge):
    ready, not_ready = make_pledge("submitted"), make_pledge("draft")
    before = snapshot(ledger, ready), snapshot(ledger, not_ready)
    with pytest.raises(PledgeError) as err:
        run(ledger, [ready, not_ready], "approve", ACTOR)
    assert f"approve refused for pledge {not_ready}, so none of the 2 pledges were changed" in err.value.message("en")
    assert (snapshot(ledger, ready), snapshot(ledger, not_ready)) == before


# limits -------------------------------------------------------------------------------------

def test_amounts_that_no_integer_column_holds_are_refused_alike_on_both_databases(ledger, make_pledge):
    pledge_id = make_pledge("displayed")
    message = refused(ledger, pledge_id, "record_progress", BadInput, amount=2**31, confirm_over=True)
    assert message == (f"pledge {pledge_id}: 0 done, and {2**31} more would pass {2**31 - 1}, the largest number "
                       f"the ledger stores: at most {2**31 - 1} more can be recorded")


def test_progress_up_to_the_stored_integer_with_confirmation_and_no_further(ledger, make_pledge):
    pledge_id = make_pledge("displayed")
    run(ledger, [pledge_id], "record_progress", ACTOR, amount=2**31 - 11, confirm_over=True)
    message = refused(ledger, pledge_id, "record_progress", BadInput, amount=11, confirm_over=True)
    assert message.endswith("at most 10 more can be recorded")
    run(ledger, [pledge_id], "record_progress", ACTOR, amount=10, confirm_over=True)
    assert pledge_row(ledger, pledge_id).done == 2**31 - 1


# Defect 8 of issue 8: progress far past the target needs --confirm-over; the message names the
# target, what is done, what is left and the largest amount accepted.

def test_progress_past_twice_the_target_needs_confirmation(ledger, make_pledge):
    pledge_id = make_pledge("displayed")  # target 12 户
    run(ledger, [pledge_id], "record_progress", ACTOR, amount=7)
    message = refused(ledger, pledge_id, "record_progress", amount=2**31 - 1)
    assert message == (f"pledge {pledge_id} has a target of 12 户, 7 done, 5 left; {2**31 - 1} more would make "
                       f"{2**31 + 6}, over twice the target (24), so the largest amount accepted is 17: check the "
                       f"amount, or add --confirm-over if it really is so")
    run(ledger, [pledge_id], "record_progress", ACTOR, amount=17)  # exactly twice the target
    assert "the largest amount accepted is 0" in refused(ledger, pledge_id, "record_progress", amount=1)
    run(ledger, [pledge_id], "record_progress", ACTOR, amount=6, confirm_over=True)
    assert pledge_row(ledger, pledge_id).done == 30
