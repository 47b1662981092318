"""Organisations (党组织) and their hierarchy, kept with a closure table."""

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

from sqlalchemy import and_, func, insert, literal, select
from sqlmodel import Session

from pledges import audit
from pledges.db import Ledger
from pledges.errors import BadInput, Duplicate, UnknownOrganisation
from pledges.models import Organisation, OrgClosure
from pledges.tally import tree_order  # noqa: F401  (defined there, without SQLAlchemy; read here)
from pledges.vocab import Kind

# Who may: ``check(session, org_id, member_id=None, pledge_id=None)`` raises when the actor may
# not (workflows/authority.py builds it; the ledger cannot import upward).
Check = Callable[..., None]
CODE_PATTERN = re.compile(r"^[\w.-]{1,64}$")


@dataclass(frozen=True)
class OrgRow:
    code: str
    name: str
    kind: str
    parent: str | None
    depth: int

    def as_dict(self) -> dict:
        return asdict(self)


def check_code(code: str) -> str:
    code = (code or "").strip()
    if not CODE_PATTERN.match(code):
        raise BadInput("bad_code", code=code or "''")
    return code


def check_text(field: str, value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        raise BadInput("empty_field", field=field)
    return value


def find_org(session: Session, code: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.code == code))


def org_by_code(session: Session, code: str) -> Organisation:
    org = find_org(session, code)
    if org is None:
        raise UnknownOrganisation(code=code)
    return org


def subtree_ids(org_id: int, closure=None):
    """A subquery of the ids of an organisation and everything below it (in ``closure``, the
    hierarchy of a past day from ``closure_as_of``; default: today's)."""
    table = OrgClosure.__table__ if closure is None else closure
    return select(table.c.descendant_id).where(table.c.ancestor_id == org_id)


def closure_rows(parent: dict[int, int | None]) -> list[tuple[int, int, int]]:
    """What ``org_closure`` holds for organisations with these parents: (ancestor, descendant,
    depth) for every organisation and each of its ancestors, itself at depth 0 (a cycle ends the
    walk)."""
    rows = []
    for org_id in parent:
        node, depth, seen = org_id, 0, set()
        while node is not None and node not in seen:
            seen.add(node)
            rows.append((node, org_id, depth))
            node, depth = parent.get(node), depth + 1
    return rows


def closure_as_of(session: Session, end):
    """The closure table of the hierarchy as it stood before the instant ``end``: today's table
    when no organisation moved since, else the same three columns rebuilt from today's parents
    with the later moves (``org_transfer``) undone, as a VALUES subquery (a few thousand rows)."""
    from sqlalchemy import Integer, column, values

    from pledges.models import OrgTransfer

    later = session.execute(select(OrgTransfer.org_id, OrgTransfer.from_parent_id).where(OrgTransfer.at >= end)
                            .order_by(OrgTransfer.at.desc(), OrgTransfer.id.desc())).all()
    if not later:
        return OrgClosure.__table__
    parent = dict(session.execute(select(Organisation.id, Organisation.parent_id)).all())
    for org_id, from_parent in later:
        parent[org_id] = from_parent
    rows = closure_rows(parent)
    return values(column("ancestor_id", Integer), column("descendant_id", Integer), column("depth", Integer),
                  name="closure_then").data(rows).cte("closure_then")


