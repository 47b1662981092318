"""``pledges dashboard`` and ``pledges overdue`` through the real command."""

import csv
import io

from sqlalchemy import update

from cli_support import add, as_json, counts, ok, refused, usage_error, walk
from pledges.figures import dashboard
from pledges.models import Campaign

WIDE = {"COLUMNS": "160"}


def town(pledges):
    """DX-V1: one in progress and overdue since 06-01; one fulfilled on time.  DX-V2: M002's
    pledge displayed, due 09-30.  SX-V1: a draft.  (Today is 2026-06-15.)"""
    late = add(pledges, due="2026-06-01")
    walk(pledges, late, "in_progress")
    done = add(pledges, due="2026-06-15")
    walk(pledges, done, "in_progress")
    ok(pledges("progress", done, "--amount", "9"))
    ok(pledges("complete", done))
    shown = add(pledges, org="DX-V2", member="M002")
    walk(pledges, shown, "displayed")
    add(pledges, org="SX-V1")
    return late, done, shown


def test_dashboard_json_is_the_figures_in_tree_order(pledges, tree):
    late, _, _ = town(pledges)
    before = counts(tree)
    board = as_json(pledges("dashboard", "--depth", "2", "--format", "json"))
    assert counts(tree) == before  # reading changes nothing
    assert (board["campaign"], board["as_of"], board["scope"]) == (2026, "2026-06-15", ["WL"])
    assert [(r["code"], r["depth"]) for r in board["rows"]] == [
        ("WL", 0), ("DX", 1), ("DX-V1", 2), ("DX-V2", 2), ("SX", 1), ("SX-V1", 2)]
    v1 = board["rows"][2]
    assert (v1["declared"], v1["due"], v1["fulfilled"], v1["overdue"], v1["completion_rate"],
            v1["on_time_rate"], v1["display_rate"]) == (2, 2, 1, 1, 0.5, 0.5, 1.0)
    assert v1["progress"] == 3 / 12 and v1["lagging"] == ["overdue_rate"]
    v2 = board["rows"][3]
    assert (v2["member_pledges"], v2["due"], v2["completion_rate"], v2["progress"]) == (1, 0, None, 0.0)
    assert board["rows"][5]["declared"] == 0 and board["rows"][5]["display_rate"] is None
    assert board["totals"] == board["rows"][0] and board["totals"]["declared"] == 3
    expected = dashboard(tree).as_dict()
    assert board["rows"] == [{**row} for row in expected["rows"]]


def test_dashboard_table_shows_the_tree_with_bars_and_marks_laggards(pledges, tree):
    town(pledges)
    out = ok(pledges("dashboard", "--depth", "2", env=WIDE)).stdout
    assert "温岭市委 2026年度承诺统计（截至 2026-06-15）" in out
    lines = out.splitlines()
    row = next(line for line in lines if "大溪村党支部" in line)
    assert "    ! 大溪村党支部" in row and "▰▰▰▱▱ 50%" in row and "逾期率高" in row
    assert any(line.startswith("温岭市委 ") for line in lines)
    assert "已承诺 3 项（组织 2，党员 1）" in out and "践诺率 50.0%" in out
    english = ok(pledges("--lang", "en", "dashboard", "--org", "DX", "--depth", "1", env=WIDE)).stdout
    assert "大溪镇党委: pledges of 2026 as of 2026-06-15" in english and "Completion" in english
    assert "松门镇党委" not in english


def test_a_narrow_terminal_drops_the_least_important_columns_and_says_so(pledges, tree):
    town(pledges)
    out = ok(pledges("dashboard", env={"COLUMNS": "70"})).stdout
    assert all(len(line) <= 70 for line in out.splitlines())
    header = next(line for line in out.splitlines() if "党组织" in line)
    dropped = out.split("终端宽度不足，未显示：")[1]
    assert "践诺率" in header and "逾期" in header
    assert "评诺率" not in header and "评诺率" in dropped


def test_dashboard_csv_has_every_field_per_row(pledges, tree):
    town(pledges)
    out = ok(pledges("--lang", "en", "dashboard", "--format", "csv", "--depth", "1")).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["code"] for r in rows] == ["WL", "DX", "SX"]
    assert rows[1]["completion_rate"] == "50.0%" and rows[2]["completion_rate"] == ""
    assert {"display_rate", "on_time_rate", "progress", "evaluation_coverage", "unfulfilled"} <= set(rows[0])


def test_dashboard_as_of_a_past_day(pledges, tree):
    town(pledges)
    board = as_json(pledges("dashboard", "--as-of", "2026-06-14", "--format", "json"))
    assert board["as_of"] == "2026-06-14" and board["totals"]["declared"] == 0  # all made today


def test_dashboard_watch_redraws_and_stops(pledges, tree):
    town(pledges)
    out = ok(pledges("dashboard", "--watch", "--interval", "0", "--frames", "2", "--depth", "2", env=WIDE)).stdout
    assert "温岭市委 2026年度承诺统计" in out and "大溪村党支部" in out


