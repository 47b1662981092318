"""The ledger's pledges as Taskwarrior tasks, loaded into a private Taskwarrior data folder.

Mapping (one task per pledge of the campaign):

- ``description`` = title; ``project`` = the organisation's path from the top
  (``WL.WL-DX.WL-DX-V001``: Taskwarrior reads dots as project levels, which ``task summary``
  rolls up); a dot inside a code becomes ``_`` so it cannot make a level of its own.
- ``due`` = the end of the due day in the campaign's time zone (23:59:59), so Taskwarrior calls
  it overdue from the next day on, as docs/figures.md does (due date < as-of day).
- ``status``: fulfilled / unfulfilled / evaluated → ``completed`` (``end`` = finished_on);
  withdrawn → ``deleted`` (``end`` = last change); everything else → ``pending``.
  Draft and submitted pledges are not commitments yet: they are pending with ``wait:someday``
  (Taskwarrior's "not yet"), so ``task summary`` counts them as remaining and the ``list``
  report, like the ledger's overdue list, leaves them out.
- ``tags`` = the pledge's state; ``uuid`` is derived from the pledge id, so a re-export is the
  same set of tasks.

``shift_days`` moves every date by that many days: Taskwarrior cannot be told what day it is,
so to ask it about a past as-of day the tasks are moved forward by (today − as-of day).
"""

import json
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

FINISHED = {"fulfilled", "unfulfilled", "evaluated"}
NOT_YET = {"draft", "submitted"}
NAMESPACE = uuid.UUID("5b0c8f5e-3a59-4f0e-9d0e-9a7c0d2b6e11")  # fixed: uuids are stable per pledge id
SOMEDAY = "99991230T000000Z"  # what Taskwarrior 2.6 stores for wait:someday
STATUSES = ("pending", "waiting", "completed", "deleted")
INSTALL_HINT = "sudo apt-get update && sudo apt-get install -y taskwarrior   # Debian: Taskwarrior 2.6"


@dataclass(frozen=True)
class PledgeRow:
    """What the export reads of one pledge."""

    id: int
    title: str
    path: str
    state: str
    due: date
    finished_on: date | None
    created_at: datetime
    updated_at: datetime


def project_of(codes: list[str]) -> str:
    """The Taskwarrior project of an organisation, from its codes top-down."""
    return ".".join(code.replace(".", "_") for code in codes)


def stamp(moment: datetime) -> str:
    """Taskwarrior's import form of an instant: ``YYYYMMDDTHHMMSSZ`` in UTC."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def day_end(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tz)


def day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tz)


def status_of(state: str) -> str:
    if state in FINISHED:
        return "completed"
    return "deleted" if state == "withdrawn" else "pending"


def task_of(row: PledgeRow, tz: str = "Asia/Shanghai", shift_days: int = 0) -> dict:
    """The Taskwarrior task (import JSON) of one pledge."""
    zone, shift = ZoneInfo(tz), timedelta(days=shift_days)
    status = status_of(row.state)
    task = {
        "uuid": str(uuid.uuid5(NAMESPACE, str(row.id))),
        "description": row.title,
        "project": row.path,
        "status": status,
        "entry": stamp(row.created_at + shift),
        "modified": stamp(row.updated_at + shift),
        "due": stamp(day_end(row.due + shift, zone)),
        "tags": [row.state],
    }
    if status == "completed":
        task["end"] = stamp(day_start((row.finished_on or row.updated_at.astimezone(zone).date()) + shift, zone))
    elif status == "deleted":
        task["end"] = stamp(row.updated_at + shift)
    elif row.state in NOT_YET:
        task["wait"] = SOMEDAY
    return task


def pledge_rows(engine, year: int):
    """Every pledge of the campaign ``year``, with its organisation's path, in id order."""
    from sqlalchemy import select

    from pledges.models import Campaign, Organisation, OrgClosure, Pledge

    with engine.connect() as conn:
        above = conn.execute(
            select(OrgClosure.descendant_id, Organisation.code)
            .join(Organisation, Organisation.id == OrgClosure.ancestor_id)
            .order_by(OrgClosure.descendant_id, OrgClosure.depth.desc())
        )
        paths: dict[int, list[str]] = {}
        for org_id, code in above:
            paths.setdefault(org_id, []).append(code)
        query = (
            select(Pledge.id, Pledge.title, Pledge.org_id, Pledge.state, Pledge.due, Pledge.finished_on,
                   Pledge.created_at, Pledge.updated_at)
            .join(Campaign, Campaign.id == Pledge.campaign_id)
            .where(Campaign.year == year)
            .order_by(Pledge.id)
        )
        for pid, title, org_id, *rest in conn.execute(query):
            yield PledgeRow(pid, title, project_of(paths[org_id]), *rest)


