"""What a transition does besides changing the state: the pledge fields it sets, the records it
adds and what its audit event shows.  One definition, read by two writers:

- the engine runs each effect as an ``after`` callback of ``transitions``, inside the database
  transaction of the state change and the audit event (``apply``);
- the demo generator (``pledges.demo``) asks the same effect what a step changes
  (``callback.what(step)``) and writes the answer as bulk rows.

An effect's ``what`` is pure: it reads a step (anything with ``pledge``, ``args``, ``day``,
``today``, ``actor`` and ``now``, such as a ``Move``) and returns a ``Change``; it touches no
database.  The lifecycle table (``lifecycle.py``) says which effects each trigger has."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from pledges.entries import content_of, merged_content
from pledges import scores
from pledges.models import DisplayRecord, PledgeScore, PledgeVersion, ProgressRecord, Rating
from pledges.vocab import Outcome, RaterGroup
from pledges.workflows.move import Move


class Change:
    """What one step changes.  A plain class: the demo makes millions (a NamedTuple costs 4×)."""

    __slots__ = ("fields", "records", "detail")

    def __init__(self, fields: dict[str, Any], records: tuple[tuple[type, dict[str, Any]], ...],
                 detail: dict[str, Any]):
        self.fields = fields  # pledge columns and their new values
        self.records = records  # (table model, row) pairs to insert
        self.detail = detail  # what the audit event's detail shows


def effect(what: Callable[[Any], Change], resolve: Callable[[Move], None] | None = None) -> Callable:
    """A ``transitions`` callback that applies ``what(move)`` to the pledge and the session.
    ``resolve`` first fills in the arguments that only the database knows (a version number)."""

    def callback(event_data) -> None:
        move = event_data.model
        if resolve is not None:
            resolve(move)
        apply(move, what(move))

    callback.__name__ = what.__name__  # for transitions' diagrams and errors
    callback.what = what
    return callback


def apply(move: Move, change: Change) -> None:
    for name, value in change.fields.items():
        setattr(move.pledge, name, value)
    for model, values in change.records:
        move.session.add(model(**values))
    move.detail.update(change.detail)


def reason_of(args: dict) -> str | None:
    """What the history shows as the why: the reason, else the note or the rating's comment."""
    return args.get("reason") or args.get("note") or args.get("comment")


def display_values(step, pledge_id: int) -> dict:
    """One display record; shared by the single and the bulk display."""
    return {"pledge_id": pledge_id, "channel": step.args["channel"], "place": step.args.get("place"),
            "day": step.day, "actor": step.actor, "recorded_at": step.now}


def approval(step) -> Change:
    return Change({"approved_on": step.day}, (), {})  # the awaiting-display reminder counts from it


def display(step) -> Change:
    return Change({}, ((DisplayRecord, display_values(step, step.pledge.id)),),
                  {"channel": step.args["channel"], "place": step.args.get("place")})


def progress(step) -> Change:
    args, pledge, day = step.args, step.pledge, step.day
    amount = args.get("amount") or 0
    last = pledge.last_progress_on
    record = {"pledge_id": pledge.id, "day": day, "amount": amount, "note": args.get("note"),
              "evidence": args.get("evidence"), "actor": step.actor, "recorded_at": step.now}
    return Change({"done": pledge.done + amount,
                   "last_progress_on": day if last is None or day > last else last},  # --date may go back
                  ((ProgressRecord, record),), {"amount": amount, "evidence": args.get("evidence")})


def _finish(outcome: Outcome) -> Callable:
    def finish(step) -> Change:
        # the day it was finished: today, or the day an import of its history gives (办结日期)
        return Change({"outcome": outcome.value, "finished_on": step.day}, (), {})

    finish.__name__ = str(outcome)
    return finish


fulfilment = _finish(Outcome.fulfilled)
failure = _finish(Outcome.unfulfilled)


