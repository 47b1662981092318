"""Webhooks may not reach loopback, link-local, private or cloud metadata addresses unless the
administrator allows it (PLEDGES_ALLOW_PRIVATE_WEBHOOKS): refused when the contact is set,
and again at each post, after resolving the name (a name that later resolves to 127.0.0.1,
DNS rebinding, is refused too).  Contacts change only when workflows/authority.py says yes."""

import socket
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cli_support import refused
from pledges.errors import ContactRefused, UnsafeWebhook
from pledges.members import add_member
from pledges.models import AuditEvent, Organisation, ReminderAttempt
from pledges.workflows import authority, delivery, reminders
from pledges.workflows.contacts import set_org_contact
from support import ACTOR, TODAY

FORBIDDEN = [
    ("http://127.0.0.1:8080/hook", "loopback"),
    ("http://localhost/hook", "loopback"),
    ("http://[::1]/hook", "loopback"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),
    ("http://0.0.0.0/hook", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://[fd00:ec2::254]/latest/", "metadata"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
    ("http://169.254.10.1/x", "link-local"),
    ("http://[fe80::1]/x", "link-local"),
    ("https://10.1.2.3/robot/send?access_token=x", "private"),
    ("https://192.168.1.10/x", "private"),
    ("https://[fd12:3456::1]/x", "private"),
]


@pytest.fixture
def strict(monkeypatch):
    """No allowance: the setting a production service runs with."""
    monkeypatch.delenv("PLEDGES_ALLOW_PRIVATE_WEBHOOKS", raising=False)


def webhook_of(ledger, code: str) -> str | None:
    with ledger.session() as session:
        return session.scalar(select(Organisation.webhook).where(Organisation.code == code))


@pytest.mark.parametrize("address,why", FORBIDDEN)
def test_a_webhook_to_an_inside_address_is_refused(ledger, org, strict, address, why):
    with pytest.raises(UnsafeWebhook) as caught:
        set_org_contact(ledger, org, actor=ACTOR, webhook=address)
    assert why in caught.value.message("en") and "PLEDGES_ALLOW_PRIVATE_WEBHOOKS" in caught.value.message("en")
    assert webhook_of(ledger, org) is None


def test_through_the_command_the_refusal_is_one_line_and_changes_nothing(pledges, ledger, org, strict):
    line = refused(pledges("--lang", "en", "org", "set", org, "--webhook", "http://169.254.169.254/latest/"))
    assert "cloud metadata address (169.254.169.254)" in line
    assert webhook_of(ledger, org) is None
    with ledger.session() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.trigger == "set_contact")) == 0


def test_public_robots_are_accepted_and_the_allowance_lets_inside_ones_through(ledger, org, monkeypatch):
    monkeypatch.delenv("PLEDGES_ALLOW_PRIVATE_WEBHOOKS")
    set_org_contact(ledger, org, actor=ACTOR, webhook="https://oapi.dingtalk.com/robot/send?access_token=x")
    set_org_contact(ledger, org, actor=ACTOR, webhook="https://8.8.8.8/x")
    monkeypatch.setenv("PLEDGES_ALLOW_PRIVATE_WEBHOOKS", "1")
    set_org_contact(ledger, org, actor=ACTOR, webhook="http://127.0.0.1:9/hook")
    assert webhook_of(ledger, org) == "http://127.0.0.1:9/hook"


def deliver_one(ledger, make_pledge, webhook: str, **settings):
    set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=webhook)  # allowed while the test sets it
    make_pledge("displayed", due=TODAY - timedelta(days=2))
    reminders.scan(ledger)
    config = delivery.Settings(**{"retry_minutes": 5, "max_attempts": 3, **settings})
    return delivery.deliver(ledger, config).results


def test_delivery_checks_the_address_again(ledger, make_pledge, robot):
    [result] = deliver_one(ledger, make_pledge, robot.url, allow_private_webhooks=False)
    assert result.state == "pending" and "not a public address" in result.error
    assert robot.received == []
    with ledger.session() as session:
        assert session.scalar(select(ReminderAttempt.ok).where(ReminderAttempt.channel == "webhook")) is False


def test_a_name_that_resolves_inside_is_refused_at_delivery(ledger, make_pledge, robot, monkeypatch):
    port = robot.url.split(":")[2].split("/")[0]
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):  # public when set, 127.0.0.1 when posted to
        return real("127.0.0.1", *args, **kwargs) if host == "robot.example.com" else real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.delenv("PLEDGES_ALLOW_PRIVATE_WEBHOOKS")
    [result] = deliver_one(ledger, make_pledge, f"http://robot.example.com:{port}/robot/send?access_token=x")
    assert result.state == "pending" and "robot.example.com is not a public address" in result.error
    assert robot.received == []


def test_with_the_allowance_delivery_reaches_the_local_robot(ledger, make_pledge, robot):
    [result] = deliver_one(ledger, make_pledge, robot.url, allow_private_webhooks=True)
    assert result.state == "sent" and len(robot.received) == 1


def test_contacts_change_only_when_authority_says_yes(pledges, ledger, org, monkeypatch):
    asked = []

    def no(session, actor, org_id):
        asked.append((actor, org_id))
        return False

    monkeypatch.setattr(authority, "may_manage", no)
    with pytest.raises(ContactRefused):
        set_org_contact(ledger, org, actor=ACTOR, email="a@example.com")
    line = refused(pledges("--lang", "en", "org", "set", org, "--webhook", "https://oapi.dingtalk.com/robot/send"))
    assert f"may not change the contacts of {org}" in line
    add_member(ledger, "M1", "张三", org=org, actor=ACTOR)
    assert "may not change the contacts of" in refused(pledges("--lang", "en", "member", "set", "M1", "--email",
                                                                "x@example.com"))
    assert len(asked) == 3 and webhook_of(ledger, org) is None
