"""Contact fields for reminders: an organisation's secretary, e-mail and group-robot webhook,
and a member's e-mail.  An empty value clears a field."""

import re

from sqlmodel import Session

from pledges import audit
from pledges.db import Ledger
from pledges.errors import BadInput

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEBHOOK = re.compile(r"^https?://\S+$")
ORG_FIELDS = ("secretary", "email", "webhook")


def check_contact(fields: dict) -> dict:
    """The given contact fields, stripped and checked; ``None`` means "not given", "" clears."""
    checked = {}
    for name, value in fields.items():
        if value is None:
            continue
        value = value.strip()
        if value and name == "email" and not EMAIL.match(value):
            raise BadInput("bad_email", value=value)
        if value and name == "webhook" and not WEBHOOK.match(value):
            raise BadInput("bad_webhook", value=value)
        checked[name] = value or None
    return checked


def apply_contact(session: Session, ledger: Ledger, row, entity: str, fields: dict, actor: str) -> dict:
    """Set the checked ``fields`` on ``row`` (an Organisation or a Member) and audit the change."""
    changes = {name: [getattr(row, name), value] for name, value in fields.items() if getattr(row, name) != value}
    for name, (_, value) in changes.items():
        setattr(row, name, value)
    if changes:
        audit.append(session, at=ledger.now(), effective_on=ledger.today(), actor=actor, entity=entity,
                     entity_id=row.id, trigger="set_contact", detail=changes)
    return changes


def set_org_contact(ledger: Ledger, code: str, *, actor: str, **fields) -> dict:
    from pledges.orgs import org_by_code

    if not any(value is not None for value in fields.values()):
        raise BadInput("nothing_to_set")
    fields = check_contact(fields)
    with ledger.session() as session:
        return apply_contact(session, ledger, org_by_code(session, code), "organisation", fields, actor)


def set_member_contact(ledger: Ledger, number: str, *, actor: str, email: str | None) -> dict:
    from pledges.members import member_by_number

    if email is None:
        raise BadInput("nothing_to_set")
    fields = check_contact({"email": email})
    with ledger.session() as session:
        return apply_contact(session, ledger, member_by_number(session, number), "member", fields, actor)
