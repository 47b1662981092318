"""Firing a trigger: guard, state change and audit event in one database transaction.

A refused trigger raises before anything is committed, and the session is rolled back, so the
database is exactly as it was.  The pledge's version column turns a concurrent change into
``ConcurrentChange`` instead of a lost update."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session
from transitions import MachineError

from pledges import audit
from pledges.db import Ledger
from pledges.entries import pledge_by_id
from pledges.errors import ConcurrentChange, PledgeError, TransitionRefused
from pledges.i18n import Commands, Trigger
from pledges.models import Campaign, Pledge
from pledges.vocab import State
from pledges.workflows.lifecycle import MACHINE, triggers_from
from pledges.workflows.move import Move


@dataclass(frozen=True)
class Moved:
    id: int
    trigger: str
    from_state: str
    to_state: str

    def as_dict(self) -> dict:
        return {"id": self.id, "trigger": self.trigger, "from": self.from_state, "to": self.to_state}


def refusal_from_state(pledge_id: int, state: State, trigger: str) -> TransitionRefused:
    allowed = triggers_from(state)
    if not allowed:
        return TransitionRefused("refused_terminal", id=pledge_id, state=state, trigger=Trigger(trigger))
    return TransitionRefused("refused_state", id=pledge_id, state=state, trigger=Trigger(trigger),
                             allowed=Commands(allowed))


def fire(ledger: Ledger, session: Session, pledge: Pledge, trigger: str, actor: str, **args) -> Moved:
    """Fire ``trigger`` on ``pledge`` within ``session`` (which the caller commits)."""
    move = Move(ledger=ledger, session=session, actor=actor, campaign=session.get(Campaign, pledge.campaign_id),
                args={**args, "trigger": trigger}, pledge=pledge)
    pledge_id, source = pledge.id, move.state  # read now: a failed flush expires the row
    try:
        if not MACHINE.events[trigger].trigger(move):
            raise refusal_from_state(pledge_id, source, trigger)
        pledge.state = move.state.value
        pledge.updated_at = move.now
        audit.append_for_pledge(session, pledge, at=move.now, effective_on=move.day, actor=actor, trigger=trigger,
                                from_state=source, to_state=pledge.state,
                                reason=_reason(args), detail=move.detail or None)
        session.flush()
    except MachineError:
        raise refusal_from_state(pledge_id, source, trigger) from None
    except StaleDataError:  # from the flush, or an autoflush inside a guard
        raise ConcurrentChange(id=pledge_id) from None
    return Moved(pledge_id, trigger, source.value, pledge.state)


def _reason(args: dict) -> str | None:
    """What the history shows as the why: the reason, else the note or the rating's comment."""
    return args.get("reason") or args.get("note") or args.get("comment")


def run(ledger: Ledger, pledge_ids: Iterable[int], trigger: str, actor: str, **args) -> list[Moved]:
    """Fire ``trigger`` on each pledge, all in one transaction: if any is refused, none moves."""
    pledge_ids = list(pledge_ids)
    moved: list[Moved] = []
    try:
        with ledger.session() as session:
            for pledge_id in pledge_ids:
                try:
                    moved.append(fire(ledger, session, pledge_by_id(session, pledge_id), trigger, actor, **args))
                except PledgeError as err:
                    if len(pledge_ids) == 1:
                        raise
                    raise TransitionRefused("refused_many", id=pledge_id, trigger=Trigger(trigger),
                                            count=len(pledge_ids), detail=err) from err
    except StaleDataError:
        raise ConcurrentChange(id=moved[-1].id if moved else pledge_ids[0]) from None
    return moved

