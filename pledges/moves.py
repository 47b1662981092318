"""Members and organisations that change (docs/moves.md): a member moves to another branch, is
renamed or leaves; an organisation is renamed or moves under another parent.

Nothing of the past is rewritten.  Every change is an audit event; a pledge that moves with its
member gets an event of its own (``transfer``) and a ``pledge_transfer`` row, and an
organisation that moves an ``org_transfer`` row, so the figures of a day before the move are
replayed with the organisation and the hierarchy of that day (``pledges.queries.org_as_of``,
``pledges.orgs.closure_as_of``)."""

from dataclasses import dataclass

from sqlalchemy import delete, insert, literal, select, true

from pledges import audit
from pledges.db import Ledger
from pledges.errors import BadInput, Refused
from pledges.members import member_by_number
from pledges.models import Member, Organisation, OrgClosure, OrgTransfer, Pledge, PledgeTransfer
from pledges.orgs import Check, check_text, org_by_code
from pledges.vocab import State

# What moves with a member: the pledges still open.  A finished or withdrawn pledge stays where it
# was done and counted.
OPEN = (State.draft, State.submitted, State.approved, State.displayed, State.in_progress)


@dataclass(frozen=True)
class MemberMoved:
    number: str
    name: str
    from_org: str
    to_org: str
    pledges: list[int]


def _reason(reason: str | None) -> str:
    return check_text("--reason", reason)


def _open_pledges(session, member_id: int) -> list[Pledge]:
    return list(session.scalars(select(Pledge).where(Pledge.member_id == member_id, Pledge.state.in_(list(OPEN)))
                                .order_by(Pledge.id).with_for_update()))


def move_member(ledger: Ledger, number: str, org: str, *, reason: str | None, actor: str,
                check: Check | None = None, check_target: Check | None = None) -> MemberMoved:
    """Move a member to ``org``; the member's open pledges move along from now on.  ``check``
    is asked of the member's organisation, ``check_target`` of ``org`` (workflows/authority.py)."""
    reason = _reason(reason)
    with ledger.session() as session:
        member = member_by_number(session, number)
        _still_member(member)
        target = org_by_code(session, org)
        source = session.get(Organisation, member.org_id)
        _ask(session, check, source.id)
        _ask(session, check_target, target.id)
        if target.id == source.id:
            raise Refused("member_same_org", number=number, org=org)
        now, today = ledger.now(), ledger.today()
        member.org_id = target.id
        moved = _open_pledges(session, member.id)
        for pledge in moved:
            pledge.org_id, pledge.updated_at = target.id, now
            session.add(PledgeTransfer(pledge_id=pledge.id, at=now, from_org_id=source.id, to_org_id=target.id))
        session.flush()
        for pledge in moved:
            audit.append_for_pledge(session, pledge, at=now, effective_on=today, actor=actor, trigger="transfer",
                                    from_state=pledge.state, to_state=pledge.state, reason=reason,
                                    detail={"from": source.code, "to": target.code, "member": number})
        audit.append(session, at=now, effective_on=today, actor=actor, entity="member", entity_id=member.id,
                     trigger="move", reason=reason,
                     detail={"from": source.code, "to": target.code, "pledges": [p.id for p in moved]})
        return MemberMoved(number, member.name, source.code, target.code, [p.id for p in moved])


def edit_member(ledger: Ledger, number: str, *, actor: str, name: str | None = None,
                email: str | None = None, check: Check | None = None) -> dict:
    """Change a member's name or e-mail; returns the fields that changed ({} if none did)."""
    from pledges.contacts import check_contact

    wanted = {}
    if name is not None:
        wanted["name"] = check_text("NAME", name)
    wanted.update(check_contact({"email": email}))
    if not wanted:
        raise BadInput("nothing_to_edit")
    with ledger.session() as session:
        member = member_by_number(session, number)
        _ask(session, check, member.org_id)
        changes = {key: [getattr(member, key), value] for key, value in wanted.items() if getattr(member, key) != value}
        for key, (_, value) in changes.items():
            setattr(member, key, value)
        if changes:
            audit.append(session, at=ledger.now(), effective_on=ledger.today(), actor=actor, entity="member",
                         entity_id=member.id, trigger="edit", detail=changes)
    return changes


