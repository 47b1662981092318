"""``pledges init``, ``org …`` and ``member …`` through the real command."""

import csv
import io

import pytest
from sqlalchemy import select

from cli_support import ORG_FIELDS, as_json, counts, ok, refused, usage_error
from pledges.db import Ledger
from pledges.models import SCHEMA_VERSION, AuditEvent, Member, Organisation

TREE_ORDER = ["WL", "DX", "DX-V1", "DX-V2", "SX", "SX-V1"]
ORGS = {
    "WL": {"code": "WL", "name": "温岭市委", "kind": "committee", "parent": None},
    "DX": {"code": "DX", "name": "大溪镇党委", "kind": "committee", "parent": "WL"},
    "DX-V1": {"code": "DX-V1", "name": "大溪村党支部", "kind": "village", "parent": "DX"},
    "DX-V2": {"code": "DX-V2", "name": "大溪社区党支部", "kind": "community", "parent": "DX"},
    "SX": {"code": "SX", "name": "松门镇党委", "kind": "committee", "parent": "WL"},
    "SX-V1": {"code": "SX-V1", "name": "松门村党支部", "kind": "village", "parent": "SX"},
}


def org_fields(records: list[dict]) -> list[dict]:
    """The documented fields of ``org list --format json``, which must all be there."""
    for record in records:
        assert ORG_FIELDS <= set(record), record
    return [{key: record[key] for key in ORG_FIELDS} for record in records]


def orgs_in_db(ledger) -> dict[str, tuple]:
    with ledger.session() as session:
        rows = session.scalars(select(Organisation)).all()
        by_id = {row.id: row.code for row in rows}
        return {row.code: (row.name, row.kind, by_id.get(row.parent_id)) for row in rows}


def members_in_db(ledger) -> dict[str, tuple]:
    with ledger.session() as session:
        rows = session.execute(select(Member.number, Member.name, Organisation.code)
                               .join(Organisation, Organisation.id == Member.org_id)).all()
    return {number: (name, org) for number, name, org in rows}


# --- init ---------------------------------------------------------------------------------


def test_init_creates_the_ledger_once_and_says_so_the_second_time(pledges, db_url):
    first = ok(pledges("init"))
    assert "已创建承诺台账" in first.stdout
    ledger = Ledger(db_url)
    try:
        assert ledger.is_initialised() and ledger.schema_version() == SCHEMA_VERSION
        second = ok(pledges("init"))
        assert "已是承诺台账" in second.stdout and "已创建" not in second.stdout
        assert "already a pledge ledger" in ok(pledges("--lang", "en", "init")).stdout
        assert ledger.schema_version() == SCHEMA_VERSION
    finally:
        ledger.dispose()


def test_init_keeps_what_the_ledger_holds(pledges, tree):
    before = counts(tree)
    ok(pledges("init"))
    assert counts(tree) == before
    assert set(orgs_in_db(tree)) == set(TREE_ORDER)


# --- org add / list / tree ------------------------------------------------------------------


def test_org_add_writes_the_row_its_parent_and_an_audit_event(pledges, ledger):
    assert ok(pledges("org", "add", "WL", "温岭市委", "--kind", "committee")).stdout.strip() == "已添加党组织 WL 温岭市委"
    ok(pledges("org", "add", "DX", "大溪镇党委", "--parent", "WL"))
    assert orgs_in_db(ledger) == {"WL": ("温岭市委", "committee", None), "DX": ("大溪镇党委", "other", "WL")}
    with ledger.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "organisation")).all()
    assert [(e.trigger, e.actor) for e in events] == [("create", "测试书记")] * 2


def test_org_kind_defaults_committee_at_the_top_and_other_below(pledges, ledger):
    ok(pledges("org", "add", "TOP", "顶层"))
    ok(pledges("org", "add", "LOW", "下级", "--parent", "TOP"))
    kinds = {r["code"]: r["kind"] for r in as_json(pledges("org", "list", "--format", "json"))}
    assert kinds == {"TOP": "committee", "LOW": "other"}


def test_org_list_json_gives_every_org_in_tree_order_with_spec_fields(pledges, tree):
    records = as_json(pledges("org", "list", "--format", "json"))
    assert org_fields(records) == [ORGS[code] for code in TREE_ORDER]


def test_org_list_under_gives_the_subtree_only(pledges, tree):
    records = as_json(pledges("org", "list", "--under", "DX", "--format", "json"))
    assert org_fields(records) == [ORGS[code] for code in ("DX", "DX-V1", "DX-V2")]


def test_org_list_csv_has_a_header_and_one_row_per_org(pledges, tree):
    """The kind as the table shows it (村, village), for the spreadsheet; JSON keeps the code name."""
    out = ok(pledges("org", "list", "--under", "SX", "--format", "csv")).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["代码", "名称", "类型", "上级", "层级"]  # the table's headers, the name unindented
    assert rows == [
        {"代码": "SX", "名称": "松门镇党委", "类型": "党委", "上级": "WL", "层级": "1"},
        {"代码": "SX-V1", "名称": "松门村党支部", "类型": "村", "上级": "SX", "层级": "2"},
    ]
    en = list(csv.DictReader(io.StringIO(ok(pledges("--lang", "en", "org", "list", "--under", "SX",
                                                    "--format", "csv")).stdout)))
    assert [(row["Code"], row["Kind"]) for row in en] == [("SX", "committee"), ("SX-V1", "village")]
    assert [row["kind"] for row in as_json(pledges("org", "list", "--under", "SX", "--format", "json"))] == [
        "committee", "village"]


