"""The figures of docs/figures.md, per organisation and rolled up over its subtree, and the overdue list.

Everything is counted in the database: one pass over the campaign's pledges grouped by
organisation, then a roll-up of those few thousand rows through ``org_closure`` (each pledge
is counted once in its owner's organisation and in every ancestor).  Python only divides
counts into rates.  With a past ``as_of`` day the pledges' state, due date, amount done and
outcome are replayed from the audit log (``pledges.queries.standing``).
"""

from collections.abc import Iterator
from datetime import date, timedelta

from sqlalchemy import Float, and_, case, cast, func, literal, not_, select, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from pledges import rules
from pledges.campaigns import campaign_if_any, current_year
from pledges.db import Ledger
from pledges.errors import BadInput
from pledges.models import Campaign, Member, Organisation, OrgClosure, Pledge, ProgressRecord
from pledges.orgs import closure_as_of, org_row, subtree_ids, tops_of, tree_order, tree_rows
from pledges.queries import OWN, end_of_day_utc, org_as_of, standing
from pledges.scope import EVERYTHING, roots, within
from pledges.tally import (COUNTS, LAGGING_SHARE, RATES, Dashboard, Figures, OrgFigures,  # noqa: F401
                           OverdueRow, counts_from, mark_lagging, ratio, totals_of)
from pledges.vocab import APPROVED_OR_LATER, DISPLAYED_OR_LATER, FINISHED, NOT_DECLARED, WORKING, Outcome, State


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _per_state(period, columns, replay, day: date, key, scope):
    """First pass: one row per (``key``, state, outcome) with the counts that vary inside such a
    group; ``key`` is the organisation, or a pledge column for a breakdown; ``period`` is the
    campaign or its id.  Grouping by a prefix of ix_pledge_figures streams the index with few
    expressions per pledge (twice as fast as sixteen CASEs per pledge)."""
    state, due, done, outcome = columns
    measured = and_(Pledge.target.is_not(None), Pledge.target > 0, Pledge.qualitative.is_(False))
    share = case((done >= Pledge.target, 1.0), else_=cast(done, Float) / Pledge.target)
    query = select(
        key.label("key"), state.label("state"), outcome.label("outcome"),
        func.count().label("n"),
        _count(Pledge.member_id.is_(None)).label("org_n"),
        _count(due <= day).label("due_n"),
        _count(rules.overdue(state, due, day)).label("overdue_n"),
        _count(and_(due <= day, Pledge.finished_on <= Pledge.original_due)).label("on_time_n"),
        _count(measured).label("measured_n"),
        func.sum(case((measured, share), else_=0.0)).label("share_sum"),
    ).where(Pledge.campaign_id == getattr(period, "id", period), *scope).group_by(key, state, outcome)
    return replay(query).subquery("per_state")


def _per_org(period, columns, replay, day: date, key=Pledge.org_id, scope=()):
    """One row per organisation with pledges (or per value of ``key``): the counts of §4 over
    its own pledges, those of the ``scope`` conditions."""
    g = _per_state(period, columns, replay, day, key, scope)
    declared = not_(g.c.state.in_(sorted(NOT_DECLARED)))
    fulfilled = g.c.outcome == Outcome.fulfilled

    def total(condition, column=g.c.n):
        return func.sum(case((condition, column), else_=0))

    working = g.c.state.in_(sorted(WORKING))
    return select(
        g.c.key,
        total(declared).label("declared"),
        total(declared, g.c.org_n).label("org_pledges"),
        total(declared, g.c.n - g.c.org_n).label("member_pledges"),
        total(g.c.state.in_(sorted(APPROVED_OR_LATER))).label("approved_or_later"),
        total(g.c.state.in_(sorted(DISPLAYED_OR_LATER))).label("displayed_or_later"),
        total(declared, g.c.due_n).label("due"),
        total(fulfilled).label("fulfilled"),
        total(and_(fulfilled, declared), g.c.due_n).label("fulfilled_due"),
        total(and_(fulfilled, declared), g.c.on_time_n).label("on_time"),
        func.sum(g.c.overdue_n).label("overdue"),
        total(g.c.outcome == Outcome.unfulfilled).label("unfulfilled"),
        total(g.c.state.in_(sorted(FINISHED))).label("finished"),
        total(g.c.state == State.evaluated).label("evaluated"),
        total(working, g.c.measured_n).label("progress_count"),
        func.sum(case((working, g.c.share_sum), else_=0.0)).label("progress_sum"),
    ).group_by(g.c.key).subquery("per_org")


AGGREGATE_SETTINGS = ("SET LOCAL enable_nestloop = off", "SET LOCAL work_mem = '64MB'")


def plan_for_aggregates(session: Session) -> None:
    """PostgreSQL: hash the per-organisation counts rather than loop over them, and sort in
    memory.  Its planner guesses 200 rows for a grouped subquery (a province has 40,000) and
    picked a nested loop: 150 s for the province dashboard instead of 2.6 s.  SET LOCAL lasts
    only for this read-only transaction."""
    if session.get_bind().dialect.name == "postgresql":
        for setting in AGGREGATE_SETTINGS:
            session.execute(text(setting))


