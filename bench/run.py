"""The benchmark of docs/performance.md: the city ledger's dashboard and overdue list against Taskwarrior and
against plain SQL, and ``pledges --help`` start-up.

    .venv/bin/python bench/run.py [--scale city] [--seed 1] [--as-of DATE] [--workdir DIR]
                                  [--repeat N] [--markdown FILE]

Builds the ledger with ``pledges demo`` (cached in the work folder by scale, seed and as-of
day), exports its pledges as Taskwarrior tasks into a private data folder, then times every
command as a subprocess, best of N after one warm-up run, and prints one table.

The as-of day defaults to today in the campaign's time zone (Asia/Shanghai): the ledger is built
for that day, ``pledges`` gets ``--as-of`` that day, and Taskwarrior, which cannot be told
what day it is, is asked on the real today with ``TZ=Asia/Shanghai``.  With an earlier
``--as-of`` the tasks' dates are moved forward by (today − as-of) so Taskwarrior sees the same
pledges overdue; note that ``pledges`` then replays that day from the audit log.
"""

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import floors, report, tasks  # noqa: E402
from bench.report import Timing  # noqa: E402

TZ = "Asia/Shanghai"
PLEDGES = Path(sys.executable).parent / "pledges"


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    today = datetime.now(ZoneInfo(TZ)).date()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="city", choices=("small", "city"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=date.fromisoformat, default=today, metavar="DATE")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".bench")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--markdown", type=Path, metavar="FILE",
                        help="also write the results as Markdown (between the markers, if FILE has them)")
    parser.add_argument("--no-install", action="store_true", help="do not apt-get install Taskwarrior")
    args = parser.parse_args(argv)
    args.today = today
    return args


# --- the ledger ---------------------------------------------------------------------------------

def pledges_env(db: Path) -> dict[str, str]:
    return {**os.environ, "PLEDGES_DB": f"sqlite:///{db}", "PLEDGES_LANG": "en", "PLEDGES_USER": "bench"}


def has_command(*words: str) -> bool:
    done = subprocess.run([str(PLEDGES), *words, "--help"], capture_output=True)
    return done.returncode == 0


