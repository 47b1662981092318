"""The import benchmark (docs/performance.md): 250,000 pledges with their organisations and members, from CSV and
from .xlsx, against Taskwarrior's ``task import`` of the same pledges, on SQLite and PostgreSQL;
and the peak memory of a 1,000,000-pledge import from CSV and from .xlsx; beside them the plain-SQL
floor, the CSV import's own rows written by a bare program (bench/import_floor.py).

    .venv/bin/python bench/import_bench.py [--pledges 250000] [--big 1000000] [--pg URL]
                                           [--workdir .bench/import] [--markdown docs/performance.md]

Each ``pledges import`` runs as a subprocess into a fresh ledger; its peak memory is the
child's maximum resident set size."""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import import_floor, tasks  # noqa: E402

PLEDGES = Path(sys.executable).parent / "pledges"
TOWNS, BRANCHES = 16, 125  # 2,000 branches under 16 towns
ORG_HEADERS = ["党组织代码", "党组织名称", "单位类型", "上级党组织代码"]
MEMBER_HEADERS = ["党员编号", "姓名", "党组织代码"]
PLEDGE_HEADERS = ["党组织代码", "党员编号", "承诺事项", "目标值", "计量单位", "完成时限"]
MARK_START, MARK_END = "<!-- import-bench:start -->", "<!-- import-bench:end -->"


