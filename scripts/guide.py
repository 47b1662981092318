"""The Chinese user's guide (docs/zh/) is real output.

Every ```console block of a chapter holds only ``$ pledges …`` lines, each followed by what it
prints.  A chapter is replayed in a fresh folder holding the small demo ledger at
``ledgers/demo.db`` (what ``make demo`` makes) and a copy of ``docs/zh/examples/``, with the clock
frozen at ``RECORDED_AT`` and ``PLEDGES_DB=ledgers/demo.db``; its blocks run in order, so a
command sees what the earlier ones did.  ``tests/test_guide.py`` fails when an output drifts.

    .venv/bin/python scripts/guide.py [--check] [--chapter NAME ...] [--shots]

Without ``--check`` the outputs in the chapters are rewritten from the run (write the commands,
run this, read what came out).  ``--check`` only compares and exits 1 with a diff.  ``--shots``
also takes the chapter's pictures (``SHOTS``) in headless Chromium into ``docs/zh/img/``, from
the folder the chapter's commands left behind.  ``--faq`` and ``--card`` instead write (or with
``--check`` compare) the generated pages, 常见问题 and the 速查卡 (``scripts/guide_faq.py``).
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
DEMO_DB = "ledgers/demo.db"
ENV = {"PLEDGES_DB": DEMO_DB, "PLEDGES_USER": None, "PLEDGES_LANG": None, "COLUMNS": "100"}
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
CHROMIUM = "/usr/bin/chromium"


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
    """One ``pledges`` command, in process, as a reader at a 100-column terminal sees it."""
    from click.testing import CliRunner

    from pledges.cli.main import cli

    result = CliRunner().invoke(cli, args, env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise RuntimeError(f"pledges {shlex.join(args)} crashed: {result.exception!r}") from result.exception
    return tidy(result.output)


_DEMO: dict[str, Path] = {}


def demo_ledger() -> Path:
    """The small demo ledger at the recorded time, made once per process."""
    if "db" not in _DEMO:
        folder = Path(tempfile.mkdtemp(prefix="guide-demo-"))
        (folder / "ledgers").mkdir()
        with inside(folder):
            run(["demo", "--scale", "small"])
        _DEMO["db"] = folder / DEMO_DB
    return _DEMO["db"]


def prepare(folder: Path) -> None:
    """A reader's folder: the demo ledger and the guide's example files."""
    (folder / "ledgers").mkdir(parents=True, exist_ok=True)
    shutil.copy(demo_ledger(), folder / DEMO_DB)
    if EXAMPLES.is_dir():
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


# Pictures: chapter name -> functions given the folder the chapter left behind and a Playwright
# browser; each writes its PNG into IMAGES.
Shot = Callable[[Path, object], None]
SHOTS: dict[str, list[Shot]] = {}


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
    options = parser.parse_args(argv)
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
