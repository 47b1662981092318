"""The permission matrix: every role × every command that changes the ledger × inside or
outside the grant's subtree × the person's own pledge or not, through the real command, on
SQLite and PostgreSQL, against the contract table of docs/roles.md.

One ledger per database (module scope).  Every role's person is granted on the town DX
(WL → DX → DX-V1; WL → SX → SX-V1 outside) and has a member row in DX-V1.  The targets:

- ``own``: the person's own member pledge in DX-V1;
- ``member``: another member's pledge in DX-V1;
- ``below``: DX-V1's own pledge (an organisation strictly below the grant);
- ``same``: DX's own pledge (the organisation of the grant itself);
- ``outside``: SX-V1's own pledge.

A case the table allows runs on a fresh pledge (made by the city's organiser through the
library) and must succeed; a refused case runs on a shared pledge and must exit 1 with one
line on stderr and leave every row of the database as it was."""

import hashlib
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from cli_support import describe
from pledges.db import Ledger, normalise_url
from pledges.entries import create_pledge
from pledges.members import add_member
from pledges.orgs import add_org
from pledges.people import add_person, grant_role
from pledges.vocab import Role
from pledges.workflows.engine import run
from support import NOW, Clock, pg_schema

ROLES_DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
CITY = "市组织部"  # organiser on WL: makes the pledges the cases act on
PERSON = {role: f"{role.value}君" for role in Role}
NUMBER = {role: f"M-{role.value}" for role in Role}
OTHER = "M-other"  # a member of DX-V1 who is nobody's person
PLEDGE_SITUATIONS = ("own", "member", "below", "same", "outside")
ORG_SITUATIONS = ("inside", "outside")

# command → (the state its pledge is in, the CLI arguments after the id, how to reach the state)
DUE, PAST = date(2026, 9, 30), date(2026, 6, 1)
PLEDGE_COMMANDS = {
    "add": None,
    "edit": ("draft", ["--title", "新标题"]),
    "submit": ("draft", []),
    "approve": ("submitted", []),
    "return": ("submitted", ["--reason", "不具体"]),
    "display": ("approved", ["--channel", "board"]),
    "progress": ("displayed", ["--amount", "1"]),
    "complete": ("reached", []),
    "complete --note (below the target)": ("in_progress", ["--note", "组织确认"]),
    "fail (after the due date)": ("late", ["--reason", "未完成"]),
    "fail (before the due date)": ("displayed", ["--reason", "无法完成"]),
    "extend": ("displayed", ["--due", "2026-11-30", "--reason", "汛期"]),
    "amend": ("displayed", ["--title", "新标题", "--reason", "调整"]),
    "withdraw": ("draft", ["--reason", "重复"]),
    "evaluate": ("late_failed", ["--grade", "good"]),
}
STEPS = {
    "draft": [], "submitted": [("submit", {})], "approved": [("submit", {}), ("approve", {})],
    "displayed": [("submit", {}), ("approve", {}), ("display", {"channel": "board"})],
}
STEPS["in_progress"] = STEPS["displayed"] + [("record_progress", {"amount": 1})]
STEPS["reached"] = STEPS["displayed"] + [("record_progress", {"amount": 12})]
STEPS["late"] = STEPS["displayed"]
STEPS["late_failed"] = STEPS["displayed"] + [("fail", {"reason": "到期未完成"})]


def contract() -> dict[str, dict[Role, str]]:
    """The table of docs/roles.md between its markers: command → role → cell."""
    body = ROLES_DOC.read_text(encoding="utf-8").split("<!-- permissions -->")[1].split("<!-- /permissions -->")[0]
    lines = [line for line in body.strip().splitlines() if line.startswith("|")]
    roles = [Role(cell.strip()) for cell in lines[0].strip("|").split("|")[1:]]
    table = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        table[re.sub(r"`", "", cells[0])] = dict(zip(roles, cells[1:]))
    return table


CONTRACT = contract()


def expected(cell: str, situation: str) -> bool:
    """Does a cell of the contract allow the command on this target?"""
    return {
        "—": False,
        "anywhere": True,
        "subtree": situation in ("own", "member", "below", "same", "inside"),
        "above": situation in ("member", "below", "inside"),  # an organisation inside is below the grant
        "own": situation == "own",
    }[cell]


def cases():
    for command, row in CONTRACT.items():
        if command in ("user add", "grant", "revoke", "campaign set"):
            situations = ("anywhere",)
        elif command in PLEDGE_COMMANDS:
            situations = PLEDGE_SITUATIONS
        else:
            situations = ORG_SITUATIONS
        for role, cell in row.items():
            for situation in situations:
                yield pytest.param(role, command, situation, expected(cell, situation) if situation != "anywhere"
                                   else cell == "anywhere", id=f"{role.value}-{command.split()[0]}"
                                   f"{'-note' if '--note' in command else ''}"
                                   f"{'-late' if 'after' in command else ''}{'-early' if 'before' in command else ''}"
                                   f"-{situation}")


