"""Contact fields for reminders: an organisation's secretary, e-mail and group-robot webhook,
and a member's e-mail.  An empty value clears a field.

A group robot created with a signing secret (DingTalk's 加签) is stored with the secret as the
URL's fragment: ``https://oapi.dingtalk.com/robot/send?access_token=…#secret=SEC…``.  A
fragment is never sent by HTTP; delivery strips it and signs each post with it
(``workflows/robots.py``), and the audit log and listings show ``#secret=***``."""

import re
import urllib.parse

from sqlmodel import Session

from pledges import audit
from pledges.db import Ledger
from pledges.errors import BadInput

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEBHOOK = re.compile(r"^https?://[^\s#]+$")
SECRET = re.compile(r"^secret=[^\s&]+$")
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
        if value and name == "webhook":
            check_webhook(value)
        checked[name] = value or None
    return checked


def check_webhook(value: str) -> None:
    url, _, fragment = value.partition("#")
    if not WEBHOOK.match(url) or (fragment and not SECRET.match(fragment)):
        raise BadInput("bad_webhook", value=masked(value))


def split_secret(address: str) -> tuple[str, str | None]:
    """(the URL that is posted to, the signing secret or None) of a stored webhook address."""
    url, _, fragment = address.partition("#")
    secret = urllib.parse.parse_qs(fragment).get("secret", [None])[0]
    return url, secret or None


def masked(address: str | None) -> str | None:
    """The address with its secret hidden, for the audit log and messages."""
    if address is None:
        return None
    url, secret = split_secret(address)
    return f"{url}#secret=***" if secret else url


def for_audit(fields: dict) -> dict:
    """Contact fields (values, or [old, new] pairs) as the audit log keeps them: no secret."""
    def hide(value):
        return [masked(v) for v in value] if isinstance(value, list) else masked(value)

    return {name: hide(value) if name == "webhook" else value for name, value in fields.items()}


def apply_contact(session: Session, ledger: Ledger, row, entity: str, fields: dict, actor: str) -> dict:
    """Set the checked ``fields`` on ``row`` (an Organisation or a Member) and audit the change."""
    changes = {name: [getattr(row, name), value] for name, value in fields.items() if getattr(row, name) != value}
    for name, (_, value) in changes.items():
        setattr(row, name, value)
    if changes:
        audit.append(session, at=ledger.now(), effective_on=ledger.today(), actor=actor, entity=entity,
                     entity_id=row.id, trigger="set_contact", detail=for_audit(changes))
    return changes


def set_org_contact(ledger: Ledger, code: str, *, actor: str, check=None, **fields) -> dict:
    from pledges.orgs import org_by_code

    if not any(value is not None for value in fields.values()):
        raise BadInput("nothing_to_set")
    fields = check_contact(fields)
    with ledger.session() as session:
        org = org_by_code(session, code)
        if check is not None:
            check(session, org.id)
        return apply_contact(session, ledger, org, "organisation", fields, actor)


def set_member_contact(ledger: Ledger, number: str, *, actor: str, email: str | None, check=None) -> dict:
    from pledges.members import member_by_number

    if email is None:
        raise BadInput("nothing_to_set")
    fields = check_contact({"email": email})
    with ledger.session() as session:
        member = member_by_number(session, number)
        if check is not None:
            check(session, member.org_id)
        return apply_contact(session, ledger, member, "member", fields, actor)
