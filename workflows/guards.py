"""The guards of the lifecycle (docs/lifecycle.md).  Each checks one condition of a ``Move`` and raises
``TransitionRefused`` (or ``BadInput``) with a message saying what to do instead.

``@guard`` turns a check into a ``transitions`` condition.  A guard of scope ``args`` looks
only at the trigger's arguments, so a set-based bulk operation can check it once for a batch;
one of scope ``row`` looks at the pledge; one of scope ``actor`` asks who may
(a bulk operation asks it once for its whole scope)."""

from collections.abc import Callable

from sqlalchemy import func, select

from pledges.campaigns import inside
from pledges.entries import merged_content
from pledges import quality, rules
from pledges.errors import BadInput, TransitionRefused
from pledges.i18n import Trigger, choices
from pledges.models import MAX_INT, DisplayRecord, Rating
from pledges.scores import counting
from pledges.vocab import Channel, Grade, RaterGroup
from pledges.workflows import authority
from pledges.workflows.move import Move

Check = Callable[[Move], None]


def guard(scope: str, columns: tuple[str, ...] = ()) -> Callable[[Check], Callable]:
    """``columns``: for a ``row`` guard that reads only these pledge columns, so a bulk
    operation can check it on each row it changes."""

    def wrap(check: Check) -> Callable:
        def condition(event_data) -> bool:
            check(event_data.model)
            return True

        condition.__name__ = check.__name__
        condition.check, condition.scope, condition.columns = check, scope, columns
        return condition

    return wrap


def _refuse(key: str, move: Move, **params) -> TransitionRefused:
    return TransitionRefused(key, id=move.pledge_id, **params)


@guard("row")
def has_title(move: Move) -> None:
    if not (move.pledge.title or "").strip():
        raise _refuse("need_title", move)


@guard("row")
def has_owner(move: Move) -> None:
    if move.pledge.org_id is None:
        raise _refuse("need_owner", move)


@guard("row")
def has_measure(move: Move) -> None:
    pledge = move.pledge
    measurable = pledge.target is not None and pledge.target > 0 and bool(pledge.unit)
    if not (measurable or (pledge.qualitative and pledge.criterion)):
        raise _refuse("need_measure", move)


@guard("row")
def passes_quality(move: Move) -> None:
    """The quality rules refuse a vague pledge when its campaign says so (``campaign set
    --lint-refuses``); otherwise ``submit`` only warns (docs/evaluation.md)."""
    if move.campaign.lint_refuses:
        quality.enforce(move.session, move.pledge, move.campaign)


@guard("row")
def due_in_campaign(move: Move) -> None:
    _inside(move, move.pledge.due)


@guard("args")
def new_due_in_campaign(move: Move) -> None:
    _inside(move, move.args["due"])


def _inside(move: Move, due) -> None:
    period = move.campaign
    if not inside(period, due):
        raise _refuse("due_outside", move, due=due, year=period.year, starts=period.starts, ends=period.ends)


@guard("args")
def reason_given(move: Move) -> None:
    if not (move.args.get("reason") or "").strip():
        raise _refuse("need_reason", move, trigger=Trigger(move.args["trigger"]))


@guard("actor")
def actor_may(move: Move) -> None:
    """The actor's grants allow this trigger on this pledge (``workflows/authority.py``)."""
    authority.require_for_pledge(move.session, move.actor, move.args["trigger"], move.pledge)


@guard("args")
def channel_given(move: Move) -> None:
    channel = move.args.get("channel")
    if not channel:
        raise _refuse("need_channel", move, choices=choices(Channel))
    if channel not in Channel.__members__.values():
        raise BadInput("bad_choice", what="--channel", value=channel, choices=choices(Channel))


@guard("args")
def day_not_future(move: Move) -> None:
    if move.day > move.today:
        raise _refuse("future_date", move, on=move.day, today=move.today)


@guard("row", columns=("approved_on",))
def day_not_before_approval(move: Move) -> None:
    approved = move.pledge.approved_on
    if approved is not None and move.day < approved:
        raise _refuse("before_approval", move, on=move.day, approved=approved)


@guard("row")
def day_not_before_display(move: Move) -> None:
    displayed = move.session.scalar(select(func.min(DisplayRecord.day)).where(DisplayRecord.pledge_id == move.pledge.id))
    if displayed is not None and move.day < displayed:
        raise _refuse("before_display", move, on=move.day, displayed=displayed)


@guard("row")
def progress_amount(move: Move) -> None:
    """A numeric pledge needs an amount > 0; a qualitative one a note (and no amount)."""
    amount, note = move.args.get("amount"), (move.args.get("note") or "").strip()
    if move.pledge.qualitative:
        if amount:
            raise _refuse("qualitative_amount", move)
        if not note:
            raise _refuse("qualitative_note", move)
    elif amount is None or amount <= 0:
        raise _refuse("amount_positive", move, amount=amount)
    else:
        _amount_within_limits(move, amount)