def city(pledges: int):
    """(orgs, members, pledges) rows: one member pledge in ~13 is the branch's own."""
    orgs = [["WL", "温岭市委", "党委", None]]
    branches = []
    for t in range(TOWNS):
        orgs.append([f"T{t:02d}", f"第{t + 1}镇党委", "党委", "WL"])
        for b in range(BRANCHES):
            code = f"T{t:02d}-B{b:03d}"
            orgs.append([code, f"第{t + 1}镇第{b + 1}支部", "村", f"T{t:02d}"])
            branches.append(code)
    members_per_branch = 28
    members = [[f"M{i:07d}", f"党员{i}", branches[i // members_per_branch]]
               for i in range(len(branches) * members_per_branch)]
    rows = []
    for i in range(pledges):
        member = members[i % len(members)] if i % 13 else None
        org = member[2] if member else branches[i % len(branches)]
        due = date(2026, 3, 1) + timedelta(days=i % 300)
        rows.append([org, member[0] if member else None, f"承诺事项{i}", 1 + i % 20, "户", due.isoformat()])
    return orgs, members, rows


def write_csv(path: Path, header: list, rows: list) -> None:
    with open(path, "w", encoding="utf-8", newline="") as file:
        out = csv.writer(file)
        out.writerow(header)
        out.writerows(rows)


def write_xlsx(path: Path, sheets: dict) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(path)


def write_tasks(path: Path, orgs: list, rows: list) -> None:
    """The same pledges as Taskwarrior tasks (bench/tasks.py's mapping: drafts wait someday)."""
    parent = {o[0]: o[3] for o in orgs}

    def project(code):
        chain = []
        while code:
            chain.append(code)
            code = parent[code]
        return tasks.project_of(chain[::-1])

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with open(path, "w", encoding="utf-8") as file:
        for i, row in enumerate(rows, start=1):
            pledge = tasks.PledgeRow(i, row[2], project(row[0]), "draft", date.fromisoformat(row[5]), None, now, now)
            file.write(json.dumps(tasks.task_of(pledge), ensure_ascii=False) + "\n")


def run_import(db: str, files: list[Path]) -> tuple[float, float, float]:
    """Seconds, peak MB and CPU seconds (user + system, of the command alone: not the database
    server's) of ``pledges import FILES`` into a fresh ledger at ``db``."""
    env = {**os.environ, "PLEDGES_DB": db, "PLEDGES_USER": "基准"}
    subprocess.run([str(PLEDGES), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    start = time.perf_counter()
    wrapper = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
               "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
               "print(u.ru_maxrss, u.ru_utime + u.ru_stime); sys.exit(r.returncode)")
    done = subprocess.run([sys.executable, "-c", wrapper, str(PLEDGES), "import", *map(str, files)], env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"pledges import failed: {done.stderr[-2000:]}")
    peak, cpu = done.stdout.strip().splitlines()[-1].split()
    return seconds, int(peak) / 1024, float(cpu)


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def fresh_sqlite(work: Path) -> Iterator[str]:
    """The URL of a new SQLite file in ``work``, removed afterwards."""
    path = work / f"bench-{uuid.uuid4().hex[:6]}.db"
    try:
        yield f"sqlite:///{path}"
    finally:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)


@contextmanager
def fresh_pg(url: str) -> Iterator[str]:
    """The URL of a new PostgreSQL schema of its own, dropped afterwards (250,000 pledges each)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from pledges.db import normalise_url

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield make_url(normalise_url(url)).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pledges", type=int, default=250_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--pg", default=os.environ.get("PLEDGES_TEST_PG_URL"))
    parser.add_argument("--workdir", type=Path, default=ROOT / ".bench" / "import")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    orgs, members, rows = city(args.pledges)
    files = [work / "orgs.csv", work / "members.csv", work / "pledges.csv"]
    for path, header, data in zip(files, (ORG_HEADERS, MEMBER_HEADERS, PLEDGE_HEADERS), (orgs, members, rows)):
        write_csv(path, header, data)
    xlsx = work / "city.xlsx"
    write_xlsx(xlsx, {"党组织": (ORG_HEADERS, orgs), "党员": (MEMBER_HEADERS, members),
                      "承诺事项": (PLEDGE_HEADERS, rows)})
    write_tasks(work / "tasks.json", orgs, rows)
    tasks.ensure_taskwarrior()
    start, cpu = time.perf_counter(), cpu_of_children()
    tasks.load(work / "taskdata", work / "tasks.json")
    task_seconds, task_cpu = time.perf_counter() - start, cpu_of_children() - cpu
    results = [("task import (Taskwarrior)", task_seconds, task_cpu, None, None)]  # (…, peak, target)
    targets = [("sqlite", lambda: fresh_sqlite(work))]
    if args.pg:
        targets.append(("postgresql", lambda: fresh_pg(args.pg)))
    for name, make in targets:
        for label, inputs, needed in (("CSV", files, 5), (".xlsx", [xlsx], 3)):
            with make() as url:
                seconds, peak, cpu = run_import(url, inputs)
                if label == "CSV":
                    import_floor.dump(url, work / "floor.marshal")
            results.append((f"pledges import {label} ({name})", seconds, cpu, peak, needed))
        with make() as url:
            seconds, cpu = import_floor.floor(url, work / "floor.marshal", PLEDGES)
        results.append((f"plain-SQL floor: those rows written ({name})", seconds, cpu, None, None))
    big = big_imports(work, args.big, files) if args.big else None
    table = render(args.pledges, len(orgs), len(members), results, big)
    print(table)
    if args.markdown:
        write_markdown(args.markdown, table)


def big_imports(work: Path, pledges: int, files: list[Path]) -> list[tuple]:
    """(label, pledges, seconds, CPU seconds, peak MB) of a large import into SQLite from CSV and
    from .xlsx, for memory: the .xlsx sheet of 1,000,000 pledges is too large for calamine,
    so pledges.sheets.stream reads it (writing it takes minutes)."""
    orgs, members, rows = city(pledges)
    write_csv(work / "big.csv", PLEDGE_HEADERS, rows)
    results = []
    with fresh_sqlite(work) as url:
        seconds, peak, cpu = run_import(url, [files[0], files[1], work / "big.csv"])
    results.append(("CSV", pledges, seconds, cpu, peak))
    results.append((".xlsx", pledges, *big_xlsx(work, orgs, members, rows)))
    return results


def big_xlsx(work: Path, orgs: list, members: list, rows: list) -> tuple[float, float, float]:
    """Seconds, CPU seconds and peak MB of importing one workbook of these into SQLite."""
    path = work / "big.xlsx"
    write_xlsx(path, {"党组织": (ORG_HEADERS, orgs), "党员": (MEMBER_HEADERS, members),
                      "承诺事项": (PLEDGE_HEADERS, rows)})
    with fresh_sqlite(work) as url:
        seconds, peak, cpu = run_import(url, [path])
    return seconds, cpu, peak


def render(pledges: int, orgs: int, members: int, results: list, big) -> str:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [f"{pledges:,} pledges, {orgs:,} organisations, {members:,} members; one run on the shared 2-core "
             f"machine ({date.today().isoformat()}, load average at the end {load}).", "",
             "| what | seconds | CPU seconds | peak memory | × faster than task import (wall) | "
             "× (CPU of the command) | target |", "|---|---:|---:|---:|---:|---:|---:|"]
    task_seconds, task_cpu = results[0][1], results[0][2]
    for index, (label, seconds, cpu, peak, needed) in enumerate(results):
        ratios = ("", "") if index == 0 else (f"{task_seconds / seconds:.2f}", f"{task_cpu / cpu:.2f}")
        lines.append(f"| {label} | {seconds:.1f} | {cpu:.1f} | {'' if peak is None else f'{peak:.0f} MB'} | "
                     f"{ratios[0]} | {ratios[1]} | {'' if needed is None else f'{needed}×'} |")
    lines += ["", "The floor is the CSV import's own rows (organisations, closure, members, pledges, campaign, "
                  "audit events with their hashes) written by a bare program into a fresh ledger "
                  "(bench/import_floor.py): nothing read, checked or hashed."]
    if big:
        for label, count, seconds, cpu, peak in big:
            lines += ["", f"{count:,} pledges from {label} on SQLite: {seconds:.1f} s ({cpu:.1f} s of CPU), "
                          f"peak memory {peak:.0f} MB (target: under 300 MB)."]
    return "\n".join(lines)


def write_markdown(path: Path, table: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{MARK_START}\n{table}\n{MARK_END}"
    if MARK_START in text:
        text = text.split(MARK_START)[0] + block + text.split(MARK_END, 1)[1]
    else:
        text += "\n## Spreadsheet import (issue 12)\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
