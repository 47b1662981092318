"""The evaluation figures of each organisation (docs/figures.md "Evaluation figures"), rolled up
over its subtree like the other figures: the pledges with a score and the sum of their scores
(a unit's score is their mean), the final-grade counts, the public ratings and how many of them
are satisfied or fair (满意率), and the checkable pledges (可评比率 = checkable / declared).

The per-organisation counts come from ``pledges.scores`` (scores, grades, which ratings count)
and ``pledges.quality`` (checkable); each organisation's figure is the sum over the
organisations below it (``org_closure``)."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import case, func, select
from sqlmodel import Session

from pledges import quality, scores
from pledges.models import Campaign, OrgClosure
from pledges.vocab import Grade

GRADE_COUNTS = tuple(f"grade_{grade.value}" for grade in Grade)  # grade_excellent, grade_good, grade_pass, grade_fail
EVALUATION_COUNTS = ("scored", "score_sum", *GRADE_COUNTS, "public_ratings", "public_positive", "checkable")


def per_org(session: Session, period: Campaign, scope=(), before: datetime | None = None) -> dict[int, dict]:
    """Each organisation's evaluation counts over its own pledges."""
    found: dict[int, dict] = defaultdict(lambda: dict.fromkeys(EVALUATION_COUNTS, 0))
    s = scores.pledge_scores(period, scope, before)
    query = select(s.c.org_id, func.count(), func.sum(s.c.score),
                   *(func.sum(case((s.c.grade == grade.value, 1), else_=0)) for grade in Grade)).group_by(s.c.org_id)
    for org_id, n, total, *grades in session.execute(query):
        row = found[org_id]
        row["scored"], row["score_sum"] = int(n), float(total or 0)
        for name, count in zip(GRADE_COUNTS, grades):
            row[name] = int(count or 0)
    for org_id, positive, ratings in session.execute(scores.public_tally(period, scope, before)):
        found[org_id]["public_positive"], found[org_id]["public_ratings"] = int(positive or 0), int(ratings or 0)
    blocked = quality.not_checkable_per_org(session, period, scope)
    for org_id, declared in quality.declared_per_org(session, period, scope).items():
        found[org_id]["checkable"] = declared - blocked.get(org_id, 0)
    return dict(found)


def rolled_up(session: Session, own: dict[int, dict], shown_ids) -> dict[int, dict]:
    """Each shown organisation's counts summed over its subtree."""
    totals: dict[int, dict] = {}
    query = select(OrgClosure.ancestor_id, OrgClosure.descendant_id).where(OrgClosure.ancestor_id.in_(shown_ids))
    for ancestor, descendant in session.execute(query):
        counts = own.get(descendant)
        if counts is None:
            continue
        total = totals.setdefault(ancestor, dict.fromkeys(EVALUATION_COUNTS, 0))
        for name in EVALUATION_COUNTS:
            total[name] += counts[name]
    return totals
