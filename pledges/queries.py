"""Reading pledges: the listing (optionally replayed as of a past day) and one pledge with
its whole history."""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from pledges import rules, scores
from pledges.campaigns import campaign_if_any
from pledges.db import Ledger
from pledges.entries import pledge_by_id
from pledges.members import member_by_number
from pledges.models import (AuditEvent, Campaign, DisplayRecord, Rating, Member, Organisation, Pledge,
                            PledgeVersion, ProgressRecord)
from pledges.orgs import closure_as_of, subtree_ids
from pledges.scope import check_pledge, roots, within
from pledges.tally import end_of_day_utc
from pledges.vocab import State


@dataclass
class PledgeView:
    id: int
    campaign: int
    org: str
    org_name: str
    member: str | None
    member_name: str | None
    title: str
    content: str
    category: str | None
    state: str
    outcome: str | None
    due: date
    original_due: date
    target: int | None
    unit: str | None
    qualitative: bool
    criterion: str | None
    done: int
    overdue: bool = False
    days_late: int | None = None
    history: list[dict] = field(default_factory=list)
    progress: list[dict] = field(default_factory=list)
    displays: list[dict] = field(default_factory=list)
    evaluations: list[dict] = field(default_factory=list)
    score: float | None = None  # pledges.scores: frozen once evaluated
    final_grade: str | None = None
    versions: list[dict] = field(default_factory=list)

    def as_dict(self, details: bool = False) -> dict:
        data = asdict(self)
        if not details:
            for key in ("history", "progress", "displays", "evaluations", "score", "final_grade", "versions"):
                data.pop(key)
        return data


class Standing(NamedTuple):
    """The columns that say where a pledge stands: its own, or those replayed from an audit event."""

    state: Any
    due: Any
    done: Any
    outcome: Any


OWN = Standing(Pledge.state, Pledge.due, Pledge.done, Pledge.outcome)


def _late(view: PledgeView, today: date) -> PledgeView:
    view.overdue = rules.overdue(view.state, view.due, today)
    view.days_late = rules.days_late(view.due, today) if view.overdue else None
    return view


def standing(ledger: Ledger, period: Campaign, day: date):
    """Each pledge's ``Standing`` (state, due, done, outcome) as it stood at the end of ``day``, and a
    function that adds the joins those columns need to a query over ``Pledge``.

    For today or later these are the pledge's own columns.  For a past day they come from the
    pledge's last audit event recorded (``at``) before the end of that day in the campaign's
    time zone; a pledge created after that day has no such event and drops out."""
    if day >= ledger.today(period.timezone):
        return OWN, lambda query: query
    event = aliased(AuditEvent)
    last = (
        select(func.max(AuditEvent.id).label("event_id"))
        .where(AuditEvent.entity == "pledge", AuditEvent.at < end_of_day_utc(day, period.timezone))
        .group_by(AuditEvent.entity_id)
        .subquery()
    )
    columns = Standing(event.to_state, event.due_after, event.done_after, event.outcome_after)
    return columns, lambda query: query.join(event, event.entity_id == Pledge.id).join(
        last, last.c.event_id == event.id)


def org_as_of(ledger: Ledger, session, period: Campaign, day: date):
    """The column of each pledge's organisation at the end of ``day``: its own, unless it moved
    with its member after that day, then the organisation it moved from (``pledge_transfer``)."""
    from pledges.models import PledgeTransfer

    if day >= ledger.today(period.timezone):
        return Pledge.org_id
    end = end_of_day_utc(day, period.timezone)
    if session.scalar(select(PledgeTransfer.id).where(PledgeTransfer.at >= end).limit(1)) is None:
        return Pledge.org_id
    first = (select(PledgeTransfer.from_org_id)
             .where(PledgeTransfer.pledge_id == Pledge.id, PledgeTransfer.at >= end)
             .order_by(PledgeTransfer.at, PledgeTransfer.id).limit(1).correlate(Pledge).scalar_subquery())
    return func.coalesce(first, Pledge.org_id)


def _base_query(figures: Standing, org=Pledge.org_id):
    """Pledge columns with its organisation and member, named as ``PledgeView``'s fields;
    ``figures`` are the pledge's own standing or one replayed from an audit event."""
    return (
        select(Pledge.id, Campaign.year.label("campaign"), Organisation.code.label("org"),
               Organisation.name.label("org_name"), Member.number.label("member"), Member.name.label("member_name"),
               Pledge.title, Pledge.content, Pledge.category, figures.state.label("state"),
               figures.outcome.label("outcome"), figures.due.label("due"), Pledge.original_due, Pledge.target,
               Pledge.unit, Pledge.qualitative, Pledge.criterion, figures.done.label("done"))
        .join(Campaign, Campaign.id == Pledge.campaign_id)
        .join(Organisation, Organisation.id == org)
        .outerjoin(Member, Member.id == Pledge.member_id)
    )


