"""The object the state machine moves: one pledge, inside one database transaction.

``transitions`` is given this plain object, never the SQLModel row (pydantic's
``__setattr__`` rejects the machine's helper attributes; transitions issue #635)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from pledges.db import Ledger
from pledges.models import Campaign, Pledge
from pledges.vocab import State


@dataclass
class Move:
    ledger: Ledger
    session: Session
    actor: str
    campaign: Campaign
    args: dict[str, Any]
    pledge: Pledge | None = None  # None when a bulk operation checks the arguments once
    state: State | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    now: datetime = field(init=False)
    today: date = field(init=False)

    def __post_init__(self):
        self.now = self.ledger.now()
        self.today = self.ledger.today(self.campaign.timezone)
        if self.pledge is not None:
            self.state = State(self.pledge.state)

    @property
    def day(self) -> date:
        """The day the change takes effect: ``--date`` where the trigger takes one, else today."""
        return self.args.get("day") or self.today

    @property
    def pledge_id(self) -> int | None:
        return self.pledge.id if self.pledge is not None else None
