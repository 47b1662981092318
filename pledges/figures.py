"""The figures of docs/figures.md, per organisation and rolled up over its subtree, and the overdue list.

Everything is counted in the database: one pass over the campaign's pledges grouped by
organisation, then a roll-up of those few thousand rows through ``org_closure`` (each pledge
is counted once in its owner's organisation and in every ancestor).  Python only divides
counts into rates.  With a past ``as_of`` day the pledges' state, due date, amount done and
outcome are replayed from the audit log (``pledges.queries.standing``).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar

from sqlalchemy import Float, and_, case, cast, func, literal, not_, select, text
from sqlmodel import Session

from pledges import rules
from pledges.campaigns import campaign_if_any, current_year
from pledges.db import Ledger
from pledges.errors import BadInput
from pledges.models import Campaign, Member, Organisation, OrgClosure, Pledge, ProgressRecord
from pledges.orgs import org_by_code, org_row, subtree_ids, tree_order, tree_rows
from pledges.queries import end_of_day_utc, standing
from pledges.vocab import APPROVED_OR_LATER, DISPLAYED_OR_LATER, FINISHED, NOT_DECLARED, WORKING, Outcome, State

COUNTS = ("declared", "org_pledges", "member_pledges", "approved_or_later", "displayed_or_later", "due",
          "fulfilled", "fulfilled_due", "on_time", "overdue", "unfulfilled", "finished", "evaluated",
          "progress_count")
RATES = ("display_rate", "completion_rate", "on_time_rate", "progress", "evaluation_coverage")
LAGGING_SHARE = 0.1  # the lowest tenth of completion rates and the highest tenth of overdue counts


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass(kw_only=True)
class Figures:
    """The §4 counts of a set of pledges, and the rates made from them."""

    IDENTITY: ClassVar[tuple[str, ...]] = ()  # the fields that say which set, first in as_dict

    declared: int = 0
    org_pledges: int = 0
    member_pledges: int = 0
    approved_or_later: int = 0
    displayed_or_later: int = 0
    due: int = 0
    fulfilled: int = 0
    fulfilled_due: int = 0
    on_time: int = 0
    overdue: int = 0
    unfulfilled: int = 0
    finished: int = 0
    evaluated: int = 0
    progress_count: int = 0
    progress_sum: float = 0.0

    @property
    def display_rate(self) -> float | None:
        return _ratio(self.displayed_or_later, self.approved_or_later)

    @property
    def completion_rate(self) -> float | None:
        return _ratio(self.fulfilled_due, self.due)

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.on_time, self.due)

    @property
    def progress(self) -> float | None:
        return _ratio(self.progress_sum, self.progress_count)

    @property
    def evaluation_coverage(self) -> float | None:
        return _ratio(self.evaluated, self.finished)

    def add(self, other: "Figures") -> None:
        for name in (*COUNTS, "progress_sum"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in (*self.IDENTITY, *COUNTS, *RATES)}


@dataclass(kw_only=True)
class OrgFigures(Figures):
    """One organisation's figures over its whole subtree.  ``depth`` is relative to the scope."""

    IDENTITY: ClassVar[tuple[str, ...]] = ("code", "name", "kind", "parent", "depth")

    code: str
    name: str
    kind: str
    parent: str | None
    depth: int
    lagging: list[str] = field(default_factory=list)  # why the unit stands out: completion_rate, overdue
    # --- evaluation figures (docs/figures.md "Evaluation figures"; pledges/evaluation.py) ---
    scored: int = 0  # pledges with a score
    score_sum: float = 0.0
    grade_excellent: int = 0  # final grades
    grade_good: int = 0
    grade_pass: int = 0
    grade_fail: int = 0
    public_ratings: int = 0  # counting public ratings (ballots)
    public_positive: int = 0  # of which satisfied or fair
    checkable: int = 0  # declared pledges that are checkable

    @property
    def score(self) -> float | None:
        """A unit's score: the mean of its pledges' scores."""
        return _ratio(self.score_sum, self.scored)

    @property
    def satisfaction(self) -> float | None:
        """满意率: (satisfied + fair) / public ratings."""
        return _ratio(self.public_positive, self.public_ratings)

    @property
    def checkable_rate(self) -> float | None:
        return _ratio(self.checkable, self.declared)

    def add(self, other: "Figures") -> None:
        super().add(other)
        for name in EVALUATION_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        return {**super().as_dict(), **{name: getattr(self, name) for name in (*EVALUATION_FIELDS, *EVALUATION_RATES)},
                "lagging": list(self.lagging)}


