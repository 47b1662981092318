"""Rules of the codebase that a test can hold (STYLE.md): layers import downward only, and
every command has help text with an example."""

import ast
from pathlib import Path

import click
import pytest

from pledges.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent

# folder → (its package, the imports it must not make)
SERVER = ("starlette", "uvicorn", "zxingcpp")  # the board's web server and QR codes, for the board alone
WEB = ("jinja2", *SERVER)  # templates: the board, and workflows/' visit report
LAYERS = {
    "pledges": ("pledges", ("pledges.workflows", "pledges.demo", "pledges.board", "pledges.cli", "click", "rich",
                            *WEB)),
    "workflows": ("pledges.workflows", ("pledges.demo", "pledges.board", "pledges.cli", "click", "rich", *SERVER)),
    # the demo generator sits above workflows/ and drives its engine and effects; it is no command
    "demo": ("pledges.demo", ("pledges.board", "pledges.cli", "click", "rich", *WEB)),
    # the public board sits above workflows/ too, beside the demo: pages, printables, the web server
    "board": ("pledges.board", ("pledges.demo", "pledges.cli", "click", "rich")),
    "cli": ("pledges.cli", ("sqlalchemy", "sqlmodel", "transitions", "psycopg")),
}
# What cli/ may take from the demo layer: its public function, not its insides.
DEMO_PUBLIC = {"pledges.demo", "pledges.demo.build_demo", "pledges.demo.DEMO_ACTOR"}
# ... and from the board layer: what its package exports.
BOARD_PUBLIC = {"pledges.board", "pledges.board.Site", "pledges.board.build_site", "pledges.board.read_checkpoint",
                "pledges.board.serve"}


def imports_of(path: Path, package: str) -> set[str]:
    """Absolute names of every module a file imports (relative imports resolved)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return names


def crossings(folder: str, root: Path = ROOT) -> list[str]:
    package, forbidden = LAYERS[folder]
    found = []
    for path in sorted((root / folder).rglob("*.py")):
        for name in sorted(imports_of(path, package)):
            if any(name == bad or name.startswith(bad + ".") for bad in forbidden):
                found.append(f"{path.relative_to(root)} imports {name}")
    return found


@pytest.mark.parametrize("folder", LAYERS)
def test_layers_import_downward_only(folder):
    assert crossings(folder) == []


def test_cli_uses_only_the_demos_public_function():
    taken = {name for path in (ROOT / "cli").rglob("*.py") for name in imports_of(path, "pledges.cli")
             if name == "pledges.demo" or name.startswith("pledges.demo.")}
    assert taken and taken <= DEMO_PUBLIC, taken - DEMO_PUBLIC


def test_cli_uses_only_the_boards_public_functions():
    taken = {name for path in (ROOT / "cli").rglob("*.py") for name in imports_of(path, "pledges.cli")
             if name == "pledges.board" or name.startswith("pledges.board.")}
    assert taken and taken <= BOARD_PUBLIC, taken - BOARD_PUBLIC


def test_the_layer_check_catches_a_crossing(tmp_path):
    (tmp_path / "workflows").mkdir()
    (tmp_path / "workflows" / "bad.py").write_text("from ..cli import render\nimport rich.table\n")
    assert crossings("workflows", tmp_path) == [
        "workflows/bad.py imports pledges.cli", "workflows/bad.py imports pledges.cli.render",
        "workflows/bad.py imports rich.table"]


def all_commands(group: click.Group, prefix: str = "pledges"):
    yield prefix, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from all_commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}", command


@pytest.mark.parametrize("name,command", list(all_commands(cli)), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_with_an_example(name, command):
    assert (command.help or "").strip(), f"{name} has no help text"
    assert "Example:" in command.help, f"{name} has no example in its help"
    assert name.split()[-1] in command.help or name == "pledges", f"{name}'s example does not use it"
