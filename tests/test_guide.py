"""The Chinese user's guide (docs/zh/) shows real output: every ``$ pledges …`` line of its
chapters is replayed by scripts/guide.py from the demo ledger, and must print what the chapter
shows.  To refresh a chapter after a deliberate change: ``.venv/bin/python scripts/guide.py``."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import guide  # noqa: E402


def test_a_console_block_is_read_as_commands_and_their_output():
    text = "intro\n```console\n$ pledges list --org X\n 编号  \n a\n$ pledges show 1\n```\nmore\n"
    [[first, second]] = guide.blocks(text)
    assert (first.command, first.expected) == ("pledges list --org X", " 编号\n a")
    assert (second.command, second.expected) == ("pledges show 1", "")
    first.actual, second.actual = "新", "旧\n行"
    assert guide.rewritten(text, [first, second]) == (
        "intro\n```console\n$ pledges list --org X\n新\n$ pledges show 1\n旧\n行\n```\nmore\n")


def test_a_console_block_holds_only_pledges_commands(tmp_path, monkeypatch):
    page = tmp_path / "x.md"
    page.write_text("```console\n$ rm -rf ledgers\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="only `pledges`"):
        guide.replay(page, tmp_path / "run")


@pytest.mark.parametrize("chapter", guide.chapters(), ids=lambda page: page.stem)
def test_the_chapter_is_real_output(chapter, tmp_path):
    for step in guide.replay(chapter, tmp_path):
        assert step.actual == step.expected, f"{chapter.name}: $ {step.command}"


def test_a_run_shows_the_readers_folder_and_durations_compare_as_any_number(tmp_path):
    with guide.inside(tmp_path):
        printed = guide.run(["--db", str(tmp_path / "x.db"), "init"])
    assert printed == f"已创建承诺台账：sqlite:///{guide.READER_FOLDER / 'x.db'}"
    assert guide.same("已生成：用时 0.1 秒；打开", "已生成：用时 2.4 秒；打开")
    assert not guide.same("已生成 3 个文件", "已生成 4 个文件")


def cells(path: Path) -> dict:
    import openpyxl

    book = openpyxl.load_workbook(path)
    return {sheet.title: [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
            for sheet in book}


@pytest.mark.parametrize("name", sorted(guide.EXAMPLE_MAKERS))
def test_the_example_file_is_what_its_maker_writes(name, tmp_path):
    """docs/zh/examples/ is made by scripts/guide.py --examples, never by hand."""
    guide.EXAMPLE_MAKERS[name](tmp_path / name)
    assert cells(guide.EXAMPLES / name) == cells(tmp_path / name)


def test_the_reminders_the_secretary_chapter_quotes_are_what_a_scan_sends(tmp_path):
    """The chapter quotes reminders in ```text blocks (a scan sends hundreds, too many to replay):
    each is one a scan of the demo ledger sends at the recorded time."""
    import re

    page = guide.chapter_path("secretary").read_text(encoding="utf-8")
    quoted = [line for block in re.findall(r"```text\n(.*?)```", page, re.S) for line in block.splitlines()
              if line.startswith("【")]
    guide.prepare(tmp_path, examples=False)
    with guide.inside(tmp_path):
        sent = {line.split(": ", 1)[1] for line in guide.run(["remind", "run"]).splitlines() if " → " in line}
    assert len(quoted) == 3 and [line for line in quoted if line not in sent] == []


def test_the_guide_has_a_chapter_for_every_role_and_make_demo_builds_its_practice_ledger():
    """One chapter per role (issue 15), each replayed; and `make demo` builds the ledger the
    chapters were recorded on (scripts/demo.sh spells the same path and day as the engine)."""
    assert {"secretary", "member", "organiser", "evaluation", "admin"} <= {page.stem for page in guide.chapters()}
    demo = (Path(guide.ROOT) / "scripts" / "demo.sh").read_text(encoding="utf-8")
    assert f"pledges --db {guide.DEMO_DB} demo --scale small --as-of {guide.GUIDE_AS_OF}" in demo