EVALUATION_FIELDS = ("scored", "score_sum", "grade_excellent", "grade_good", "grade_pass", "grade_fail",
                     "public_ratings", "public_positive", "checkable")
EVALUATION_RATES = ("score", "satisfaction", "checkable_rate")


@dataclass
class Dashboard:
    campaign: int
    as_of: date
    scope: list[str]
    totals: OrgFigures
    rows: list[OrgFigures] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"campaign": self.campaign, "as_of": self.as_of.isoformat(), "scope": self.scope,
                "totals": self.totals.as_dict(), "rows": [row.as_dict() for row in self.rows]}


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _per_state(period: Campaign, columns, replay, day: date, key, scope):
    """First pass: one row per (``key``, state, outcome) with the counts that vary inside such a
    group; ``key`` is the organisation, or a pledge column for a breakdown.  Grouping by a prefix of ix_pledge_figures streams the index with few
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
    ).where(Pledge.campaign_id == period.id, *scope).group_by(key, state, outcome)
    return replay(query).subquery("per_state")


def _per_org(period: Campaign, columns, replay, day: date, key=Pledge.org_id, scope=()):
    """One row per organisation with pledges (or per value of ``key``): the counts of §4 over
    its own pledges, those of the ``scope`` conditions."""
    g = _per_state(period, columns, replay, day, key, scope)
    declared = not_(g.c.state.in_(list(NOT_DECLARED)))
    fulfilled = g.c.outcome == Outcome.fulfilled

    def total(condition, column=g.c.n):
        return func.sum(case((condition, column), else_=0))

    working = g.c.state.in_(list(WORKING))
    return select(
        g.c.key,
        total(declared).label("declared"),
        total(declared, g.c.org_n).label("org_pledges"),
        total(declared, g.c.n - g.c.org_n).label("member_pledges"),
        total(g.c.state.in_(list(APPROVED_OR_LATER))).label("approved_or_later"),
        total(g.c.state.in_(list(DISPLAYED_OR_LATER))).label("displayed_or_later"),
        total(declared, g.c.due_n).label("due"),
        total(fulfilled).label("fulfilled"),
        total(and_(fulfilled, declared), g.c.due_n).label("fulfilled_due"),
        total(and_(fulfilled, declared), g.c.on_time_n).label("on_time"),
        func.sum(g.c.overdue_n).label("overdue"),
        total(g.c.outcome == Outcome.unfulfilled).label("unfulfilled"),
        total(g.c.state.in_(list(FINISHED))).label("finished"),
        total(g.c.state == State.evaluated).label("evaluated"),
        total(working, g.c.measured_n).label("progress_count"),
        func.sum(case((working, g.c.share_sum), else_=0.0)).label("progress_sum"),
    ).group_by(g.c.key).subquery("per_org")


def plan_for_aggregates(session: Session) -> None:
    """PostgreSQL: hash the per-organisation counts rather than loop over them, and sort in
    memory.  Its planner guesses 200 rows for a grouped subquery (a province has 40,000) and
    picked a nested loop: 150 s for the province dashboard instead of 2.6 s.  SET LOCAL lasts
    only for this read-only transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL enable_nestloop = off"))
        session.execute(text("SET LOCAL work_mem = '64MB'"))


def _rolled_up(session: Session, per_org, shown) -> dict[int, dict]:
    """Each shown organisation's counts summed over every organisation below it.  ``shown`` is
    a subquery of the shown organisations' ids."""
    query = (
        select(OrgClosure.ancestor_id, *sums_of(per_org))
        .join(per_org, per_org.c.key == OrgClosure.descendant_id)
        # "+ 0" keeps SQLite from driving the join by ancestor (a lookup per shown organisation
        # and per organisation with pledges); it walks the few thousand per-org rows instead.
        .where((OrgClosure.ancestor_id + 0).in_(shown))
        .group_by(OrgClosure.ancestor_id)
    )
    return {row.ancestor_id: counts_of(row) for row in session.execute(query)}


