"""People (users of the ledger) and their role grants (docs/roles.md).

A person has a name (what ``--as`` names), optionally a member row (a 党员 user: "their own
pledges" are that member's) and a login (their own PostgreSQL role).  A grant gives one role
on one organisation, valid in its whole subtree.  Every change is an audit event of entity
``person``.  Who may make these changes is decided above, in ``workflows/authority.py``, and
handed in as ``check``, called inside the transaction before anything is written."""

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from sqlalchemy import delete, func, select, text
from sqlmodel import Session

from pledges import audit
from pledges.db import Ledger
from pledges.errors import ActorMismatch, BadInput, Duplicate, NoActor, Refused, UnknownActor, UnknownPerson
from pledges.members import member_by_number
from pledges.models import Member, Organisation, OrgClosure, Person, RoleGrant
from pledges.orgs import check_text, org_by_code
from pledges.vocab import Role

Check = Callable[[Session], None]
# A PostgreSQL role name that needs no quoting anywhere (URLs, pg_hba.conf, psql -U).
LOGIN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class PersonRow:
    name: str
    login: str | None
    member: str | None
    member_name: str | None
    grants: list[dict] = field(default_factory=list)  # {"role", "org", "org_name"}

    def as_dict(self) -> dict:
        return asdict(self)


# --- who is acting ------------------------------------------------------------------------------

def people_exist(session: Session) -> bool:
    return session.scalar(select(Person.id).limit(1)) is not None


def person_named(session: Session, name: str) -> Person | None:
    return session.scalar(select(Person).where(Person.name == name))


def person_by_name(session: Session, name: str) -> Person:
    person = person_named(session, name)
    if person is None:
        raise UnknownPerson(name=name)
    return person


def current_login(session: Session) -> str | None:
    """The database login on PostgreSQL (``current_user``); None on SQLite, which has none."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return session.scalar(text("SELECT current_user"))


def identify(ledger: Ledger, name: str | None) -> str:
    """The acting person's name.  On PostgreSQL, a login that is a person's is that person,
    whatever ``--as`` says (naming someone else is refused).  Otherwise, with nobody defined
    (a single-user ledger) any name acts; once people exist, ``name`` must be one of them."""
    name = (name or "").strip() or None
    with ledger.session() as session:
        login = current_login(session)
        person = session.scalar(select(Person).where(Person.login == login)) if login else None
        if person is not None:
            if name is not None and name != person.name:
                raise ActorMismatch(login=login, person=person.name, name=name)
            return person.name
        if name is None:
            raise NoActor()
        if people_exist(session) and person_named(session, name) is None:
            raise UnknownActor(name=name)
    return name


def roles_over(session: Session, person_id: int, org_id: int) -> list[tuple[str, int]]:
    """(role, depth) of each grant of the person on ``org_id`` or an organisation above it:
    depth 0 on the organisation itself, 1 on its parent, …"""
    query = (select(RoleGrant.role, OrgClosure.depth)
             .join(OrgClosure, OrgClosure.ancestor_id == RoleGrant.org_id)
             .where(RoleGrant.person_id == person_id, OrgClosure.descendant_id == org_id))
    return [(row.role, row.depth) for row in session.execute(query)]


def holds(session: Session, person_id: int, role: str) -> bool:
    """Does the person hold ``role`` on any organisation?"""
    return session.scalar(select(RoleGrant.id).where(RoleGrant.person_id == person_id, RoleGrant.role == role)
                          .limit(1)) is not None


def anyone_holds(session: Session, role: str) -> bool:
    return session.scalar(select(RoleGrant.id).where(RoleGrant.role == role).limit(1)) is not None


# --- changes --------------------------------------------------------------------------------------

def check_login(login: str, name: str) -> str:
    """``--login`` as given, or the person's name when given without a value."""
    login = (login or name).strip()
    if not LOGIN.match(login):
        raise BadInput("bad_login", login=login)
    return login


