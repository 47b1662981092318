"""``pledges import`` writes a batch of clean new pledges a column at a time, and on a first load
defers the member, pledge and audit indexes (SQLite) or the member and pledge foreign keys
(PostgreSQL) until the end; any other batch goes row by row.  Both give the same ledger, row for
row, and the same schema afterwards."""

import csv
import json
import os
from contextlib import nullcontext
from pathlib import Path

import pytest
from cli_support import ok
from dump_support import contents
from pledges.loader import BulkWriter
from pledges.sheets import ingest
from pledges.sheets.ingest_pledges import PledgeRows

ORGS = [["党组织代码", "党组织名称", "单位类型", "上级党组织代码"], ["DX", "大溪镇党委", "党委", None],
        *([f"DX-V{i}", f"大溪{i}村党支部", "村", "DX"] for i in range(1, 7))]
MEMBERS = [["党员编号", "姓名", "党组织代码"], *([f"M{i:03d}", f"党员{i}", f"DX-V{1 + i % 6}"] for i in range(60))]
PLEDGE_HEADERS = ["党组织代码", "党员编号", "承诺事项", "具体内容", "类别", "目标值", "计量单位", "完成标准",
                  "完成时限", "活动年度"]


def pledge_rows(count: int, start: int = 0) -> list[list]:
    """Organisation and member pledges, numeric and qualitative, in two campaigns."""
    rows = []
    for i in range(start, start + count):
        member = f"M{i % 60:03d}" if i % 4 else None
        org = f"DX-V{1 + (i % 60) % 6}" if member else f"DX-V{1 + i % 6}"
        qualitative = i % 5 == 0
        due = f"{2026 + i % 2}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        rows.append([org, member, f" 承诺{i} ", "内容" if i % 3 else None, "服务" if i % 2 else None,
                     None if qualitative else 1 + i % 9, None if qualitative else "户",
                     "按时完成" if qualitative else None, due, 2026 + i % 2 if i % 7 else None])
    return rows


