"""What ``pledges export`` reads: the organisations, members and pledges of a scope, streamed
from the database in id order, as plain rows with the sheet's column names."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from pledges import rules
from pledges.campaigns import campaign_if_any
from pledges.db import Ledger
from pledges.models import Campaign, DisplayRecord, Member, Organisation, Pledge, ProgressRecord, Rating
from pledges.scope import roots, within
from pledges.scores import counting
from pledges.vocab import RaterGroup

STREAM = 2_000  # rows fetched at a time


@dataclass
class Scope:
    tops: list[int] | None  # pledges.scope.roots
    campaign_id: int | None
    year: int | None
    day: date


def scope_of(ledger: Ledger, org: str | None, campaign: int | None, reader: str | None = None) -> Scope:
    with ledger.session() as session:
        tops = roots(session, reader, org)
        period = campaign_if_any(session, ledger, campaign)
        day = ledger.today(period.timezone if period else "Asia/Shanghai")
        return Scope(tops, period and period.id, period and period.year, day)


def _within(query, column, scope: Scope):
    return query.where(*within(column, scope.tops))


def org_rows(ledger: Ledger, scope: Scope) -> Iterator[dict]:
    parent = aliased(Organisation)
    query = (select(Organisation.code, Organisation.name, Organisation.kind, parent.code.label("parent"),
                    Organisation.secretary, Organisation.email)
             .outerjoin(parent, parent.id == Organisation.parent_id).order_by(Organisation.id))
    yield from _stream(ledger, _within(query, Organisation.id, scope))


def member_rows(ledger: Ledger, scope: Scope) -> Iterator[dict]:
    query = (select(Member.number, Member.name, Organisation.code.label("org"), Member.email,
                    Organisation.name.label("org_name"))
             .join(Organisation, Organisation.id == Member.org_id).order_by(Member.id))
    yield from _stream(ledger, _within(query, Member.org_id, scope))


def pledge_rows(ledger: Ledger, scope: Scope) -> Iterator[dict]:
    """The campaign's pledges with their state, progress (done/target, at most 1), days late
    and the organisation's latest grade."""
    if scope.campaign_id is None:
        return
    first_display = (select(DisplayRecord.channel, DisplayRecord.day).where(DisplayRecord.pledge_id == Pledge.id)
                     .order_by(DisplayRecord.day, DisplayRecord.id).limit(1))
    display_channel = first_display.with_only_columns(DisplayRecord.channel).scalar_subquery()
    displayed_on = first_display.with_only_columns(DisplayRecord.day).scalar_subquery()
    grade = (select(Rating.grade).where(Rating.pledge_id == Pledge.id, counting(Rating),
                                        Rating.rater_group == RaterGroup.organisation.value)
             .order_by(Rating.id.desc()).limit(1).scalar_subquery())
    query = (
        select(Pledge.id, Organisation.code.label("org"), Organisation.name.label("org_name"),
               Member.number.label("member"), Member.name.label("member_name"), Pledge.title, Pledge.content,
               Pledge.category, Pledge.target, Pledge.unit, Pledge.qualitative, Pledge.criterion, Pledge.due,
               Campaign.year.label("campaign"), Pledge.state, Pledge.outcome, Pledge.original_due, Pledge.done,
               Pledge.last_progress_on.label("last_progress"), grade.label("grade"), Pledge.approved_on,
               display_channel.label("display_channel"), displayed_on.label("displayed_on"), Pledge.finished_on)
        .join(Campaign, Campaign.id == Pledge.campaign_id)
        .join(Organisation, Organisation.id == Pledge.org_id)
        .outerjoin(Member, Member.id == Pledge.member_id)
        .where(Pledge.campaign_id == scope.campaign_id)
        .order_by(Pledge.id)
    )
    for row in _stream(ledger, _within(query, Pledge.org_id, scope)):
        row["progress"] = min(row["done"] / row["target"], 1.0) if row["target"] else None
        late = rules.overdue(row["state"], row["due"], scope.day)
        row["days_late"] = rules.days_late(row["due"], scope.day) if late else None
        yield row


def pledge_count(ledger: Ledger, scope: Scope) -> int:
    if scope.campaign_id is None:
        return 0
    query = select(func.count()).select_from(Pledge).where(Pledge.campaign_id == scope.campaign_id)
    with ledger.session() as session:
        return session.scalar(_within(query, Pledge.org_id, scope))


def progress_rows(ledger: Ledger, scope: Scope) -> Iterator[dict]:
    """The campaign's progress records, oldest first: what ``践诺记实`` imports back."""
    if scope.campaign_id is None:
        return
    query = (select(ProgressRecord.pledge_id.label("pledge"), ProgressRecord.day, ProgressRecord.amount,
                    ProgressRecord.note, ProgressRecord.evidence)
             .join(Pledge, Pledge.id == ProgressRecord.pledge_id)
             .where(Pledge.campaign_id == scope.campaign_id).order_by(ProgressRecord.id))
    for row in _stream(ledger, _within(query, Pledge.org_id, scope)):
        row["amount"] = row["amount"] or None  # a qualitative record's 0: an empty cell
        yield row


def _stream(ledger: Ledger, query) -> Iterator[dict]:
    with ledger.engine.connect() as connection:
        result = connection.execution_options(yield_per=STREAM).execute(query)
        for row in result:
            yield dict(row._mapping)


def export(ledger: Ledger, path, *, fmt: str = "xlsx", org: str | None = None, campaign: int | None = None,
           lang: str = "zh", depth: int = 99, report=None, reader: str | None = None) -> int:
    """Write the scope's pledges (and, in .xlsx, its organisations, members and dashboard
    figures) to ``path``; returns how many pledges were written."""
    from pledges.figures import dashboard
    from pledges.sheets import headers as H
    from pledges.sheets.writer import write_csv, write_xlsx

    scope = scope_of(ledger, org, campaign, reader)
    if report is not None:  # the bar knows how many pledges there are
        total, given = pledge_count(ledger, scope), report
        report = lambda stage, done: given(stage, done, total)  # noqa: E731
    if fmt == "csv":
        return write_csv(path, pledge_rows(ledger, scope), lang, report)
    figures = [row.as_dict() for row in dashboard(ledger, org=org, depth=depth, campaign=scope.year, reader=reader,
                                                  evaluation=True).rows]
    sheets = {H.ORGS: org_rows(ledger, scope), H.MEMBERS: member_rows(ledger, scope),
              H.PLEDGES: pledge_rows(ledger, scope), H.PROGRESS: progress_rows(ledger, scope)}
    return write_xlsx(path, sheets, figures, lang, report)