def test_org_list_table_uses_labels_of_the_language(pledges, tree):
    zh = ok(pledges("org", "list")).stdout
    for text in ("代码", "名称", "类型", "上级", "党委", "村", "社区", *TREE_ORDER, "大溪社区党支部"):
        assert text in zh
    assert "committee" not in zh
    en = ok(pledges("--lang", "en", "org", "list")).stdout
    for text in ("Code", "Name", "Kind", "Parent", "committee", "village", "community"):
        assert text in en


def test_org_tree_from_a_code_shows_its_subtree_only(pledges, tree):
    out = ok(pledges("org", "tree", "DX")).stdout
    assert all(code in out for code in ("DX", "DX-V1", "DX-V2", "大溪村党支部"))
    assert "SX" not in out and "温岭市委" not in out
    whole = ok(pledges("org", "tree")).stdout
    assert all(code in whole for code in TREE_ORDER)
    # children are drawn below their parent
    assert whole.index("WL") < whole.index("DX") < whole.index("DX-V1") < whole.index("SX-V1")


def test_duplicate_org_code_is_refused_and_nothing_changes(pledges, tree):
    before, orgs = counts(tree), orgs_in_db(tree)
    line = refused(pledges("org", "add", "DX", "另一个镇", "--parent", "SX"))
    assert "DX" in line and "已存在" in line
    assert counts(tree) == before and orgs_in_db(tree) == orgs


def test_org_with_unknown_parent_is_refused_and_nothing_written(pledges, tree):
    before = counts(tree)
    line = refused(pledges("org", "add", "DX-V9", "新支部", "--parent", "NOPE"))
    assert "NOPE" in line
    assert counts(tree) == before and "DX-V9" not in orgs_in_db(tree)


@pytest.mark.parametrize("args", [("org", "list", "--under", "NOPE"), ("org", "tree", "NOPE"),
                                  ("member", "list", "--org", "NOPE")])
def test_unknown_org_code_in_a_listing_is_one_line(pledges, tree, args):
    assert "NOPE" in refused(pledges(*args))


def test_org_kind_outside_the_vocabulary_is_a_usage_error(pledges, tree):
    before = counts(tree)
    assert "village" in usage_error(pledges("org", "add", "X1", "某单位", "--kind", "farm"))
    assert counts(tree) == before


# --- member add / list ----------------------------------------------------------------------


def test_member_add_writes_the_member_in_its_org(pledges, tree):
    out = ok(pledges("member", "add", "M010", "赵六", "--org", "DX-V2")).stdout
    assert out.strip() == "已添加党员 M010 赵六（DX-V2）"
    assert members_in_db(tree)["M010"] == ("赵六", "DX-V2")


def test_member_list_org_gives_the_subtree_members(pledges, tree):
    records = as_json(pledges("member", "list", "--org", "DX", "--format", "json"))
    assert records == [
        {"number": "M001", "name": "张三", "org": "DX-V1", "org_name": "大溪村党支部"},
        {"number": "M002", "name": "李四", "org": "DX-V2", "org_name": "大溪社区党支部"},
    ]
    everyone = as_json(pledges("member", "list", "--format", "json"))
    assert [r["number"] for r in everyone] == ["M001", "M002", "M003"]
    only_v1 = as_json(pledges("member", "list", "--org", "DX-V1", "--format", "json"))
    assert [r["number"] for r in only_v1] == ["M001"]


def test_member_list_csv_and_table(pledges, tree):
    rows = list(csv.DictReader(io.StringIO(ok(pledges("member", "list", "--org", "SX", "--format", "csv")).stdout)))
    assert rows == [{"党员编号": "M003", "姓名": "王五", "党组织": "SX-V1", "党组织名称": "松门村党支部"}]
    table = ok(pledges("member", "list", "--org", "SX")).stdout
    assert "M003" in table and "王五" in table and "M001" not in table
    assert table.split()[:4] == ["党员编号", "姓名", "党组织", "党组织名称"]  # each header says what it is
    # the CSV has the table's headers; JSON the code names
    assert [sorted(row) for row in as_json(pledges("member", "list", "--org", "SX", "--format", "json"))] == [
        sorted(["number", "name", "org", "org_name"])]


def test_duplicate_member_number_is_refused_and_nothing_changes(pledges, tree):
    before, members = counts(tree), members_in_db(tree)
    line = refused(pledges("member", "add", "M001", "另一个人", "--org", "SX-V1"))
    assert "M001" in line
    assert counts(tree) == before and members_in_db(tree) == members


def test_member_of_unknown_org_is_refused(pledges, tree):
    before = counts(tree)
    assert "NOPE" in refused(pledges("member", "add", "M020", "孙七", "--org", "NOPE"))
    assert counts(tree) == before