def rolled_up_query(per_org, shown, closure=OrgClosure.__table__):
    """Each shown organisation's counts summed over every organisation below it.  ``shown`` is
    a subquery of the shown organisations' ids; ``closure`` the hierarchy of the day shown
    (``pledges.orgs.closure_as_of``; today's table by default)."""
    return (
        select(closure.c.ancestor_id, *sums_of(per_org))
        .join(per_org, per_org.c.key == closure.c.descendant_id)
        # "+ 0" keeps SQLite from driving the join by ancestor (a lookup per shown organisation
        # and per organisation with pledges); it walks the few thousand per-org rows instead.
        .where((closure.c.ancestor_id + 0).in_(shown))
        .group_by(closure.c.ancestor_id)
    )


def sums_of(per_org) -> list:
    """SUM of every count of a ``_per_org`` subquery, to group its rows further, each named
    as its count."""
    return [func.sum(per_org.c[name]).label(name) for name in (*COUNTS, "progress_sum")]


def counts_of(row) -> dict:
    """The ``sums_of`` of a row as Figures' keyword arguments (PostgreSQL sums are Decimal)."""
    return counts_from(row._mapping)


def shown_queries(top, depth, closure=OrgClosure.__table__):
    """The organisations the dashboard shows: ``top`` (an id, a bind parameter, a list of ids
    from ``pledges.scope.roots``, or ``EVERYTHING``: every organisation without a parent on the
    day of ``closure``) and ``depth`` levels below, as a subquery of ids and as a query of
    ``tree_rows`` (their depth counted below their top)."""
    if top is EVERYTHING:
        tops = tops_of(closure)
    elif isinstance(top, list) and len(top) > 1:
        tops = select(Organisation.id).where(Organisation.id.in_(top))
    else:
        top = top[0] if isinstance(top, list) else top
        tops = select(top if isinstance(top, ColumnElement) else literal(top))
    ids = select(closure.c.descendant_id).where(closure.c.ancestor_id.in_(tops), closure.c.depth <= depth)
    query = tree_rows(closure, closure.c.descendant_id, closure.c.depth, closure).where(
        closure.c.ancestor_id.in_(tops), closure.c.depth <= depth)
    return ids, query


def _shown_orgs(session: Session, tops: list[int] | None, depth: int, closure=OrgClosure.__table__):
    """``shown_queries`` of the reader's tops: the subquery of ids, and the rows in tree order."""
    ids, query = shown_queries(tops, depth, closure)
    return ids, tree_order(session.execute(query).all())


def counts_query(campaign_id, day, shown, scope_id=None, columns=None, replay=None, where=(), key=Pledge.org_id,
                 closure=OrgClosure.__table__):
    """The rolled-up counts of the shown organisations (``shown``: a subquery of ids) over the
    campaign's pledges in ``scope_id``'s subtree (``None``: all) and ``where`` (the reader's
    scope, ``pledges.scope.within``).  ``key`` is each pledge's organisation and ``closure`` the
    hierarchy, as they stood on a past day (``pledges.queries.org_as_of``, ``closure_as_of``).
    The values may be bind parameters (``pledges.fastread`` compiles this once, with them)."""
    scope = [key.in_(subtree_ids(scope_id, closure))] if scope_id is not None else []
    scope += list(where)
    per_org = _per_org(campaign_id, columns or OWN, replay or (lambda query: query), day, key=key, scope=scope)
    return rolled_up_query(per_org, shown, closure)


def dashboard(ledger: Ledger, *, org: str | None = None, depth: int = 2, as_of: date | None = None,
              campaign: int | None = None, reader: str | None = None, evaluation: bool = False) -> Dashboard:
    """The figures of ``org``'s subtree (default: all that ``reader`` reads) for one campaign,
    with a row for each organisation down to ``depth`` levels below it; with ``evaluation``,
    the evaluation figures too (scores, grades, satisfaction, checkable: pledges/evaluation.py)."""
    if depth < 0:
        raise BadInput("bad_depth", depth=depth)
    with ledger.session() as session:
        tops = roots(session, reader, org)
        period = campaign_if_any(session, ledger, campaign, as_of)
        day = as_of or ledger.today(period.timezone if period else "Asia/Shanghai")
        # the hierarchy, and each pledge's organisation, as they were that day (docs/moves.md)
        closure = closure_as_of(session, end_of_day_utc(day, period.timezone)) if period else OrgClosure.__table__
        shown_ids, shown = _shown_orgs(session, tops, depth, closure)
        counts: dict[int, dict] = {}
        evaluated: dict[int, dict] = {}
        if period is not None:
            columns, replay = standing(ledger, period, day)
            org_then = org_as_of(ledger, session, period, day)
            # --org: its subtree on that day; else what the reader reads (today's grants)
            scope_id, where = (tops[0], ()) if org else (None, within(org_then, tops))
            plan_for_aggregates(session)
            query = counts_query(period.id, day, shown_ids, scope_id, columns, replay, where=where, key=org_then,
                                 closure=closure)
            counts = {row.ancestor_id: counts_of(row) for row in session.execute(query)}
            if evaluation:
                evaluated = _evaluation(session, period, within(Pledge.org_id, tops),
                                        end_of_day_utc(day, period.timezone), shown_ids)
    rows = [OrgFigures(**org_row(row).as_dict(), **counts.get(row.id, {}), **evaluated.get(row.id, {}),
                       evaluation=evaluation) for row in shown]
    mark_lagging(rows)
    year = period.year if period else campaign or (as_of.year if as_of else current_year(ledger))
    return Dashboard(campaign=year, as_of=day, scope=[r.code for r in rows if r.depth == 0],
                     totals=totals_of(rows), rows=rows)


