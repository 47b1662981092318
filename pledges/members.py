"""Members (党员): each belongs to one organisation."""

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlmodel import Session

from pledges import audit
from pledges.db import Ledger
from pledges.errors import Duplicate, UnknownMember
from pledges.models import Member, Organisation
from pledges.orgs import Check, check_code, check_text, org_by_code
from pledges.scope import roots, within


@dataclass(frozen=True)
class MemberRow:
    number: str
    name: str
    org: str
    org_name: str

    def as_dict(self) -> dict:
        return asdict(self)


def member_by_number(session: Session, number: str) -> Member:
    member = session.scalar(select(Member).where(Member.number == number))
    if member is None:
        raise UnknownMember(number=number)
    return member


def add_member(ledger: Ledger, number: str, name: str, *, org: str, actor: str, email: str | None = None,
               check: Check | None = None) -> MemberRow:
    from pledges.contacts import check_contact

    number, name = check_code(number), check_text("NAME", name)
    contact = check_contact({"email": email})
    with ledger.session() as session:
        taken = session.scalar(select(Member).where(Member.number == number))
        if taken is not None:
            raise Duplicate("duplicate_member", number=number, name=taken.name)
        owner = org_by_code(session, org)
        if check is not None:
            check(session, owner.id)
        now = ledger.now()
        member = Member(number=number, name=name, org_id=owner.id, created_at=now, **contact)
        session.add(member)
        session.flush()
        audit.append(session, at=now, effective_on=ledger.today(), actor=actor, entity="member",
                     entity_id=member.id, trigger="create",
                     detail={"number": number, "name": name, "org": org, **contact})
    return MemberRow(number, name, owner.code, owner.name)


def list_members(ledger: Ledger, org: str | None = None, reader: str | None = None) -> list[MemberRow]:
    """Members of ``org`` and every organisation below it (all that ``reader`` reads without
    ``org``); a member who left (``member leave``) is no longer listed."""
    query = (
        select(Member.number, Member.name, Organisation.code, Organisation.name)
        .join(Organisation, Organisation.id == Member.org_id)
        .where(Member.left_on.is_(None))
        .order_by(Organisation.code, Member.number)
    )
    with ledger.session() as session:
        query = query.where(*within(Member.org_id, roots(session, reader, org)))
        return [MemberRow(*row) for row in session.execute(query)]
