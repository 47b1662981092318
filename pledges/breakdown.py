"""The figures (docs/figures.md) of a scope split by unit kind or by category, instead of by organisation.

Each pledge is counted once: by the kind of its owner's organisation (a member's pledge by the
kind of the member's branch), or by its own category.  Same passes as the dashboard: counts by
key in the database, Python only divides.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from sqlalchemy import select

from pledges.campaigns import campaign_if_any, current_year
from pledges.db import Ledger
from pledges.errors import BadInput
from pledges.figures import Figures, _per_org, counts_of, plan_for_aggregates, sums_of
from pledges.models import DEFAULT_TIMEZONE, Organisation, Pledge
from pledges.queries import standing
from pledges.scope import roots, within

BY = ("kind", "category")


@dataclass(kw_only=True)
class GroupFigures(Figures):
    """The figures of the pledges with one unit kind or one category (``None``: no category)."""

    IDENTITY: ClassVar[tuple[str, ...]] = ("key",)

    key: str | None


@dataclass
class Breakdown:
    campaign: int
    as_of: date
    scope: str | None
    by: str
    totals: GroupFigures
    rows: list[GroupFigures] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"campaign": self.campaign, "as_of": self.as_of.isoformat(), "scope": self.scope, "by": self.by,
                "totals": self.totals.as_dict(), "rows": [row.as_dict() for row in self.rows]}


def _grouped(session, by: str, per_org_args: tuple, scope: list):
    """Rows of a ``key`` and the ``sums_of`` its pledges: per organisation then by its kind,
    or directly by category."""
    if by == "kind":
        per_org = _per_org(*per_org_args, scope=scope)
        query = (select(Organisation.kind.label("key"), *sums_of(per_org))
                 .join(per_org, per_org.c.key == Organisation.id)
                 .group_by(Organisation.kind))
    else:
        per_category = _per_org(*per_org_args, key=Pledge.category, scope=scope)
        query = select(per_category.c.key, *sums_of(per_category)).group_by(per_category.c.key)
    return session.execute(query).all()


def breakdown(ledger: Ledger, by: str, *, org: str | None = None, as_of: date | None = None,
              campaign: int | None = None, reader: str | None = None) -> Breakdown:
    """The figures of ``org``'s subtree (default: the whole ledger) for one campaign, one row
    per unit kind or per category, largest first."""
    if by not in BY:
        raise BadInput("bad_choice", what="--by", value=by, choices="|".join(BY))
    with ledger.session() as session:
        scope = within(Pledge.org_id, roots(session, reader, org))
        period = campaign_if_any(session, ledger, campaign, as_of)
        day = as_of or ledger.today(period.timezone if period else DEFAULT_TIMEZONE)
        rows = []
        if period is not None:
            columns, replay = standing(ledger, period, day)
            plan_for_aggregates(session)
            found = _grouped(session, by, (period, columns, replay, day), scope)
            rows = [GroupFigures(key=row.key, **counts_of(row)) for row in found]
    rows.sort(key=lambda row: (-row.declared, row.key or ""))
    totals = GroupFigures(key=None)
    for row in rows:
        totals.add(row)
    year = period.year if period else campaign or (as_of.year if as_of else current_year(ledger))
    return Breakdown(campaign=year, as_of=day, scope=org, by=by, totals=totals, rows=rows)
