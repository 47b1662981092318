"""Reading is scoped (docs/roles.md#reading): every listing, dashboard, export and view shows
only the reader's subtree, and an ``--org`` outside it is refused in one line.

People and grants are written straight into the ledger here (their commands are another
piece of work); everything else goes through the real command, on SQLite and PostgreSQL."""

import csv
import io

import pytest
from sqlalchemy import select

from cli_support import add, as_json, ok, refused, walk
from pledges.models import Organisation, Person, RoleGrant
from support import ACTOR, NOW


def person(ledger, name: str, *grants: tuple[str, str], login: str | None = None) -> None:
    with ledger.session() as session:
        row = Person(name=name, login=login, created_at=NOW, created_by=ACTOR)
        session.add(row)
        session.flush()
        for role, code in grants:
            org_id = session.scalar(select(Organisation.id).where(Organisation.code == code))
            session.add(RoleGrant(person_id=row.id, role=role, org_id=org_id, granted_by=ACTOR, granted_at=NOW))


@pytest.fixture
def town(pledges, tree):
    """``tree`` with an overdue displayed pledge in DX-V1 and in SX-V1 (each with its overdue
    reminder), then the people: 大溪组织委员 (organiser of DX), 松门书记 (secretary of SX-V1),
    管理员 (admin on WL), 张三 (member of DX-V1) and a viewer with no grant."""
    ids = {}
    for org in ("DX-V1", "SX-V1"):
        ids[org] = add(pledges, org=org, due="2026-06-10", title=f"{org}走访困难群众")
        walk(pledges, ids[org], "displayed")
    ok(pledges("remind", "run"))
    person(tree, "大溪组织委员", ("organiser", "DX"))
    person(tree, "松门书记", ("secretary", "SX-V1"))
    person(tree, "管理员", ("admin", "WL"))
    person(tree, "张三", ("member", "DX-V1"))
    person(tree, "无权者")
    return ids


def as_(pledges, who: str, *args):
    return pledges(*args, env={"PLEDGES_USER": who})


def test_a_town_organiser_reads_only_their_town(pledges, town):
    who = "大溪组织委员"
    assert [r["id"] for r in as_json(as_(pledges, who, "list", "--format", "json"))] == [town["DX-V1"]]
    board = as_json(as_(pledges, who, "dashboard", "--format", "json"))
    assert board["scope"] == ["DX"]
    assert [r["code"] for r in board["rows"]] == ["DX", "DX-V1", "DX-V2"]
    assert board["totals"]["declared"] == 1 and board["totals"]["overdue"] == 1
    late = as_json(as_(pledges, who, "overdue", "--format", "json"))
    assert [r["id"] for r in (late["rows"] if isinstance(late, dict) else late)] == [town["DX-V1"]]
    assert [r["code"] for r in as_json(as_(pledges, who, "org", "list", "--format", "json"))] == ["DX", "DX-V1", "DX-V2"]
    tree_text = ok(as_(pledges, who, "org", "tree")).stdout
    assert "DX-V1" in tree_text and "SX" not in tree_text and "WL" not in tree_text
    assert [r["number"] for r in as_json(as_(pledges, who, "member", "list", "--format", "json"))] == ["M001", "M002"]
    assert [r["pledge"] for r in as_json(as_(pledges, who, "remind", "list", "--format", "json"))] == [town["DX-V1"]]
    lint = as_json(as_(pledges, who, "lint", "--format", "json"))
    assert lint["scope"] == ["DX"] and {f["org"] for f in lint["findings"]} <= {"DX-V1"}
    kinds = as_json(as_(pledges, who, "dashboard", "--by", "kind", "--format", "json"))
    assert kinds["totals"]["declared"] == 1
    assert ok(as_(pledges, who, "show", town["DX-V1"], "--format", "json"))


def test_the_export_holds_only_the_readers_subtree(pledges, town, tmp_path):
    out = tmp_path / "export.csv"
    ok(as_(pledges, "松门书记", "export", "--out", out))
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 2 and str(town["SX-V1"]) in rows[1]


@pytest.mark.parametrize("args", [
    ("list", "--org", "DX"), ("dashboard", "--org", "DX"), ("dashboard", "--org", "WL"), ("overdue", "--org", "DX"),
    ("org", "list", "--under", "WL"), ("org", "tree", "DX"), ("member", "list", "--org", "DX-V1"),
    ("lint", "--org", "DX"), ("dashboard", "--by", "category", "--org", "DX"),
    ("visit", "sample", "--org", "DX", "--units", "1", "--seed", "x"),
])
def test_an_org_outside_the_readers_subtree_is_refused(pledges, town, args):
    line = refused(as_(pledges, "松门书记", "--lang", "en", *args))
    assert "outside what 松门书记 may read (SX-V1 and below)" in line


def test_show_of_a_pledge_outside_is_refused(pledges, town):
    line = refused(as_(pledges, "大溪组织委员", "--lang", "en", "show", town["SX-V1"]))
    assert f"pledge {town['SX-V1']} is outside what 大溪组织委员 may read (DX and below)" in line


def test_inside_the_subtree_org_narrows_the_view(pledges, town):
    board = as_json(as_(pledges, "大溪组织委员", "dashboard", "--org", "DX-V1", "--format", "json"))
    assert board["scope"] == ["DX-V1"] and board["totals"]["declared"] == 1
    assert as_json(as_(pledges, "大溪组织委员", "list", "--org", "DX-V2", "--format", "json")) == []


def test_an_admin_reads_everything_and_a_member_their_branch(pledges, town):
    assert len(as_json(as_(pledges, "管理员", "list", "--format", "json"))) == 2
    assert as_json(as_(pledges, "管理员", "dashboard", "--format", "json"))["scope"] == ["WL"]
    assert [r["id"] for r in as_json(as_(pledges, "张三", "list", "--format", "json"))] == [town["DX-V1"]]
    assert as_json(as_(pledges, "无权者", "list", "--format", "json")) == []


def test_once_people_exist_the_reader_must_be_one_of_them(pledges, town):
    assert "not a user of this ledger" in refused(as_(pledges, "路人", "--lang", "en", "list"))
    assert "--as" in refused(pledges("--lang", "en", "list", env={"PLEDGES_USER": ""}))


def test_the_visit_report_and_the_survey_are_scoped_too(pledges, town, tmp_path):
    """An evaluation group's visit report and questionnaire results read only the reader's
    subtree: another town is refused in one line, and with no --org they cover the reader's own."""
    answers = tmp_path / "answers.csv"
    answers.write_text("单位代码,调查对象,是否知晓承诺,满意度,意见建议\nDX-V1,群众,是,满意,\nSX-V1,群众,否,不满意,\n",
                       encoding="utf-8")
    ok(as_(pledges, "管理员", "visit", "survey", "import", answers))
    who = "大溪组织委员"
    found = as_json(as_(pledges, who, "visit", "survey", "results", "--format", "json"))
    assert [(g["group"], g["respondents"]) for g in found["groups"]] == [("members", 0), ("public", 1)]
    assert [u["code"] for u in found["units"]] == ["DX-V1"]
    refused(as_(pledges, who, "visit", "survey", "results", "--org", "SX"))
    report = tmp_path / "report.html"
    refused(as_(pledges, who, "visit", "report", "--org", "SX", "--out", report))
    assert not report.exists()
    ok(as_(pledges, who, "visit", "report", "--seed", "2026-09-14", "--units", "1", "--out", report))
    html = report.read_text(encoding="utf-8")
    assert "大溪镇党委" in html and "松门镇党委" not in html and "SX-V1走访困难群众" not in html
