"""Campaigns (活动年度): the period pledges belong to, with its time zone and dates."""

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import select
from sqlmodel import Session

from pledges import audit
from pledges.db import Ledger
from pledges.errors import BadInput
from pledges.models import DEFAULT_TIMEZONE, FIRST_YEAR, LAST_YEAR, Campaign

if TYPE_CHECKING:
    from pledges.orgs import Check


NAME_SUFFIX = "年度"  # a campaign made on first use is named "2026年度" (also the database's rule, pgsecurity)


def default_name(year: int) -> str:
    return f"{year}{NAME_SUFFIX}"


def current_year(ledger: Ledger) -> int:
    """The year of today in the default campaign time zone."""
    return ledger.today(DEFAULT_TIMEZONE).year


def campaign_for(session: Session, ledger: Ledger, year: int | None, actor: str | None = None) -> Campaign:
    """The campaign of ``year`` (default: the current year).  With an ``actor`` it is created
    with defaults on first use (the whole calendar year, Asia/Shanghai)."""
    year = current_year(ledger) if year is None else year  # 0 is a mistake, not "this year"
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadInput("bad_year", year=year, first=FIRST_YEAR, last=LAST_YEAR)
    campaign = session.scalar(select(Campaign).where(Campaign.year == year))
    if campaign is None:
        if actor is None:
            raise BadInput("no_campaign", year=year)
        campaign = Campaign(year=year, name=default_name(year), timezone=DEFAULT_TIMEZONE,
                            starts=date(year, 1, 1), ends=date(year, 12, 31), created_at=ledger.now())
        session.add(campaign)
        session.flush()
        audit.append(session, at=ledger.now(), effective_on=ledger.today(), actor=actor, entity="campaign",
                     entity_id=campaign.id, trigger="create", detail={"year": year})
    return campaign


def campaign_if_any(session: Session, ledger: Ledger, year: int | None, as_of: date | None = None
                    ) -> Campaign | None:
    """The campaign of ``year`` (refused if it does not exist), or, with no year given, that of
    the ``as_of`` day's year or this year, if there is one: for reports, which never create a
    campaign."""
    try:
        return campaign_for(session, ledger, year if year is not None else (as_of.year if as_of else None))
    except BadInput:
        if year is not None:
            raise
        return None


def inside(campaign: Campaign, day: date) -> bool:
    """Is ``day`` (a due date, a day something happened) within the campaign's dates?"""
    return campaign.starts <= day <= campaign.ends


def check_due(campaign: Campaign, due: date) -> None:
    if not inside(campaign, due):
        raise BadInput("due_outside", due=due, year=campaign.year, starts=campaign.starts, ends=campaign.ends)


class Note(NamedTuple):
    """A warning for people: the key of its message in ``pledges.i18n`` and its parameters."""

    key: str
    params: dict


def empty_as_of(ledger: Ledger, year: int | None, day: date) -> Note | None:
    """Why a report of campaign ``year`` (default: ``day``'s year) as of ``day`` is empty, when
    it is because the day lies outside any campaign: there is no campaign of that year, or the
    day is before it starts.  None otherwise (after its end, a campaign's figures stand as they
    ended)."""
    year = day.year if year is None else year
    with ledger.session() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.year == year))
        if campaign is None:
            years = session.scalars(select(Campaign.year).order_by(Campaign.year)).all()
            return Note("as_of_no_campaign", {"year": year, "day": day, "years": ", ".join(map(str, years)) or "-"})
    if day < campaign.starts:
        return Note("as_of_before_campaign", {"year": year, "day": day, "starts": campaign.starts})
    return None


def set_campaign(ledger: Ledger, year: int | None, *, actor: str, weights: dict[str, float] | None = None,
                 lint_refuses: bool | None = None, check: "Check | None" = None) -> Campaign:
    """Change a campaign's evaluation settings: the rater-group weights (already checked by
    ``pledges.scores.parse_weights``) and whether quality findings refuse ``add`` and ``submit``.
    Recorded in the audit log (entity ``campaign``, trigger ``set_campaign``)."""
    import json

    if weights is None and lint_refuses is None:
        raise BadInput("campaign_nothing")
    with ledger.session() as session:
        if check is not None:  # an admin's (workflows/authority.py ``campaign_set``)
            check(session, None)
        campaign = campaign_for(session, ledger, year, actor)
        detail = {}
        if weights is not None:
            campaign.weights = json.dumps(weights, sort_keys=True)
            detail["weights"] = weights
        if lint_refuses is not None:
            campaign.lint_refuses = lint_refuses
            detail["lint_refuses"] = lint_refuses
        audit.append(session, at=ledger.now(), effective_on=ledger.today(campaign.timezone), actor=actor,
                     entity="campaign", entity_id=campaign.id, trigger="set_campaign", detail=detail)
        session.flush()
        return campaign
