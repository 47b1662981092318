"""What the public may see of the ledger (亮诺, docs/board.md): one read of a scope for the
notice board, built from a whitelist of columns.

Public: organisations' code, name, kind and place in the tree; members' names and the
organisation they belong to; pledges displayed or later (title, content, category, target,
unit, criterion, due date and the original one, state, outcome, finish day, amount done);
the first display's day and channel; progress entries' day, amount and note; the
organisation's grade; the public's counted ratings (满意率) and the comments a secretary
approved.  Never read here, so never shown: contacts (secretary, e-mail, webhook), member
e-mails, members' numbers, who recorded anything (actors), evidence references, display
places, reasons of returns, extensions, amendments, failures and withdrawals, evaluation
comments, drafts and pledges not displayed yet, ratings awaiting moderation or rejected, and
the hashed address of a rater.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, select

from pledges.campaigns import campaign_if_any
from pledges.db import Ledger
from pledges.models import (Campaign, DisplayRecord, Member, Organisation, OrgClosure, Pledge,
                            PledgeVersion, ProgressRecord, Rating)
from pledges.orgs import org_by_code
from pledges.vocab import DISPLAYED_OR_LATER

# The public's three grades (the board's form), best first.
PUBLIC_GRADES = ("satisfied", "fair", "unsatisfied")
# Which ratings count in the figures: those recorded by people with the right, and the public's
# once a secretary approved them.  (The evaluation stream keeps the same rule; one place at merge.)
from pledges.scores import POSITIVE, counting  # noqa: E402 - the one rule of what counts and what 满意率 counts


@dataclass
class PublicOrg:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    town_id: int | None = None  # the organisation one level under the top of the scope's tree
    children: list[int] = field(default_factory=list)


@dataclass
class PublicMember:
    id: int
    name: str
    org_id: int


@dataclass
class PublicPledge:
    id: int
    org_id: int
    member_id: int | None
    title: str
    content: str
    category: str | None
    target: int | None
    unit: str | None
    qualitative: bool
    criterion: str | None
    due: date
    original_due: date
    state: str
    outcome: str | None
    finished_on: date | None
    done: int
    displayed_on: date | None = None
    channel: str | None = None
    progress: list[tuple[date, int, str | None]] = field(default_factory=list)  # (day, amount, note)
    grade: str | None = None  # the organisation's evaluation grade
    ratings: dict[str, int] = field(default_factory=dict)  # counted public ratings by grade
    comments: list[tuple[date, str, str]] = field(default_factory=list)  # approved: (day, grade, comment)
    amended: int = 0  # how many times the content was changed

    @property
    def last_progress(self):
        return self.progress[-1] if self.progress else None

    @property
    def percent(self) -> int | None:
        if self.qualitative or not self.target:
            return 100 if self.outcome == "fulfilled" else None
        return min(100, round(100 * self.done / self.target))


@dataclass
class Scope:
    """Everything public about a subtree, read in a handful of queries."""

    year: int | None
    today: date
    root_id: int | None
    orgs: dict[int, PublicOrg]
    members: dict[int, PublicMember]
    pledges: dict[int, PublicPledge]
    counts: dict[int, int] | None = None  # pledges on display per organisation, when the pledges were not read

    def pledges_of(self, org_id: int) -> tuple[list[PublicPledge], dict[int, list[PublicPledge]]]:
        """The organisation's own pledges, and its members' by member id."""
        own, by_member = [], defaultdict(list)
        for pledge in self.by_org().get(org_id, ()):
            (by_member[pledge.member_id] if pledge.member_id else own).append(pledge)
        return own, by_member

    def by_org(self) -> dict[int, list[PublicPledge]]:
        if not hasattr(self, "_org_index"):
            index = defaultdict(list)
            for pledge in self.pledges.values():
                index[pledge.org_id].append(pledge)
            self._org_index = index
        return self._org_index

    def count_of(self, org_id: int) -> int:
        return self.counts.get(org_id, 0) if self.counts is not None else len(self.by_org().get(org_id, ()))

    def members_of(self, org_id: int) -> list[PublicMember]:
        if not hasattr(self, "_member_index"):
            index = defaultdict(list)
            for member in self.members.values():
                index[member.org_id].append(member)
            self._member_index = index
        return self._member_index.get(org_id, [])


def satisfaction(ratings: dict[str, int]) -> int | None:
    """满意率 in percent: (satisfied + fair) / all counted public ratings; None with no rating."""
    total = sum(ratings.values())
    if not total:
        return None
    return round(100 * sum(ratings.get(grade, 0) for grade in POSITIVE) / total)


def counted_public_ratings(pledge_ids):
    """The one query of counted public ratings: (pledge_id, grade, ballots) for ``pledge_ids``
    (ids or a subquery of them)."""
    return (select(Rating.pledge_id, Rating.grade, func.sum(Rating.count).label("ballots"))
            .where(Rating.rater_group == "public", counting(Rating),
                   Rating.pledge_id.in_(pledge_ids))
            .group_by(Rating.pledge_id, Rating.grade))


def read_scope(ledger: Ledger, org: str | None = None, campaign: int | None = None, *,
               pledge_ids: list[int] | None = None, narrow: bool = False, pledges: bool = True,
               owner_ids: list[int] | None = None) -> Scope:
    """The public view of ``org``'s subtree (default: every organisation) in one campaign
    (default: this year's).  ``narrow``: only the organisation and its children, and only its
    own and its members' pledges (one organisation's page); ``owner_ids``: every organisation of
    the subtree, but only these organisations' members and pledges (a part of a build);
    ``pledge_ids`` narrows the pledges read further; ``pledges=False`` reads the organisations,
    the members with a pledge on display and the counts only (the index)."""
    with ledger.session() as session:
        root = org_by_code(session, org) if org else None
        period = campaign_if_any(session, ledger, campaign)
        today = ledger.today(period.timezone if period else "Asia/Shanghai")
        if root is None:
            in_scope = select(Organisation.id)
        else:
            in_scope = select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id == root.id,
                                                              *([OrgClosure.depth <= 1] if narrow else []))
        owners = select(Organisation.id).where(Organisation.id == root.id) if narrow else in_scope
        if owner_ids is not None:
            owners = select(Organisation.id).where(Organisation.id.in_(owner_ids), Organisation.id.in_(owners))
        orgs = _orgs(session, in_scope, root)
        if narrow and root.parent_id is not None:  # for the link up to it
            parent = session.get(Organisation, root.parent_id)
            orgs[parent.id] = PublicOrg(parent.id, parent.code, parent.name, parent.kind, parent.parent_id)
        members = {row.id: PublicMember(row.id, row.name, row.org_id) for row in session.execute(
            select(Member.id, Member.name, Member.org_id).where(Member.org_id.in_(owners)).order_by(Member.id))}
        scope = Scope(period.year if period else None, today, root.id if root else None, orgs, members, {})
        if period is not None and pledges:
            scope.pledges = _pledges(session, period, owners, pledge_ids)
        elif period is not None:
            shown = _shown(period, in_scope)
            scope.counts = {row.org_id: row.n for row in session.execute(
                select(Pledge.org_id, func.count().label("n")).where(shown).group_by(Pledge.org_id))}
            with_pledges = set(session.scalars(select(Pledge.member_id).where(shown, Pledge.member_id.is_not(None))
                                               .distinct()))
            scope.members = {key: value for key, value in members.items() if key in with_pledges}
        return scope


def org_of_pledge(ledger: Ledger, pledge_id: int) -> str | None:
    """The code of the organisation a pledge on display belongs to, or None (no such pledge, or
    not on display)."""
    with ledger.session() as session:
        return session.scalar(select(Organisation.code).join(Pledge, Pledge.org_id == Organisation.id)
                              .where(Pledge.id == pledge_id, Pledge.state.in_(sorted(DISPLAYED_OR_LATER))))


def _shown(period: Campaign, owners):
    return and_(Pledge.campaign_id == period.id, Pledge.org_id.in_(owners),
                Pledge.state.in_(sorted(DISPLAYED_OR_LATER)))


def _orgs(session, in_scope, root) -> dict[int, PublicOrg]:
    rows = session.execute(select(Organisation.id, Organisation.code, Organisation.name, Organisation.kind,
                                  Organisation.parent_id).where(Organisation.id.in_(in_scope))
                           .order_by(Organisation.code))
    orgs = {row.id: PublicOrg(row.id, row.code, row.name, row.kind, row.parent_id) for row in rows}
    for item in orgs.values():
        if item.parent_id in orgs:
            orgs[item.parent_id].children.append(item.id)
    for item in orgs.values():
        item.town_id = _town(item, orgs, root)
    return orgs


def _town(item: PublicOrg, orgs: dict[int, PublicOrg], root) -> int | None:
    """The ancestor one level under the top (an organisation with no parent in the scope)."""
    chain = [item.id]
    while orgs[chain[-1]].parent_id in orgs:
        chain.append(orgs[chain[-1]].parent_id)
    if root is not None and root.parent_id is not None:
        return chain[-1]  # a scope under the top: its root is the town (or within one)
    return chain[-2] if len(chain) >= 2 else chain[-1]


def _pledges(session, period: Campaign, owners, pledge_ids) -> dict[int, PublicPledge]:
    conn = session.connection()  # Core rows: the ORM's row loading doubles the time of a city's read
    query = (select(Pledge.id, Pledge.org_id, Pledge.member_id, Pledge.title, Pledge.content, Pledge.category,
                    Pledge.target, Pledge.unit, Pledge.qualitative, Pledge.criterion, Pledge.due, Pledge.original_due,
                    Pledge.state, Pledge.outcome, Pledge.finished_on, Pledge.done)
             .where(_shown(period, owners)).order_by(Pledge.id))
    if pledge_ids is not None:
        query = query.where(Pledge.id.in_(pledge_ids))
    # positional (the columns are in the order of the fields): row._mapping costs 60 µs a row
    pledges = {row[0]: PublicPledge(*row) for row in conn.execute(query)}
    ids = pledge_ids if pledge_ids is not None else query.with_only_columns(Pledge.id).order_by(None)
    for row in conn.execute(select(DisplayRecord.pledge_id, DisplayRecord.day, DisplayRecord.channel)
                               .where(DisplayRecord.pledge_id.in_(ids)).order_by(DisplayRecord.id)):
        pledge = pledges.get(row.pledge_id)
        if pledge is not None and pledge.displayed_on is None:
            pledge.displayed_on, pledge.channel = row.day, row.channel
    for row in conn.execute(select(ProgressRecord.pledge_id, ProgressRecord.day, ProgressRecord.amount,
                                      ProgressRecord.note).where(ProgressRecord.pledge_id.in_(ids))
                               .order_by(ProgressRecord.pledge_id, ProgressRecord.day, ProgressRecord.id)):
        if row.pledge_id in pledges:
            pledges[row.pledge_id].progress.append((row.day, row.amount, row.note))
    # the organisation's rating (schema 5 moved them from ``evaluation`` into ``rating``), as the export reads it
    for row in conn.execute(select(Rating.pledge_id, Rating.grade)
                               .where(Rating.pledge_id.in_(ids), Rating.rater_group == "organisation", counting(Rating))
                               .order_by(Rating.id)):
        if row.pledge_id in pledges:
            pledges[row.pledge_id].grade = row.grade
    for row in conn.execute(counted_public_ratings(ids)):
        if row.pledge_id in pledges:
            pledges[row.pledge_id].ratings[row.grade] = int(row.ballots)
    for row in conn.execute(select(Rating.pledge_id, Rating.recorded_at, Rating.grade, Rating.comment)
                               .where(Rating.pledge_id.in_(ids), Rating.rater_group == "public",
                                      Rating.status == "approved", Rating.comment.is_not(None))
                               .order_by(Rating.id)):
        if row.pledge_id in pledges and row.comment.strip():
            pledges[row.pledge_id].comments.append((row.recorded_at.date(), row.grade, row.comment))
    for row in conn.execute(select(PledgeVersion.pledge_id, func.count().label("n"))
                               .where(PledgeVersion.pledge_id.in_(ids)).group_by(PledgeVersion.pledge_id)):
        if row.pledge_id in pledges:
            pledges[row.pledge_id].amended = row.n
    return pledges
