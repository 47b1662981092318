"""The results table: times, ratios, and the speed targets with pass / miss (pure; no I/O)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Best-of-N wall-clock seconds of one command (``None``: the command does not exist yet),
    and how many rows it printed (a check that the contenders answer the same question)."""

    key: str
    label: str
    command: str
    seconds: float | None
    rows: int | None = None
    paired: float | None = None  # median of (rival ÷ ours) over runs taken in pairs: how many times faster
    cpu: float | None = None  # best CPU seconds (user + system): steadier than wall clock on a loaded machine


@dataclass(frozen=True)
class Target:
    name: str
    goal: str
    measured: str
    verdict: str  # pass, miss, or pending (a command is not there yet)


# (group, our key, Taskwarrior's key, the floor's key).  The tables are what people type; the
# JSON is what scripts read.
GROUPS = (
    ("whole-city dashboard, table of the whole tree", "dashboard_table", "task_summary", "sql_dashboard"),
    ("whole-city dashboard, JSON", "dashboard", "task_summary", "sql_dashboard"),
    ("overdue list, table", "overdue_table", "task_overdue", "sql_overdue"),
    ("overdue list, JSON", "overdue", "task_overdue", "sql_overdue"),
    ("first 50 pledges, table", "list_limit", None, "sql_list"),
    ("start-up", "help", None, "python_pass"),
)


def ratio(ours: float | None, theirs: float | None) -> float | None:
    return None if ours is None or not theirs else ours / theirs


def _times(r: float | None) -> str:
    return "—" if r is None else f"{r:.2f}×"


def _secs(s: float | None) -> str:
    return "not yet" if s is None else f"{s:.3f} s"


def _faster(results: dict[str, Timing], ours: str, rival: str) -> float | None:
    """How many times faster ours is: the median of paired runs, else the ratio of the bests."""
    mine = results.get(ours)
    if mine is None or mine.seconds is None:
        return None
    if mine.paired is not None:
        return mine.paired
    theirs = results[rival].seconds
    return None if not theirs else theirs / mine.seconds


def targets(results: dict[str, Timing]) -> list[Target]:
    """The speed targets this harness measures."""
    found = []
    for key, rival, name in (("dashboard_table", "task_summary", "dashboard table (whole tree) vs `task summary`"),
                             ("overdue_table", "task_overdue", "`pledges overdue` table vs `task +OVERDUE list`"),
                             ("dashboard", "task_summary", "dashboard JSON vs `task summary`")):
        if key not in results:
            continue
        speedup = _faster(results, key, rival)
        found.append(Target(name, "≥ 5× faster", "—" if speedup is None else f"{speedup:.1f}× faster",
                            _verdict(speedup, lambda v: v >= 5)))
    dash, floor = results["dashboard"].seconds, results["sql_dashboard"].seconds
    over = ratio(dash, floor)
    found.append(Target("dashboard JSON vs SQL floor", "≤ 3× the floor", _times(over), _verdict(over, lambda v: v <= 3)))
    if "list_limit" in results:
        first = results["list_limit"].seconds
        found.append(Target("`pledges list --limit 50`", "< 0.5 s", _secs(first), _verdict(first, lambda v: v < 0.5)))
    start = results["help"].seconds
    found.append(Target("`pledges --help` start-up", "< 0.3 s", _secs(start), _verdict(start, lambda v: v < 0.3)))
    return found


def _verdict(value: float | None, ok) -> str:
    if value is None:
        return "pending"
    return "pass" if ok(value) else "miss"


def rows(results: dict[str, Timing]) -> list[list[str]]:
    """One line per command (each once): group, what, seconds, rows, ÷ Taskwarrior, ÷ floor
    (ours only; ÷ task is the paired median when the runs were paired)."""
    table, done = [], set()
    for group, ours, rival, floor in GROUPS:
        for key in (ours, rival, floor):
            if key is None or key in done or key not in results:
                continue
            done.add(key)
            t = results[key]
            vs_task = vs_floor = ""
            if key == ours and rival:
                faster = _faster(results, ours, rival)
                vs_task = _times(None if faster is None else 1 / faster)
            if key == ours and floor:
                vs_floor = _times(ratio(t.seconds, results[floor].seconds))
            cpu = "" if t.cpu is None else f"{t.cpu:.3f} s"
            table.append([group, t.label, _secs(t.seconds), cpu, "" if t.rows is None else str(t.rows), vs_task,
                          vs_floor])
            group = ""
    return table


HEADERS = ["", "command", "best time", "best CPU", "rows", "÷ task", "÷ floor"]
TARGET_HEADERS = ["target", "goal", "measured", "verdict"]


def text_table(headers: list[str], body: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [headers, *body]) for i in range(len(headers))]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, body)])


def markdown_table(headers: list[str], body: list[list[str]]) -> str:
    line = lambda r: "| " + " | ".join(c.replace("|", "\\|") for c in r) + " |"  # noqa: E731
    return "\n".join([line(headers), line(["---"] * len(headers)), *map(line, body)])


def as_text(results: dict[str, Timing]) -> str:
    found = [[t.name, t.goal, t.measured, t.verdict] for t in targets(results)]
    return text_table(HEADERS, rows(results)) + "\n\n" + text_table(TARGET_HEADERS, found)


def as_markdown(results: dict[str, Timing], context: dict[str, str]) -> str:
    """The results section of docs/performance.md: how it was run, the table, the targets,
    and the exact commands."""
    found = [[t.name, t.goal, t.measured, f"**{t.verdict}**"] for t in targets(results)]
    facts = "\n".join(f"- {k}: {v}" for k, v in context.items())
    keys = dict.fromkeys(k for _, *group in GROUPS for k in group if k and k in results)
    commands = "\n".join(f"- {results[k].label}: `{results[k].command}`" for k in keys)
    return (f"{facts}\n\n{markdown_table(HEADERS, rows(results))}\n\n"
            f"{markdown_table(TARGET_HEADERS, found)}\n\nThe commands, as timed:\n\n{commands}\n")


def disagreements(results: dict[str, Timing]) -> list[str]:
    """The overdue lists must name the same number of pledges; a difference means the
    contenders were not asked the same question."""
    counted = {results[k].label: results[k].rows for k in ("overdue", "task_overdue", "sql_overdue")
               if results[k].rows is not None}
    if len(set(counted.values())) <= 1:
        return []
    return ["overdue lists differ: " + ", ".join(f"{label} {n}" for label, n in counted.items())]


BEGIN, END = "<!-- bench results: begin (bench/run.py writes this part) -->", "<!-- bench results: end -->"


def splice(document: str | None, section: str) -> str:
    """``document`` with the part between the markers replaced by ``section``; the marked
    section alone when there is no document, added at its end when it has no markers."""
    marked = f"{BEGIN}\n{section.rstrip()}\n{END}"
    if not document:
        return marked + "\n"
    if BEGIN not in document or END not in document:
        return document.rstrip() + "\n\n" + marked + "\n"
    head, rest = document.split(BEGIN, 1)
    return head + marked + rest.split(END, 1)[1]
