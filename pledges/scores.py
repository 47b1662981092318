"""Ratings, pledge scores and final grades (docs/evaluation.md "Scores"): one definition each.

- **Which ratings count**: ``counting`` — those entered by people with the right (``recorded``)
  and public-board ratings a secretary approved (``approved``); pending and rejected ones never
  count.  Every reader of ratings (scores, satisfaction, the evaluate guard, ``show``, the
  public board) asks this one condition.
- **Points**: grades excellent/good/pass/fail score 100/85/70/40; the public's
  satisfied/fair/unsatisfied 100/70/30 (``POINTS``).
- **A group's mean**: the mean points of a rater group's counting ratings of a pledge, each
  rating weighted by its ``count`` (tallied paper ballots are one row).
- **Pledge score**: Σ wᵍ·meanᵍ / Σ wᵍ over the groups that rated it (weights per campaign,
  default organisation 0.4, public 0.3, members 0.2, self 0.1; a group of weight 0 is left
  out).  No rating of a group with weight: no score.
- **Final grade**: excellent ≥ 90, good ≥ 80, pass ≥ 60, else fail (compared with a tolerance
  of 1e-9, so a weighted mean that is 90 on paper is not 89.99999999999999 in floating point).
- **Frozen**: once a pledge is evaluated its score and grade are stored (``pledge_score``) and
  later ratings do not change them; before that they are computed from the ratings.
- **A unit's score**: the mean of the scores of its subtree's pledges that have one.

The SQL (``pledge_scores``) is what every roll-up uses; ``combine`` and ``grade_of`` are the same
rules on Python values (the evaluate effect and the demo use them); the tests hold each to a
hand-worked example and to an independent recount.
"""

import json
import math
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Float, and_, case, cast, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from pledges.errors import BadInput
from pledges.models import Campaign, Pledge, PledgeScore, Rating
from pledges.vocab import Grade, PublicGrade, RaterGroup

COUNTING_STATUSES = ("recorded", "approved")  # pending and rejected ratings (the board's form) never count
POINTS: dict[str, int] = {Grade.excellent: 100, Grade.good: 85, Grade.passed: 70, Grade.fail: 40,
                          PublicGrade.satisfied: 100, PublicGrade.fair: 70, PublicGrade.unsatisfied: 30}
DEFAULT_WEIGHTS: dict[str, float] = {RaterGroup.organisation: 0.4, RaterGroup.public: 0.3,
                                     RaterGroup.members: 0.2, RaterGroup.self_: 0.1}
FLOORS = ((Grade.excellent, 90), (Grade.good, 80), (Grade.passed, 60))  # else fail
TOLERANCE = 1e-9
POSITIVE = (PublicGrade.satisfied, PublicGrade.fair)  # what 满意率 counts as satisfied


def grades_for(group: str) -> type:
    """The grades a rater group gives: the public says satisfied/fair/unsatisfied."""
    return PublicGrade if group == RaterGroup.public else Grade


# --- which ratings count ------------------------------------------------------------------------

def counting(rating=Rating, before: datetime | None = None) -> ColumnElement:
    """THE rule: a rating counts when it is recorded, or approved by a moderator.  With
    ``before`` (the end of an as-of day): only as the ledger stood then."""
    if before is None:
        return rating.status.in_(COUNTING_STATUSES)
    return and_(rating.recorded_at < before,
                or_(rating.status == "recorded",
                    and_(rating.status == "approved",
                         or_(rating.moderated_at.is_(None), rating.moderated_at < before))))


def counts(status: str) -> bool:
    """``counting`` for one rating's status, in Python."""
    return status in COUNTING_STATUSES


# --- weights --------------------------------------------------------------------------------------

def weights_of(campaign: Campaign | None) -> dict[str, float]:
    """The campaign's weights (its stored JSON), else the defaults."""
    if campaign is None or not campaign.weights:
        return dict(DEFAULT_WEIGHTS)
    stored = json.loads(campaign.weights)
    return {group.value: float(stored.get(group.value, 0.0)) for group in RaterGroup}


def parse_weights(text: str) -> dict[str, float]:
    """``organisation=0.4,public=0.3,members=0.2,self=0.1`` (or 组织评=0.4,…): every weight
    between 0 and 1, summing to 1; a group not named weighs 0."""
    from pledges import i18n

    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in (text or "").replace("，", ",").split(","))):
        name, sep, number = part.partition("=")
        group = i18n.code_of(RaterGroup, name.strip())
        if group is None:
            raise BadInput("bad_weight_group", value=name.strip(), choices=i18n.choices(RaterGroup))
        try:
            value = float(number)
        except ValueError:
            value = math.nan
        if not sep or not math.isfinite(value) or not 0 <= value <= 1:
            raise BadInput("bad_weight", value=part)
        if group in weights:
            raise BadInput("weight_twice", group=RaterGroup(group))
        weights[group] = value
    total = sum(weights.values())
    if not weights or abs(total - 1) > 1e-6:
        raise BadInput("weights_sum", total=round(total, 6))
    return {group.value: weights.get(group.value, 0.0) for group in RaterGroup}


# --- the rules on Python values ---------------------------------------------------------------------

def combine(means: Mapping[str, float], weights: Mapping[str, float]) -> float | None:
    """The pledge score from its groups' mean points."""
    used = {group: weights.get(group, 0.0) for group in means if weights.get(group, 0.0) > 0}
    total = sum(used.values())
    if not total:
        return None
    return sum(weight * means[group] for group, weight in used.items()) / total


