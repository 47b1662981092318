"""What the audit chain costs (issue 10, docs/audit.md): ``pledges demo --scale city`` with the
chain (and, given ``--base DIR``, without it: the previous code, installed nowhere, put first on
``PYTHONPATH``), ``pledges audit verify`` of the city ledger, and ``pledges upgrade`` of a city
ledger of schema 4 (the one ``--base`` built) followed by ``audit verify``.

Each command runs as a subprocess; its wall time, CPU time (user + system) and peak memory
(maximum resident set) are printed as a Markdown table, with the load average before each run.

    .venv/bin/python bench/audit_chain.py [--workdir DIR] [--as-of DATE] [--base DIR]

``--base DIR``: a folder holding a ``pledges`` package of the code to compare with, laid out as
installed (``pledges/``, with ``workflows``, ``demo`` and ``cli`` inside it as
``pledges/workflows``…), e.g. made from ``git archive`` of the commit before the chain."""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

VENV = Path(sys.executable).parent


def timed(label: str, args: list[str], env: dict | None = None) -> dict:
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    started = time.perf_counter()
    process = subprocess.Popen(args, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    out = (process.stdout.read() + process.stderr.read()).decode().strip().splitlines()
    if status != 0:
        raise SystemExit(f"{label} failed: {out[-1:] if out else status}")
    return {"label": label, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": usage.ru_maxrss / 1024,
            "load": load, "said": out[-1] if out else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path(".bench/audit-chain"))
    parser.add_argument("--as-of", default="2026-11-25")
    parser.add_argument("--base", type=Path, help="the previous code's package folder (demo without the chain)")
    options = parser.parse_args()
    work = options.workdir
    work.mkdir(parents=True, exist_ok=True)
    for name in ("chain.db", "base.db", "upgraded.db"):
        for suffix in ("", "-wal", "-shm"):
            (work / f"{name}{suffix}").unlink(missing_ok=True)
    pledges = str(VENV / "pledges")
    demo = ["demo", "--scale", "city", "--as-of", options.as_of]
    runs = []
    if options.base:
        base = [sys.executable, "-c", "from pledges.cli.main import main; main()"]
        runs.append(timed("demo --scale city, without the chain (base)", [*base, "--db", str(work / "base.db"), *demo],
                          {"PYTHONPATH": str(options.base)}))
    runs.append(timed("demo --scale city, with the chain", [pledges, "--db", str(work / "chain.db"), *demo]))
    runs.append(timed("audit verify (city)", [pledges, "--db", str(work / "chain.db"), "audit", "verify"]))
    if options.base:
        shutil.copy(work / "base.db", work / "upgraded.db")
        runs.append(timed("upgrade 4 → 5 (city, links 1.67 M events)",
                          [pledges, "--db", str(work / "upgraded.db"), "upgrade", "--no-backup"]))
        runs.append(timed("audit verify (upgraded city)", [pledges, "--db", str(work / "upgraded.db"), "audit",
                                                           "verify"]))
    print("| command | wall | CPU | peak memory | load before | said |")
    print("|---|---|---|---|---|---|")
    for run in runs:
        print(f"| {run['label']} | {run['wall']:.1f} s | {run['cpu']:.1f} s | {run['peak']:.0f} MB | {run['load']} "
              f"| {run['said'][:90]} |")


if __name__ == "__main__":
    main()
