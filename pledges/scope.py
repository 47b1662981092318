"""What a person may read: the organisations whose subtrees they see (docs/roles.md#reading).

Every listing, dashboard, export and view asks ``roots`` once and narrows its query with
``within``.  A person reads the union of the subtrees of their grants; an ``admin`` grant, or a
ledger with no people at all (a fresh single-user file), reads everything.  The ``--org`` a
command is given is intersected with that: inside it, it narrows the view; outside it, it is
refused in one line, never answered with an empty listing.

Who is reading: on PostgreSQL the person whose login is the connection's (the database
itself keeps them to the same subtree, pledges/pgsecurity.py); otherwise the ``--as`` name.
"""

from sqlalchemy import exists, literal_column, select, true
from sqlmodel import Session

from pledges.errors import NoReader, OutsideScope, PledgeOutsideScope, UnknownReader
from pledges.models import Organisation, OrgClosure, Person, Pledge, RoleGrant

EVERYTHING = None  # the roots of someone who reads the whole ledger
ADMIN = "admin"


def reader(session: Session, name: str | None) -> Person | None:
    """The person reading: the one whose login is the connection's on PostgreSQL, else the one
    named ``name``; ``None`` when the ledger has no people.  An unknown or missing name is
    refused once people exist."""
    if session.get_bind().dialect.name == "postgresql":
        person = session.scalar(select(Person).where(Person.login == literal_column("current_user")))
        if person is not None:
            return person
    name = (name or "").strip()
    person = session.scalar(select(Person).where(Person.name == name)) if name else None
    if person is not None or session.scalar(select(Person.id).limit(1)) is None:
        return person
    if not name:
        raise NoReader()
    raise UnknownReader(name=name)


def readable_roots(session: Session, name: str | None) -> list[int] | None:
    """The ids of the organisations whose subtrees ``name`` reads (none below another), or
    ``EVERYTHING``."""
    person = reader(session, name)
    if person is None:
        return EVERYTHING
    grants = session.execute(select(RoleGrant.role, RoleGrant.org_id).where(RoleGrant.person_id == person.id)).all()
    if any(role == ADMIN for role, _ in grants):
        return EVERYTHING
    granted = {org_id for _, org_id in grants}
    if len(granted) <= 1:
        return sorted(granted)
    inner = select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id.in_(granted),
                                                   OrgClosure.descendant_id.in_(granted), OrgClosure.depth > 0)
    return sorted(granted - set(session.scalars(inner)))


def roots(session: Session, name: str | None, org: str | None = None) -> list[int] | None:
    """What a query shows: the subtree of ``org`` (refused when outside what ``name`` reads),
    or everything ``name`` reads.  ``EVERYTHING`` for no limit."""
    from pledges.orgs import org_by_code

    chosen = org_by_code(session, org) if org else None  # an unknown code is refused first
    readable = readable_roots(session, name)
    if chosen is None:
        return readable
    if readable is not EVERYTHING and not _inside(session, chosen.id, readable):
        raise OutsideScope(code=chosen.code, name=_who(session, name), tops=_codes(session, readable))
    return [chosen.id]


def within(column, tops: list[int] | None) -> list:
    """The conditions (none, or one) that keep ``column`` (an organisation id) inside ``tops``'s
    subtrees: to unpack into a ``where``."""
    if tops is EVERYTHING:
        return []
    below = select(OrgClosure.descendant_id)
    below = below.where(OrgClosure.ancestor_id == tops[0]) if len(tops) == 1 else \
        below.where(OrgClosure.ancestor_id.in_(tops))
    return [column.in_(below)]


def check_pledge(session: Session, name: str | None, pledge_id: int) -> None:
    """Refuse to show a pledge outside what ``name`` reads."""
    tops = readable_roots(session, name)
    if tops is EVERYTHING:
        return
    query = select(true()).where(Pledge.id == pledge_id, *within(Pledge.org_id, tops))
    if session.scalar(query) is None:
        raise PledgeOutsideScope(id=pledge_id, name=_who(session, name), tops=_codes(session, tops))


def _inside(session: Session, org_id: int, tops: list[int]) -> bool:
    return bool(tops) and session.scalar(select(exists().where(
        OrgClosure.descendant_id == org_id, OrgClosure.ancestor_id.in_(tops)))) is True


def _who(session: Session, name: str | None) -> str:
    person = reader(session, name)
    return person.name if person is not None else (name or "")


def _codes(session: Session, tops: list[int]) -> str:
    codes = session.scalars(select(Organisation.code).where(Organisation.id.in_(tops)).order_by(Organisation.code))
    return ", ".join(codes) or "-"
