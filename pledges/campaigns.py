"""Campaigns (活动年度): the period pledges belong to, with its time zone and dates."""

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from pledges import audit
from pledges.db import Ledger
from pledges.errors import BadInput
from pledges.models import DEFAULT_TIMEZONE, FIRST_YEAR, LAST_YEAR, Campaign


def current_year(ledger: Ledger) -> int:
    """The year of today in the default campaign time zone."""
    return ledger.today(DEFAULT_TIMEZONE).year


def campaign_for(session: Session, ledger: Ledger, year: int | None, actor: str | None = None) -> Campaign:
    """The campaign of ``year`` (default: the current year).  With an ``actor`` it is created
    with defaults on first use (the whole calendar year, Asia/Shanghai)."""
    year = year or current_year(ledger)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadInput("bad_year", year=year, first=FIRST_YEAR, last=LAST_YEAR)
    campaign = session.scalar(select(Campaign).where(Campaign.year == year))
    if campaign is None:
        if actor is None:
            raise BadInput("no_campaign", year=year)
        campaign = Campaign(year=year, name=f"{year}年度", timezone=DEFAULT_TIMEZONE,
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
        return campaign_for(session, ledger, year or (as_of.year if as_of else None))
    except BadInput:
        if year:
            raise
        return None


def due_inside(campaign: Campaign, due: date) -> bool:
    return campaign.starts <= due <= campaign.ends


def check_due(campaign: Campaign, due: date) -> None:
    if not due_inside(campaign, due):
        raise BadInput("due_outside", due=due, year=campaign.year, starts=campaign.starts, ends=campaign.ends)