def group_means(ratings) -> dict[str, float]:
    """(group, grade, count) of counting ratings → each group's mean points."""
    sums: dict[str, list[float]] = {}
    for group, grade, count in ratings:
        entry = sums.setdefault(group, [0.0, 0])
        entry[0] += POINTS[grade] * count
        entry[1] += count
    return {group: total / n for group, (total, n) in sums.items() if n}


def grade_of(score: float | None) -> str | None:
    if score is None:
        return None
    for grade, floor in FLOORS:
        if score >= floor - TOLERANCE:
            return grade.value
    return Grade.fail.value


# --- the same rules as SQL ------------------------------------------------------------------------

def points(grade) -> ColumnElement:
    return case(*((grade == name, value) for name, value in POINTS.items()), else_=None)


def grade_sql(score) -> ColumnElement:
    return case(*((score >= floor - TOLERANCE, grade.value) for grade, floor in FLOORS), else_=Grade.fail.value)


def _weight(group, weights: Mapping[str, float]) -> ColumnElement:
    return case(*((group == name, literal(float(w))) for name, w in weights.items() if w > 0), else_=literal(0.0))


def means_query(where=(), before: datetime | None = None):
    """(pledge_id, rater_group, mean, ratings) per pledge and group, of the counting ratings."""
    weighted = func.sum(cast(points(Rating.grade), Float) * Rating.count)
    return (select(Rating.pledge_id, Rating.rater_group, (weighted / func.sum(Rating.count)).label("mean"),
                   func.sum(Rating.count).label("ratings"))
            .where(counting(Rating, before), Rating.count > 0, *where)
            .group_by(Rating.pledge_id, Rating.rater_group))


def live_scores(weights: Mapping[str, float], where=(), before: datetime | None = None):
    """(pledge_id, score) computed from the ratings, for the pledges with a score."""
    g = means_query(where, before).subquery("group_means")
    w = _weight(g.c.rater_group, weights)
    return (select(g.c.pledge_id, (func.sum(w * g.c.mean) / func.sum(w)).label("score"))
            .group_by(g.c.pledge_id).having(func.sum(w) > 0))


def pledge_scores(campaign: Campaign, scope=(), before: datetime | None = None):
    """A subquery of (pledge_id, org_id, score, grade, frozen) for the campaign's pledges that
    have a score: the frozen one once evaluated (by ``before``), else computed from the ratings.
    ``scope``: conditions on ``Pledge``.  Driven by the ratings (a frozen pledge has its
    organisation rating), so the pledges nobody rated are never read."""
    weighted = func.sum(cast(points(Rating.grade), Float) * Rating.count)
    g = (select(Rating.pledge_id, Pledge.org_id, Rating.rater_group,
                (weighted / func.sum(Rating.count)).label("mean"))
         .join(Pledge, Pledge.id == Rating.pledge_id)
         .where(counting(Rating, before), Rating.count > 0, Pledge.campaign_id == campaign.id, *scope)
         .group_by(Rating.pledge_id, Pledge.org_id, Rating.rater_group)).subquery("group_means")
    w = _weight(g.c.rater_group, weights_of(campaign))
    live_score = case((func.sum(w) > 0, func.sum(w * g.c.mean) / func.sum(w)), else_=None)
    live = select(g.c.pledge_id, g.c.org_id, live_score.label("score")).group_by(g.c.pledge_id, g.c.org_id)
    live = live.subquery("live")
    frozen_on = [PledgeScore.pledge_id == live.c.pledge_id]
    if before is not None:
        frozen_on.append(PledgeScore.frozen_at < before)
    score = func.coalesce(PledgeScore.score, live.c.score)
    query = (select(live.c.pledge_id, live.c.org_id, score.label("score"),
                    func.coalesce(PledgeScore.grade, grade_sql(live.c.score)).label("grade"),
                    PledgeScore.pledge_id.is_not(None).label("frozen"))
             .select_from(live).outerjoin(PledgeScore, and_(*frozen_on))
             .where(score.is_not(None)))
    return query.subquery("pledge_scores")


def public_tally(campaign: Campaign, scope=(), before: datetime | None = None):
    """(org_id, positive, ratings) of the counting public ratings per organisation: 满意率 is
    (satisfied + fair) / all public ratings, each rating weighted by its count."""
    positive = func.sum(case((Rating.grade.in_([g.value for g in POSITIVE]), Rating.count), else_=0))
    return (select(Pledge.org_id, positive.label("positive"), func.sum(Rating.count).label("ratings"))
            .join(Pledge, Pledge.id == Rating.pledge_id)
            .where(Pledge.campaign_id == campaign.id, Rating.rater_group == RaterGroup.public.value,
                   counting(Rating, before), *scope)
            .group_by(Pledge.org_id))


def score_of(session, pledge: Pledge) -> tuple[float | None, str | None, dict[str, float]]:
    """One pledge's score, final grade and group means as the ledger holds them now (frozen or
    computed)."""
    frozen = session.get(PledgeScore, pledge.id)
    rows = session.execute(means_query([Rating.pledge_id == pledge.id])).all()
    means = {row.rater_group: float(row.mean) for row in rows}
    if frozen is not None:
        return frozen.score, frozen.grade, means
    score = combine(means, weights_of(session.get(Campaign, pledge.campaign_id)))
    return score, grade_of(score), means