def write_csv(path: Path, rows: list[list]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


@pytest.fixture
def other_url(db_url, tmp_path, request):
    """A second fresh database of the same kind as ``db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    from support import pg_schema

    from pledges.db import normalise_url

    with pg_schema(request.getfixturevalue("pg_admin"), normalise_url(os.environ["PLEDGES_TEST_PG_URL"])) as url:
        yield url


def test_clean_batches_and_a_first_load_give_the_ledger_row_by_row_gives(pledges, ledger, db_url, other_url,
                                                                         tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "BATCH", 40)  # several batches, some clean, some not
    first = [write_csv(tmp_path / "orgs.csv", ORGS), write_csv(tmp_path / "members.csv", MEMBERS),
             write_csv(tmp_path / "pledges.csv", [PLEDGE_HEADERS, *pledge_rows(300)])]
    # A second import: the same rows (unchanged), one changed draft, and new rows.
    again = [PLEDGE_HEADERS, *pledge_rows(100), *pledge_rows(130, start=300)]
    again[5][5] = 99
    second = [write_csv(tmp_path / "again.csv", again)]

    clean = []
    fast = PledgeRows._clean_batch
    monkeypatch.setattr(PledgeRows, "_clean_batch", lambda self, batch: clean.append(fast(self, batch)) or clean[-1])
    ok(pledges("import", *first))
    ok(pledges("import", *second))
    assert clean.count(True) >= 8 and clean.count(False) >= 2, clean

    monkeypatch.setattr(PledgeRows, "_clean_batch", lambda self, batch: False)
    monkeypatch.setattr(BulkWriter, "indexes_deferred", lambda self, tables: nullcontext())
    monkeypatch.setattr(BulkWriter, "foreign_keys_deferred", lambda self, tables: nullcontext())
    env = {"PLEDGES_DB": other_url}
    ok(pledges("init", env=env))
    ok(pledges("import", *first, env=env))
    result = ok(pledges("import", *second, env=env))
    assert "承诺：新增 130，更新 1，未变 99" in result.stdout

    fast_ledger, row_by_row = contents(db_url), contents(other_url)
    assert len(fast_ledger["pledge"]) == 430 and len(fast_ledger["audit_event"]) > 430 + 60 + 7
    assert fast_ledger["pledge foreign keys"] and fast_ledger["pledge indexes"]
    for table in fast_ledger:
        assert fast_ledger[table] == row_by_row[table], table
    for url in (db_url, other_url):
        ok(pledges("audit", "verify", env={"PLEDGES_DB": url}))


@pytest.mark.parametrize("how", ["refused", "dry run"])
def test_a_first_load_that_writes_nothing_leaves_the_schema_as_it_was(pledges, ledger, db_url, tmp_path, how):
    """The first statement of a first load is DDL (indexes or foreign keys dropped): it belongs to
    the import's transaction and goes with its rollback, also when no row was written before it."""
    ok(pledges("org", "add", "DX-V1", "大溪村党支部"))
    rows = [["DX-V1", None, *row[2:]] for row in pledge_rows(50)]
    if how == "refused":
        rows[30][8] = "12/31/2026"  # an ambiguous date: the whole import is refused
    path = write_csv(tmp_path / "pledges.csv", [PLEDGE_HEADERS, *rows])
    before = contents(db_url)
    result = pledges("import", path, *(["--dry-run"] if how == "dry run" else []))
    assert result.exit_code == (1 if how == "refused" else 0), result.output
    assert contents(db_url) == before
    assert before["pledge indexes"] and before["audit_event indexes"] and before["pledge foreign keys"]


def test_a_zero_pledge_id_is_refused_not_replaced(pledges, ledger, tmp_path):
    """承诺编号 0 is no id: reported at its row, as any id that cannot be given, not read as empty."""
    ok(pledges("org", "add", "DX-V1", "大溪村党支部"))
    rows = [["承诺编号", *PLEDGE_HEADERS], *([None, "DX-V1", None, *row[2:]] for row in pledge_rows(3))]
    rows[2][0] = 0
    result = pledges("import", write_csv(tmp_path / "ids.csv", rows))
    assert result.exit_code == 1
    assert "第 3 行 A 列（承诺编号）" in result.stderr, result.stderr
    assert not json.loads(ok(pledges("list", "--format", "json")).stdout)


BROKEN = {  # one row of a batch whose cells all read, and what the row-by-row path says of it
    "unknown organisation": (lambda row: row.__setitem__(0, "DX-V9"), "A 列（党组织代码）：没有代码为 DX-V9 的党组织"),
    "unknown member": (lambda row: row.__setitem__(1, "M404"), "B 列（党员编号）：没有编号为 M404 的党员"),
    "member elsewhere": (lambda row: row.__setitem__(1, "M002"), "B 列（党员编号）：党员 M002 属于 DX-V2，不属于 DX-V1"),
    "content rule": (lambda row: row.__setitem__(6, None), "目标值与计量单位需同时填写"),
    "due outside its campaign": (lambda row: row.__setitem__(9, 2027), "I 列（完成时限）：完成时限"),
    "given twice": (lambda row: row.__setitem__(2, " 承诺1 "), "与本次导入中的另一行是同一项承诺"),
}


@pytest.mark.parametrize("broken", list(BROKEN))
def test_a_batch_with_one_wrong_row_goes_row_by_row_and_reports_it(pledges, ledger, tmp_path, broken):
    """The clean path gives way for every problem found past the cells: the row is reported where
    it is and nothing is written."""
    ok(pledges("import", write_csv(tmp_path / "orgs.csv", ORGS), write_csv(tmp_path / "members.csv", [
        MEMBERS[0], ["M001", "张三", "DX-V1"], ["M002", "李四", "DX-V2"]])))
    rows = [["DX-V1", None, f"承诺{i}", None, None, 3, "户", None, "2026-09-30", None] for i in range(30)]
    rows[3][1] = "M001"
    change, said = BROKEN[broken]
    change(rows[10])
    result = pledges("import", write_csv(tmp_path / "pledges.csv", [PLEDGE_HEADERS, *rows]))
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if "第 12 行" in line]
    assert len(lines) == 1 and said in lines[0], result.stderr
    assert not json.loads(ok(pledges("list", "--format", "json")).stdout)


def test_the_audit_chain_holds_when_the_import_also_writes_events_of_its_own_kind(db_url, ledger, tmp_path):
    """With the real clock (a subprocess): the import opens a campaign, sets an organisation's and
    a member's e-mail and edits a draft (events written as they happen), besides its bulk
    create events; those must not be stamped earlier than the events before them, or
    ``audit verify`` finds the history going back in time."""
    import subprocess
    import sys

    env = {**os.environ, "PLEDGES_DB": db_url, "PLEDGES_USER": "t"}
    command = str(Path(sys.executable).parent / "pledges")

    def run(*args: str) -> str:
        done = subprocess.run([command, *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    orgs = [[*ORGS[0], "电子邮箱"], *([*row, None] for row in ORGS[1:])]
    members = [[*MEMBERS[0], "电子邮箱"], *([*row, None] for row in MEMBERS[1:])]
    rows = [PLEDGE_HEADERS, *pledge_rows(120)]
    run("import", str(write_csv(tmp_path / "orgs.csv", orgs)), str(write_csv(tmp_path / "members.csv", members)),
        str(write_csv(tmp_path / "pledges.csv", rows)))
    orgs[3][4], members[5][3] = "v2@example.com", "m4@example.com"  # new e-mails, before new rows
    orgs.append(["DX-V7", "大溪7村党支部", "村", "DX", None])
    members.append(["M999", "新党员", "DX-V1", None])
    rows[2][5] = 7  # a changed draft, before new pledges (and a new campaign year)
    rows += [[*row[:8], "2028-03-01", 2028] for row in pledge_rows(30, start=500)]
    run("import", str(write_csv(tmp_path / "orgs.csv", orgs)), str(write_csv(tmp_path / "members.csv", members)),
        str(write_csv(tmp_path / "pledges.csv", rows)))
    run("audit", "verify")
