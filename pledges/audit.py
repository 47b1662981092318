"""Appending audit events (记实).  Every change to the ledger goes through here, and every
event is linked into the hash chain as it is inserted (``pledges.chain``)."""

import json
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from pledges import chain
from pledges.models import Pledge


# One encoder for every detail: json.dumps builds a new one per call when given options.
_DETAIL = json.JSONEncoder(ensure_ascii=False, default=str, sort_keys=True)


def pledge_snapshot(pledge: Pledge) -> dict[str, Any]:
    """The figures' inputs as the pledge stands now, stored with each of its events."""
    return {"due_after": pledge.due, "done_after": pledge.done, "outcome_after": pledge.outcome}


def encode_detail(detail: dict | None) -> str | None:
    """A detail as stored: canonical JSON, or None."""
    return _DETAIL.encode(detail) if detail else None


def event_values(
    *,
    at: datetime,
    effective_on: date,
    actor: str,
    entity: str,
    entity_id: int,
    trigger: str,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    detail: dict | None = None,
    **snapshot: Any,
) -> dict[str, Any]:
    """One audit row as a dict: for ``session.add`` one at a time or Core bulk inserts."""
    return {
        "at": at,
        "effective_on": effective_on,
        "actor": actor,
        "entity": entity,
        "entity_id": entity_id,
        "trigger": trigger,
        "from_state": from_state,
        "to_state": to_state,
        "reason": reason,
        "detail": encode_detail(detail),
        **snapshot,
    }


def append(session: Session, **values: Any) -> None:
    """Insert one event now, at the end of the chain."""
    chain.append(session, [event_values(**values)])


def append_for_pledge(session: Session, pledge: Pledge, **values: Any) -> None:
    append(session, entity="pledge", entity_id=pledge.id, **values, **pledge_snapshot(pledge))
