"""Changing contacts (e-mail addresses, group-robot webhooks): checked by pledges/contacts.py,
and allowed only to whom workflows/authority.py's ``may_manage`` says yes (a secretary or an
organiser of the organisation or above)."""

from pledges import contacts
from pledges.db import Ledger
from pledges.workflows import authority


def set_org_contact(ledger: Ledger, code: str, *, actor: str, **fields) -> dict:
    return contacts.set_org_contact(ledger, code, actor=actor, allowed=authority.may_manage, **fields)


def set_member_contact(ledger: Ledger, number: str, *, actor: str, email: str | None) -> dict:
    return contacts.set_member_contact(ledger, number, actor=actor, email=email, allowed=authority.may_manage)
