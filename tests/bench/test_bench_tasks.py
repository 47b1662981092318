"""The Taskwarrior export: each pledge becomes the right task (pure mapping, then from a real
ledger on both databases, then read back by Taskwarrior itself when it is installed)."""

import json
import subprocess
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bench import tasks
from bench.tasks import PledgeRow, task_of
from pledges.queries import list_pledges
from support import TODAY, pledge_row

CREATED = datetime(2026, 1, 10, 2, 0, tzinfo=timezone.utc)
CHANGED = datetime(2026, 6, 15, 2, 0, tzinfo=timezone.utc)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def row(state: str, due: date = date(2026, 9, 30), finished_on: date | None = None) -> PledgeRow:
    return PledgeRow(7, "走访困难群众", "WL.DX.DX-V1", state, due, finished_on, CREATED, CHANGED)


def test_an_active_pledge_is_pending_and_due_at_the_end_of_its_day_in_shanghai():
    task = task_of(row("in_progress"))
    assert task["status"] == "pending" and "wait" not in task and "end" not in task
    assert task["due"] == "20260930T155959Z"  # 23:59:59 on 30 September, Asia/Shanghai
    assert task["project"] == "WL.DX.DX-V1" and task["description"] == "走访困难群众"
    assert task["tags"] == ["in_progress"] and task["entry"] == "20260110T020000Z"


@pytest.mark.parametrize("state", ["fulfilled", "unfulfilled", "evaluated"])
def test_a_finished_pledge_is_completed_on_its_finishing_day(state):
    task = task_of(row(state, finished_on=date(2026, 6, 1)))
    assert task["status"] == "completed" and task["end"] == "20260531T160000Z"


def test_withdrawn_is_deleted_and_not_yet_approved_is_waiting():
    assert task_of(row("withdrawn"))["status"] == "deleted"
    for state in ("draft", "submitted"):
        task = task_of(row(state))
        assert task["status"] == "pending" and task["wait"] == tasks.SOMEDAY


def test_shift_moves_every_date_and_keeps_the_uuid():
    finished = row("fulfilled", finished_on=date(2026, 6, 1))
    plain, moved = task_of(finished), task_of(finished, shift_days=10)
    assert (moved["due"], moved["end"], moved["entry"]) == ("20261010T155959Z", "20260610T160000Z", "20260120T020000Z")
    assert moved["uuid"] == plain["uuid"] != task_of(replace(finished, id=8))["uuid"]


def test_a_dot_inside_a_code_cannot_make_a_project_level():
    assert tasks.project_of(["WL", "DX.1", "V1"]) == "WL.DX_1.V1"


STATES = ("draft", "submitted", "approved", "displayed", "in_progress", "fulfilled", "unfulfilled",
          "evaluated", "withdrawn")


@pytest.fixture
def every_state(make_pledge, make_org):
    """One pledge in each state under DX-V1, plus an overdue one (due 1 June) and one due
    today (not overdue) in another branch, and a draft past its due day (not overdue)."""
    ids = {state: make_pledge(state) for state in STATES}
    make_org("DX-V2", parent="DX", kind="community")
    ids["overdue"] = make_pledge("displayed", org="DX-V2", due=date(2026, 6, 1))
    ids["due_today"] = make_pledge("in_progress", org="DX-V2", due=TODAY)
    ids["late_draft"] = make_pledge("draft", org="DX-V2", due=date(2026, 6, 1))
    return ids


def test_the_ledgers_pledges_export_with_their_organisation_path(ledger, every_state, tmp_path):
    counts = tasks.export(ledger.engine, 2026, tmp_path / "tasks.json")
    exported = {t["uuid"]: t for t in map(json.loads, (tmp_path / "tasks.json").read_text().splitlines())}
    assert counts == {"pending": 5, "waiting": 3, "completed": 3, "deleted": 1}
    for name, pledge_id in every_state.items():
        pledge = pledge_row(ledger, pledge_id)
        task = exported[str(tasks.uuid.uuid5(tasks.NAMESPACE, str(pledge_id)))]
        assert task["status"] == tasks.status_of(pledge.state) and task["tags"] == [pledge.state]
        assert task["project"] == ("WL.DX.DX-V1" if name in STATES else "WL.DX.DX-V2")
        assert task["due"] == tasks.stamp(tasks.day_end(pledge.due, SHANGHAI))
        if pledge.finished_on:
            assert task["end"] == tasks.stamp(tasks.day_start(pledge.finished_on, SHANGHAI))


needs_task = pytest.mark.skipif(tasks.taskwarrior() is None,
                                reason=f"Taskwarrior is not installed (bench only; {tasks.INSTALL_HINT})")


@needs_task
def test_taskwarrior_reads_the_export_and_agrees_on_what_is_overdue(ledger, every_state, tmp_path):
    # Taskwarrior's today is the real one: move the tasks so the ledger's TODAY falls on it.
    shift = (datetime.now(SHANGHAI).date() - TODAY).days
    counts = tasks.export(ledger.engine, 2026, tmp_path / "tasks.json", shift_days=shift)
    tasks.load(tmp_path / "taskdata", tmp_path / "tasks.json")
    assert tasks.loaded_counts(tmp_path / "taskdata") == counts
    env = tasks.task_env(tmp_path / "taskdata")
    read = json.loads(subprocess.run(tasks.task_command("export"), env=env, capture_output=True, text=True,
                                     check=True).stdout)
    assert {t["project"] for t in read} == {"WL.DX.DX-V1", "WL.DX.DX-V2"}
    listed = subprocess.run(tasks.task_command("+OVERDUE", "list"), env=env, capture_output=True, text=True,
                            check=True).stdout
    overdue = list_pledges(ledger, overdue=True)
    assert [p.id for p in overdue] == [every_state["overdue"]]
    lines = [line for line in listed.splitlines() if line.strip()]
    assert len(lines) == 1 and "WL.DX.DX-V2" in lines[0]
    assert (date(2026, 6, 1) + timedelta(days=shift)).isoformat() in lines[0]
