"""Where the time of one ``pledges import`` goes (docs/performance.md, "Spreadsheet import"): the
command run in this process with its phases timed, CPU and wall seconds, into the ledger at
``PLEDGES_DB`` (make it with ``pledges init`` first; a first load is what the benchmark times).

    PLEDGES_DB=sqlite:///tmp/x.db PLEDGES_USER=基准 .venv/bin/python bench/import_phases.py FILE…

Phases nest: the pledges include their writes, a write of the audit events includes linking
them into the hash chain (SQLite).  What the import spends outside the phases listed (building
indexes again after a first load, the commit) is the difference to ``import``."""

import functools
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CPU: dict[str, float] = defaultdict(float)
WALL: dict[str, float] = defaultdict(float)


def timed(owner, name: str, label=None) -> None:
    """Replace ``owner.name`` by the same function adding its time to ``label`` (a string, or a
    function of the call's arguments)."""
    inner = getattr(owner, name)

    @functools.wraps(inner)
    def wrapper(*args, **kwargs):
        key = label(*args) if callable(label) else label or name
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            CPU[key] += time.process_time() - cpu
            WALL[key] += time.perf_counter() - wall

    setattr(owner, name, wrapper)


def main(files: list[str]) -> None:
    started = time.process_time()
    from pledges import chain, loader
    from pledges.cli.main import cli
    from pledges.sheets import ingest, ingest_pledges
    from pledges.workflows import importer

    CPU["starting, importing the libraries"] = time.process_time() - started
    timed(importer, "import_sheets", "import")
    timed(importer, "read_tables", "reading the files' sheets and headers")
    timed(ingest.Ingest, "orgs", "organisations")
    timed(ingest.Ingest, "members", "members")
    timed(ingest_pledges.PledgeRows, "run", "pledges")
    timed(loader.BulkWriter, "write", lambda writer, table, *rest: f"writing {table.name}")
    timed(chain.Head, "link_rows", "linking audit events (SQLite)")
    try:
        cli(["import", *files], prog_name="pledges")
    except SystemExit as done:
        if done.code:
            raise
    CPU["the whole process"] = time.process_time()
    width = max(map(len, CPU))
    print(f"{'phase':{width}}  CPU s  wall s", file=sys.stderr)
    for key, cpu in sorted(CPU.items(), key=lambda item: -item[1]):
        print(f"{key:{width}}  {cpu:5.2f}  {WALL[key]:6.2f}" if key in WALL else f"{key:{width}}  {cpu:5.2f}",
              file=sys.stderr)
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
