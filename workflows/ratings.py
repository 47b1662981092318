"""Ratings by rater group (评价): ``pledges rate`` one at a time, or a rating sheet in bulk.

A rating is one rater group's grade of a displayed (or later) pledge: self 自评, members 党员评,
organisation 组织评 grade excellent/good/pass/fail (优秀/良好/合格/不合格); the public 群众评 says
satisfied/fair/unsatisfied (满意/基本满意/不满意).  ``count`` tallies paper ballots of one grade
in one row.  What counts and how a score is made is ``pledges.scores``; who may rate is
``pledges.workflows.authority.may_rate``.  A rating of an evaluated pledge is kept but does not
change its frozen score."""

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from pledges import audit, i18n, scores
from pledges.db import Ledger
from pledges.entries import pledge_by_id
from pledges.errors import BadInput, PledgeError, Refused
from pledges.models import MAX_INT, Organisation, Pledge, Rating
from pledges.sheets import cells
from pledges.sheets.headers import C
from pledges.sheets.problems import Problem
from pledges.sheets.simple import read_rows
from pledges.vocab import DISPLAYED_OR_LATER, RaterGroup, State
from pledges.workflows import authority
from pledges.workflows.effects import rating_values


def parse_group(text: str | None) -> str:
    group = i18n.code_of(RaterGroup, (text or "").strip())
    if group is None:
        raise BadInput("bad_rater_group", value=text, choices=i18n.choices(RaterGroup))
    return group


def parse_grade(group: str, text: str | None) -> str:
    """A grade of ``group``'s scale, as its code name or its Chinese or English label."""
    scale = scores.grades_for(group)
    grade = i18n.code_of(scale, (text or "").strip())
    if grade is None:
        raise BadInput("bad_rating_grade", group=RaterGroup(group), value=text, choices=i18n.choices(scale))
    return grade


def check_count(count: int | None) -> int:
    if count is None:
        return 1
    if not 1 <= count <= MAX_INT:
        raise BadInput("bad_rating_count", value=count, limit=MAX_INT)
    return count


@dataclass
class Rated:
    pledge_id: int
    group: str
    grade: str
    count: int
    score: float | None
    final_grade: str | None
    frozen: bool

    def as_dict(self) -> dict:
        return dict(vars(self))


class _Step:
    """What ``effects.rating_values`` reads: the actor, the moment, the comment."""

    def __init__(self, actor, now, comment):
        self.actor, self.now, self.args = actor, now, {"comment": comment}


def record(ledger: Ledger, session: Session, pledge: Pledge, group: str, grade: str, count: int,
           comment: str | None, actor: str, source: str = "cli") -> Rating:
    """Check and add one rating, with its audit event (entity ``rating``, trigger ``rate``; the
    pledge row is not changed, so its history and version are not either)."""
    if pledge.state not in DISPLAYED_OR_LATER:
        raise Refused("rate_state", id=pledge.id, state=State(pledge.state))
    if not authority.may_rate(session, actor, pledge.org_id, group):
        org = session.get(Organisation, pledge.org_id)
        raise Refused("rate_not_allowed", actor=actor, org=org.code, group=RaterGroup(group))
    now = ledger.now()
    rating = Rating(**rating_values(_Step(actor, now, comment), pledge.id, group, grade, count, source))
    session.add(rating)
    session.flush()
    audit.append(session, at=now, effective_on=ledger.today(), actor=actor, entity="rating", entity_id=rating.id,
                 trigger="rate", reason=comment, detail={"pledge": pledge.id, "group": group, "grade": grade,
                                                         "count": count})
    return rating


def _rated(session: Session, pledge: Pledge, group: str, grade: str, count: int) -> Rated:
    session.flush()
    score, final, _ = scores.score_of(session, pledge)
    frozen = pledge.state == State.evaluated and score is not None
    return Rated(pledge.id, group, grade, count, score, final, frozen)


def rate(ledger: Ledger, pledge_id: int, group: str, grade: str, *, actor: str, count: int | None = 1,
         comment: str | None = None) -> Rated:
    """Record one rating (``count`` ballots of one grade); returns the pledge's score after it."""
    group = parse_group(group)
    grade = parse_grade(group, grade)
    count = check_count(count)
    comment = (comment or "").strip() or None
    with ledger.session() as session:
        pledge = pledge_by_id(session, pledge_id)
        record(ledger, session, pledge, group, grade, count, comment, actor)
        return _rated(session, pledge, group, grade, count)


# --- a rating sheet ------------------------------------------------------------------------------

COLUMNS = (
    C("pledge", "承诺编号", "Pledge", "台账编号", "id", "pledge_id", required=True, text=True),
    C("group", "评价主体", "Rater group", "评价类别", "评价人类别", "rater_group", "group", required=True),
    C("grade", "等次", "Grade", "评价等次", "评价结果", "满意度", "评价", required=True),
    C("count", "票数", "Ballots", "人数", "数量", "count"),
    C("comment", "评语", "Comment", "意见", "备注", "意见建议"),
    C("title", "承诺事项", "Pledge title", "事项名称", read=False),
)
READERS = {"pledge": cells.integer, "count": cells.integer}


@dataclass
class RatingImport:
    files: list[str]
    dry_run: bool
    written: bool = False
    rows: int = 0
    ballots: int = 0
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self, lang: str = "zh") -> dict:
        return {"files": self.files, "dry_run": self.dry_run, "written": self.written, "rows": self.rows,
                "ballots": self.ballots, "problems": [p.as_dict(lang) for p in self.problems]}


def import_ratings(ledger: Ledger, paths: list[Path], *, actor: str, dry_run: bool = False) -> RatingImport:
    """The ratings of every rating sheet of ``paths``, all or nothing: with any problem (or a
    dry run) nothing is written.  A sheet is a rating sheet when its header row has 承诺编号,
    评价主体 and 等次 (or their English names)."""
    result = RatingImport([str(p) for p in paths], dry_run)
    rows, sheets = read_rows(paths, COLUMNS, READERS, result.problems)
    if not sheets:
        raise BadInput("rating_sheet_none", files="、".join(Path(p).name for p in paths))

    class _Rollback(Exception):
        pass

    try:
        with ledger.session() as session:
            for row in rows:
                _one(ledger, session, row, actor, result)
            result.problems.sort(key=lambda p: (p.source, p.sheet, p.row or 0, p.column or ""))
            if result.problems or dry_run:
                raise _Rollback
            result.written = True
    except _Rollback:
        result.written = False
    return result


def _one(ledger: Ledger, session: Session, row, actor: str, result: RatingImport) -> None:
    values = row.values
    column = "group"
    try:
        group = parse_group(values["group"])
        column = "grade"
        grade = parse_grade(group, values["grade"])
        column = "count"
        count = check_count(values.get("count"))
        column = "pledge"
        pledge = pledge_by_id(session, values["pledge"])
        # record() checks before it adds anything (no savepoint: SQLite's driver would commit on release)
        record(ledger, session, pledge, group, grade, count, values.get("comment"), actor, source="sheet")
    except PledgeError as err:
        result.problems.append(row.problem(err.key, column, **err.params))
        return
    result.rows += 1
    result.ballots += count

