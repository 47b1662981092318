"""Contact fields for reminders: an organisation's secretary, e-mail and group-robot webhook,
and a member's e-mail.  An empty value clears a field.

A group robot created with a signing secret (DingTalk's 加签) is stored with the secret as the
URL's fragment: ``https://oapi.dingtalk.com/robot/send?access_token=…#secret=SEC…``.  A
fragment is never sent by HTTP; delivery strips it and signs each post with it
(``workflows/robots.py``), and the audit log and listings show ``#secret=***``."""

import ipaddress
import os
import re
import urllib.parse
from collections.abc import Callable

from sqlmodel import Session

from pledges import audit
from pledges.db import Ledger
from pledges.errors import BadInput, ContactRefused, UnsafeWebhook

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WEBHOOK = re.compile(r"^https?://[^\s#]+$")
SECRET = re.compile(r"^secret=[^\s&]+$")
ORG_FIELDS = ("secretary", "email", "webhook")
# The administrator's setting that lets webhooks reach loopback and private addresses (a robot
# on the office network, a test server on 127.0.0.1): in the environment of the reminder
# service, which checks every post again, and of whoever sets the contact.
ALLOW_PRIVATE = "PLEDGES_ALLOW_PRIVATE_WEBHOOKS"
METADATA_NAMES = {"metadata.google.internal", "metadata.goog", "metadata"}
METADATA_ADDRESSES = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
                      ipaddress.ip_address("100.100.100.200")}  # AWS/GCP/Azure, AWS IPv6, Alibaba Cloud
# Who may change an organisation's contacts: (session, actor, organisation id) → yes or no.
Allowed = Callable[[Session, str, int], bool]


def private_allowed(env=os.environ) -> bool:
    return env.get(ALLOW_PRIVATE, "").strip().lower() in ("1", "yes", "true", "on")


def forbidden_address(address: str) -> str | None:
    """Why a webhook may not be posted to this IP address (the key of the message), or None for
    a public address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if getattr(ip, "ipv4_mapped", None) is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return "webhook_metadata"
    if ip.is_loopback or ip.is_unspecified:
        return "webhook_loopback"
    if ip.is_link_local:
        return "webhook_link_local"
    if not ip.is_global or ip.is_multicast:
        return "webhook_private"
    return None


def forbidden_host(host: str) -> str | None:
    """Why a webhook may not go to this host name or literal address, as far as can be told
    without resolving it (delivery resolves it: workflows/robots.py)."""
    host = (host or "").strip("[]").rstrip(".").lower()
    if host in METADATA_NAMES:
        return "webhook_metadata"
    if host == "localhost" or host.endswith(".localhost"):
        return "webhook_loopback"
    return forbidden_address(host)


def check_contact(fields: dict, allow_private: bool | None = None) -> dict:
    """The given contact fields, stripped and checked; ``None`` means "not given", "" clears."""
    checked = {}
    for name, value in fields.items():
        if value is None:
            continue
        value = value.strip()
        if value and name == "email" and not EMAIL.match(value):
            raise BadInput("bad_email", value=value)
        if value and name == "webhook":
            check_webhook(value, allow_private)
        checked[name] = value or None
    return checked


def check_webhook(value: str, allow_private: bool | None = None) -> None:
    """http(s), a host, an optional ``#secret=…``; and unless allowed (``ALLOW_PRIVATE``), not a
    loopback, link-local, private-network or cloud metadata host."""
    url, _, fragment = value.partition("#")
    try:
        host = urllib.parse.urlsplit(url).hostname
    except ValueError:
        host = None
    if not WEBHOOK.match(url) or not host or (fragment and not SECRET.match(fragment)):
        raise BadInput("bad_webhook", value=masked(value))
    allow = private_allowed() if allow_private is None else allow_private
    why = None if allow else forbidden_host(host)
    if why:
        raise UnsafeWebhook(value=masked(value), host=host, why_key=why)


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


def set_org_contact(ledger: Ledger, code: str, *, actor: str, allowed: Allowed | None = None, **fields) -> dict:
    """Set an organisation's contact fields; ``allowed`` (workflows/authority.py's ``may_manage``)
    is asked first, and a no is refused with nothing written."""
    from pledges.orgs import org_by_code

    if not any(value is not None for value in fields.values()):
        raise BadInput("nothing_to_set")
    fields = check_contact(fields)
    with ledger.session() as session:
        org = org_by_code(session, code)
        _ask(allowed, session, actor, org.id, org.code)
        return apply_contact(session, ledger, org, "organisation", fields, actor)


def set_member_contact(ledger: Ledger, number: str, *, actor: str, email: str | None,
                       allowed: Allowed | None = None) -> dict:
    """Set a member's e-mail; ``allowed`` is asked about the member's organisation."""
    from pledges.members import member_by_number
    from pledges.models import Organisation

    if email is None:
        raise BadInput("nothing_to_set")
    fields = check_contact({"email": email})
    with ledger.session() as session:
        member = member_by_number(session, number)
        _ask(allowed, session, actor, member.org_id, session.get(Organisation, member.org_id).code)
        return apply_contact(session, ledger, member, "member", fields, actor)


def _ask(allowed: Allowed | None, session: Session, actor: str, org_id: int, code: str) -> None:
    if allowed is not None and not allowed(session, actor, org_id):
        raise ContactRefused(actor=actor, code=code)
