"""Benchmark (issue 9): backup, restore and copy of a city ledger, SQLite → PostgreSQL and
back, each with its time and peak memory (targets: copy under 60 s, backup under 10 s on SQLite).

    python bench/move.py CITY.db --pg postgresql://postgres@127.0.0.1:5432/test [--work DIR]

CITY.db is a SQLite ledger at the newest schema (`pledges --db CITY.db demo --scale city`).
Each step is the real `pledges` command in its own process; the peak memory is that
process's maximum resident set.  On PostgreSQL the steps use a schema of their own
(``pledges_bench``, dropped and made again), so the database itself is left alone.
Prints a Markdown table.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pledges.db import normalise_url

PLEDGES = shutil.which("pledges") or str(Path(sys.executable).parent / "pledges")
SCHEMA = "pledges_bench"


def step(name: str, *args: str) -> tuple[str, float, float, float]:
    """Run `pledges ARGS`; its wall time (s), CPU time (s) and peak resident memory (MB)."""
    started = time.perf_counter()
    process = subprocess.Popen([PLEDGES, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"{name} failed: {process.stderr.read().decode()}")
    cpu = usage.ru_utime + usage.ru_stime
    print(f"{name}: {seconds:.1f} s, {cpu:.1f} s CPU, {usage.ru_maxrss / 1024:.0f} MB — "
          f"{process.stdout.read().decode().strip()}", file=sys.stderr, flush=True)
    return name, seconds, cpu, usage.ru_maxrss / 1024


def fresh_pg_schema(url: str) -> str:
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    admin.dispose()
    return make_url(normalise_url(url)).update_query_dict({"options": f"-csearch_path={SCHEMA}"}) \
        .render_as_string(hide_password=False)


def dashboard(db: str) -> str:
    out = subprocess.run([PLEDGES, "--db", db, "dashboard", "--depth", "1", "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    return json.dumps(_rounded(json.loads(out)))


def _rounded(value):
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("city")
    parser.add_argument("--pg", required=True, help="a PostgreSQL database to make a schema in")
    parser.add_argument("--work", default=".bench/move", help="folder for the backups and copies")
    args = parser.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    pg = fresh_pg_schema(args.pg)
    size = Path(args.city).stat().st_size / 1e6
    results = [
        step("backup (SQLite)", "--db", args.city, "backup", str(work / "city.zip")),
        step("restore into a new SQLite file", "--db", str(work / "restored.db"), "restore", str(work / "city.zip")),
        step("copy SQLite → PostgreSQL", "--db", args.city, "copy", "--to", pg),
        step("copy PostgreSQL → SQLite", "--db", pg, "copy", "--to", str(work / "back.db")),
        step("backup (PostgreSQL)", "--db", pg, "backup", str(work / "pg.zip")),
    ]
    same = dashboard(args.city) == dashboard(pg) == dashboard(str(work / "back.db")) == dashboard(str(work / "restored.db"))
    print(f"\nCity ledger: {size:.0f} MB SQLite file; backup file {(work / 'city.zip').stat().st_size / 1e6:.0f} MB; "
          f"dashboard identical on the source, the restore and both copies: {'yes' if same else 'NO'}\n")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} (2 cores)\n")
    print("| step | time | CPU time | peak memory |\n|---|---:|---:|---:|")
    for name, seconds, cpu, peak in results:
        print(f"| {name} | {seconds:.1f} s | {cpu:.1f} s | {peak:.0f} MB |")


if __name__ == "__main__":
    main()
