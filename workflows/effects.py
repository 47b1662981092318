"""What a transition does besides changing the state: the records it writes and the fields
it changes.  Run by ``transitions`` as ``prepare`` or ``after`` callbacks, inside the same
database transaction as the state change and the audit event."""

from collections.abc import Callable

from sqlalchemy import func, select

from pledges.entries import content_of, merged_content
from pledges.errors import BadInput
from pledges.i18n import choices
from pledges.models import DisplayRecord, Evaluation, PledgeVersion, ProgressRecord
from pledges.vocab import Grade, Outcome, RaterGroup
from pledges.workflows.move import Move


def effect(apply: Callable[[Move], None]) -> Callable:
    def callback(event_data) -> None:
        apply(event_data.model)

    callback.__name__ = apply.__name__
    callback.apply = apply
    return callback


def display_values(move: Move, pledge_id: int) -> dict:
    """One display record; shared by the single and the bulk display."""
    return {"pledge_id": pledge_id, "channel": move.args["channel"], "place": move.args.get("place"),
            "day": move.day, "actor": move.actor, "recorded_at": move.now}


@effect
def mark_approved(move: Move) -> None:
    move.pledge.approved_on = move.day  # the awaiting-display reminder counts from it


@effect
def record_display(move: Move) -> None:
    move.session.add(DisplayRecord(**display_values(move, move.pledge.id)))
    move.detail.update(channel=move.args["channel"], place=move.args.get("place"))


@effect
def record_progress(move: Move) -> None:
    amount = move.args.get("amount") or 0
    move.session.add(ProgressRecord(pledge_id=move.pledge.id, day=move.day, amount=amount,
                                    note=move.args.get("note"), evidence=move.args.get("evidence"),
                                    actor=move.actor, recorded_at=move.now))
    move.pledge.done += amount
    last = move.pledge.last_progress_on
    move.pledge.last_progress_on = move.day if last is None or move.day > last else last  # --date may go back
    move.detail.update(amount=amount, evidence=move.args.get("evidence"))


def _finish(outcome: Outcome) -> Callable:
    def finish(move: Move) -> None:
        move.pledge.outcome = outcome
        move.pledge.finished_on = move.today

    finish.__name__ = f"mark_{outcome}"
    return effect(finish)


mark_fulfilled = _finish(Outcome.fulfilled)
mark_unfulfilled = _finish(Outcome.unfulfilled)


@effect
def record_rating(move: Move) -> None:
    """The organisation's grade, recorded before the guard that asks for one."""
    grade = move.args.get("grade")
    if grade not in Grade.__members__.values():
        raise BadInput("bad_choice", what="--grade", value=grade, choices=choices(Grade))
    move.session.add(Evaluation(pledge_id=move.pledge.id, rater_group=RaterGroup.organisation, grade=grade,
                                comment=move.args.get("comment"), actor=move.actor, recorded_at=move.now))
    move.session.flush()
    move.detail.update(grade=grade)


@effect
def apply_amendment(move: Move) -> None:
    """Keep the old content as a version, then apply the new."""
    pledge, session = move.pledge, move.session
    number = 1 + (session.scalar(select(func.max(PledgeVersion.number)).where(PledgeVersion.pledge_id == pledge.id)) or 0)
    before = content_of(pledge)
    session.add(PledgeVersion(pledge_id=pledge.id, number=number, replaced_at=move.now, actor=move.actor,
                              reason=move.args["reason"], **before))
    for name, value in merged_content(pledge, move.args["changes"]).model_dump().items():
        setattr(pledge, name, value)
    move.detail.update(version=number, changes={k: [before[k], v] for k, v in content_of(pledge).items()
                                                 if before[k] != v})


@effect
def apply_extension(move: Move) -> None:
    move.detail.update(due=[move.pledge.due, move.args["due"]])
    move.pledge.due = move.args["due"]