def sums_of(per_org) -> list:
    """SUM of every count of a ``_per_org`` subquery, to group its rows further, each named
    as its count."""
    return [func.sum(per_org.c[name]).label(name) for name in (*COUNTS, "progress_sum")]


def counts_of(row) -> dict:
    """The ``sums_of`` of a row as Figures' keyword arguments (PostgreSQL sums are Decimal)."""
    sums = row._mapping
    return {name: (float if name == "progress_sum" else int)(sums[name] or 0) for name in (*COUNTS, "progress_sum")}


def _shown_orgs(session: Session, org: str | None, depth: int):
    """The organisations the dashboard shows: ``org`` (default: every organisation without a
    parent) and ``depth`` levels below, as a subquery of ids and as rows of ``tree_rows`` in
    tree order (their depth counted below their top)."""
    if org:
        tops = select(literal(org_by_code(session, org).id))
    else:
        tops = select(Organisation.id).where(Organisation.parent_id.is_(None))
    ids = select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id.in_(tops), OrgClosure.depth <= depth)
    query = tree_rows(OrgClosure, OrgClosure.descendant_id, OrgClosure.depth).where(
        OrgClosure.ancestor_id.in_(tops), OrgClosure.depth <= depth)
    return ids, tree_order(session.execute(query).all())


def dashboard(ledger: Ledger, *, org: str | None = None, depth: int = 2, as_of: date | None = None,
              campaign: int | None = None, evaluation: bool = True) -> Dashboard:
    """The figures of ``org``'s subtree (default: the whole ledger) for one campaign, with a
    row for each organisation down to ``depth`` levels below it.  ``evaluation=False`` leaves
    the evaluation figures at 0 (a table that does not show them need not count them)."""
    if depth < 0:
        raise BadInput("bad_depth", depth=depth)
    with ledger.session() as session:
        shown_ids, shown = _shown_orgs(session, org, depth)
        period = campaign_if_any(session, ledger, campaign, as_of)
        day = as_of or ledger.today(period.timezone if period else "Asia/Shanghai")
        counts: dict[int, dict] = {}
        evaluated: dict[int, dict] = {}
        if period is not None:
            columns, replay = standing(ledger, period, day)
            scope = [Pledge.org_id.in_(subtree_ids(org_by_code(session, org).id))] if org else []
            plan_for_aggregates(session)
            counts = _rolled_up(session, _per_org(period, columns, replay, day, scope=scope), shown_ids)
            if evaluation:
                evaluated = _evaluation(session, period, scope, end_of_day_utc(day, period.timezone), shown_ids)
    rows = [OrgFigures(**org_row(row).as_dict(), **counts.get(row.id, {}), **evaluated.get(row.id, {}))
            for row in shown]
    mark_lagging(rows)
    year = period.year if period else campaign or (as_of.year if as_of else current_year(ledger))
    return Dashboard(campaign=year, as_of=day, scope=[r.code for r in rows if r.depth == 0],
                     totals=_totals(rows), rows=rows)


def _evaluation(session: Session, period: Campaign, scope, before, shown_ids) -> dict[int, dict]:
    from pledges import evaluation  # it reads pledges.quality, which reads this module

    return evaluation.rolled_up(session, evaluation.per_org(session, period, scope, before), shown_ids)


def _totals(rows: list[OrgFigures]) -> OrgFigures:
    """The scope's totals: the top row itself, or the sum of several top organisations."""
    tops = [row for row in rows if row.depth == 0]
    if len(tops) == 1:
        return tops[0]
    total = OrgFigures(code="", name="", kind="", parent=None, depth=0)
    for row in tops:
        total.add(row)
    return total


