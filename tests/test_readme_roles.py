"""The README's deployment with roles is real output: every ``$ pledges …`` line of the console
block under "Users and roles" is run through the real command, in an empty folder, and must
print exactly what the README shows (refusals included)."""

import re
import shlex

import time_machine
from click.testing import CliRunner

from pledges.cli.main import cli
from test_readme import README, RECORDED_AT


def deployment() -> list[tuple[str, str]]:
    """(command line, expected output) pairs of the console block of the roles section."""
    section = README.read_text(encoding="utf-8").split("## Users and roles", 1)[1]
    block = re.search(r"```console\n(.*?)```", section, re.S).group(1)
    steps = re.split(r"^\$ ", block, flags=re.M)[1:]
    return [(step.split("\n", 1)[0], step.split("\n", 1)[1] if "\n" in step else "") for step in steps]


def run(tmp_path, monkeypatch) -> list[tuple[str, str]]:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    env = {"PLEDGES_USER": None, "PLEDGES_DB": None, "PLEDGES_LANG": None, "COLUMNS": "100"}
    seen = []
    with time_machine.travel(RECORDED_AT, tick=False):
        for command, _ in deployment():
            args = shlex.split(command)
            assert args[0] == "pledges"
            seen.append((command, runner.invoke(cli, args[1:], env=env).output))
    return seen


def test_each_role_is_shown_refused_what_it_may_not_do():
    refused_as = {shlex.split(command)[2] for command, output in deployment() if output.startswith(("错误", "error"))}
    assert {"管理员", "陈部长", "王书记", "张三"} <= refused_as


def test_the_deployment_is_real_output(tmp_path, monkeypatch):
    for (command, expected), (_, output) in zip(deployment(), run(tmp_path, monkeypatch)):
        assert output.rstrip() == expected.rstrip(), command


if __name__ == "__main__":  # print the block as it runs now, to paste into the README
    import sys
    import tempfile
    from pathlib import Path

    import pytest

    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        for command, output in run(Path(folder), patch):
            sys.stdout.write(f"$ {command}\n{output}")
