"""Firing a trigger: guard, state change and audit event in one database transaction.

A refused trigger raises before anything is committed, and the session is rolled back, so the
database is exactly as it was.  The pledge's version column turns a concurrent change into
``StaleDataError``; ``run`` then tries again on the fresh row (locked this time), so two people
recording progress on one pledge both succeed, and only a race that changed the answer (the
pledge was completed meanwhile) is refused.

The audit events of a run are inserted last, once every pledge row has been updated: a refused
or raced transaction never takes an audit id from PostgreSQL's sequence, so the ids have no
gaps (README, Architecture)."""

import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session
from transitions import MachineError

from pledges import audit, chain
from pledges.campaigns import inside
from pledges.db import Ledger
from pledges.entries import pledge_by_id
from pledges.errors import ConcurrentChange, PledgeError, TransitionRefused
from pledges.i18n import Commands, Trigger
from pledges.models import Campaign, Pledge
from pledges.vocab import State
from pledges.workflows.effects import reason_of
from pledges.workflows.lifecycle import MACHINE, triggers_from
from pledges.workflows.move import Move

TRIES = 5  # a transaction raced by another writer is tried again up to this many times in all
BACKOFF = 0.01  # seconds; the n-th retry waits a random time up to BACKOFF × 2ⁿ


@dataclass(frozen=True)
class OutsideCampaign:
    """A change that takes effect on a day outside its pledge's campaign: done, with a warning."""

    year: int
    starts: date
    ends: date
    day: date


@dataclass(frozen=True)
class Moved:
    id: int
    trigger: str
    from_state: str
    to_state: str
    outside: OutsideCampaign | None = None
    # where the pledge stands after the move, for the confirmation a person reads
    done: int = 0
    target: int | None = None
    unit: str | None = None
    qualitative: bool = False

    def as_dict(self) -> dict:
        return {"id": self.id, "trigger": self.trigger, "from": self.from_state, "to": self.to_state}


def refusal_from_state(pledge_id: int, state: State, trigger: str) -> TransitionRefused:
    allowed = triggers_from(state)
    if not allowed:
        return TransitionRefused("refused_terminal", id=pledge_id, state=state, trigger=Trigger(trigger))
    return TransitionRefused("refused_state", id=pledge_id, state=state, trigger=Trigger(trigger),
                             allowed=Commands(allowed))


def fire(ledger: Ledger, session: Session, pledge: Pledge, trigger: str, actor: str, **args) -> Moved:
    """Fire ``trigger`` on ``pledge`` within ``session`` (which the caller commits), its audit
    event included."""
    moved, event = _move(ledger, session, pledge, trigger, actor, args)
    _append(session, [event])
    return moved


def _move(ledger: Ledger, session: Session, pledge: Pledge, trigger: str, actor: str, args: dict
          ) -> tuple[Moved, dict]:
    """Guard, state change and effects, flushed; returns what moved and its audit event's row,
    not yet inserted."""
    campaign = session.get(Campaign, pledge.campaign_id)
    move = Move(ledger=ledger, session=session, actor=actor, campaign=campaign,
                args={**args, "trigger": trigger}, pledge=pledge)
    pledge_id, source = pledge.id, move.state  # read now: a failed flush expires the row
    try:
        if not MACHINE.events[trigger].trigger(move):
            raise refusal_from_state(pledge_id, source, trigger)
        pledge.state = move.state.value
        pledge.updated_at = move.now
        session.flush()  # the version check: a raced row raises here, before any audit id is taken
    except MachineError:
        raise refusal_from_state(pledge_id, source, trigger) from None
    except StaleDataError:  # from the flush, or an autoflush inside a guard
        raise ConcurrentChange(id=pledge_id) from None
    event = audit.event_values(at=move.now, effective_on=move.day, actor=actor, entity="pledge",
                               entity_id=pledge_id, trigger=trigger, from_state=source, to_state=pledge.state,
                               reason=reason_of(args), detail=move.detail or None, **audit.pledge_snapshot(pledge))
    outside = None if inside(campaign, move.day) else OutsideCampaign(campaign.year, campaign.starts, campaign.ends,
                                                                       move.day)
    return Moved(pledge_id, trigger, source.value, pledge.state, outside, pledge.done, pledge.target, pledge.unit,
                 pledge.qualitative), event


def _append(session: Session, events: list[dict]) -> None:
    chain.append(session, events)


def run(ledger: Ledger, pledge_ids: Iterable[int], trigger: str, actor: str, **args) -> list[Moved]:
    """Fire ``trigger`` on each pledge, all in one transaction: if any is refused, none moves.

    A transaction that lost a race with another writer is tried again on the fresh rows (locked
    for the retry), up to ``TRIES`` times: the guards decide again, so it goes through when they
    still hold and is refused when the race changed the answer."""
    pledge_ids = list(pledge_ids)
    for attempt in range(TRIES):
        try:
            return _run_once(ledger, pledge_ids, trigger, actor, args, lock=attempt > 0)
        except ConcurrentChange:
            if attempt == TRIES - 1:
                raise
            time.sleep(random.uniform(0, BACKOFF * 2**attempt))
    raise AssertionError("unreachable")


def _run_once(ledger: Ledger, pledge_ids: list[int], trigger: str, actor: str, args: dict, lock: bool
              ) -> list[Moved]:
    moved: list[Moved] = []
    events: list[dict] = []
    try:
        with ledger.session() as session:
            for pledge_id in pledge_ids:
                try:
                    one, event = _move(ledger, session, pledge_by_id(session, pledge_id, lock=lock), trigger, actor,
                                       args)
                except ConcurrentChange:
                    raise
                except PledgeError as err:
                    if len(pledge_ids) == 1:
                        raise
                    raise TransitionRefused("refused_many", id=pledge_id, trigger=Trigger(trigger),
                                            count=len(pledge_ids), detail=err) from err
                moved.append(one)
                events.append(event)
            _append(session, events)  # last: nothing after it can fail but the commit
    except StaleDataError:
        raise ConcurrentChange(id=moved[-1].id if moved else pledge_ids[0]) from None
    return moved