def add_org(ledger: Ledger, code: str, name: str, *, actor: str, parent: str | None = None,
            kind: str | None = None, check: Check | None = None, **contact: str | None) -> OrgRow:
    """Add an organisation under ``parent`` (or at the top).  The kind defaults to
    ``committee`` at the top and ``other`` below.  ``contact``: secretary, email, webhook.
    ``check(session, parent_id)`` may refuse it (who may, decided in workflows/)."""
    from pledges.contacts import check_contact, for_audit

    code, name = check_code(code), check_text("NAME", name)
    contact = check_contact(contact)
    kind = Kind(kind) if kind else (Kind.other if parent else Kind.committee)
    with ledger.session() as session:
        taken = find_org(session, code)
        if taken is not None:
            raise Duplicate("duplicate_org", code=code, name=taken.name)
        parent_org = org_by_code(session, parent) if parent else None
        if check is not None:
            check(session, parent_org and parent_org.id)
        now = ledger.now()
        org = Organisation(code=code, name=name, kind=kind, parent_id=parent_org and parent_org.id, created_at=now,
                           **contact)
        session.add(org)
        session.flush()
        _link(session, org.id, parent_org and parent_org.id)
        audit.append(session, at=now, effective_on=ledger.today(), actor=actor, entity="organisation",
                     entity_id=org.id, trigger="create",
                     detail={"code": code, "name": name, "kind": kind, "parent": parent, **for_audit(contact)})
        depth = session.scalar(select(func.max(OrgClosure.depth)).where(OrgClosure.descendant_id == org.id))
    return OrgRow(code=code, name=name, kind=kind, parent=parent, depth=depth)


def _link(session: Session, org_id: int, parent_id: int | None) -> None:
    """Closure rows for a new leaf: itself at depth 0, and each ancestor of its parent one deeper."""
    session.execute(insert(OrgClosure).values(ancestor_id=org_id, descendant_id=org_id, depth=0))
    if parent_id is not None:
        above = select(OrgClosure.ancestor_id, literal(org_id), OrgClosure.depth + 1).where(
            OrgClosure.descendant_id == parent_id
        )
        session.execute(insert(OrgClosure).from_select(["ancestor_id", "descendant_id", "depth"], above))


def list_orgs(ledger: Ledger, under: str | None = None, reader: str | None = None) -> list[OrgRow]:
    """Organisations in tree order (each followed by its subtree, siblings by code): those of
    ``under``'s subtree, or all that ``reader`` reads."""
    from pledges.scope import roots, within

    depth = (
        select(OrgClosure.descendant_id, func.max(OrgClosure.depth).label("depth"))
        .group_by(OrgClosure.descendant_id)
        .subquery()
    )
    query = tree_rows(depth, depth.c.descendant_id, depth.c.depth)
    with ledger.session() as session:
        query = query.where(*within(Organisation.id, roots(session, reader, under)))
        rows = session.execute(query).all()
    return [org_row(row) for row in tree_order(rows)]


def tree_rows(depths, descendant, depth, closure=None):
    """Organisations joined to ``depths`` (a closure table or subquery: its ``descendant`` column
    names the organisation, ``depth`` gives its depth), with the parent's code: rows with the
    fields of ``OrgRow`` and the ``id`` and ``parent_id`` that ``tree_order`` reads.  With a
    ``closure`` of a past day (``closure_as_of``), the parent is the one of that day."""
    parent = Organisation.__table__.alias("parent_org")
    if closure is None or closure is OrgClosure.__table__:
        return (
            select(Organisation.id, Organisation.parent_id, Organisation.code, Organisation.name, Organisation.kind,
                   parent.c.code.label("parent"), depth.label("depth"))
            .join(depths, descendant == Organisation.id)
            .outerjoin(parent, parent.c.id == Organisation.parent_id)
        )
    up = closure.alias("up")
    return (
        select(Organisation.id, up.c.ancestor_id.label("parent_id"), Organisation.code, Organisation.name,
               Organisation.kind, parent.c.code.label("parent"), depth.label("depth"))
        .join(depths, descendant == Organisation.id)
        .outerjoin(up, and_(up.c.descendant_id == Organisation.id, up.c.depth == 1))
        .outerjoin(parent, parent.c.id == up.c.ancestor_id)
    )


def tops_of(closure=None):
    """The ids of the organisations with no parent (on the day of ``closure``)."""
    if closure is None or closure is OrgClosure.__table__:
        return select(Organisation.id).where(Organisation.parent_id.is_(None))
    above = select(closure.c.descendant_id).where(closure.c.depth == 1)
    return select(Organisation.id).where(Organisation.id.not_in(above))


def org_row(row) -> OrgRow:
    """The ``OrgRow`` of a row of ``tree_rows``."""
    return OrgRow(code=row.code, name=row.name, kind=row.kind, parent=row.parent, depth=row.depth)
