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
