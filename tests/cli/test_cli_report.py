"""The visit report (docs/evaluation.md "The visit report") through the real command, on SQLite and
PostgreSQL: its numbers are the dashboard's and the questionnaire's, user text is escaped, the
workbook holds the same tables; and, in headless Chromium (Debian's, through Playwright), the
Chinese text is drawn with a CJK font (no missing-glyph boxes) and the page prints on A4."""

import shutil
from pathlib import Path

import openpyxl
import pytest

from cli_support import add, as_json, ok, pledge_in, walk
from support import a4_pages, cjk_nodes_checked

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def visited(pledges, tree, tmp_path):
    """Pledges under DX with ratings, a vague one, an overdue one, and questionnaire answers."""
    first = pledge_in(pledges, "in_progress", title="走访困难群众 <b>12</b> 户")
    second = pledge_in(pledges, "displayed", org="DX-V2", due="2026-03-01")  # overdue at NOW (2026-06-15)
    vague = add(pledges, "--qualitative", org="DX-V2", title="认真做好各项工作", target=None, unit=None,
                criterion="认真做好各项工作")
    walk(pledges, vague, "submitted")
    ok(pledges("rate", first, "--group", "public", "--grade", "满意", "--count", "8"))
    ok(pledges("rate", first, "--group", "public", "--grade", "不满意", "--count", "2"))
    ok(pledges("rate", second, "--group", "organisation", "--grade", "good"))
    answers = tmp_path / "answers.csv"
    answers.write_text("单位代码,调查对象,是否知晓承诺,满意度,意见建议\n"
                       "DX-V1,党员,是,满意,多走访\nDX-V1,群众,否,不满意,<script>alert(1)</script>\n"
                       "DX-V2,群众,是,基本满意,\n", encoding="utf-8")
    ok(pledges("visit", "survey", "import", answers))
    return {"first": first, "second": second, "vague": vague}


def test_the_html_report_holds_the_dashboards_numbers_and_escapes_user_text(pledges, visited, tmp_path):
    out = tmp_path / "报告.html"
    result = ok(pledges("visit", "report", "--org", "DX", "--seed", "s1", "--units", "2", "--out", out))
    assert result.stdout == f"已写出现场点评报告：{out}\n"
    html = out.read_text(encoding="utf-8")
    board = as_json(pledges("dashboard", "--org", "DX", "--depth", "1", "--evaluation", "--format", "json"))["totals"]
    assert f'<div class="v">{board["declared"]}</div><div class="k">已承诺</div>' in html
    assert f'{board["checkable_rate"] * 100:.1f}%</div><div class="k">可评比率</div>' in html
    assert '<div class="v">80.0%</div><div class="k">群众满意率（10 票）</div>' in html
    assert "走访困难群众 &lt;b&gt;12&lt;/b&gt; 户" in html and "<b>12</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "大溪村党支部" in html and "大溪社区党支部" in html  # both units drawn (2 of 2)
    assert "逾期 106 天" in html  # the second pledge, due 2026-03-01
    assert "L003" in html  # the vague criterion
    assert "@page { size: A4" in html and "<svg" in html
    assert "附录：数字的来源" in html and "WITH RECURSIVE sub(id)" in html
    # DX-V2 lags by its overdue rate: the reason is named (it was blank, issue 15)
    assert "<td>需要关注</td><td>逾期率高于同级：" in html and "<td>需要关注</td><td>：" not in html


def test_the_workbook_report(pledges, visited, tmp_path):
    out = tmp_path / "报告.xlsx"
    ok(pledges("visit", "report", "--org", "DX", "--seed", "s1", "--units", "2", "--out", out))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["概况", "抽查单位", "问卷", "附录"]
    overview = list(book["概况"].iter_rows(values_only=True))
    assert overview[1][1] == "DX" and overview[1][4] == 3  # declared
    assert {row[1]: row[-1] for row in overview[2:]}["DX-V2"] == "逾期率高于同级"  # not the code overdue_rate
    survey = {(row[1], row[2]): row[3:6] for row in book["问卷"].iter_rows(min_row=2, values_only=True)}
    assert survey["群众", "满意率"] == (1, 2, 0.5)
    assert "pledges dashboard" not in str(list(book["附录"].values))  # the appendix is the workbook's own
    assert any(row[0] == "复核 SQL" for row in book["附录"].iter_rows(values_only=True))


def test_a_report_to_another_format_is_refused(pledges, visited, tmp_path):
    result = pledges("visit", "report", "--org", "DX", "--out", tmp_path / "r.pdf")
    assert result.exit_code == 1 and "只能写成 .html 或 .xlsx" in result.stderr


@pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
                    reason="Debian's chromium is not installed (.ci/run installs it)")
def test_in_chromium_chinese_has_a_cjk_font_and_the_page_prints_on_a4(pledges, visited, tmp_path, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("the browser reads the same HTML whatever the database")
    from playwright.sync_api import sync_playwright

    out = tmp_path / "report.html"
    ok(pledges("visit", "report", "--org", "DX", "--seed", "s1", "--units", "2", "--out", out))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(out.as_uri())
            checked = cjk_nodes_checked(page, ("h1", "h2", ".figure .k", "th", "td", "svg text", "li"))
            assert checked > 50
            pdf = page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
    assert a4_pages(pdf) >= 2


def test_the_appendix_recount_sql_gives_the_dashboards_counts(pledges, visited, db_url):
    """The plain SQL the report prints for an auditor (workflows/report.RECOUNT_SQL) is a second
    spelling of the figures: run it, and it must give the dashboard's counts."""
    from sqlalchemy import text

    from pledges.db import Ledger
    from pledges.workflows.report import RECOUNT_SQL

    board = as_json(pledges("dashboard", "--org", "DX", "--depth", "0", "--format", "json"))
    engine = Ledger(db_url).engine
    with engine.connect() as connection:
        recount = connection.execute(text(RECOUNT_SQL), {"scope": "DX", "as_of": board["as_of"],
                                                         "campaign": board["campaign"]}).one()._mapping
    assert board["totals"]["declared"] > 0
    assert {name: board["totals"][name] for name in recount} == dict(recount)


def test_the_appendix_score_and_survey_sql_give_the_codes_answers(pledges, visited, db_url):
    """The score and survey SQL of the appendix, run as printed, give what pledges.scores and
    workflows.survey compute: the auditor's recount is the report's own figures."""
    from sqlalchemy import text

    from pledges.db import Ledger
    from pledges.scores import means_query
    from pledges.workflows import survey
    from pledges.workflows.report import SCORE_SQL, SURVEY_SQL

    ledger = Ledger(db_url)
    with ledger.session() as session:
        printed = {(row.pledge_id, row.rater_group): float(row.mean_points)
                   for row in session.execute(text(SCORE_SQL.rsplit(";", 1)[0]))}
        computed = {(row.pledge_id, row.rater_group): float(row.mean) for row in session.execute(means_query())}
        counted = {row.respondent_group: (row.aware_yes, row.aware_answers, row.satisfied, row.satisfaction_answers)
                   for row in session.execute(text(SURVEY_SQL), {"campaign": 2026})}
    assert printed == pytest.approx(computed) and (visited["first"], "public") in printed
    assert printed[(visited["first"], "public")] == pytest.approx((8 * 100 + 2 * 30) / 10)
    rates = {group.group: group for group in survey.results(ledger).groups}
    assert counted == {group: (rate.awareness.yes, rate.awareness.answers, rate.satisfaction.yes,
                               rate.satisfaction.answers) for group, rate in rates.items() if rate.respondents}
    assert set(counted) == {"members", "public"}
