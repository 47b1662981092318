"""The public's ratings from the notice board (docs/board.md): taken as pending, with a rate
limit per address and per pledge, and approved or rejected by a secretary.  Only approved ones
count (``pledges.scores.counting``)."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from pledges import audit
from pledges.db import Ledger
from pledges.errors import ModerationRefused, RatingRefused, UnknownRating
from pledges.models import Member, Organisation, OrgClosure, Pledge, Rating
from pledges.orgs import org_by_code
from pledges.public import PUBLIC_GRADES
from pledges.textsafe import visible
from pledges.vocab import DISPLAYED_OR_LATER
from pledges.workflows import authority

PUBLIC_ACTOR = "群众"  # the actor of every public rating: the public is never named
MAX_COMMENT = 500  # characters
# The rate limits: (how many, in how long) from one address, from one address for one pledge, and
# for one pledge from everyone.
PER_ADDRESS = (10, timedelta(hours=1))
PER_ADDRESS_AND_PLEDGE = (1, timedelta(days=1))
PER_PLEDGE = (60, timedelta(hours=1))


def origin_of(secret: bytes, address: str) -> str:
    """The keyed hash stored for an address: enough to count a sender's ratings, never the address."""
    return hmac.new(secret, address.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def rate(ledger: Ledger, pledge_id: int, grade: str, comment: str | None, origin: str) -> int:
    """Store one public rating, pending moderation; returns its id.  Refused (nothing written)
    for a pledge that is not on the board, a grade not of the three, a long comment, or an
    address or pledge over its rate limit."""
    if grade not in PUBLIC_GRADES:
        raise RatingRefused("rating_bad_grade")
    comment = (comment or "").strip() or None
    if comment and len(comment) > MAX_COMMENT:
        raise RatingRefused("rating_too_long", limit=MAX_COMMENT)
    now = ledger.now()
    with ledger.session() as session:
        state = session.scalar(select(Pledge.state).where(Pledge.id == pledge_id))
        if state not in DISPLAYED_OR_LATER:
            raise RatingRefused("rating_not_on_board", id=pledge_id)
        _check_limits(session, pledge_id, origin, now)
        rating = Rating(pledge_id=pledge_id, rater_group="public", grade=grade, count=1, comment=comment,
                        actor=PUBLIC_ACTOR, status="pending", source="board", origin=origin, recorded_at=now)
        session.add(rating)
        session.flush()
        return rating.id


def _check_limits(session, pledge_id: int, origin: str, now: datetime) -> None:
    def recent(window: timedelta, *where) -> int:
        return session.scalar(select(func.count()).select_from(Rating).where(
            Rating.source == "board", Rating.recorded_at > now - window, *where))

    if recent(PER_ADDRESS[1], Rating.origin == origin) >= PER_ADDRESS[0]:
        raise RatingRefused("rating_limit_address")
    if recent(PER_ADDRESS_AND_PLEDGE[1], Rating.origin == origin, Rating.pledge_id == pledge_id) \
            >= PER_ADDRESS_AND_PLEDGE[0]:
        raise RatingRefused("rating_limit_twice")
    if recent(PER_PLEDGE[1], Rating.pledge_id == pledge_id) >= PER_PLEDGE[0]:
        raise RatingRefused("rating_limit_pledge")


@dataclass(frozen=True)
class PendingRating:
    id: int
    pledge_id: int
    title: str
    org: str
    member_name: str | None
    grade: str
    comment: str | None
    day: date

    def as_dict(self) -> dict:
        return {"id": self.id, "pledge": self.pledge_id, "title": self.title, "org": self.org,
                "member": self.member_name, "grade": self.grade, "comment": self.comment, "day": self.day.isoformat()}


def pending(ledger: Ledger, org: str | None = None) -> list[PendingRating]:
    """The public ratings awaiting moderation, oldest first (in ``org``'s subtree)."""
    with ledger.session() as session:
        query = (select(Rating.id, Rating.pledge_id, Pledge.title, Organisation.code.label("org"),
                        Member.name.label("member_name"), Rating.grade, Rating.comment, Rating.recorded_at)
                 .join(Pledge, Pledge.id == Rating.pledge_id).join(Organisation, Organisation.id == Pledge.org_id)
                 .outerjoin(Member, Member.id == Pledge.member_id)
                 .where(Rating.status == "pending", Rating.rater_group == "public").order_by(Rating.id))
        if org:
            root = org_by_code(session, org)
            query = query.where(Pledge.org_id.in_(select(OrgClosure.descendant_id)
                                                  .where(OrgClosure.ancestor_id == root.id)))
        return [PendingRating(row.id, row.pledge_id, row.title, row.org, row.member_name, row.grade, row.comment,
                              row.recorded_at.date()) for row in session.execute(query)]


def moderate(ledger: Ledger, rating_ids: list[int], verdict: str, actor: str) -> list[int]:
    """Approve or reject pending public ratings, all or none, each with an audit event."""
    assert verdict in ("approved", "rejected")
    now = ledger.now()
    with ledger.session() as session:
        ratings = []
        for rating_id in dict.fromkeys(rating_ids):
            rating = session.get(Rating, rating_id)
            if rating is None or rating.rater_group != "public":
                raise UnknownRating(id=rating_id)
            if rating.status != "pending":
                raise ModerationRefused("rating_not_pending", id=rating_id, status=_Status(rating.status))
            org_id = session.scalar(select(Pledge.org_id).where(Pledge.id == rating.pledge_id))
            if not authority.may_moderate(session, actor, org_id):
                raise ModerationRefused("rating_no_right", id=rating_id, actor=visible(actor))
            ratings.append(rating)
        for rating in ratings:
            rating.status, rating.moderated_by, rating.moderated_at = verdict, actor, now
            audit.append(session, at=now, effective_on=ledger.today(), actor=actor, entity="rating",
                         entity_id=rating.id, trigger="moderate", from_state="pending", to_state=verdict,
                         detail={"pledge": rating.pledge_id})
        return [rating.id for rating in ratings]


class _Status:
    """A rating's status inside a message, in the message's language."""

    def __init__(self, code: str):
        self.code = code

    def message(self, lang: str = "zh") -> str:
        from pledges import i18n

        return i18n.word(f"board_{self.code}", lang)