def add_person(ledger: Ledger, name: str, *, actor: str, member: str | None = None, login: str | None = None,
               check: Check | None = None) -> PersonRow:
    """Add a person; ``login`` ("" for their name) also creates their PostgreSQL role, in the
    same transaction (``pledges.pgsecurity.create_login``).  SQLite has no logins."""
    name = check_text("NAME", name)
    if login is not None:
        login = check_login(login, name)
    with ledger.session() as session:
        if check is not None:
            check(session)
        create_login = _login_maker(session) if login is not None else None
        if person_named(session, name) is not None:
            raise Duplicate("duplicate_person", name=name)
        if login is not None and session.scalar(select(Person.id).where(Person.login == login)) is not None:
            raise Duplicate("duplicate_login", login=login)
        row = member_by_number(session, member) if member else None
        already = row and session.scalar(select(Person.name).where(Person.member_id == row.id))
        if already:
            raise Duplicate("duplicate_person_member", number=member, name=already)
        now = ledger.now()
        person = Person(name=name, login=login, member_id=row and row.id, created_at=now, created_by=actor)
        session.add(person)
        session.flush()
        if create_login is not None:
            create_login(session.connection(), login)
        audit.append(session, at=now, effective_on=ledger.today(), actor=actor, entity="person",
                     entity_id=person.id, trigger="create", detail={"name": name, "login": login, "member": member})
    return PersonRow(name, login, member, row and row.name)


def _login_maker(session: Session):
    """``pledges.pgsecurity.create_login`` on PostgreSQL; refused on SQLite, or where that
    module is not installed."""
    if session.get_bind().dialect.name != "postgresql":
        raise Refused("login_sqlite")
    try:
        from pledges.pgsecurity import create_login
    except ImportError:
        raise Refused("login_unavailable") from None
    return create_login


def list_people(ledger: Ledger) -> list[PersonRow]:
    """Every person, by name, with their grants (by organisation code and role)."""
    with ledger.session() as session:
        people = session.execute(
            select(Person.id, Person.name, Person.login, Member.number, Member.name.label("member_name"))
            .outerjoin(Member, Member.id == Person.member_id).order_by(Person.name)).all()
        grants: dict[int, list[dict]] = {}
        rows = session.execute(select(RoleGrant.person_id, RoleGrant.role, Organisation.code, Organisation.name)
                               .join(Organisation, Organisation.id == RoleGrant.org_id)
                               .order_by(Organisation.code, RoleGrant.role))
        for row in rows:
            grants.setdefault(row.person_id, []).append({"role": row.role, "org": row.code, "org_name": row.name})
    return [PersonRow(p.name, p.login, p.number, p.member_name, grants.get(p.id, [])) for p in people]


def grant_role(ledger: Ledger, name: str, role: str, org: str, *, actor: str, check: Check | None = None) -> bool:
    """Grant ``role`` on ``org``; False (and nothing written) when the person holds it already."""
    role = Role(role)
    with ledger.session() as session:
        if check is not None:
            check(session)
        person, where = person_by_name(session, name), org_by_code(session, org)
        held = session.scalar(select(RoleGrant.id).where(RoleGrant.person_id == person.id, RoleGrant.role == role,
                                                         RoleGrant.org_id == where.id))
        if held is not None:
            return False
        now = ledger.now()
        session.add(RoleGrant(person_id=person.id, role=role, org_id=where.id, granted_by=actor, granted_at=now))
        audit.append(session, at=now, effective_on=ledger.today(), actor=actor, entity="person",
                     entity_id=person.id, trigger="grant", detail={"role": role.value, "org": org})
    return True


def revoke_role(ledger: Ledger, name: str, role: str, org: str, *, actor: str, check: Check | None = None) -> None:
    """Take back a grant.  The last admin grant is kept: without it nobody could manage users."""
    role = Role(role)
    with ledger.session() as session:
        if check is not None:
            check(session)
        person, where = person_by_name(session, name), org_by_code(session, org)
        table = RoleGrant.__table__
        match = (table.c.person_id == person.id, table.c.role == role, table.c.org_id == where.id)
        if session.scalar(select(func.count()).select_from(table).where(*match)) == 0:
            raise Refused("grant_missing", name=name, role=role, org=org)
        if role == Role.admin and session.scalar(
                select(func.count()).select_from(table).where(table.c.role == Role.admin)) == 1:
            raise Refused("last_admin", name=name)
        session.execute(delete(table).where(*match))
        audit.append(session, at=ledger.now(), effective_on=ledger.today(), actor=actor, entity="person",
                     entity_id=person.id, trigger="revoke", detail={"role": role.value, "org": org})
