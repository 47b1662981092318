"""What the audit chain costs (issue 10, docs/audit.md, docs/performance.md#the-audit-chain).

The fair comparison: the same demo (``pledges demo --scale city``, today's content) built twice,
each in its own process:

- *with the chain*: the demo as it is, its events put in time order and linked as they are
  written;
- *without the chain*: the same code, with the chain's work replaced, by monkeypatching here
  (never a flag in the product), by what the demo did before it: each batch's events written
  straight away, in the order they were generated, with no hash and no time ordering.

The two runs alternate (``--rounds``), so a change of load hits both.  Then ``pledges audit
verify`` of the chained ledger, and, given ``--base DIR``, the code of an older commit (see
below) for the record.  Each run's wall time, CPU time (user + system of the child) and peak
memory (maximum resident set) are printed as a Markdown table, with the load average before it.

    .venv/bin/python bench/audit_chain.py [--workdir DIR] [--as-of DATE] [--rounds N] [--base DIR] [--no-verify]

``--base DIR``: a folder holding a ``pledges`` package of older code, laid out as installed
(``pledges/``, with ``workflows``, ``demo`` and ``cli`` copied inside it), e.g. from ``git
archive 5117890`` (the commit before the chain).  It must run with ``python -S`` from a folder
outside the repository, its folder first on ``PYTHONPATH`` and then the venv's site-packages:
the editable install's import finder (a ``.pth`` file) would otherwise win over
``PYTHONPATH``.  Its demo writes older content (fewer events), so it is no measure of the
chain; it is printed for the record only.

``--child MODE DB``: internal, one demo built in this process (``chain`` or ``plain``)."""

import argparse
import os
import subprocess
import sys
import sysconfig
import tempfile
import time
from datetime import date
from pathlib import Path

VENV = Path(sys.executable).parent


def timed(label: str, args: list[str], env: dict | None = None, cwd: str | None = None) -> dict:
    """Run ``args``; its wall time, its own CPU time (user + system) and peak memory (``wait4``)."""
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(args, env={**os.environ, **(env or {})}, stdout=output, stderr=output, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        output.seek(0)
        said = output.read().decode().strip().splitlines()
    if status != 0:
        raise SystemExit(f"{label} failed: {said[-3:] if said else status}")
    return {"label": label, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": usage.ru_maxrss / 1024,
            "load": load, "said": said[-1] if said else ""}


def child(mode: str, db: Path, as_of: date) -> None:
    """Build the city demo into ``db`` in this process; ``plain``: without the chain's work."""
    from pledges.db import Ledger

    if mode == "plain":
        without_chain()
    from pledges.demo import build_demo

    ledger = Ledger(f"sqlite:///{db}")
    ledger.init()
    started = time.process_time()
    summary = build_demo(ledger, scale="city", as_of=as_of)
    print(f"build_cpu={time.process_time() - started:.1f} events={summary.audit_events:,}")


def without_chain() -> None:
    """The demo as it wrote its events before the chain: each batch's events straight to the
    table as generated (no time order, no spilling, no canonical text, no hash)."""
    import pledges.demo as demo
    from pledges.demo.life import AUDIT_COLUMNS
    from pledges.loader import BulkWriter
    from pledges.models import AuditEvent

    writers: list[BulkWriter] = []

    class Writer(BulkWriter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            writers.append(self)

    class Straight:
        def __init__(self, *args):
            pass

        def spill(self, rows: list[tuple]) -> None:
            writers[-1].write(AuditEvent.__table__, AUDIT_COLUMNS, rows, linked=True)

        def write(self, writer: BulkWriter) -> None:
            pass

    demo.BulkWriter, demo._InTimeOrder = Writer, Straight


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path(".bench/audit-chain"))
    parser.add_argument("--as-of", default="2026-11-25")
    parser.add_argument("--rounds", type=int, default=1, help="pairs of demos (without, with the chain)")
    parser.add_argument("--base", type=Path, help="an older commit's package folder (see above)")
    parser.add_argument("--no-verify", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "DB"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child[0], Path(options.child[1]), date.fromisoformat(options.as_of))
        return
    work = options.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    me = [sys.executable, str(Path(__file__).resolve()), "--as-of", options.as_of, "--child"]
    runs, pairs = [], []
    for _ in range(options.rounds):
        pair = []
        for mode, label in (("plain", "demo city, without the chain (monkeypatched)"),
                            ("chain", "demo city, with the chain")):
            db = work / f"{mode}.db"
            _remove(db)
            run = timed(label, [*me, mode, str(db)])
            run.update(_said(run["said"]))
            runs.append(run)
            pair.append(run)
        pairs.append(pair)
    pledges = str(VENV / "pledges")
    if not options.no_verify:
        runs.append(timed("audit verify (the chained city)", [pledges, "--db", str(work / "chain.db"), "audit",
                                                              "verify"]))
    if options.base:
        db = work / "base.db"
        _remove(db)
        site = sysconfig.get_paths()["purelib"]
        base = [sys.executable, "-S", "-c", "from pledges.cli.main import main; main()"]
        runs.append(timed("demo city at the base commit (older content)",
                          [*base, "--db", str(db), "demo", "--scale", "city", "--as-of", options.as_of],
                          {"PYTHONPATH": f"{options.base.resolve()}:{site}"}, cwd="/tmp"))
    print("| command | wall | CPU | peak memory | load before | said |")
    print("|---|---|---|---|---|---|")
    for run in runs:
        print(f"| {run['label']} | {run['wall']:.1f} s | {run['cpu']:.1f} s | {run['peak']:.0f} MB | {run['load']} "
              f"| {run['said'][:90]} |")
    for plain, chained in pairs:
        print(f"chain / no chain, CPU: {chained['cpu'] / plain['cpu'] - 1:+.1%} "
              f"({plain['cpu']:.1f} s → {chained['cpu']:.1f} s); the build alone: "
              f"{chained['build'] / plain['build'] - 1:+.1%}; peak memory {plain['peak']:.0f} → "
              f"{chained['peak']:.0f} MB")
    if len(pairs) > 1:  # one pair says less than the sum: the load moves
        plain, chained = (sum(pair[i]["cpu"] for pair in pairs) for i in (0, 1))
        print(f"in all, CPU: {chained / plain - 1:+.1%} ({plain:.1f} s → {chained:.1f} s over {len(pairs)} pairs)")


def _said(line: str) -> dict:
    fields = dict(part.split("=", 1) for part in line.split())
    return {"build": float(fields["build_cpu"])}


def _remove(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
