"""Declaring pledges (承诺) and editing drafts.  Input is validated through ``PledgeContent``,
a non-table model, before anything reaches the tables."""

from datetime import date
from typing import Any

from pydantic import ValidationError, model_validator
from sqlalchemy import update
from sqlmodel import Session

from pledges import audit
from pledges.campaigns import campaign_for, check_due
from pledges.db import Ledger
from pledges.errors import BadInput, TransitionRefused, UnknownPledge
from pledges.members import member_by_number
from pledges.models import MAX_INT, Campaign, Pledge, PledgeContentBase
from pledges.orgs import Check, org_by_code
from pledges.vocab import State

CONTENT_FIELDS = tuple(PledgeContentBase.model_fields)


class PledgeContent(PledgeContentBase):
    """Validated content.  A draft may still lack its measure (the submit guard asks for it);
    what is given must be coherent.  Raises ``BadInput`` (pydantic lets it through)."""

    @model_validator(mode="after")
    def _coherent(self) -> "PledgeContent":
        for name, value in coherent(self.title, self.content, self.category, self.target, self.unit,
                                    self.qualitative, self.criterion).items():
            setattr(self, name, value)
        return self


def coherent(title: str, content: str, category: str | None, target: int | None, unit: str | None,
             qualitative: bool, criterion: str | None) -> dict[str, Any]:
    """The rules of a pledge's content, on values of the right types: the cleaned content as a
    dict (CONTENT_FIELDS), or ``BadInput``.  ``PledgeContent`` applies them; a spreadsheet
    import, whose cells are already typed, calls this directly (no model per row)."""
    title = title.strip()
    if not title:
        raise BadInput("empty_field", field="--title")
    unit = (unit or "").strip() or None
    criterion = (criterion or "").strip() or None
    category = (category or "").strip() or None
    if qualitative:
        if target is not None or unit is not None:
            raise BadInput("measure_conflict")
        if criterion is None:
            raise BadInput("criterion_needed")
    else:
        if (target is None) != (unit is None):
            raise BadInput("target_and_unit")
        if target is not None and target <= 0:
            raise BadInput("target_positive", value=target)
        if target is not None and target > MAX_INT:
            raise BadInput("too_large", field="--target", value=target, max=MAX_INT)
        criterion = None
    return {"title": title, "content": content, "category": category, "target": target, "unit": unit,
            "qualitative": qualitative, "criterion": criterion}


def check_content(**fields: Any) -> PledgeContent:
    """Validated content; unset (None) fields take their defaults."""
    try:
        return PledgeContent(**{k: v for k, v in fields.items() if v is not None})
    except ValidationError as err:
        first = err.errors()[0]
        raise BadInput("bad_value", field="--" + ".".join(map(str, first["loc"])), problem=first["msg"]) from None


def content_of(pledge: Pledge) -> dict[str, Any]:
    return {field: getattr(pledge, field) for field in CONTENT_FIELDS}


def merged_content(pledge: Pledge, changes: dict[str, Any]) -> PledgeContent:
    """The pledge's content with ``changes`` applied.  Switching to a numeric target ends a
    qualitative pledge, and switching to qualitative drops the numeric target."""
    merged = content_of(pledge) | {k: v for k, v in changes.items() if v is not None}
    if changes.get("target") is not None:
        merged["qualitative"] = False
    if changes.get("qualitative"):
        merged["target"] = merged["unit"] = None
    return check_content(**merged)


def pledge_by_id(session: Session, pledge_id: int, lock: bool = False) -> Pledge:
    """The pledge ``pledge_id``; with ``lock``, read after taking its row's lock, which is held
    until the transaction ends: nobody else can change it meanwhile."""
    if not 0 < pledge_id <= MAX_INT:
        raise UnknownPledge(id=pledge_id)
    if lock:
        # A write that changes nothing: PostgreSQL locks the row, SQLite takes its write lock
        # (waiting for it, where SELECT … FOR UPDATE does not exist).
        table = Pledge.__table__
        session.execute(update(table).where(table.c.id == pledge_id).values(version=table.c.version))
    pledge = session.get(Pledge, pledge_id, populate_existing=lock)
    if pledge is None:
        raise UnknownPledge(id=pledge_id)
    return pledge


def create_pledge(ledger: Ledger, *, org: str, title: str, due: date, actor: str, member: str | None = None,
                  campaign: int | None = None, check: Check | None = None, **content: Any) -> Pledge:
    """A new draft pledge of ``org`` (or of ``member``, who must belong to ``org``).
    ``check(session, org_id, member_id)`` may refuse it (who may, decided in workflows/)."""
    checked = check_content(title=title, **content)
    with ledger.session() as session:
        owner = org_by_code(session, org)
        owner_member = member_by_number(session, member) if member else None
        if owner_member is not None and owner_member.left_on is not None:  # member leave (docs/moves.md)
            raise BadInput("member_left", number=member, day=owner_member.left_on)
        if owner_member is not None and owner_member.org_id != owner.id:
            raise BadInput("member_elsewhere", number=member, org=org,
                           member_org=session.get(type(owner), owner_member.org_id).code)
        if check is not None:
            check(session, owner.id, owner_member and owner_member.id)
        period = campaign_for(session, ledger, campaign, actor)
        check_due(period, due)
        now = ledger.now()
        pledge = Pledge(campaign_id=period.id, org_id=owner.id, member_id=owner_member and owner_member.id,
                        due=due, original_due=due, state=State.draft, created_at=now, updated_at=now,
                        **checked.model_dump())
        session.add(pledge)
        session.flush()
        from pledges.quality import enforce  # quality reads the figures, which read this module

        enforce(session, pledge, period, new=True)  # refuses when the campaign says so (lint_refuses)
        audit.append_for_pledge(session, pledge, at=now, effective_on=ledger.today(period.timezone), actor=actor,
                                trigger="create", to_state=State.draft)
    return pledge


def edit_draft(ledger: Ledger, pledge_id: int, changes: dict[str, Any], *, actor: str,
               check: Check | None = None) -> Pledge:
    """Change a draft's content (after ``return``, say).  Later states use ``amend``."""
    with ledger.session() as session:
        pledge = pledge_by_id(session, pledge_id)
        if check is not None:
            check(session, pledge.org_id, pledge.member_id, pledge.id)
        return edit_draft_in(session, ledger, pledge, changes, actor=actor)


def edit_draft_in(session: Session, ledger: Ledger, pledge: Pledge, changes: dict[str, Any], *, actor: str,
                  due: date | None = None) -> Pledge:
    """``edit_draft`` inside the caller's transaction (a spreadsheet import); ``due`` moves a
    draft's due date (and its original one: a draft has promised nothing yet)."""
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes and due is None:
        raise BadInput("nothing_to_amend")
    if pledge.state != State.draft:
        raise TransitionRefused("not_a_draft", id=pledge.id, state=State(pledge.state))
    before = content_of(pledge) | {"due": pledge.due}
    for field, value in merged_content(pledge, changes).model_dump().items():
        setattr(pledge, field, value)
    if due is not None:
        check_due(session.get(Campaign, pledge.campaign_id), due)
        pledge.due = pledge.original_due = due
    pledge.updated_at = ledger.now()
    after = content_of(pledge) | {"due": pledge.due}
    changed = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    audit.append_for_pledge(session, pledge, at=pledge.updated_at, effective_on=ledger.today(),
                            actor=actor, trigger="edit", from_state=pledge.state, to_state=pledge.state,
                            detail=changed)
    return pledge