def leave_member(ledger: Ledger, number: str, *, reason: str | None, actor: str, check: Check | None = None) -> str:
    """Record that a member left.  Refused while the member has open pledges (move, withdraw or
    finish them first); the member and every pledge stay in the ledger and its history."""
    reason = _reason(reason)
    with ledger.session() as session:
        member = member_by_number(session, number)
        _ask(session, check, member.org_id)
        _still_member(member)
        still = _open_pledges(session, member.id)
        if still:
            raise Refused("member_has_open", number=number, count=len(still),
                          ids=",".join(str(p.id) for p in still[:10]) + ("…" if len(still) > 10 else ""))
        member.left_on = ledger.today()
        audit.append(session, at=ledger.now(), effective_on=member.left_on, actor=actor, entity="member",
                     entity_id=member.id, trigger="leave", reason=reason, detail={"left_on": member.left_on})
        return member.name


def _ask(session, check: Check | None, org_id: int) -> None:
    if check is not None:
        check(session, org_id)


def _still_member(member: Member) -> None:
    if member.left_on is not None:
        raise Refused("member_left", number=member.number, day=member.left_on)


def rename_org(ledger: Ledger, code: str, name: str, *, actor: str, check: Check | None = None) -> str:
    """Give an organisation a new name; returns the old one.  Its code, and so every pledge's
    link to it, stays."""
    name = check_text("NAME", name)
    with ledger.session() as session:
        org = org_by_code(session, code)
        _ask(session, check, org.id)
        old = org.name
        if old == name:
            raise Refused("org_same_name", code=code, name=name)
        org.name = name
        audit.append(session, at=ledger.now(), effective_on=ledger.today(), actor=actor, entity="organisation",
                     entity_id=org.id, trigger="rename", detail={"name": [old, name]})
    return old


def move_org(ledger: Ledger, code: str, parent: str, *, actor: str, reason: str | None = None,
             check: Check | None = None, check_target: Check | None = None) -> str | None:
    """Move an organisation, with everything below it, under ``parent``; returns the old parent's
    code.  Refused when ``parent`` is the organisation itself or below it (a cycle).  The closure
    table is rewritten for the moved subtree in the same transaction."""
    with ledger.session() as session:
        org = org_by_code(session, code)
        new_parent = org_by_code(session, parent)
        _ask(session, check, org.id)
        _ask(session, check_target, new_parent.id)
        below = set(session.scalars(select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id == org.id)))
        if new_parent.id in below:
            raise Refused("org_cycle", code=code, parent=parent)
        if org.parent_id == new_parent.id:
            raise Refused("org_same_parent", code=code, parent=parent)
        old_parent = session.get(Organisation, org.parent_id) if org.parent_id else None
        now = ledger.now()
        relink(session, org.id, new_parent.id)
        org.parent_id = new_parent.id
        session.add(OrgTransfer(org_id=org.id, at=now, from_parent_id=old_parent.id if old_parent else None,
                                to_parent_id=new_parent.id))
        audit.append(session, at=now, effective_on=ledger.today(), actor=actor, entity="organisation",
                     entity_id=org.id, trigger="move", reason=(reason or "").strip() or None,
                     detail={"from": old_parent.code if old_parent else None, "to": new_parent.code})
    return old_parent.code if old_parent else None


def relink(session, org_id: int, parent_id: int) -> None:
    """The closure rows of ``org_id``'s subtree after it moves under ``parent_id``: the links to
    its old ancestors go, and every ancestor of the new parent (itself included) gains every
    organisation of the subtree, one deeper than the parent's distance plus the depth inside."""
    subtree = select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id == org_id).scalar_subquery()
    above = select(OrgClosure.ancestor_id).where(OrgClosure.descendant_id == org_id,
                                                 OrgClosure.ancestor_id != org_id).scalar_subquery()
    session.execute(delete(OrgClosure).where(OrgClosure.descendant_id.in_(subtree), OrgClosure.ancestor_id.in_(above))
                    .execution_options(synchronize_session=False))
    up = select(OrgClosure.ancestor_id, OrgClosure.depth).where(OrgClosure.descendant_id == parent_id).subquery()
    down = select(OrgClosure.descendant_id, OrgClosure.depth).where(OrgClosure.ancestor_id == org_id).subquery()
    pairs = select(up.c.ancestor_id, down.c.descendant_id, up.c.depth + down.c.depth + literal(1)).select_from(
        up.join(down, true()))
    session.execute(insert(OrgClosure).from_select(["ancestor_id", "descendant_id", "depth"], pairs))