def rating(step) -> Change:
    """The organisation's grade, when one is given (the ``has_org_rating`` guard has checked it,
    or found an earlier organisation rating)."""
    grade = step.args.get("grade")
    if grade is None:
        return Change({}, (), {})
    return Change({}, ((Rating, rating_values(step, step.pledge.id, RaterGroup.organisation.value, grade,
                                              source="evaluate")),), {"grade": grade})


def rating_values(step, pledge_id: int, group: str, grade: str, count: int = 1, source: str = "cli") -> dict:
    """One counting rating (``pledges.scores.counting``): shared by ``evaluate``, ``rate`` and the demo."""
    return {"pledge_id": pledge_id, "rater_group": group, "grade": grade, "count": count,
            "comment": step.args.get("comment"), "actor": step.actor, "status": "recorded", "source": source,
            "recorded_at": step.now}


def frozen_score(step) -> Change:
    """The score and final grade as they stand now, kept (``pledge_score``): later ratings do not
    change them.  ``args["score"]`` is the score computed from the ratings (``_score_inputs``);
    a pledge none of whose rater groups has a weight has no score to keep."""
    score = step.args.get("score")
    if score is None:
        return Change({}, (), {})
    grade = scores.grade_of(score)
    record = {"pledge_id": step.pledge.id, "score": score, "grade": grade, "frozen_at": step.now, "actor": step.actor}
    return Change({}, ((PledgeScore, record),), {"score": round(score, 2), "final_grade": grade})


def _score_inputs(move: Move) -> None:
    """The pledge's score from its counting ratings, the organisation grade just given included."""
    move.session.flush()
    move.args["score"], _, _ = scores.score_of(move.session, move.pledge)


def amendment(step) -> Change:
    """Keep the old content as version ``args["version"]``, then apply ``args["content"]``."""
    before, after, number = content_of(step.pledge), step.args["content"], step.args["version"]
    version = {"pledge_id": step.pledge.id, "number": number, "replaced_at": step.now, "actor": step.actor,
               "reason": step.args["reason"], **before}
    return Change(dict(after), ((PledgeVersion, version),),
                  {"version": number, "changes": {k: [before[k], v] for k, v in after.items() if before[k] != v}})


def _amendment_inputs(move: Move) -> None:
    """The next version number and the merged, validated new content."""
    pledge, session = move.pledge, move.session
    last = session.scalar(select(func.max(PledgeVersion.number)).where(PledgeVersion.pledge_id == pledge.id))
    move.args["version"] = 1 + (last or 0)
    move.args["content"] = merged_content(pledge, move.args["changes"]).model_dump()


def extension(step) -> Change:
    return Change({"due": step.args["due"]}, (), {"due": [step.pledge.due, step.args["due"]]})


def correction(step) -> Change:
    """A correcting entry: a progress record of a negative amount, with the reason as its note.
    The day of the last progress (the stalled rule's clock) is left as it was."""
    args, pledge = step.args, step.pledge
    amount = args["amount"]
    record = {"pledge_id": pledge.id, "day": step.day, "amount": amount, "note": args.get("reason"),
              "evidence": args.get("evidence"), "actor": step.actor, "recorded_at": step.now}
    return Change({"done": pledge.done + amount}, ((ProgressRecord, record),),
                  {"amount": amount, "evidence": args.get("evidence")})


def reopening(step) -> Change:
    """A fulfilment undone by a correction: no outcome and no finishing day any more."""
    return Change({"outcome": None, "finished_on": None}, (), {"reopened": True})


# The callbacks the lifecycle table names: what each one does is the pure function it wraps.
mark_approved = effect(approval)
record_display = effect(display)
record_progress = effect(progress)
mark_fulfilled = effect(fulfilment)
mark_unfulfilled = effect(failure)
record_rating = effect(rating)
freeze_score = effect(frozen_score, resolve=_score_inputs)
apply_amendment = effect(amendment, resolve=_amendment_inputs)
apply_extension = effect(extension)
record_correction = effect(correction)
reopen = effect(reopening)