def generator_fingerprint() -> str:
    """A hash of the code that decides what the ledger holds (schema, generator, loader): a
    cached ledger built by other code is built again."""
    digest = hashlib.sha256()
    for path in sorted([ROOT / "pledges" / "models.py", ROOT / "pledges" / "loader.py",
                        *(ROOT / "demo").glob("*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_ledger(args, folder: Path) -> Path:
    """The city ledger for this scale, seed and day, built once per work folder and code."""
    db, marker = folder / "ledger.db", folder / "built-by"
    source = f"pledges demo ({generator_fingerprint()})"
    if marker.exists() and marker.read_text(encoding="utf-8").startswith(source):
        return db
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    subprocess.run([str(PLEDGES), "demo", "--scale", args.scale, "--seed", str(args.seed),
                    "--as-of", args.as_of.isoformat()], env=pledges_env(db), check=True, stdout=subprocess.DEVNULL)
    marker.write_text(f"{source}\n{time.perf_counter() - started:.1f}\n", encoding="utf-8")
    return db


def ledger_facts(db: Path, year: int) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        one = lambda sql: conn.execute(sql, (year,)).fetchone()[0]  # noqa: E731
        return {"pledges": one("SELECT count(*) FROM pledge JOIN campaign c ON c.id = campaign_id WHERE c.year = ?"),
                "organisations": one("SELECT count(*) FROM organisation WHERE ? IS NOT NULL"),
                "members": one("SELECT count(*) FROM member WHERE ? IS NOT NULL")}


# --- Taskwarrior --------------------------------------------------------------------------------

def load_tasks(db: Path, folder: Path, args) -> dict:
    """Export and ``task import`` once per ledger and shift; check Taskwarrior reads them all."""
    shift = (args.today - args.as_of).days
    taskdata, marker = folder / f"taskdata-shift{shift}", folder / f"taskdata-shift{shift}.json"
    if marker.exists():
        return json.loads(marker.read_text(encoding="utf-8"))
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{db}")
    started = time.perf_counter()
    counts = tasks.export(engine, args.as_of.year, folder / "tasks.json", TZ, shift)
    exported = time.perf_counter() - started
    engine.dispose()
    started = time.perf_counter()
    tasks.load(taskdata, folder / "tasks.json", TZ)
    facts = {"counts": counts, "export_seconds": exported, "import_seconds": time.perf_counter() - started,
             "taskdata": str(taskdata)}
    read_back = tasks.loaded_counts(taskdata, TZ)
    if read_back != counts:
        raise SystemExit(f"Taskwarrior reads {read_back}, but {counts} were exported")
    marker.write_text(json.dumps(facts), encoding="utf-8")
    return facts


# --- timing -------------------------------------------------------------------------------------

def best_of(command: list[str], env: dict, repeat: int) -> tuple[float, float, str]:
    """Best wall-clock and best CPU seconds of ``repeat`` runs after one warm-up, and the output."""
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    runs = [_seconds(command, env) for _ in range(repeat)]
    return min(wall for wall, _ in runs), min(cpu for _, cpu in runs), out


def _seconds(command: list[str], env: dict) -> tuple[float, float]:
    """Wall-clock seconds of one run, and the CPU seconds (user + system) it used: on a machine
    other jobs load, the CPU time is the steadier figure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def paired(ours: tuple[list[str], dict], theirs: tuple[list[str], dict], repeat: int):
    """Ours and theirs run alternately ``repeat`` times after a warm-up of each, so both meet the
    same load (other helpers share this machine): the best of each, the median of the per-pair
    ratios (theirs ÷ ours, how many times faster), and both outputs."""
    outs = [subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout for cmd, env in (ours, theirs)]
    mine, rival = [], []
    for _ in range(repeat):
        mine.append(_seconds(*ours))
        rival.append(_seconds(*theirs))
    ratios = [r[0] / m[0] for m, r in zip(mine, rival)]
    best = lambda runs, i: min(run[i] for run in runs)  # noqa: E731
    return (best(mine, 0), best(mine, 1)), (best(rival, 0), best(rival, 1)), statistics.median(ratios), outs


def json_rows(out: str) -> int | None:
    data = json.loads(out)
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        return len(data["rows"])
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    return len(data) if isinstance(data, list) else None


def line_rows(out: str) -> int:
    return sum(1 for line in out.splitlines() if line.strip())


def shown(command: list[str]) -> str:
    names = {floors.DASHBOARD: "dashboard", floors.OVERDUE: "overdue", floors.LIST: "list"}
    words = [w if len(w) < 60 else f"'<{names.get(w, 'a')} SQL>'" for w in command]
    return " ".join(words).replace(str(ROOT) + "/", "").replace(sys.executable, "python3")


def time_all(db: Path, taskdata: Path, args) -> dict[str, Timing]:
    day, year = args.as_of.isoformat(), str(args.as_of.year)
    ours_env, task_env = pledges_env(db), tasks.task_env(taskdata, TZ)
    table_env = {**ours_env, "COLUMNS": "250"}  # Taskwarrior's rc.defaultwidth
    python = sys.executable
    # (key, label, command, env, row counter, the subcommand it needs, the rival it is paired with)
    plan = [
        ("dashboard_table", "pledges dashboard --depth 99", [str(PLEDGES), "dashboard", "--as-of", day, "--depth", "99"],
         table_env, line_rows, ("dashboard",), "task_summary"),
        ("dashboard", "pledges dashboard --format json", [str(PLEDGES), "dashboard", "--as-of", day, "--depth", "99",
                                                          "--format", "json"],
         ours_env, json_rows, ("dashboard",), "task_summary"),
        ("task_summary", "task summary", tasks.task_command("summary"), task_env, line_rows, None, None),
        ("sql_dashboard", "SQL floor (GROUP BY)", [python, "-c", floors.DASHBOARD, str(db), year, day],
         ours_env, json_rows, None, None),
        ("overdue_table", "pledges overdue", [str(PLEDGES), "overdue", "--as-of", day], table_env, line_rows,
         ("overdue",), "task_overdue"),
        ("overdue", "pledges overdue --format json", [str(PLEDGES), "overdue", "--as-of", day, "--format", "json"],
         ours_env, json_rows, ("overdue",), "task_overdue"),
        ("task_overdue", "task +OVERDUE list", tasks.task_command("+OVERDUE", "list"), task_env, line_rows, None,
         None),
        ("sql_overdue", "SQL floor (SELECT)", [python, "-c", floors.OVERDUE, str(db), year, day],
         ours_env, json_rows, None, None),
        ("list_limit", "pledges list --limit 50", [str(PLEDGES), "list", "--as-of", day, "--limit", "50"], table_env,
         line_rows, ("list",), None),
        ("sql_list", "SQL floor (LIMIT 50)", [python, "-c", floors.LIST, str(db), year, day], ours_env, json_rows,
         None, None),
        ("help", "pledges --help", [str(PLEDGES), "--help"], ours_env, None, (), None),
        ("python_pass", "python3 -c pass", [python, "-c", floors.PASS], ours_env, None, None, None),
    ]
    commands = {key: (command, env) for key, _, command, env, *_ in plan}
    results: dict[str, Timing] = {}
    rival_best: dict[str, float] = {}
    for key, label, command, env, count, needs, rival in plan:
        if needs and not has_command(*needs):
            results[key] = Timing(key, label, shown(command), None)
            continue
        if rival:
            (seconds, cpu), theirs, faster, (out, _) = paired((command, env), commands[rival], args.repeat)
            rival_best[rival] = tuple(map(min, zip(theirs, rival_best.get(rival, theirs))))
            results[key] = Timing(key, label, shown(command), seconds, count(out) if count else None, paired=faster,
                                  cpu=cpu)
            print(f"  {label:<34} {seconds:8.3f} s  cpu {cpu:6.3f} s  {faster:5.1f}× faster than {rival} (paired)",
                  file=sys.stderr)
            continue
        seconds, cpu, out = best_of(command, env, args.repeat)
        if key in rival_best:  # Taskwarrior: its best alone or in the pairs
            seconds, cpu = min(seconds, rival_best[key][0]), min(cpu, rival_best[key][1])
        results[key] = Timing(key, label, shown(command), seconds, count(out) if count else None, cpu=cpu)
        print(f"  {label:<34} {seconds:8.3f} s  cpu {cpu:6.3f} s", file=sys.stderr)
    return results


# --- the whole run ------------------------------------------------------------------------------

def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "?")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB, {platform.system()} {platform.release()}; "
            f"load average {load} when the timing ended")


def context(args, facts: dict, loaded: dict, source: str) -> dict[str, str]:
    version = subprocess.run(["task", "--version"], capture_output=True, text=True).stdout.strip()
    counts = loaded["counts"]
    return {
        "machine": machine(),
        "software": f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, Taskwarrior {version}",
        "ledger": (f"{facts['pledges']:,} pledges, {facts['organisations']:,} organisations, "
                   f"{facts['members']:,} members, built by {source}"),
        "as-of day": f"{args.as_of} (run on {args.today}; Taskwarrior dates shifted by "
                     f"{(args.today - args.as_of).days} days)",
        "tasks": (f"{counts['pending']:,} pending, {counts['waiting']:,} waiting (draft, submitted), {counts['completed']:,} completed, {counts['deleted']:,} deleted; "
                  f"exported in {loaded['export_seconds']:.1f} s, `task import` took {loaded['import_seconds']:.1f} s "
                  "(not part of the comparison)"),
        "timing": (f"best of {args.repeat} runs after one warm-up, wall clock (and, apart, the best CPU time: user + "
                   f"system), each command a subprocess; the tables "
                   f"and JSON of `pledges` run alternately with their Taskwarrior rival ({args.repeat} pairs), and "
                   "÷ task is the median of the paired ratios"),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    tasks.ensure_taskwarrior(install=not args.no_install)
    folder = args.workdir / f"{args.scale}-seed{args.seed}-{args.as_of}"
    db = build_ledger(args, folder)
    source = (folder / "built-by").read_text(encoding="utf-8").splitlines()[0]
    loaded = load_tasks(db, folder, args)
    facts = ledger_facts(db, args.as_of.year)
    results = time_all(db, Path(loaded["taskdata"]), args)
    about = context(args, facts, loaded, source)
    print("\n".join(f"{k}: {v}" for k, v in about.items()) + "\n")
    print(report.as_text(results))
    for warning in report.disagreements(results):
        print(f"warning: {warning}")
    if args.markdown:
        old = args.markdown.read_text(encoding="utf-8") if args.markdown.exists() else None
        args.markdown.write_text(report.splice(old, report.as_markdown(results, about)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
