"""The cost of read scopes: one town's dashboard as that town's organiser, against the same
town's dashboard read by an admin (what ``--org TOWN`` cost before scopes) and the whole city.

    .venv/bin/python bench/scope_bench.py LEDGER_URL [--rounds 7]

Adds two people to the ledger (an admin on the top organisation, an organiser of the first
town) if they are not there.  Runs the variants in turn, round after round, so a busy machine
slows them alike, and prints the median of each: in process (the query) and through the
command (``pledges dashboard --format json``, process start included)."""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from pledges.db import Ledger
from pledges.figures import dashboard
from pledges.models import Organisation, Person, RoleGrant

PLEDGES = str(Path(sys.executable).with_name("pledges"))
ADMIN, ORGANISER = "基准管理员", "基准组织委员"


def people(ledger: Ledger) -> str:
    """Make sure the two readers exist; returns the town's code."""
    with ledger.session() as session:
        top = session.scalar(select(Organisation).where(Organisation.parent_id.is_(None)).order_by(Organisation.id))
        town = session.scalar(select(Organisation).where(Organisation.parent_id == top.id).order_by(Organisation.code))
        for name, role, org in ((ADMIN, "admin", top), (ORGANISER, "organiser", town)):
            if session.scalar(select(Person.id).where(Person.name == name)) is None:
                person = Person(name=name, created_at=ledger.now(), created_by="bench")
                session.add(person)
                session.flush()
                session.add(RoleGrant(person_id=person.id, role=role, org_id=org.id, granted_by="bench",
                                      granted_at=ledger.now()))
        return town.code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    ledger = Ledger(args.url, create=False).check()
    town = people(ledger)
    variants = {
        f"admin, --org {town} (as before scopes)": (dict(org=town, reader=ADMIN), ["--as", ADMIN, "dashboard", "--org", town]),
        f"organiser of {town}, no --org": (dict(reader=ORGANISER), ["--as", ORGANISER, "dashboard"]),
        f"organiser of {town}, --org {town}": (dict(org=town, reader=ORGANISER),
                                              ["--as", ORGANISER, "dashboard", "--org", town]),
        "admin, whole city": (dict(reader=ADMIN), ["--as", ADMIN, "dashboard"]),
    }
    inner = {name: [] for name in variants}
    outer = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, (kwargs, argv) in variants.items():
            started = time.perf_counter()
            dashboard(ledger, **kwargs)
            inner[name].append(time.perf_counter() - started)
            started = time.perf_counter()
            subprocess.run([PLEDGES, "--db", args.url, *argv, "--format", "json"], check=True, capture_output=True)
            outer[name].append(time.perf_counter() - started)
    with open("/proc/loadavg") as load:
        print(f"load average: {load.read().split()[0]}; {args.rounds} rounds; medians")
    base = None
    for name in variants:
        query, command = statistics.median(inner[name]), statistics.median(outer[name])
        base = base or (query, command)
        print(f"| {name} | {query:.3f} s ({query / base[0] - 1:+.0%}) | {command:.2f} s ({command / base[1] - 1:+.0%}) |")


if __name__ == "__main__":
    main()