OVER_TARGET = 2  # without --confirm-over, progress may bring done to at most this many times the target


def _amount_within_limits(move: Move, amount: int) -> None:
    """Past ``OVER_TARGET`` × target, progress needs ``confirm_over`` (a mistyped 2147483647 on
    a target of 12 is refused, a real over-fulfilment confirmed); done must fit the stored integer."""
    pledge = move.pledge
    ceiling = min(OVER_TARGET * (pledge.target or 0), MAX_INT)
    if pledge.target and pledge.done + amount > ceiling and not move.args.get("confirm_over"):
        raise _refuse("amount_over_target", move, amount=amount, total=pledge.done + amount, done=pledge.done,
                      target=pledge.target, unit=pledge.unit, left=max(pledge.target - pledge.done, 0),
                      ceiling=ceiling, largest=max(ceiling - pledge.done, 0))
    room = MAX_INT - pledge.done
    if amount > room:
        raise BadInput("amount_overflow", id=pledge.id, amount=amount, done=pledge.done, limit=MAX_INT, room=room)


@guard("row")
def target_reached_or_confirmed(move: Move) -> None:
    """Target reached, or an organiser confirms with a note."""
    pledge = move.pledge
    if pledge.target is not None and pledge.done >= pledge.target:
        return
    if not (move.args.get("note") or "").strip():
        if pledge.qualitative:
            raise _refuse("need_confirmation", move)
        raise _refuse("target_not_reached", move, done=pledge.done, target=pledge.target, unit=pledge.unit)
    authority.require_for_pledge(move.session, move.actor, "confirm", pledge)


@guard("row")
def due_passed_or_organiser(move: Move) -> None:
    pledge = move.pledge
    if rules.overdue(pledge.state, pledge.due, move.today):
        return
    if not authority.may_for_pledge(move.session, move.actor, "fail_early", pledge):
        raise _refuse("not_yet_due", move, due=pledge.due)


@guard("args")
def grade_valid(move: Move) -> None:
    """A grade, when one is given, is one of the grades."""
    grade = move.args.get("grade")
    if grade is not None and grade not in Grade.__members__.values():
        raise BadInput("bad_choice", what="--grade", value=grade, choices=choices(Grade))


@guard("row")
def has_org_rating(move: Move) -> None:
    """The grade given now, or an organisation rating recorded before (``effects.record_rating``
    writes the given one only once this holds)."""
    if move.args.get("grade") is not None:
        return
    rated = move.session.scalar(
        select(func.count()).select_from(Rating).where(
            Rating.pledge_id == move.pledge.id, Rating.rater_group == RaterGroup.organisation, counting(Rating))
    )
    if not rated:
        raise _refuse("need_org_rating", move)


@guard("row")
def due_later(move: Move) -> None:
    if move.args["due"] <= move.pledge.due:
        raise _refuse("due_not_later", move, new=move.args["due"], due=move.pledge.due)


@guard("row")
def amendment_valid(move: Move) -> None:
    changes = {k: v for k, v in (move.args.get("changes") or {}).items() if v is not None}
    if not changes:
        raise BadInput("nothing_to_amend")
    merged_content(move.pledge, changes)  # raises BadInput when incoherent


# --- correcting progress (issue 11) -------------------------------------------------------------


def predicate(check: Callable[[Move], bool]) -> Callable:
    """A condition that chooses between two rows of one trigger: it answers, it never refuses."""

    def condition(event_data) -> bool:
        return bool(check(event_data.model))

    condition.__name__ = check.__name__
    condition.check, condition.scope, condition.columns = check, "row", ()
    return condition


@guard("row")
def correction_valid(move: Move) -> None:
    """A correction takes back part of what was recorded: a negative amount, on a numeric pledge,
    leaving what is done at 0 or more."""
    amount, pledge = move.args.get("amount"), move.pledge
    if pledge.qualitative:
        raise _refuse("qualitative_correction", move)
    if amount is None or amount >= 0:
        raise _refuse("correction_negative", move, amount=amount)
    if pledge.done + amount < 0:
        raise _refuse("correction_below_zero", move, amount=amount, done=pledge.done, unit=pledge.unit)


@predicate
def undoes_fulfilment(move: Move) -> bool:
    """The pledge was fulfilled by its count (done reached the target) and the correction takes it
    back below the target.  A fulfilment an organiser confirmed short of the target stays."""
    pledge, amount = move.pledge, move.args.get("amount") or 0
    target = pledge.target or 0
    return pledge.done >= target > pledge.done + amount
