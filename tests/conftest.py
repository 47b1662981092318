"""Fixtures shared by every test: a fresh ledger on SQLite and on PostgreSQL, an injected
clock, factories for organisations and pledges (in any state), and the CLI runner.

The PostgreSQL half needs ``PLEDGES_TEST_PG_URL``; without it it skips with a reason, unless
``PLEDGES_REQUIRE_PG=1`` (set by ``.ci/run``), where a missing server fails the run."""

import os
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from pledges.db import Ledger, normalise_url
from pledges.entries import create_pledge
from pledges.orgs import add_org
from pledges.workflows.engine import run
from support import ACTOR, NOW, PATHS, Clock, pg_schema

PG_URL = os.environ.get("PLEDGES_TEST_PG_URL")
REQUIRE_PG = os.environ.get("PLEDGES_REQUIRE_PG") == "1"
@pytest.fixture(scope="session")
def pg_admin():
    if not PG_URL:
        reason = "PostgreSQL half skipped: PLEDGES_TEST_PG_URL is not set (CI sets it)"
        pytest.fail(reason) if REQUIRE_PG else pytest.skip(reason)
    engine = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as err:  # the server is down or refuses us
        reason = f"PostgreSQL half skipped: cannot connect to PLEDGES_TEST_PG_URL ({err.__class__.__name__})"
        pytest.fail(reason) if REQUIRE_PG else pytest.skip(reason)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def db_url(request, tmp_path):
    """The URL of a fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    with pg_schema(request.getfixturevalue("pg_admin"), normalise_url(PG_URL)) as url:
        yield url


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def ledger(db_url, clock):
    ledger = Ledger(db_url, clock=clock)
    ledger.init()
    yield ledger
    ledger.dispose()


@pytest.fixture
def make_org(ledger):
    def make(code: str = "V1", name: str | None = None, parent: str | None = None, kind: str | None = None):
        return add_org(ledger, code, name or f"{code}党支部", parent=parent, kind=kind, actor=ACTOR)

    return make


@pytest.fixture
def org(make_org):
    """A small hierarchy: city WL → town DX → village branch DX-V1 (the default owner)."""
    make_org("WL", "温岭市委", kind="committee")
    make_org("DX", "大溪镇党委", parent="WL", kind="committee")
    make_org("DX-V1", "大溪村党支部", parent="DX", kind="village")
    return "DX-V1"


@pytest.fixture
def make_pledge(ledger, org):
    """A pledge of ``org`` (target 12 户, due 2026-09-30) walked to ``state`` by the real
    triggers.  Keyword overrides go to ``create_pledge``."""

    def make(state: str = "draft", **overrides) -> int:
        fields = dict(org=org, title="走访困难群众", target=12, unit="户", due=date(2026, 9, 30), actor=ACTOR)
        fields.update(overrides)
        pledge_id = create_pledge(ledger, **fields).id
        for trigger, args in PATHS[state]:
            run(ledger, [pledge_id], trigger, ACTOR, **args)
        return pledge_id

    return make


@pytest.fixture
def cli_env(db_url):
    """Environment for the real ``pledges`` command on the test database."""
    return {"PLEDGES_DB": db_url, "PLEDGES_USER": ACTOR, "PLEDGES_LANG": "zh"}


@pytest.fixture
def pledges(cli_env):
    """Run ``pledges ARGS…`` through click's CliRunner at NOW; returns the click Result."""
    import time_machine
    from click.testing import CliRunner

    from pledges.cli.main import cli

    runner = CliRunner()

    def invoke(*args: str, env: dict | None = None, input: str | None = None):
        with time_machine.travel(NOW, tick=False):
            return runner.invoke(cli, [str(a) for a in args], env={**cli_env, **(env or {})}, input=input)

    return invoke


# --- reminders (issue 4): real local SMTP and webhook servers ---


@pytest.fixture(autouse=True)
def local_robots_allowed(monkeypatch):
    """The test robots listen on 127.0.0.1, which only the administrator's setting lets a webhook
    reach: it is on in every test (tests/cli/test_webhook_safety.py takes it away)."""
    monkeypatch.setenv("PLEDGES_ALLOW_PRIVATE_WEBHOOKS", "1")


@pytest.fixture
def smtp_server():
    """An SMTP server on 127.0.0.1; yields (port, MailBox)."""
    from aiosmtpd.controller import Controller

    from servers import MailBox, free_port

    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, box
    controller.stop()


@pytest.fixture
def robot():
    """A webhook receiver on 127.0.0.1 that answers 200; set ``robot.answers`` to script failures."""
    from servers import start_robot

    server = start_robot()
    yield server
    server.shutdown()
    server.server_close()
