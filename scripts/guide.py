"""The Chinese user's guide (docs/zh/) is real output.

Every ```console block of a chapter holds only ``$ pledges …`` lines, each followed by what it
prints.  A chapter is replayed in a fresh folder holding the guide's practice ledger at
``ledgers/guide.db`` (the small demo as of ``GUIDE_AS_OF``, which ``make demo`` also makes) and a
copy of ``docs/zh/examples/``, with the clock frozen at ``RECORDED_AT`` and
``PLEDGES_DB=ledgers/guide.db``; its blocks run in order, so a
command sees what the earlier ones did.  ``tests/test_guide.py`` fails when an output drifts.

    .venv/bin/python scripts/guide.py [--check] [--chapter NAME ...] [--shots] [--examples]

Without ``--check`` the outputs in the chapters are rewritten from the run (write the commands,
run this, read what came out).  ``--check`` only compares and exits 1 with a diff.  ``--shots``
also takes the chapter's pictures (``SHOTS``) in headless Chromium into ``docs/zh/img/``, from
the folder the chapter's commands left behind.  ``--examples`` first writes the files a reader
downloads, ``docs/zh/examples/`` (``EXAMPLE_MAKERS``), which the chapters' folders then hold.
``--faq`` and ``--card`` instead write (or with ``--check`` compare) the generated pages, 常见问题
and the 速查卡 (``scripts/guide_faq.py``).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "zh"
EXAMPLES = GUIDE / "examples"
IMAGES = GUIDE / "img"
RECORDED_AT = datetime(2026, 11, 25, 1, 30, tzinfo=timezone.utc)  # 09:30 in 温岭 (Asia/Shanghai)
DEMO_DB = "ledgers/guide.db"
GUIDE_AS_OF = "2026-11-25"  # the practice ledger's day: scripts/demo.sh builds the same one
ENV = {"PLEDGES_DB": DEMO_DB, "PLEDGES_USER": None, "PLEDGES_LANG": None, "COLUMNS": "100"}
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
CHROMIUM = "/usr/bin/chromium"
# The reader's folder as the chapters show it: a run's own temporary folder is printed as this.
READER_FOLDER = Path("/home/shuji/pledge-ledger")
# A duration the program measures ("用时 0.2 秒") differs from run to run: compared as any number.
DURATION = re.compile(r"\d+\.\d+ 秒")


@dataclass
class Step:
    """One ``$ pledges …`` line of a chapter, what the chapter shows and what it printed now."""

    command: str
    expected: str
    actual: str | None = None


def tidy(output: str) -> str:
    """Output as a chapter holds it: no trailing spaces (rich pads table rows), no final newline."""
    return "\n".join(line.rstrip() for line in output.rstrip().split("\n"))


def chapters() -> list[Path]:
    """The chapters of the guide that have console blocks, by file name."""
    return [page for page in sorted(GUIDE.glob("*.md")) if BLOCK.search(page.read_text(encoding="utf-8"))]


def chapter_path(name: str) -> Path:
    return GUIDE / (name if name.endswith(".md") else f"{name}.md")


def blocks(text: str) -> list[list[Step]]:
    """The steps of each console block of a chapter's text, in order."""
    found = []
    for block in BLOCK.finditer(text):
        steps = []
        for chunk in re.split(r"^\$ ", block.group(1), flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            steps.append(Step(command.strip(), tidy(output)))
        if block.group(1).strip() and not steps:
            raise ValueError(f"a console block that does not start with `$ pledges`: {block.group(1)[:60]!r}")
        found.append(steps)
    return found


@contextmanager
def inside(folder: Path) -> Iterator[None]:
    """Work in ``folder`` at the recorded time."""
    import time_machine

    before = Path.cwd()
    os.chdir(folder)
    try:
        with time_machine.travel(RECORDED_AT, tick=False):
            yield
    finally:
        os.chdir(before)


def run(args: list[str]) -> str:
    """One ``pledges`` command, in process, as a reader at a 100-column terminal sees it, in
    ``READER_FOLDER`` (the working folder's path, plain or in a ``file://`` address, is shown as it)."""
    from click.testing import CliRunner

    from pledges.cli.main import cli

    result = CliRunner().invoke(cli, args, env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise RuntimeError(f"pledges {shlex.join(args)} crashed: {result.exception!r}") from result.exception
    here = Path.cwd().resolve()
    output = result.output.replace(here.as_uri(), READER_FOLDER.as_uri()).replace(str(here), str(READER_FOLDER))
    return tidy(output)


def same(expected: str, actual: str) -> bool:
    """The chapter shows what was printed, durations aside."""
    return DURATION.sub("… 秒", expected) == DURATION.sub("… 秒", actual)


_DEMO: dict[str, Path] = {}


def demo_ledger() -> Path:
    """The small demo ledger at the recorded time, made once per process."""
    if "db" not in _DEMO:
        folder = Path(tempfile.mkdtemp(prefix="guide-demo-"))
        (folder / "ledgers").mkdir()
        with inside(folder):
            run(["--db", DEMO_DB, "demo", "--scale", "small", "--as-of", GUIDE_AS_OF])
        _DEMO["db"] = folder / DEMO_DB
    return _DEMO["db"]


def prepare(folder: Path, examples: bool = True) -> None:
    """A reader's folder: the demo ledger and the guide's example files."""
    (folder / "ledgers").mkdir(parents=True, exist_ok=True)
    shutil.copy(demo_ledger(), folder / DEMO_DB)
    if examples and EXAMPLES.is_dir():
        for example in sorted(EXAMPLES.iterdir()):
            if example.is_file():
                shutil.copy(example, folder / example.name)


def replay(chapter: Path, folder: Path) -> list[Step]:
    """Run every step of ``chapter`` in ``folder`` (empty or absent), filling in ``actual``."""
    folder.mkdir(parents=True, exist_ok=True)
    prepare(folder)
    steps = [step for block in blocks(chapter.read_text(encoding="utf-8")) for step in block]
    with inside(folder):
        for step in steps:
            args = shlex.split(step.command)
            if not args or args[0] != "pledges":
                raise ValueError(f"{chapter.name}: only `pledges` commands go in console blocks: {step.command}")
            step.actual = run(args[1:])
            if same(step.expected, step.actual):
                step.actual = step.expected
    return steps


def rewritten(text: str, steps: list[Step]) -> str:
    """``text`` with each console block's outputs replaced by what ``steps`` printed."""
    queue = iter(steps)

    def fill(block: re.Match) -> str:
        body = []
        for _ in blocks(block.group(0))[0]:
            step = next(queue)
            body.append(f"$ {step.command}\n" + (f"{step.actual}\n" if step.actual else ""))
        return "```console\n" + "".join(body) + "```"

    return BLOCK.sub(fill, text)


# --- Example files a reader downloads (docs/zh/examples/), written by ``--examples`` -----------------

SECRETARY = "罗志"  # the demo's 桃溪村党支部 (WL-DX-V001) has no secretary named; the guide makes its first member one
BRANCH = "WL-DX-V001"
# The branch's pledges for December, as a secretary types them into `pledges template`'s 承诺事项 sheet:
# member, title, content, category, target, unit, qualitative, criterion, due.  One row has a mistake a
# person makes (MISTAKE: the unit typed into 目标值), which the import reports; the corrected file fixes it.
BRANCH_PLEDGES = [
    (None, "整治村内河道 3 条", "清淤、护岸，立河长公示牌", "环境整治", 3, "条", "否", None, "2026-12-20"),
    (None, "开展主题党日活动 2 次", "12 月上、下旬各一次", "支部建设", 2, "次", "否", None, "2026-12-25"),
    ("M000002", "走访困难群众 10 户", "每户了解需求并登记", "为民服务", 10, "户", "否", None, "2026-12-20"),
    ("M000003", "参加环境卫生清理 6 次", None, "环境整治", 6, "次", "否", None, "2026-12-27"),
    ("M000004", "带徒传技 2 人", "教会大棚葡萄修剪", "助农增收", 2, "人", "否", None, "2026-12-30"),
    ("M000005", "调解邻里纠纷", None, "平安建设", None, None, "是", "经手的纠纷全部调解，无一上交镇里", "2026-12-30"),
]
MISTAKE = (2, "10户")  # BRANCH_PLEDGES[2]'s 目标值 as typed
BRANCH_SHEET = "桃溪村承诺.xlsx"
CORRECTED_SHEET = "桃溪村承诺-改正.xlsx"


def branch_sheet(path: Path) -> None:
    """`pledges template` filled in by 桃溪村's secretary: the example rows gone, the branch's
    pledges in 承诺事项 (one with a mistake)."""
    from datetime import date

    import openpyxl

    from pledges.sheets.template import write_template

    write_template(None, path)
    book = openpyxl.load_workbook(path)
    for sheet in ("党组织", "党员", "承诺事项", "践诺记实"):
        for cell in book[sheet][2]:
            cell.value = None
    sheet = book["承诺事项"]
    for row, (member, title, content, category, target, unit, qualitative, criterion, due) in enumerate(
            BRANCH_PLEDGES, start=2):
        if row - 2 == MISTAKE[0]:
            target = MISTAKE[1]
        values = [None, BRANCH, member, title, content, category, target, unit, qualitative, criterion,
                  date.fromisoformat(due), 2026]
        for column, value in enumerate(values, start=1):
            sheet.cell(row, column).value = value
        sheet.cell(row, len(values) - 1).number_format = "yyyy-mm-dd"
    book.save(path)


def corrected_sheet(path: Path) -> None:
    """What the secretary imports after fixing it: the errors workbook that `pledges import
    桃溪村承诺.xlsx --errors 错误.xlsx` writes, with the wrong cell corrected and its 错误原因 cleared."""
    import openpyxl

    with tempfile.TemporaryDirectory(prefix="guide-example-") as name:
        folder = Path(name)
        prepare(folder, examples=False)
        branch_sheet(folder / BRANCH_SHEET)
        with inside(folder):
            run(["--as", SECRETARY, "import", BRANCH_SHEET, "--errors", "错误.xlsx"])
        book = openpyxl.load_workbook(folder / "错误.xlsx")
    sheet = book["承诺事项"]
    headers = [cell.value for cell in sheet[1]]
    target, reason = headers.index("目标值") + 1, headers.index("错误原因") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, reason).value:
            sheet.cell(row, target).value = BRANCH_PLEDGES[MISTAKE[0]][4]
            sheet.cell(row, reason).value = None
    book.save(path)


EXAMPLE_MAKERS: dict[str, Callable[[Path], None]] = {BRANCH_SHEET: branch_sheet, CORRECTED_SHEET: corrected_sheet}


def make_examples() -> None:
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    for name, make in EXAMPLE_MAKERS.items():
        make(EXAMPLES / name)
        print(f"wrote {(EXAMPLES / name).relative_to(ROOT)}")


# Pictures: chapter name -> functions given the folder the chapter left behind and a Playwright
# browser; each writes its PNG into IMAGES.
Shot = Callable[[Path, object], None]


def secretary_branch_page(folder: Path, browser) -> None:
    """The branch's page of the board the secretary chapter builds into 公示/."""
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto((folder / "公示" / "o" / f"{BRANCH}.html").as_uri())
    page.screenshot(path=IMAGES / "secretary-branch-page.png")
    page.close()


def secretary_notice(folder: Path, browser) -> None:
    """The branch's notice (公示栏) as printed: A4 at 96 dpi, print media, its first page."""
    page = browser.new_page(viewport={"width": 794, "height": 1123})
    page.emulate_media(media="print")
    page.goto((folder / "公示" / "print" / f"notice-{BRANCH}.html").as_uri())
    page.screenshot(path=IMAGES / "secretary-notice.png")
    page.close()


def member_section(folder: Path, browser) -> None:
    """杨宇慧's section (the member's page a plaque's QR code opens) of the board the member chapter builds."""
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto((folder / "公示" / "o" / f"{BRANCH}.html").as_uri())
    member = page.locator("section[id^=m]", has=page.get_by_role("heading", name="杨宇慧", exact=True))
    member.screenshot(path=IMAGES / "member-section.png")
    page.close()


SHOTS: dict[str, list[Shot]] = {"secretary": [secretary_branch_page, secretary_notice], "member": [member_section]}


def visit_report(folder: Path, browser) -> None:
    """The top of the first page of the 松门镇 visit report the evaluation chapter writes."""
    page = browser.new_page(viewport={"width": 1000, "height": 1100}, device_scale_factor=1)
    page.goto((folder / "松门点评报告.html").resolve().as_uri())
    page.screenshot(path=IMAGES / "visit-report.png")
    page.close()


SHOTS.setdefault("evaluation", []).append(visit_report)


def take_shots(name: str, folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            for shot in SHOTS.get(name, []):
                shot(folder, browser)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--faq", action="store_true", help="only 常见问题, docs/zh/faq.md (scripts/guide_faq.py)")
    parser.add_argument("--card", action="store_true", help="only the 速查卡, docs/zh/card.html and card.pdf")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    parser.add_argument("--chapter", action="append", default=[], help="only this chapter (e.g. secretary)")
    parser.add_argument("--shots", action="store_true", help="also take the chapters' pictures")
    parser.add_argument("--examples", action="store_true", help="first write docs/zh/examples/ again")
    options = parser.parse_args(argv)
    if options.examples:
        make_examples()
    pages = [chapter_path(name) for name in options.chapter] or chapters()
    if options.faq or options.card:  # the generated pages instead of the chapters
        import guide_faq

        return guide_faq.main([flag for flag, wanted in (("--faq", options.faq), ("--card", options.card),
                                                         ("--check", options.check)) if wanted])
    drift = False
    for page in pages:
        with tempfile.TemporaryDirectory(prefix=f"guide-{page.stem}-") as folder:
            steps = replay(page, Path(folder))
            text = page.read_text(encoding="utf-8")
            new = rewritten(text, steps)
            if new != text:
                drift = True
                if options.check:
                    sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True),
                                                               str(page), "now"))
                else:
                    page.write_text(new, encoding="utf-8")
                    print(f"rewrote {page.relative_to(ROOT)}")
            if options.shots:
                take_shots(page.stem, Path(folder))
    return 1 if drift and options.check else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
