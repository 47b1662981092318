"""The figures of docs/figures.md as plain Python: the counts of a set of pledges, the rates made
from them, which units lag, and the overdue row.  No database here (and no SQLAlchemy import):
``pledges.figures`` counts in SQL and fills these, and so does the fast read path of
``pledges.fastread``, which must not pay the ORM's start-up.  ``pledges.figures`` re-exports
every name, so callers import them from there.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

COUNTS = ("declared", "org_pledges", "member_pledges", "approved_or_later", "displayed_or_later", "due",
          "fulfilled", "fulfilled_due", "on_time", "overdue", "unfulfilled", "finished", "evaluated",
          "progress_count")
RATES = ("display_rate", "completion_rate", "on_time_rate", "overdue_rate", "progress", "evaluation_coverage")
LAGGING_SHARE = 0.1  # the lowest tenth of completion rates and the highest tenth of overdue rates


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass(kw_only=True)
class Figures:
    """The counts of a set of pledges, and the rates made from them."""

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
        return ratio(self.displayed_or_later, self.approved_or_later)

    @property
    def completion_rate(self) -> float | None:
        return ratio(self.fulfilled_due, self.due)

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.due)

    @property
    def overdue_rate(self) -> float | None:
        """Overdue ÷ due: the share of the pledges due by the day that are still open past it
        (every overdue pledge is due, so 0 ≤ rate ≤ 1)."""
        return ratio(self.overdue, self.due)

    @property
    def progress(self) -> float | None:
        return ratio(self.progress_sum, self.progress_count)

    @property
    def evaluation_coverage(self) -> float | None:
        return ratio(self.evaluated, self.finished)

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
    lagging: list[str] = field(default_factory=list)  # why the unit stands out: completion_rate, overdue_rate
    # --- evaluation figures (docs/figures.md "Evaluation figures"; pledges/evaluation.py), read
    # only when asked (``dashboard --evaluation``): ``evaluation`` says they were ---
    evaluation: bool = False
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
        return ratio(self.score_sum, self.scored)

    @property
    def satisfaction(self) -> float | None:
        """满意率: (satisfied + fair) / public ratings."""
        return ratio(self.public_positive, self.public_ratings)

    @property
    def checkable_rate(self) -> float | None:
        return ratio(self.checkable, self.declared)

    def add(self, other: "Figures") -> None:
        super().add(other)
        if isinstance(other, OrgFigures) and other.evaluation:
            self.evaluation = True
            for name in EVALUATION_FIELDS:
                setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        shown = {**super().as_dict(), "lagging": list(self.lagging)}
        if self.evaluation:
            shown.update({name: getattr(self, name) for name in (*EVALUATION_FIELDS, *EVALUATION_RATES)})
        return shown


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


def counts_from(sums) -> dict:
    """A mapping of every count (and ``progress_sum``) as Figures' keyword arguments: SQL sums
    may be NULL, and PostgreSQL's are Decimal."""
    return {name: (float if name == "progress_sum" else int)(sums[name] or 0) for name in (*COUNTS, "progress_sum")}


def totals_of(rows: list[OrgFigures]) -> OrgFigures:
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
    overdue rate (only those with any overdue pledge), at least one of each where there is one.
    By rate, not by count: a big town with many pledges is not flagged for its size."""
    for level in {row.depth for row in rows} - {0}:
        peers = [row for row in rows if row.depth == level]
        take = max(1, round(len(peers) * LAGGING_SHARE))
        level_rate = ratio(sum(row.fulfilled_due for row in peers), sum(row.due for row in peers))
        rated = sorted((row for row in peers if row.completion_rate is not None and row.completion_rate < level_rate),
                       key=lambda row: (row.completion_rate, -row.overdue, row.code))
        late = sorted((row for row in peers if row.overdue),
                      key=lambda row: (-row.overdue_rate, -row.overdue, row.code))
        for row in rated[:take]:
            row.lagging.append("completion_rate")
        for row in late[:take]:
            row.lagging.append("overdue_rate")


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


def end_of_day_utc(day: date, tz: str) -> datetime:
    """The instant the campaign-local day ends, for replaying the audit log up to it."""
    return datetime.combine(day + timedelta(days=1), time(), ZoneInfo(tz))


def tree_order(rows):
    """Rows with ``id``, ``parent_id`` and ``code`` (organisations) in pre-order, siblings by
    code; a row whose parent is not among them is a root of the listing."""
    ids = {row.id for row in rows}
    children: dict[int | None, list] = {}
    for row in rows:
        children.setdefault(row.parent_id if row.parent_id in ids else None, []).append(row)
    ordered, stack = [], sorted(children.get(None, []), key=lambda row: row.code, reverse=True)
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(sorted(children.get(row.id, []), key=lambda child: child.code, reverse=True))
    return ordered
