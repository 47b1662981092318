"""The README's walkthrough is real output: every ``$ pledges …`` line in its console block is
run through the real command, in an empty folder, at the time it was recorded, and must print
exactly what the README shows."""

import re
import shlex
from datetime import datetime, timezone
from pathlib import Path

import time_machine
from click.testing import CliRunner

from pledges.cli.main import cli

README = Path(__file__).resolve().parent.parent / "README.md"
RECORDED_AT = datetime(2026, 11, 25, 8, 59, 30, tzinfo=timezone.utc)  # the history shows 16:59 in Shanghai


def walkthrough() -> list[tuple[str, str]]:
    """(command line, expected output) pairs from the README's ```console block."""
    block = re.search(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    steps = re.split(r"^\$ ", block, flags=re.M)[1:]
    return [(step.split("\n", 1)[0], step.split("\n", 1)[1] if "\n" in step else "") for step in steps]


def test_the_walkthrough_has_the_whole_life_of_a_pledge():
    commands = [command.split()[1] if not command.split()[1].startswith("-") else command.split()[3]
                for command, _ in walkthrough()]
    assert {"add", "submit", "approve", "display", "progress", "complete", "evaluate", "show"} <= set(commands)


def test_the_walkthrough_is_real_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    env = {"PLEDGES_USER": "王书记", "PLEDGES_DB": None, "PLEDGES_LANG": None, "COLUMNS": "100"}
    with time_machine.travel(RECORDED_AT, tick=False):
        for command, expected in walkthrough():
            args = shlex.split(command)
            assert args[0] == "pledges"
            result = runner.invoke(cli, args[1:], env=env)
            assert result.output.rstrip() == expected.rstrip(), command