def export(engine, year: int, out: Path, tz: str = "Asia/Shanghai", shift_days: int = 0) -> dict[str, int]:
    """Write the campaign's pledges as a Taskwarrior import file (one JSON task per line).
    Returns how many tasks of each status were written (pending ones with a wait date count
    as ``waiting``, which is how Taskwarrior's ``status:`` filter sees them)."""
    counts = dict.fromkeys(STATUSES, 0)
    with open(out, "w", encoding="utf-8") as file:
        for row in pledge_rows(engine, year):
            task = task_of(row, tz, shift_days)
            counts["waiting" if "wait" in task else task["status"]] += 1
            file.write(json.dumps(task, ensure_ascii=False) + "\n")
    return counts


# --- Taskwarrior itself -------------------------------------------------------------------

RC_OVERRIDES = ("rc.confirmation=off", "rc.hooks=off", "rc.verbose=nothing", "rc.color=off",
                "rc.detection=off", "rc.defaultwidth=250")


def taskwarrior() -> str | None:
    return shutil.which("task")


def ensure_taskwarrior(install: bool = True) -> str:
    """The path of ``task``; installs Debian's package when missing and allowed (as root)."""
    found = taskwarrior()
    if found or not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        if found:
            return found
        raise SystemExit(f"Taskwarrior is not installed. Install it with:\n  {INSTALL_HINT}")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "taskwarrior"]):
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return ensure_taskwarrior(install=False)


def task_env(taskdata: Path, tz: str = "Asia/Shanghai") -> dict[str, str]:
    """An environment in which ``task`` reads and writes only ``taskdata``: its own rc file
    (never ~/.taskrc), its own data folder (never ~/.task), days in the campaign's time zone."""
    taskdata.mkdir(parents=True, exist_ok=True)
    rc = taskdata / "taskrc"
    if not rc.exists():
        rc.write_text(f"data.location={taskdata}\nconfirmation=off\nhooks=off\nverbose=nothing\n", encoding="utf-8")
    return {**os.environ, "TASKRC": str(rc), "TASKDATA": str(taskdata), "TZ": tz}


def task_command(*args: str) -> list[str]:
    return ["task", *RC_OVERRIDES, *args]


def load(taskdata: Path, import_file: Path, tz: str = "Asia/Shanghai") -> None:
    """Import the tasks into an empty private data folder with ``task import``."""
    if taskdata.exists():
        shutil.rmtree(taskdata)
    env = task_env(taskdata, tz)
    subprocess.run(task_command("import", str(import_file)), env=env, check=True, stdout=subprocess.DEVNULL)


def loaded_counts(taskdata: Path, tz: str = "Asia/Shanghai") -> dict[str, int]:
    """How many tasks of each status Taskwarrior reads back."""
    env = task_env(taskdata, tz)
    counts = {}
    for status in STATUSES:
        out = subprocess.run(task_command(f"status:{status}", "count"), env=env, check=True,
                             capture_output=True, text=True).stdout
        counts[status] = int(out.strip())
    return counts
