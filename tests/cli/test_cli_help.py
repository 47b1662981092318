"""Every command's help has an example (STYLE §10), and asking for help touches no database."""

import click
import pytest
from click.testing import CliRunner

from cli_support import ok
from pledges.cli.main import cli


def command_paths(group: click.Group = cli, prefix: tuple = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*prefix, name)))
    return paths


SURFACE = {("init",), ("org", "add"), ("org", "list"), ("org", "tree"), ("member", "add"), ("member", "list"),
           ("add",), ("list",), ("show",), ("submit",), ("approve",), ("return",), ("display",), ("progress",),
           ("complete",), ("fail",), ("extend",), ("amend",), ("withdraw",), ("evaluate",), ("lifecycle",)}


def test_the_spec_commands_are_all_there():
    assert SURFACE <= set(command_paths())


@pytest.mark.parametrize("lang, example_word, options_word", [("en", "Example:", "Options:"), ("zh", "示例：", "选项：")])
@pytest.mark.parametrize("path", sorted(SURFACE), ids=" ".join)
def test_help_has_an_example(path, lang, example_word, options_word):
    result = ok(CliRunner().invoke(cli, [*path, "--help"], env={"PLEDGES_DB": "sqlite:////nonexistent/dir/x.db",
                                                                   "PLEDGES_LANG": lang}))
    assert example_word in result.stdout
    example = result.stdout.split(example_word)[1].split(options_word)[0]
    assert "pledges" in example and path[-1] in example