def test_the_contract_covers_every_role_and_command():
    assert set(CONTRACT) == set(PLEDGE_COMMANDS) | {"org add", "org set", "member add", "member set", "import",
                                                     "member edit", "member move", "member leave", "org rename",
                                                     "org move", "campaign set", "visit survey import",
                                                     "user add", "grant", "revoke"}
    assert all(set(row) == set(Role) for row in CONTRACT.values())


# --- the ledger -------------------------------------------------------------------------------

class Matrix:
    """One ledger for the whole module, with its shared targets and a counter for new names."""

    def __init__(self, url: str, tmp: Path):
        self.url, self.tmp, self.serial = url, tmp, 0
        self.ledger = Ledger(url, clock=Clock())
        self.ledger.init()
        self.shared: dict[tuple[str, str, Role | None], int] = {}
        self.tables: list[str] | None = None
        self.last: str | None = None  # the digest after the last refused command

    def build(self) -> None:
        ledger = self.ledger
        for code, name, parent in (("WL", "温岭市委", None), ("DX", "大溪镇党委", "WL"), ("DX-V1", "大溪村党支部", "DX"),
                                   ("SX", "松门镇党委", "WL"), ("SX-V1", "松门村党支部", "SX")):
            add_org(ledger, code, name, parent=parent, actor=CITY)
        for number in [*NUMBER.values(), OTHER]:
            add_member(ledger, number, f"党员{number}", org="DX-V1", actor=CITY)
        add_person(ledger, CITY, actor=CITY)
        grant_role(ledger, CITY, "organiser", "WL", actor=CITY)
        for role in Role:
            add_person(ledger, PERSON[role], actor=CITY, member=NUMBER[role])
            grant_role(ledger, PERSON[role], role, "DX", actor=CITY)

    def pledge(self, state: str, situation: str, role: Role) -> int:
        """A new pledge in ``state`` for the target ``situation`` of ``role``'s person."""
        org, member = {"own": ("DX-V1", NUMBER[role]), "member": ("DX-V1", OTHER), "below": ("DX-V1", None),
                       "same": ("DX", None), "outside": ("SX-V1", None)}[situation]
        due = PAST if state.startswith("late") else DUE
        self.last = None
        pledge_id = create_pledge(self.ledger, org=org, member=member, title="走访困难群众", target=12, unit="户",
                                  due=due, actor=CITY).id
        for trigger, args in STEPS[state]:
            run(self.ledger, [pledge_id], trigger, CITY, **args)
        return pledge_id

    def shared_pledge(self, state: str, situation: str, role: Role) -> int:
        key = (state, situation, role if situation == "own" else None)
        if key not in self.shared:
            self.shared[key] = self.pledge(state, situation, role)
        return self.shared[key]

    def name(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}{self.serial}"

    def digest(self) -> str:
        """Every row of every table: equal before and after means nothing changed.  One query
        on PostgreSQL (each table's rows as text, sorted, hashed by the server)."""
        with self.ledger.engine.connect() as connection:
            if self.tables is None:
                self.tables = sorted(inspect(connection).get_table_names())
            if connection.dialect.name == "postgresql":
                parts = " UNION ALL ".join(
                    f"SELECT '{t}', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM \"{t}\" x"
                    for t in self.tables)
                lines = [repr(row) for row in connection.execute(text(parts))]
            else:
                lines = []
                for table in self.tables:
                    rows = connection.execute(text(f'SELECT * FROM "{table}"'))
                    lines.append(f"{table}: {sorted(map(repr, rows))}")
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    def unchanged_since(self) -> str:
        """The digest before a refused command: the one taken after the last refusal, unless a
        command went through since."""
        if self.last is None:
            self.last = self.digest()
        return self.last


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def matrix(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("matrix")
    if request.param == "sqlite":
        built = Matrix(f"sqlite:///{tmp / 'ledger.db'}", tmp)
        built.build()
        yield built
        built.ledger.dispose()
        return
    import os

    from sqlalchemy import create_engine

    pg_url = os.environ.get("PLEDGES_TEST_PG_URL")
    if not pg_url:
        pytest.skip("PostgreSQL half skipped: PLEDGES_TEST_PG_URL is not set (CI sets it)")
    admin = create_engine(normalise_url(pg_url), isolation_level="AUTOCOMMIT")
    with pg_schema(admin, normalise_url(pg_url)) as url:
        built = Matrix(url, tmp)
        built.build()
        yield built
        built.ledger.dispose()
    admin.dispose()


@pytest.fixture(scope="module")
def invoke(matrix):
    import time_machine
    from click.testing import CliRunner

    from pledges.cli.main import cli

    runner = CliRunner()
    env = {"PLEDGES_DB": matrix.url, "PLEDGES_LANG": "zh", "PLEDGES_USER": None}

    def call(actor: str, *args):
        with time_machine.travel(NOW, tick=False):
            return runner.invoke(cli, ["--as", actor, *map(str, args)], env=env)

    return call


# --- the commands -------------------------------------------------------------------------------

def arguments(matrix: Matrix, role: Role, command: str, situation: str, allowed: bool) -> list:
    """The command line of a case; a case that is to succeed gets targets of its own."""
    if command in PLEDGE_COMMANDS:
        return pledge_arguments(matrix, role, command, situation, allowed)
    inside = situation == "inside"
    org, member = ("DX-V1", OTHER) if inside else ("SX-V1", None)
    if command == "org add":
        return ["org", "add", matrix.name("NEW"), "新支部", "--parent", org]
    if command == "org set":
        return ["org", "set", org, "--secretary", matrix.name("书记")]
    if command == "member add":
        return ["member", "add", matrix.name("N"), "新党员", "--org", org]
    if command == "member set":
        if member is None:
            member, matrix.last = matrix.name("MS"), None
            add_member(matrix.ledger, member, "松门党员", org="SX-V1", actor=CITY)
        return ["member", "set", member, "--email", f"{matrix.name('m')}@example.cn"]
    if command == "import":
        sheet = matrix.tmp / f"{matrix.name('import')}.csv"
        sheet.write_text(f"党员编号,姓名,党组织代码\n{matrix.name('I')},导入党员,{org}\n", encoding="utf-8")
        return ["import", sheet]
    town = "DX" if inside else "SX"
    if command in ("member edit", "member move", "member leave"):
        number, matrix.last = matrix.name("MV"), None  # a member of their own: the case changes it
        add_member(matrix.ledger, number, "调动党员", org=org, actor=CITY)
        return {"member edit": ["member", "edit", number, "--name", "改名党员"],
                "member move": ["member", "move", number, "--org", town, "--reason", "工作调动"],
                "member leave": ["member", "leave", number, "--reason", "转出"]}[command]
    if command in ("org rename", "org move"):
        code, matrix.last = matrix.name("ORG"), None  # an organisation of its own, below the town
        add_org(matrix.ledger, code, "新设支部", parent=town, actor=CITY)
        if command == "org rename":
            return ["org", "rename", code, matrix.name("更名支部")]
        return ["org", "move", code, "--parent", org, "--reason", "区划调整"]
    if command == "visit survey import":
        sheet = matrix.tmp / f"{matrix.name('survey')}.csv"
        sheet.write_text(f"单位代码,调查对象,是否知晓承诺,满意度,意见建议\n{org},群众,是,满意,\n", encoding="utf-8")
        return ["visit", "survey", "import", sheet]
    if command == "campaign set":
        return ["campaign", "set", "--lint-refuses" if matrix.serial % 2 else "--lint-warns"]
    if command == "user add":
        return ["user", "add", matrix.name("新人")]
    person, matrix.last = matrix.name("受权人"), None
    add_person(matrix.ledger, person, actor=CITY)
    if command == "grant":
        return ["grant", person, "viewer", "--org", "DX-V1"]
    grant_role(matrix.ledger, person, "viewer", "DX-V1", actor=CITY)
    return ["revoke", person, "viewer", "--org", "DX-V1"]


def pledge_arguments(matrix: Matrix, role: Role, command: str, situation: str, allowed: bool) -> list:
    if command == "add":
        org, member = {"own": ("DX-V1", NUMBER[role]), "member": ("DX-V1", OTHER), "below": ("DX-V1", None),
                       "same": ("DX", None), "outside": ("SX-V1", None)}[situation]
        return ["add", "--org", org, *(["--member", member] if member else []), "--title", "走访", "--target", "3",
                "--unit", "户", "--due", "2026-09-30"]
    state, rest = PLEDGE_COMMANDS[command]
    make = matrix.pledge if allowed else matrix.shared_pledge
    return [command.split()[0], make(state, situation, role), *rest]


@pytest.mark.parametrize("role,command,situation,allowed", list(cases()))
def test_permission(matrix, invoke, role, command, situation, allowed):
    if allowed:
        matrix.last = None
        result = invoke(PERSON[role], *arguments(matrix, role, command, situation, allowed))
        assert result.exit_code == 0, describe(result)
        return
    args = arguments(matrix, role, command, situation, allowed)
    before = matrix.unchanged_since()
    result = invoke(PERSON[role], *args)
    assert result.exit_code == 1, describe(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) >= 1 and lines[-1].startswith("错误："), describe(result)
    assert "只有" in result.stderr or "组织部门" in result.stderr, describe(result)  # says who may instead
    matrix.last = matrix.digest()
    assert matrix.last == before, f"a refused {command} changed the database"
