"""The visit questionnaire (docs/evaluation.md "The questionnaire"): the template, the import (all or
nothing, problems with sheet, row and column), and the rates with Wilson intervals checked
against SciPy, through the real command on SQLite and PostgreSQL."""

import openpyxl
import pytest
from scipy.stats import binomtest
from sqlalchemy import func, select

from cli_support import add, as_json, ok
from pledges.models import SurveyAnswer


def answers(ledger) -> int:
    with ledger.session() as session:
        return session.scalar(select(func.count()).select_from(SurveyAnswer))


def fill(path, out, answers_by_row):
    book = openpyxl.load_workbook(path)
    sheet = book["问卷"]
    for row, (aware, satisfied, suggestion) in answers_by_row.items():
        sheet[f"E{row}"], sheet[f"F{row}"], sheet[f"G{row}"] = aware, satisfied, suggestion
    book.save(out)


def test_template_import_and_rates(pledges, tree, tmp_path):
    template = tmp_path / "问卷.xlsx"
    out = ok(pledges("visit", "survey", "template", "--org", "DX-V1", "--org", "DX-V2", "--out", template,
                     "--respondents", "4")).stdout
    assert out == f"已写出问卷 {template}：2 个单位，16 行（每个单位党员、群众各 4 行）\n"
    sheet = openpyxl.load_workbook(template)["问卷"]
    assert [c.value for c in sheet[1]] == ["单位代码*", "单位名称", "调查对象*", "答卷编号", "是否知晓承诺", "满意度", "意见建议"]
    assert [c.value for c in sheet[2]][:4] == ["DX-V1", "大溪村党支部", "党员", 1]
    assert [c.value for c in sheet[6]][:4] == ["DX-V1", "大溪村党支部", "群众", 1]
    # rows 2-5 DX-V1 members, 6-9 DX-V1 public, 10-13 DX-V2 members, 14-17 DX-V2 public
    bad = tmp_path / "bad.xlsx"
    fill(template, bad, {2: ("是", "满意", None), 3: ("也许", "满意", None), 6: ("否", "很好", None)})
    result = pledges("visit", "survey", "import", bad)
    assert result.exit_code == 1 and result.stdout == "", (result.stdout, result.stderr, result.exception)
    assert result.stderr.splitlines() == [
        "问卷有 2 处问题，未导入任何答卷：",
        "bad.xlsx [问卷] 第 3 行 E 列（是否知晓承诺）：" + result.stderr.splitlines()[1].split("：", 1)[1],
        "bad.xlsx [问卷] 第 6 行 F 列（满意度）：很好 不是可选值：可选 满意、基本满意、不满意",
    ]
    assert answers(tree) == 0
    good = tmp_path / "good.xlsx"
    fill(template, good, {2: ("是", "满意", "多走访"), 3: ("是", "基本满意", None), 4: ("否", "不满意", None),
                          6: ("是", "满意", None), 7: ("否", None, "公示栏太远"), 10: ("是", "满意", None),
                          14: (None, "不满意", None), 15: ("是", "基本满意", None)})
    assert ok(pledges("visit", "survey", "import", good, "--dry-run")).stdout == "检查通过：答卷 8 份，未写入（--dry-run）\n"
    assert answers(tree) == 0
    assert ok(pledges("visit", "survey", "import", good)).stdout == (
        "已导入答卷 8 份（党员 4 份，群众 4 份；跳过未填写的 8 行）\n")
    assert answers(tree) == 8
    assert "已导入过" in pledges("visit", "survey", "import", good).stderr
    found = as_json(pledges("visit", "survey", "results", "--format", "json"))
    groups = {g["group"]: g for g in found["groups"]}
    # members: aware 3 of 4, satisfied or fair 3 of 4; public: aware 2 of 3, satisfied or fair 2 of 3
    assert (groups["members"]["awareness"]["yes"], groups["members"]["awareness"]["answers"]) == (3, 4)
    assert (groups["members"]["satisfaction"]["yes"], groups["members"]["satisfaction"]["answers"]) == (3, 4)
    assert (groups["public"]["awareness"]["yes"], groups["public"]["awareness"]["answers"]) == (2, 3)
    assert (groups["public"]["satisfaction"]["yes"], groups["public"]["satisfaction"]["answers"]) == (2, 3)
    for group in groups.values():
        for rate in (group["awareness"], group["satisfaction"]):
            ci = binomtest(rate["yes"], rate["answers"]).proportion_ci(method="wilson")
            assert (rate["low"], rate["high"]) == (pytest.approx(ci.low), pytest.approx(ci.high))
    assert {(s["code"], s["text"]) for s in found["suggestions"]} == {("DX-V1", "多走访"), ("DX-V1", "公示栏太远")}
    only = as_json(pledges("visit", "survey", "results", "--org", "DX-V2", "--format", "json"))
    assert {g["group"]: g["respondents"] for g in only["groups"]} == {"members": 1, "public": 2}
    table = ok(pledges("visit", "survey", "results")).stdout
    assert "党员（4 份）：知晓率 75.0%（" in table


def test_results_before_any_answer_say_so_instead_of_empty_rates(pledges, tree):
    # issue 15: it printed 知晓率 -（-–-），满意率 -（-–-） for a group nobody had answered yet
    add(pledges, org="DX-V1")  # the campaign exists once a pledge does
    assert ok(pledges("visit", "survey", "results", "--org", "DX")).stdout.splitlines()[1:] == [
        "党员：尚无答卷", "群众：尚无答卷"]
    assert ok(pledges("--lang", "en", "visit", "survey", "results")).stdout.splitlines()[1:] == [
        "members: no answers yet", "public: no answers yet"]
    assert answers(tree) == 0