def list_pledges(ledger: Ledger, *, org: str | None = None, state: str | None = None, overdue: bool = False,
                 as_of: date | None = None, campaign: int | None = None, limit: int | None = None,
                 member: str | None = None, reader: str | None = None) -> list[PledgeView]:
    """Pledges of one campaign (default: this year's), in ``org``'s subtree (within what ``reader``
    may read), only ``member``'s own when given (a member number), the first ``limit`` by id.  With ``as_of`` before today, each pledge is shown as
    it stood at the end of that day (from the audit log)."""
    with ledger.session() as session:
        tops = roots(session, reader, org)  # an unknown or unreadable code is refused even with no campaign
        period = campaign_if_any(session, ledger, campaign, as_of)
        if period is None:
            return []
        day = as_of or ledger.today(period.timezone)
        figures, replay = standing(ledger, period, day)
        org_then = org_as_of(ledger, session, period, day)  # where each pledge was that day (docs/moves.md)
        if org:  # its subtree as it stood that day
            closure = closure_as_of(session, end_of_day_utc(day, period.timezone))
            scope_id, where = tops[0], ()
        else:
            closure, scope_id, where = None, None, within(org_then, tops)
        if member is not None:
            where = (*where, Pledge.member_id == member_by_number(session, member).id)
        query = list_query(period.id, day, scope_id, State(state) if state else None, overdue, figures, replay,
                           org=org_then, closure=closure).where(*where)
        if limit is not None:
            query = query.limit(limit)
        return [_late(PledgeView(**row._mapping), day) for row in session.execute(query)]


def list_query(campaign_id, day, scope_id=None, state=None, overdue: bool = False, figures: Standing = OWN,
               replay=None, org=Pledge.org_id, closure=None):
    """The listing's query: the campaign's pledges by id, in ``scope_id``'s subtree, in ``state``,
    only the overdue ones; ``org`` and ``closure``: each pledge's organisation and the hierarchy
    of a past day (``org_as_of``, ``pledges.orgs.closure_as_of``).  The values may be bind
    parameters (``pledges.fastread``)."""
    query = (replay or (lambda q: q))(_base_query(figures, org))
    query = query.where(Pledge.campaign_id == campaign_id).order_by(Pledge.id)
    if scope_id is not None:
        query = query.where(org.in_(subtree_ids(scope_id, closure)))
    if state is not None:
        query = query.where(figures.state == state)
    if overdue:
        query = query.where(rules.overdue(figures.state, figures.due, day))
    return query


def show_pledge(ledger: Ledger, pledge_id: int, reader: str | None = None) -> PledgeView:
    """One pledge with its history (every audit event), progress, displays, ratings and the
    versions an amendment replaced."""
    with ledger.session() as session:
        pledge = pledge_by_id(session, pledge_id)
        check_pledge(session, reader, pledge_id)
        row = session.execute(_base_query(OWN).where(Pledge.id == pledge_id)).one()
        period = session.get(Campaign, pledge.campaign_id)
        view = _late(PledgeView(**row._mapping), ledger.today(period.timezone))
        view.history = [
            {"trigger": e.trigger, "from": e.from_state, "to": e.to_state, "actor": e.actor,
             "at": e.at.isoformat(), "reason": e.reason}
            for e in session.scalars(select(AuditEvent).where(AuditEvent.entity == "pledge",
                                                              AuditEvent.entity_id == pledge_id)
                                     .order_by(AuditEvent.id))
        ]
        view.progress = _records(session, ProgressRecord, pledge_id, ("day", "amount", "note", "evidence", "actor"))
        view.displays = _records(session, DisplayRecord, pledge_id, ("day", "channel", "place", "actor"))
        view.evaluations = [
            {"rater_group": r.rater_group, "grade": r.grade, "count": r.count, "comment": r.comment, "actor": r.actor}
            for r in session.scalars(select(Rating).where(Rating.pledge_id == pledge_id, scores.counting(Rating))
                                     .order_by(Rating.id))]
        view.score, view.final_grade, _ = scores.score_of(session, pledge)
        view.versions = _records(session, PledgeVersion, pledge_id,
                                 ("number", "title", "content", "target", "unit", "qualitative", "criterion",
                                  "category", "actor", "reason"))
    return view


def _records(session, table, pledge_id: int, fields: tuple[str, ...]) -> list[dict]:
    rows = session.scalars(select(table).where(table.pledge_id == pledge_id).order_by(table.id))
    return [{f: _plain(getattr(r, f)) for f in fields} for r in rows]


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value
