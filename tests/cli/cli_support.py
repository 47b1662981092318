"""Helpers for the CLI end-to-end tests: reading a click Result, and driving pledges through
the real command."""

import json

from sqlalchemy import func, select

from pledges.models import (AuditEvent, Campaign, DisplayRecord, Rating, Member, Organisation, OrgClosure,
                            Pledge, PledgeVersion, ProgressRecord)

LIST_FIELDS = {"id", "org", "member", "title", "state", "outcome", "due", "original_due", "target", "unit", "done"}
ORG_FIELDS = {"code", "name", "kind", "parent"}
HISTORY_FIELDS = {"trigger", "from", "to", "actor", "at", "reason"}
TRIGGERS = ("submit", "approve", "return", "display", "record_progress", "complete", "fail", "evaluate",
            "amend", "withdraw", "extend")
TABLES = (Organisation, OrgClosure, Member, Campaign, Pledge, PledgeVersion, ProgressRecord, DisplayRecord,
          Rating, AuditEvent)

# Options that make a valid numeric pledge; ``add`` overrides them per test.
DEFAULTS = {"--org": "DX-V1", "--title": "走访困难群众", "--target": "12", "--unit": "户", "--due": "2026-09-30"}

# The CLI steps from a fresh draft to each state.
STEPS = {
    "draft": [],
    "submitted": [("submit",)],
    "approved": [("submit",), ("approve",)],
    "displayed": [("submit",), ("approve",), ("display", "--channel", "board")],
    "in_progress": [("submit",), ("approve",), ("display", "--channel", "board"), ("progress", "--amount", "3")],
}


def describe(result) -> str:
    return f"exit {result.exit_code}\nstdout: {result.stdout!r}\nstderr: {result.stderr!r}\nexc: {result.exception!r}"


def ok(result):
    """The command succeeded; returns the result for further checks."""
    assert result.exit_code == 0, describe(result)
    return result


def refused(result, code: int = 1) -> str:
    """The command was refused with ``code``: nothing on stdout, exactly one line on stderr and no
    traceback.  Returns that line."""
    assert result.exit_code == code, describe(result)
    assert result.stdout == "", describe(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, describe(result)
    assert "Traceback" not in result.stderr
    assert isinstance(result.exception, SystemExit), describe(result)  # handled, not a crash
    return lines[0]


def usage_error(result) -> str:
    """Refused by click as bad usage: exit 2, no traceback; returns stderr."""
    assert result.exit_code == 2, describe(result)
    assert result.stdout == "" and "Traceback" not in result.stderr, describe(result)
    return result.stderr


def as_json(result):
    return json.loads(ok(result).stdout)


def add(pledges, *extra, **options) -> int:
    """``pledges add`` with DEFAULTS overridden by ``options`` (``due="2026-03-01"``; ``None``
    drops an option); returns the id it printed."""
    chosen = dict(DEFAULTS)
    chosen.update({"--" + key.replace("_", "-"): value for key, value in options.items()})
    args = [part for key, value in chosen.items() if value is not None for part in (key, value)]
    return int(ok(pledges("add", *args, *extra)).stdout)


def walk(pledges, pledge_id: int, state: str) -> None:
    """Move a fresh draft to ``state`` through the CLI."""
    for command, *args in STEPS[state]:
        ok(pledges(command, pledge_id, *args))


def pledge_in(pledges, state: str, **options) -> int:
    pledge_id = add(pledges, **options)
    walk(pledges, pledge_id, state)
    return pledge_id


def show(pledges, pledge_id: int) -> dict:
    return as_json(pledges("show", pledge_id, "--format", "json"))


def listing(pledges, *args) -> list[dict]:
    return as_json(pledges("list", *args, "--format", "json"))


def ids_of(records) -> list[int]:
    return [record["id"] for record in records]


def counts(ledger) -> dict[str, int]:
    """How many rows each table holds: for "a refusal wrote nothing" beyond one pledge."""
    with ledger.session() as session:
        return {t.__name__: session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def steps_of(history: list[dict]) -> list[tuple]:
    return [(event["trigger"], event["from"], event["to"]) for event in history]