def test_dashboard_refusals(pledges, tree):
    assert "NOPE" in refused(pledges("dashboard", "--org", "NOPE"))
    assert "--depth" in usage_error(pledges("dashboard", "--depth", "-1"))
    assert "--watch" in usage_error(pledges("dashboard", "--watch", "--format", "json"))
    assert "2026-13-01" in usage_error(pledges("dashboard", "--as-of", "2026-13-01"))
    assert "2031" in refused(pledges("dashboard", "--campaign", "2031"))


def test_overdue_lists_what_a_secretary_chases(pledges, tree):
    late, _, _ = town(pledges)
    member_late = add(pledges, org="DX-V2", member="M002", due="2026-06-10")
    walk(pledges, member_late, "approved")
    rows = as_json(pledges("overdue", "--format", "json"))
    assert [(r["id"], r["days_late"], r["owner"], r["org"], r["done"], r["target"], r["last_progress"])
            for r in rows] == [(late, 14, "大溪村党支部", "DX-V1", 3, 12, "2026-06-15"),
                               (member_late, 5, "李四", "DX-V2", 0, 12, None)]
    table = ok(pledges("overdue", "--org", "DX-V2", env=WIDE)).stdout
    assert "DX-V2 逾期承诺（截至 2026-06-15" in table and "共 1 项逾期" in table and "李四" in table and "0/12 户" in table
    assert "大溪村党支部" not in table
    assert "（无）" in ok(pledges("overdue", "--org", "SX")).stdout
    assert ok(pledges("overdue", "--as-of", "2026-06-14", "--format", "csv")).stdout == ""


def test_dashboard_by_kind_and_by_category(pledges, tree):
    town(pledges)
    extra = add(pledges, org="DX-V2", category="为民服务", due="2026-06-01")
    walk(pledges, extra, "approved")
    kinds = as_json(pledges("dashboard", "--by", "kind", "--format", "json"))
    assert (kinds["by"], kinds["scope"]) == ("kind", None)
    assert {r["key"]: r["declared"] for r in kinds["rows"]} == {"village": 2, "community": 2}
    assert kinds["totals"]["declared"] == 4 and kinds["totals"]["overdue"] == 2
    categories = as_json(pledges("dashboard", "--by", "category", "--org", "DX-V2", "--format", "json"))
    assert [(r["key"], r["declared"], r["overdue"]) for r in categories["rows"]] == [
        (None, 1, 0), ("为民服务", 1, 1)]
    table = ok(pledges("dashboard", "--by", "kind", env=WIDE)).stdout
    assert "全部 2026年度承诺统计，按单位类型（截至 2026-06-15）" in table
    assert any(line.split()[:2] == ["村", "2"] for line in table.splitlines())
    english = ok(pledges("--lang", "en", "dashboard", "--by", "category", env=WIDE)).stdout
    assert "(no category)" in english and "by category" in english
    out = ok(pledges("--lang", "en", "dashboard", "--by", "kind", "--format", "csv")).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["key"] for r in rows] == ["community", "village"] and "lagging" not in rows[0]  # ties by code
    assert "--by" in usage_error(pledges("dashboard", "--by", "colour"))


def test_overdue_escalated_keeps_those_late_beyond_the_campaign_threshold(pledges, tree):
    late, _, _ = town(pledges)                                  # 14 days late: not beyond 14
    older = add(pledges, due="2026-05-31")                      # 15 days late
    walk(pledges, older, "displayed")
    assert [r["id"] for r in as_json(pledges("overdue", "--escalated", "--format", "json"))] == [older]
    assert [r["id"] for r in as_json(pledges("overdue", "--format", "json"))] == [older, late]
    with tree.session() as session:
        session.execute(update(Campaign).values(escalation_days=13))
    assert [r["id"] for r in as_json(pledges("overdue", "--escalated", "--format", "json"))] == [older, late]
    table = ok(pledges("overdue", "--escalated", "--org", "SX", env=WIDE)).stdout
    assert "SX 应督办的逾期承诺 0 项（截至 2026-06-15）" in table and "（无）" in table
    listed = ok(pledges("overdue", "--escalated", env=WIDE)).stdout.splitlines()
    assert listed[0] == "全部 应督办的逾期承诺（截至 2026-06-15，逾期最久的在前）"
    assert ok(pledges("overdue", env=WIDE)).stdout.startswith("全部 逾期承诺（截至 2026-06-15，")


def test_an_unknown_organisation_is_refused_even_before_any_pledge(pledges, tree):
    for command in ("overdue", "dashboard", "list"):
        assert "NOPE" in refused(pledges(command, "--org", "NOPE"))


def test_overdue_csv_is_streamed_with_a_header_and_one_line_per_pledge(pledges, tree):
    late, _, _ = town(pledges)
    other = add(pledges, org="DX-V2", due="2026-06-10", title="修路, 东段")  # a comma inside a cell
    walk(pledges, other, "approved")
    rows = list(csv.DictReader(io.StringIO(ok(pledges("--lang", "en", "overdue", "--format", "csv")).stdout)))
    assert [(int(r["id"]), r["days_late"], r["title"], r["last_progress"]) for r in rows] == [
        (late, "14", "走访困难群众", "2026-06-15"), (other, "5", "修路, 东段", "")]
    assert as_json(pledges("overdue", "--org", "SX", "--format", "json")) == []
