"""``pledges template | import | export`` through the real command, on SQLite and PostgreSQL."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
import time_machine
from sqlalchemy import func, select

from cli_support import TABLES, as_json, describe, ok
from dump_support import contents
from pledges.sheets import reader
from support import NOW

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ORG_HEADERS = ["党组织代码", "党组织名称", "单位类型", "上级党组织代码"]
MEMBER_HEADERS = ["党员编号", "姓名", "党组织代码"]
PLEDGE_HEADERS = ["党组织代码", "党员编号", "承诺事项", "目标值", "计量单位", "完成标准", "完成时限"]
ORGS = [["DX", "大溪镇党委", "党委", None], ["DX-V1", "大溪村党支部", "村", "DX"], ["DX-V2", "大溪社区党支部", "社区", "DX"]]
MEMBERS = [["M001", "张三", "DX-V1"], ["330102199001011234", "李四", "DX-V2"]]
PLEDGES = [["DX-V1", None, "走访困难群众", 12, "户", None, date(2026, 9, 30)],
           ["DX-V1", "M001", "带头垃圾分类", None, None, "全年无违规", "2026年12月31日"],
           ["DX-V2", None, "开展志愿服务", "１２", "场", None, 46387],
           ["DX-V2", "330102199001011234", "结对帮扶困难户", 2, "户", None, "2026/11/30"]]


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # what a person typed: text, even when it starts with "="
    book.save(path)
    return path


def city(tmp_path: Path, pledges=PLEDGES, name="city.xlsx") -> Path:
    return workbook(tmp_path / name, {"党组织": [ORG_HEADERS, *ORGS], "党员": [MEMBER_HEADERS, *MEMBERS],
                                      "承诺事项": [PLEDGE_HEADERS, *pledges]})


def counts(ledger) -> dict:
    with ledger.session() as session:
        return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in TABLES}


def listing(pledges) -> list[dict]:
    return json.loads(ok(pledges("list", "--format", "json")).stdout)


def test_import_creates_everything_with_its_audit_event_and_reimport_changes_nothing(pledges, ledger, tmp_path):
    path = city(tmp_path)
    result = ok(pledges("import", path))
    assert "党组织：新增 3" in result.stdout and "承诺：新增 4" in result.stdout
    rows = listing(pledges)
    assert [(r["org"], r["member"], r["title"], r["target"], r["unit"], r["due"]) for r in rows] == [
        ("DX-V1", None, "走访困难群众", 12, "户", "2026-09-30"),
        ("DX-V1", "M001", "带头垃圾分类", None, None, "2026-12-31"),
        ("DX-V2", None, "开展志愿服务", 12, "场", "2026-12-31"),
        ("DX-V2", "330102199001011234", "结对帮扶困难户", 2, "户", "2026-11-30")]
    shown = json.loads(ok(pledges("show", rows[1]["id"], "--format", "json")).stdout)
    assert shown["qualitative"] is True and shown["criterion"] == "全年无违规"
    assert [(h["trigger"], h["to"]) for h in shown["history"]] == [("create", "draft")]
    tree = json.loads(ok(pledges("org", "list", "--format", "json")).stdout)
    assert [(o["code"], o["kind"], o["parent"]) for o in tree] == [
        ("DX", "committee", None), ("DX-V1", "village", "DX"), ("DX-V2", "community", "DX")]
    before = counts(ledger)
    again = ok(pledges("import", path))
    assert "承诺：新增 0，更新 0，未变 4" in again.stdout
    assert counts(ledger) == before


def test_a_streamed_workbook_gives_the_same_ledger(pledges, ledger, tmp_path, monkeypatch):
    """Every sheet read by pledges.sheets.stream, as a sheet larger than STREAM_ABOVE is: the same
    organisations, members and pledges, the same problems at the same cells."""
    monkeypatch.setattr(reader, "STREAM_ABOVE", -1)
    path = city(tmp_path)
    assert all(sheet.reader.__qualname__.startswith("_stream_reader") for sheet in reader.open_sheets(path))
    result = ok(pledges("import", path))
    assert "党组织：新增 3" in result.stdout and "党员：新增 2" in result.stdout and "承诺：新增 4" in result.stdout
    assert [(r["org"], r["member"], r["title"], r["target"], r["unit"], r["due"]) for r in listing(pledges)] == [
        ("DX-V1", None, "走访困难群众", 12, "户", "2026-09-30"),
        ("DX-V1", "M001", "带头垃圾分类", None, None, "2026-12-31"),
        ("DX-V2", None, "开展志愿服务", 12, "场", "2026-12-31"),
        ("DX-V2", "330102199001011234", "结对帮扶困难户", 2, "户", "2026-11-30")]
    tree = json.loads(ok(pledges("org", "list", "--format", "json")).stdout)
    assert [(o["code"], o["kind"], o["parent"]) for o in tree] == [
        ("DX", "committee", None), ("DX-V1", "village", "DX"), ("DX-V2", "community", "DX")]
    before = counts(ledger)
    assert (before["pledge"], before["member"], before["organisation"]) == (4, 2, 3)
    assert "承诺：新增 0，更新 0，未变 4" in ok(pledges("import", path)).stdout
    assert counts(ledger) == before
    wps = pledges("import", FIXTURES / "wps.xlsx")
    assert [line.split("：")[0] for line in wps.stderr.strip().splitlines()[:-1]] == [
        "wps.xlsx [承诺] 第 6 行 B 列（党员编号）", "wps.xlsx [承诺] 第 6 行 D 列（目标值）"]
    ok(pledges("import", FIXTURES / "libreoffice.xlsx"))
    rows = {r["title"]: r for r in listing(pledges)}
    assert (rows["开展志愿服务"]["due"], rows["开展志愿服务"]["target"]) == ("2026-12-31", 5)
    assert rows["慰问老党员"]["due"] == "2026-09-30" and counts(ledger)["pledge"] == 6


def test_every_problem_is_reported_and_nothing_is_written(pledges, ledger, tmp_path):
    bad = [["DX-V1", None, "走访困难群众", 12, None, None, "2026-09-30"],          # 3: target without unit
           ["DX-V9", None, "无此组织", 3, "次", None, "2026-09-30"],               # 4: unknown org
           ["DX-V1", "M404", "无此党员", 3, "次", None, "2026-09-30"],             # 5: unknown member
           ["DX-V1", "330102199001011234", "别处党员", 3, "次", None, "2026-09-30"],  # 6: member elsewhere
           ["DX-V1", None, "日期不清", 3, "次", None, "12/31/2026"],               # 7: ambiguous date
           ["DX-V1", None, "年外", 3, "次", None, "2027-01-05"],                  # 8: fine (campaign 2027)
           ["DX-V1", None, "年外", 2, "户", None, "2027-01-05"],                  # 9: the same pledge as row 7
           ["DX-V1", None, "数字不整", 2.5, "户", None, "2026-09-30"],             # 10: not an integer
           [None, None, None, 3, "次", None, None]]                              # 11: required cells empty
    path = workbook(tmp_path / "bad.xlsx", {"党组织": [ORG_HEADERS, *ORGS],
                                            "党员": [MEMBER_HEADERS, *MEMBERS, [330102199001011234.0, "王五", "DX-V1"]],
                                            "承诺事项": [PLEDGE_HEADERS, *bad]})
    before = counts(ledger)
    result = pledges("import", path, "--errors", tmp_path / "errors.xlsx")
    assert result.exit_code == 1, describe(result)
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "共 11 个问题，未导入任何内容：改正后重新导入"
    found = {line.split("：")[0] for line in lines[:-2]}
    assert found == {
        "bad.xlsx [党员] 第 4 行 A 列（党员编号）",
        "bad.xlsx [承诺事项] 第 2 行 D 列（目标值）", "bad.xlsx [承诺事项] 第 3 行 A 列（党组织代码）",
        "bad.xlsx [承诺事项] 第 4 行 B 列（党员编号）", "bad.xlsx [承诺事项] 第 5 行 B 列（党员编号）",
        "bad.xlsx [承诺事项] 第 6 行 G 列（完成时限）", "bad.xlsx [承诺事项] 第 8 行 C 列（承诺事项）",
        "bad.xlsx [承诺事项] 第 9 行 D 列（目标值）", "bad.xlsx [承诺事项] 第 10 行 A 列（党组织代码）",
        "bad.xlsx [承诺事项] 第 10 行 C 列（承诺事项）", "bad.xlsx [承诺事项] 第 10 行 G 列（完成时限）"}
    assert any("超过 15 位" in line for line in lines) and any("DX-V2，不属于 DX-V1" in line for line in lines)
    assert counts(ledger) == before
    # The errors workbook: every row, the rejected ones with their reason; fixed, it imports.
    errors = openpyxl.load_workbook(tmp_path / "errors.xlsx")
    sheet = errors["承诺事项"]
    assert [c.value for c in sheet[1]][-1] == "错误原因"
    reasons = {row[2].value: row[-1].value for row in sheet.iter_rows(min_row=2) if row[3].value != 2}
    assert "需同时填写" in reasons["走访困难群众"]
    assert "不是可识别的日期" in reasons["日期不清"] and reasons["年外"] is None
    for row in sheet.iter_rows(min_row=2):
        if row[-1].value:
            row[0].value = "DX-V1" if row[0].value in (None, "DX-V9") else row[0].value
            row[1].value = None
            row[2].value = (row[2].value or "补填事项") + "（改）"
            row[3].value, row[4].value, row[6].value = 3, "次", "2026-10-31"
    errors["党员"]["A4"].value = "330102199001011299"
    errors["党员"]["A4"].data_type = "s"
    errors.save(tmp_path / "fixed.xlsx")
    fixed = ok(pledges("import", tmp_path / "fixed.xlsx"))
    assert "承诺：新增 9" in fixed.stdout, fixed.stdout


def test_dry_run_checks_without_writing(pledges, ledger, tmp_path):
    before = counts(ledger)
    result = ok(pledges("import", city(tmp_path), "--dry-run"))
    assert result.stdout.startswith("检查完毕，未写入（--dry-run）：city.xlsx") and "承诺：新增 4" in result.stdout
    assert counts(ledger) == before


def test_changed_rows_go_through_edit_amend_and_extend(pledges, ledger, tmp_path):
    ok(pledges("import", city(tmp_path), "--approve"))
    ids = [r["id"] for r in listing(pledges)]
    ok(pledges("display", ids[2], "--channel", "board"))
    ok(pledges("export", "--out", tmp_path / "out.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    sheet = book["承诺事项"]
    head = [c.value for c in sheet[1]]
    col = {name: head.index(name) + 1 for name in ("承诺编号", "目标值", "完成时限")}
    by_id = {sheet.cell(r, col["承诺编号"]).value: r for r in range(2, sheet.max_row + 1)}
    sheet.cell(by_id[ids[2]], col["目标值"]).value = 20            # displayed: amend
    sheet.cell(by_id[ids[0]], col["完成时限"]).value = "2026-10-31"  # approved: extend
    book.save(tmp_path / "edited.xlsx")
    result = ok(pledges("import", tmp_path / "edited.xlsx"))
    assert "承诺：新增 0，更新 2，未变 2" in result.stdout, result.stdout
    amended = json.loads(ok(pledges("show", ids[2], "--format", "json")).stdout)
    assert (amended["state"], amended["target"]) == ("submitted", 20)
    assert amended["history"][-1]["trigger"] == "amend" and amended["history"][-1]["reason"] == "导入 edited.xlsx"
    extended = json.loads(ok(pledges("show", ids[0], "--format", "json")).stdout)
    assert (extended["due"], extended["original_due"]) == ("2026-10-31", "2026-09-30")
    assert extended["history"][-1]["trigger"] == "extend"
    before = counts(ledger)
    ok(pledges("import", tmp_path / "edited.xlsx"))
    assert counts(ledger) == before
    assert "audit history OK" in ok(pledges("--lang", "en", "audit", "verify")).stdout  # imports are chained


def test_a_draft_row_changed_is_edited(pledges, ledger, tmp_path):
    ok(pledges("import", city(tmp_path)))
    changed = [list(row) for row in PLEDGES]
    changed[0][3] = 15
    ok(pledges("import", city(tmp_path, changed, "changed.xlsx")))
    first = json.loads(ok(pledges("show", listing(pledges)[0]["id"], "--format", "json")).stdout)
    assert first["target"] == 15 and [h["trigger"] for h in first["history"]] == ["create", "edit"]


def test_approve_walks_each_pledge_through_the_engine_or_refuses_all(pledges, ledger, tmp_path):
    no_measure = [*PLEDGES, ["DX-V2", None, "尚无目标", None, None, None, "2026-12-31"]]
    before = counts(ledger)
    result = pledges("import", city(tmp_path, no_measure, "incomplete.xlsx"), "--approve")
    assert result.exit_code == 1 and "第 6 行：不能提交：承诺" in result.stderr, describe(result)
    assert counts(ledger) == before
    ok(pledges("import", city(tmp_path), "--approve"))
    assert {r["state"] for r in listing(pledges)} == {"approved"}


def test_progress_rows_are_recorded_once(pledges, ledger, tmp_path):
    ok(pledges("import", city(tmp_path), "--approve"))
    first = listing(pledges)[0]["id"]
    ok(pledges("display", first, "--channel", "board"))  # on the approval day, NOW
    path = workbook(tmp_path / "progress.xlsx", {"践诺记实": [["承诺编号", "记实日期", "本次完成数量", "情况说明"],
                                                             [first, "2026-06-15", 3, "走访 3 户"],
                                                             [first, "2026-06-15", 4, None]]})
    ok(pledges("import", path))
    ok(pledges("import", path))
    shown = json.loads(ok(pledges("show", first, "--format", "json")).stdout)
    assert (shown["state"], shown["done"], len(shown["progress"])) == ("in_progress", 7, 2)


def test_round_trip_export_import_into_an_empty_ledger(pledges, ledger, tmp_path, db_url, cli_env):
    ok(pledges("import", city(tmp_path), "--approve"))
    ok(pledges("export", "--out", tmp_path / "out.xlsx"))
    ok(pledges("export", "--out", tmp_path / "out.csv"))
    figures = ok(pledges("dashboard", "--format", "json")).stdout
    rows = listing(pledges)
    other = tmp_path / "other.db"
    env = {"PLEDGES_DB": f"sqlite:///{other}"}
    ok(pledges("init", env=env))
    ok(pledges("import", tmp_path / "out.xlsx", "--approve", env=env))
    assert json.loads(ok(pledges("list", "--format", "json", env=env)).stdout) == rows
    assert ok(pledges("dashboard", "--format", "json", env=env)).stdout == figures
    ok(pledges("export", "--out", tmp_path / "again.csv", env=env))
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "out.csv").read_bytes()


# Every state, reached through the real commands, with days, channels, progress and grades that
# differ from pledge to pledge (a qualitative one too): the export must carry all of it back.
WALKS = {
    "draft": [],
    "submitted": [("submit",)],
    "approved": [("submit",), ("approve", "--date", "2026-05-04")],
    "displayed": [("submit",), ("approve", "--date", "2026-05-04"), ("display", "--channel", "website",
                                                                      "--date", "2026-05-06")],
    "in_progress": [("submit",), ("approve", "--date", "2026-05-04"), ("display", "--channel", "board"),
                    ("progress", "--amount", "3", "--note", "走访 3 户"), ("progress", "--amount", "2",
                                                                          "--evidence", "照片.jpg")],
    "fulfilled": [("submit",), ("approve",), ("display", "--channel", "meeting"), ("progress", "--amount", "12"),
                  ("complete",)],
    "unfulfilled": [("submit",), ("approve",), ("display", "--channel", "board"), ("progress", "--amount", "1"),
                    ("fail", "--reason", "资金未到位")],
    "evaluated": [("submit",), ("approve",), ("display", "--channel", "board"), ("progress", "--amount", "12"),
                  ("complete",), ("evaluate", "--grade", "excellent")],
    "withdrawn": [("withdraw", "--reason", "重复")],
}
PLEDGE_FIELDS = ("id", "campaign_id", "org_id", "member_id", "title", "content", "category", "target", "unit",
                 "qualitative", "criterion", "due", "original_due", "state", "outcome", "finished_on", "done",
                 "last_progress_on", "approved_on")


def ledger_facts(url: str) -> dict:
    """Each pledge field by field, with its display, progress and evaluation records."""
    from pledges.db import Ledger
    from pledges.models import DisplayRecord, Evaluation, Pledge, ProgressRecord

    other = Ledger(url)
    try:
        with other.engine.connect() as conn:
            facts = {"pledges": [tuple(r) for r in conn.execute(
                select(*(getattr(Pledge, f) for f in PLEDGE_FIELDS)).order_by(Pledge.id))]}
            facts["displays"] = [tuple(r) for r in conn.execute(select(
                DisplayRecord.pledge_id, DisplayRecord.channel, DisplayRecord.day).order_by(DisplayRecord.id))]
            facts["progress"] = [tuple(r) for r in conn.execute(select(
                ProgressRecord.pledge_id, ProgressRecord.day, ProgressRecord.amount, ProgressRecord.note,
                ProgressRecord.evidence).order_by(ProgressRecord.id))]
            facts["evaluations"] = [tuple(r) for r in conn.execute(select(
                Evaluation.pledge_id, Evaluation.rater_group, Evaluation.grade).order_by(Evaluation.id))]
        return facts
    finally:
        other.dispose()


def test_round_trip_of_every_state_gives_the_same_ledger(pledges, ledger, tmp_path, db_url, cli_env):
    ok(pledges("import", city(tmp_path)))
    ids = {}
    for number, (state, steps) in enumerate(WALKS.items()):
        qualitative = state == "displayed"
        extra = ["--qualitative", "--criterion", "全年无违规"] if qualitative else ["--target", "12", "--unit", "户"]
        ids[state] = int(ok(pledges("add", "--org", "DX-V1" if number % 2 else "DX-V2", "--title", f"{state}承诺",
                                    "--due", "2026-06-10" if state == "unfulfilled" else "2026-09-30",
                                    *extra)).stdout)
        for command, *args in steps:
            ok(pledges(command, ids[state], *args))
    figures = ok(pledges("dashboard", "--format", "json")).stdout
    listed = listing(pledges)
    assert {r["state"] for r in listed} == set(WALKS)
    ok(pledges("export", "--out", tmp_path / "out.xlsx"))
    other = {"PLEDGES_DB": f"sqlite:///{tmp_path / 'other.db'}"}
    ok(pledges("init", env=other))
    # The town office loads it three weeks later: each day (approval, display, progress, the day a
    # pledge was finished, which 按期率 reads) is the sheet's, not the import's.
    from click.testing import CliRunner

    from pledges.cli.main import cli

    with time_machine.travel(NOW + timedelta(days=21), tick=False):  # not through ``pledges``: it travels to NOW
        result = ok(CliRunner().invoke(cli, ["import", str(tmp_path / "out.xlsx"), "--states"],
                                       env={**cli_env, **other}))
    assert "承诺：新增 13" in result.stdout and "践诺记实：新增 5" in result.stdout, result.stdout
    assert ledger_facts(other["PLEDGES_DB"]) == ledger_facts(db_url)
    assert json.loads(ok(pledges("list", "--format", "json", env=other)).stdout) == listed
    assert ok(pledges("dashboard", "--format", "json", env=other)).stdout == figures
    shown = json.loads(ok(pledges("show", ids["evaluated"], "--format", "json", env=other)).stdout)
    assert [h["trigger"] for h in shown["history"]] == ["create", "submit", "approve", "display", "record_progress",
                                                        "complete", "evaluate"]
    # Imported again, with its states: nothing changes.
    before = counts(Ledger_of(other["PLEDGES_DB"]))
    ok(pledges("import", tmp_path / "out.xlsx", "--states", env=other))
    assert counts(Ledger_of(other["PLEDGES_DB"])) == before


def Ledger_of(url: str):
    from pledges.db import Ledger

    return Ledger(url)


def test_states_are_reached_through_the_guards_or_refused(pledges, ledger, tmp_path):
    rows = [[*PLEDGE_HEADERS, "状态", "亮诺方式", "评诺等次", "结果"],
            ["DX-V1", None, "未说方式", 3, "次", None, "2026-09-30", "已亮诺", None, None, None],
            ["DX-V1", None, "状态不明", 3, "次", None, "2026-09-30", "什么状态", None, None, None],
            ["DX-V1", None, "未评等次", 3, "次", None, "2026-09-30", "已评诺", "公示栏", None, "未兑现"],
            ["DX-V1", None, "可以亮诺", 3, "次", None, "2026-09-30", "已亮诺", "公示栏", None]]
    path = workbook(tmp_path / "states.xlsx", {"党组织": [ORG_HEADERS, *ORGS], "承诺事项": rows})
    before = counts(ledger)
    result = pledges("import", path, "--states")
    assert result.exit_code == 1, describe(result)
    lines = result.stderr.strip().splitlines()
    assert [line.split("：")[0] for line in lines[:-1]] == [
        "states.xlsx [承诺事项] 第 2 行 I 列（亮诺方式）", "states.xlsx [承诺事项] 第 3 行 H 列（状态）",
        "states.xlsx [承诺事项] 第 4 行 J 列（评诺等次）"], lines
    assert "必须填写" in lines[0] and "不是可选值" in lines[1] and "必须填写" in lines[2], lines
    assert counts(ledger) == before
    ok(pledges("import", path))  # without --states the column is not read: drafts
    assert [r["state"] for r in listing(pledges)] == ["draft"] * 4


def test_a_finishing_day_after_today_is_refused(pledges, ledger, tmp_path):
    """办结日期 is the day a pledge was finished; one after today is reported at its cell."""
    rows = [[*PLEDGE_HEADERS, "状态", "亮诺方式", "结果", "办结日期"],
            ["DX-V1", None, "明天才办结", 3, "次", None, "2026-09-30", "已兑现", "公示栏", "已兑现", "2026-07-01"]]
    path = workbook(tmp_path / "later.xlsx", {"党组织": [ORG_HEADERS, *ORGS], "承诺事项": rows})
    before = counts(ledger)
    result = pledges("import", path, "--states")
    assert result.exit_code == 1, describe(result)
    assert "第 2 行 K 列（办结日期）：日期 2026-07-01 晚于今天（2026-06-15）" in result.stderr, result.stderr
    assert counts(ledger) == before


INJECTIONS = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3"]


def test_injection_strings_stay_text(pledges, ledger, tmp_path):
    rows = [["DX-V1", None, text, 1, "次", None, "2026-09-30"] for text in INJECTIONS]
    ok(pledges("import", city(tmp_path, rows, "inject.xlsx")))
    ok(pledges("export", "--out", tmp_path / "out.xlsx"))
    ok(pledges("export", "--out", tmp_path / "out.csv"))
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["承诺事项"]
    title = [c.value for c in sheet[1]].index("承诺事项")
    cells = [row[title] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [(text, "s") for text in INJECTIONS]
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as file:
        titles = [row[5] for row in list(csv.reader(file))[1:]]
    assert titles == ["'" + text for text in INJECTIONS]
    before = counts(ledger)
    ok(pledges("import", tmp_path / "out.csv"))  # the quote comes off again: the same pledges
    assert counts(ledger) == before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(pledges, ledger, tmp_path, encoding):
    ok(pledges("import", city(tmp_path)))
    path = tmp_path / "承诺.csv"
    with open(path, "w", encoding=encoding, newline="") as file:
        out = csv.writer(file)
        out.writerow(["党组织代码", "事项名称", "数量", "单位", "截止日期"])
        out.writerow(["DX-V2", "慰问老党员", "30", "人", "2026.12.31"])
    assert "承诺：新增 1" in ok(pledges("import", path)).stdout
    assert listing(pledges)[-1]["title"] == "慰问老党员"


def test_wps_and_libreoffice_files(pledges, ledger, tmp_path):
    ok(pledges("import", city(tmp_path)))
    result = pledges("import", FIXTURES / "wps.xlsx")
    assert result.exit_code == 1, describe(result)
    lines = result.stderr.strip().splitlines()
    assert [line.split("：")[0] for line in lines[:-1]] == ["wps.xlsx [承诺] 第 6 行 B 列（党员编号）",
                                                           "wps.xlsx [承诺] 第 6 行 D 列（目标值）"]
    assert "公式（=D3+1）但没有计算结果" in lines[1]
    ok(pledges("import", FIXTURES / "libreoffice.xlsx"))
    rows = {r["title"]: r for r in listing(pledges)}
    assert (rows["开展志愿服务"]["due"], rows["开展志愿服务"]["target"]) == ("2026-12-31", 5)
    assert rows["慰问老党员"]["due"] == "2026-09-30"


def test_an_excel_97_xls_file(pledges, ledger, tmp_path):
    """A real .xls (BIFF8) that LibreOffice wrote (tests/fixtures/make_fixtures.py)."""
    result = ok(pledges("import", FIXTURES / "excel97.xls"))
    assert "党组织：新增 2" in result.stdout and "承诺：新增 3" in result.stdout, result.stdout
    rows = {r["title"]: r for r in listing(pledges)}
    assert [(r["org"], r["member"], r["target"], r["due"]) for r in rows.values()] == [
        ("XL-V1", None, 2, "2026-10-31"), ("XL-V1", "330102198802021234", 1, "2026-11-30"),
        ("XL-V1", None, 3, "2026-12-15")]
    assert "承诺：新增 0，更新 0，未变 3" in ok(pledges("import", FIXTURES / "excel97.xls")).stdout


def test_template_holds_choices_text_ids_and_an_explanation(pledges, ledger, tmp_path):
    ok(pledges("template", "--out", tmp_path / "t.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["填表说明", "党组织", "党员", "承诺事项", "践诺记实", "选项"]
    pledges_sheet = book["承诺事项"]
    assert pledges_sheet["A1"].value == "承诺编号" and pledges_sheet["A1"].comment.text.startswith("id")
    assert pledges_sheet["A5"].number_format == "@"
    assert any("选项!$B$2" in v.formula1 for v in pledges_sheet.data_validations.dataValidation)
    assert "承诺编号" in " ".join(str(row[0].value) for row in book["填表说明"].iter_rows(max_row=10))


def test_the_templates_example_rows_are_reported_not_imported(pledges, ledger, tmp_path, db_url):
    """A secretary who leaves the template's example rows in (DX-V1, M0001 张三…) is told which
    rows they are; nothing is written.  A real row that differs from the example in one cell is
    not taken for it."""
    from dump_support import dump

    path = tmp_path / "t.xlsx"
    ok(pledges("template", "--out", path))
    before = dump(db_url)
    refused = pledges("import", path)
    assert refused.exit_code == 1
    named = [line for line in refused.stderr.splitlines() if "模板自带的示例" in line]
    assert [line.split("]")[0].split("[")[1] for line in named] == ["党组织", "党员", "承诺事项", "践诺记实"]
    assert all("第 2 行" in line for line in named)
    assert dump(db_url) == before
    book = openpyxl.load_workbook(path)
    book["党组织"]["B2"] = "大溪村第二党支部"  # real rows that share the example's code and number
    book["党员"]["B2"] = "张三丰"
    for name in ("承诺事项", "践诺记实"):
        book[name].delete_rows(2)
    book.save(path)
    result = pledges("import", path, "--dry-run")
    assert result.exit_code == 0 and "模板自带的示例" not in result.output, result.output


def test_a_progress_bar_on_a_terminal_for_thousands_of_rows(ledger, db_url, tmp_path):
    """On a terminal (rich is told so: FORCE_COLOR, TTY_COMPATIBLE) the import and the export of
    6,000 pledges show a bar with how far they are, on stderr; a pipe (the other tests) shows none."""
    import re

    from pledges.orgs import add_org

    add_org(ledger, "WL", "温岭市委", actor="t")
    path = tmp_path / "many.csv"
    with open(path, "w", encoding="utf-8", newline="") as file:
        out = csv.writer(file)
        out.writerow(["党组织代码", "承诺事项", "目标值", "计量单位", "完成时限"])
        out.writerows(["WL", f"事项{i}", 3, "户", "2026-09-30"] for i in range(6000))
    env = {**os.environ, "PLEDGES_DB": db_url, "PLEDGES_USER": "t", "FORCE_COLOR": "1", "TTY_COMPATIBLE": "1",
           "COLUMNS": "100"}
    command = str(Path(sys.executable).parent / "pledges")

    def screen(*args) -> str:
        done = subprocess.run([command, *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", done.stderr)

    shown = screen("import", str(path))
    assert re.search(r"承诺 ━+.* 5000/6000", shown), shown[-500:]
    shown = screen("export", "--out", str(tmp_path / "out.xlsx"))
    assert re.search(r"导出 ━+.* 5000/6000", shown), shown[-500:]
    quiet = subprocess.run([command, "export", "--out", str(tmp_path / "out.csv")], capture_output=True, text=True,
                           env={k: v for k, v in env.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")})
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr


def test_export_workbook_has_figures_percentages_a_frozen_header_and_cjk_widths(pledges, ledger, tmp_path):
    ok(pledges("import", city(tmp_path), "--approve"))
    first = listing(pledges)[0]["id"]
    ok(pledges("display", first, "--channel", "board"))
    ok(pledges("progress", first, "--amount", "3"))
    ok(pledges("export", "--out", tmp_path / "out.xlsx", "--org", "DX-V1"))
    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["党组织", "党员", "承诺事项", "践诺记实", "统计"]
    sheet = book["承诺事项"]
    head = [c.value for c in sheet[1]]
    assert head[:6] == ["承诺编号", "党组织代码", "党组织名称", "党员编号", "党员姓名", "承诺事项"]
    assert sheet.freeze_panes == "A2" and book["统计"].freeze_panes == "A2"
    assert {sheet.cell(r, 2).value for r in range(2, sheet.max_row + 1)} == {"DX-V1"}  # --org: that branch only
    row = {h: sheet.cell(2, i + 1) for i, h in enumerate(head)}
    assert (row["状态"].value, row["进度"].value, row["进度"].number_format) == ("践诺中", 0.25, "0.0%")
    assert row["完成时限"].is_date and row["完成时限"].number_format == "yyyy-mm-dd"
    title = openpyxl.utils.get_column_letter(head.index("承诺事项") + 1)
    code = openpyxl.utils.get_column_letter(head.index("党组织代码") + 1)
    assert sheet.column_dimensions[title].width >= 36 > sheet.column_dimensions[code].width >= len("党组织代码") * 2
    figures = book["统计"]
    names = [c.value for c in figures[1]]
    values = {names[i]: c for i, c in enumerate(figures[2])}
    assert values[names[0]].value == "DX-V1"
    rates = [c for c in values.values() if c.number_format == "0.0%"]
    assert len(rates) == 6 and all(c.value is None or 0 <= c.value <= 1 for c in rates)
    board = as_json(pledges("dashboard", "--org", "DX-V1", "--depth", "0", "--format", "json"))["totals"]
    assert names.index("其中已兑现") + 1 == names.index("践诺率") < names.index("兑现合计")
    assert (values["其中已兑现"].value, values["兑现合计"].value, values["逾期率"].value) == (
        board["fulfilled_due"], board["fulfilled"], board["overdue_rate"])
    progress = book["践诺记实"]
    assert [c.value for c in progress[2]][:3] == [first, datetime(2026, 6, 15), 3]


def test_help_does_not_load_spreadsheet_libraries():
    code = ("import sys; from pledges.cli.main import cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'python_calamine')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_killed_mid_import_leaves_the_ledger_as_it_was(ledger, db_url, tmp_path):
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8", newline="") as file:
        out = csv.writer(file)
        out.writerow(["党员编号", "姓名", "党组织代码"])
        out.writerows([f"M{i:07d}", f"党员{i}", "WL"] for i in range(400_000))
    from pledges.orgs import add_org

    add_org(ledger, "WL", "温岭市委", actor="t")
    before, schema = counts(ledger), contents(db_url)
    env = {**os.environ, "PLEDGES_DB": db_url, "PLEDGES_USER": "t"}
    pledges_bin = Path(sys.executable).parent / "pledges"
    process = subprocess.Popen([str(pledges_bin), "import", str(path)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None and not _writing(db_url, tmp_path):
        time.sleep(0.05)
    time.sleep(0.5)
    assert process.poll() is None, "the import finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert counts(ledger) == before
    assert contents(db_url) == schema  # a first load: the indexes or foreign keys it dropped are back


def _writing(db_url: str, tmp_path: Path) -> bool:
    """Has the import started writing (uncommitted rows in its transaction)?"""
    if db_url.startswith("sqlite"):
        wal = Path(db_url.removeprefix("sqlite:///") + "-wal")
        return wal.exists() and wal.stat().st_size > 100_000
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' "
                                         "OR (state = 'active' AND query LIKE 'COPY member%')")))
    finally:
        engine.dispose()


def test_the_templates_own_sheets_are_skipped_silently_and_a_stray_sheet_is_named(pledges, ledger, tmp_path):
    """A filled template imports without "未识别、已跳过的工作表：…[填表说明]、…[选项]": those are the
    template's own; a sheet the secretary added that is none of the kinds is still named."""
    ok(pledges("template", "--out", tmp_path / "t.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    book["践诺记实"].delete_rows(2)  # the example progress row names no pledge
    for sheet, cell, value in (("党组织", "B2", "桃溪村党支部"), ("党员", "B2", "李四"), ("承诺事项", "E2", "每周走访")):
        book[sheet][cell] = value  # filled in: no longer the template's example rows
    book.create_sheet("备忘").append(["下周一交镇里"])
    book.save(tmp_path / "t.xlsx")
    said = ok(pledges("import", tmp_path / "t.xlsx")).stdout
    assert "承诺：新增 1" in said
    assert said.splitlines()[-1] == "未识别、已跳过的工作表：t.xlsx [备忘]"
    assert [r["title"] for r in listing(pledges)] == ["走访困难群众"]