def _evaluation(session: Session, period: Campaign, scope, before, shown_ids) -> dict[int, dict]:
    from pledges import evaluation  # it reads pledges.quality, which reads this module

    return evaluation.rolled_up(session, evaluation.per_org(session, period, scope, before), shown_ids)


def overdue(ledger: Ledger, **scope) -> tuple[date, list[OverdueRow]]:
    """``overdue_rows`` as a list (for a branch or a town; a province's should be streamed)."""
    day, rows = overdue_rows(ledger, **scope)
    return day, list(rows)


def overdue_rows(ledger: Ledger, *, org: str | None = None, as_of: date | None = None, campaign: int | None = None,
                 escalated: bool = False, reader: str | None = None) -> tuple[date, Iterator[OverdueRow]]:
    """Every overdue pledge in ``org``'s subtree, most days late first, with the day of its
    last progress record (as recorded by the end of ``as_of``).  ``escalated``: only those more
    than the campaign's ``escalation_days`` late (what the escalation reminder goes out for).
    The rows are read as they are consumed, a few thousand at a time."""
    query, day = _overdue_query(ledger, org, as_of, campaign, escalated, reader)
    return day, _read_overdue(ledger, query, day)


def _read_overdue(ledger: Ledger, query, day: date) -> Iterator[OverdueRow]:
    if query is None:
        return
    with ledger.session() as session:
        for row in session.execute(query.execution_options(yield_per=2000)):
            yield OverdueRow(**row._mapping, days_late=rules.days_late(row.due, day))


def _overdue_query(ledger: Ledger, org: str | None, as_of: date | None, campaign: int | None, escalated: bool,
                   reader: str | None = None):
    with ledger.session() as session:
        tops = roots(session, reader, org)  # an unknown or unreadable code is refused even with no campaign
        period = campaign_if_any(session, ledger, campaign, as_of)
        if period is None:
            return None, as_of or ledger.today()
        day = as_of or ledger.today(period.timezone)
        columns, replay = standing(ledger, period, day)
        cutoff = day - timedelta(days=period.escalation_days) if escalated else None
        org_then = org_as_of(ledger, session, period, day)  # where each pledge was that day (docs/moves.md)
        if org:  # its subtree as it stood that day
            closure = closure_as_of(session, end_of_day_utc(day, period.timezone))
            scope_id, where = tops[0], ()
        else:
            closure, scope_id, where = OrgClosure.__table__, None, within(org_then, tops)
        query = overdue_query(period.id, day, end_of_day_utc(day, period.timezone), scope_id, cutoff, columns, replay,
                              org=org_then, closure=closure).where(*where)
    return query, day


def overdue_query(campaign_id, day, end_of_day, scope_id=None, cutoff=None, columns=None, replay=None,
                  org=Pledge.org_id, closure=OrgClosure.__table__):
    """The overdue pledges of the campaign in ``scope_id``'s subtree (``None``: all), most days
    late first; with a ``cutoff`` day only those overdue as of it (escalated).  ``end_of_day``:
    the instant the day ends, for the last progress recorded by then.  The values may be bind
    parameters (``pledges.fastread`` compiles this once, with them)."""
    (state, due, done, _), replay = columns or OWN, replay or (lambda query: query)
    # One seek in ix_progress_pledge_day per overdue pledge (a GROUP BY over every progress
    # record of the city would read half a million rows).
    last = (
        select(func.max(ProgressRecord.day))
        .where(ProgressRecord.pledge_id == Pledge.id, ProgressRecord.recorded_at < end_of_day)
        .correlate(Pledge)
        .scalar_subquery()
    )
    query = replay(
        select(Pledge.id, Organisation.code.label("org"), Organisation.name.label("org_name"),
               Member.number.label("member"), Member.name.label("member_name"), Pledge.title,
               state.label("state"), due.label("due"), Pledge.original_due, done.label("done"), Pledge.target,
               Pledge.unit, Pledge.qualitative, last.label("last_progress"))
        .join(Organisation, Organisation.id == org)
        .outerjoin(Member, Member.id == Pledge.member_id)
    ).where(Pledge.campaign_id == campaign_id, rules.overdue(state, due, day)).order_by(due, Pledge.id)
    if cutoff is not None:
        query = query.where(rules.escalated(state, due, cutoff))
    if scope_id is not None:
        query = query.where(org.in_(subtree_ids(scope_id, closure)))
    return query