def mark_lagging(rows: list[OrgFigures]) -> None:
    """Flag, among the organisations at each depth below the top, the lowest tenth by
    completion rate (only those below their level's overall rate) and the highest tenth by
    overdue count (only those with any), at least one of each where there is one."""
    for level in {row.depth for row in rows} - {0}:
        peers = [row for row in rows if row.depth == level]
        take = max(1, round(len(peers) * LAGGING_SHARE))
        level_rate = _ratio(sum(row.fulfilled_due for row in peers), sum(row.due for row in peers))
        rated = sorted((row for row in peers if row.completion_rate is not None and row.completion_rate < level_rate),
                       key=lambda row: (row.completion_rate, -row.overdue, row.code))
        late = sorted((row for row in peers if row.overdue), key=lambda row: (-row.overdue, row.code))
        for row in rated[:take]:
            row.lagging.append("completion_rate")
        for row in late[:take]:
            row.lagging.append("overdue")


@dataclass
class OverdueRow:
    id: int
    org: str
    org_name: str
    member: str | None
    member_name: str | None
    title: str
    state: str
    due: date
    original_due: date
    days_late: int
    done: int
    target: int | None
    unit: str | None
    qualitative: bool
    last_progress: date | None

    @property
    def owner(self) -> str:
        return self.member_name or self.org_name

    def as_dict(self) -> dict:
        return {**vars(self), "owner": self.owner}  # flat fields: no need for asdict's deep copy


def overdue(ledger: Ledger, **scope) -> tuple[date, list[OverdueRow]]:
    """``overdue_rows`` as a list (for a branch or a town; a province's should be streamed)."""
    day, rows = overdue_rows(ledger, **scope)
    return day, list(rows)


def overdue_rows(ledger: Ledger, *, org: str | None = None, as_of: date | None = None, campaign: int | None = None,
                 escalated: bool = False) -> tuple[date, Iterator[OverdueRow]]:
    """Every overdue pledge in ``org``'s subtree, most days late first, with the day of its
    last progress record (as recorded by the end of ``as_of``).  ``escalated``: only those more
    than the campaign's ``escalation_days`` late (what the escalation reminder goes out for).
    The rows are read as they are consumed, a few thousand at a time."""
    query, day = _overdue_query(ledger, org, as_of, campaign, escalated)
    return day, _read_overdue(ledger, query, day)


def _read_overdue(ledger: Ledger, query, day: date) -> Iterator[OverdueRow]:
    if query is None:
        return
    with ledger.session() as session:
        for row in session.execute(query.execution_options(yield_per=2000)):
            yield OverdueRow(**row._mapping, days_late=rules.days_late(row.due, day))


def _overdue_query(ledger: Ledger, org: str | None, as_of: date | None, campaign: int | None, escalated: bool):
    with ledger.session() as session:
        scope = org_by_code(session, org).id if org else None  # an unknown code is refused even with no campaign
        period = campaign_if_any(session, ledger, campaign, as_of)
        if period is None:
            return None, as_of or ledger.today()
        day = as_of or ledger.today(period.timezone)
        (state, due, done, _), replay = standing(ledger, period, day)
        # One seek in ix_progress_pledge_day per overdue pledge (a GROUP BY over every progress
        # record of the city would read half a million rows).
        last = (
            select(func.max(ProgressRecord.day))
            .where(ProgressRecord.pledge_id == Pledge.id,
                   ProgressRecord.recorded_at < end_of_day_utc(day, period.timezone))
            .correlate(Pledge)
            .scalar_subquery()
        )
        query = replay(
            select(Pledge.id, Organisation.code.label("org"), Organisation.name.label("org_name"),
                   Member.number.label("member"), Member.name.label("member_name"), Pledge.title,
                   state.label("state"), due.label("due"), Pledge.original_due, done.label("done"), Pledge.target,
                   Pledge.unit, Pledge.qualitative, last.label("last_progress"))
            .join(Organisation, Organisation.id == Pledge.org_id)
            .outerjoin(Member, Member.id == Pledge.member_id)
        ).where(Pledge.campaign_id == period.id, rules.overdue(state, due, day)).order_by(due, Pledge.id)
        if escalated:
            query = query.where(rules.escalated(state, due, day - timedelta(days=period.escalation_days)))
        if scope is not None:
            query = query.where(Pledge.org_id.in_(subtree_ids(scope)))
    return query, day
