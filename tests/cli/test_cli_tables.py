"""The tables people read (``dashboard``, ``overdue``, ``list``) at 80 and 120 columns in both
languages: no word, code, date or number broken, the pledge id always there, the columns left
out named; the pager; ``--limit``; CSV headers, labels and the BOM."""

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from cli_support import add, as_json, ok, usage_error, walk
from pledges import i18n
from pledges.models import Pledge
from pledges.cli.table import cells, cut, wrap

LONG_TITLE = "Organise the quarterly neighbourhood cleanup with volunteers from every household"
LONG_ORG = "Daxi Township Pump Manufacturing Enterprise Party Branch"
COMMANDS = {"dashboard": ("dashboard", "--depth", "2"), "overdue": ("overdue",), "list": ("list",)}
WORD = re.compile(r"[A-Za-z0-9][\w.:/-]*…?")


@pytest.fixture
def late(pledges, tree):
    """Overdue pledges with long English text: an organisation pledge of a long-named branch,
    a member's pledge, and one that is not late."""
    ok(pledges("org", "add", "DX-E1-PUMPWORKS", LONG_ORG, "--parent", "DX", "--kind", "enterprise"))
    first = add(pledges, org="DX-E1-PUMPWORKS", title=LONG_TITLE, due="2026-06-01")
    walk(pledges, first, "in_progress")
    second = add(pledges, org="DX-V2", member="M002", due="2026-06-10")
    walk(pledges, second, "approved")
    third = add(pledges, org="SX-V1", due="2026-09-30")
    walk(pledges, third, "displayed")
    return [first, second, third]


def run(pledges, lang: str, width: int, *args: str) -> str:
    return ok(pledges("--lang", lang, *args, env={"COLUMNS": str(width)})).stdout


def unbroken(narrow: str, wide: str, lang: str) -> None:
    """Every word, code, date and number of the narrow output is whole: it is one of the wide
    output's (or of the note naming the left-out columns), or a shortened one ending in "…"."""
    whole = set(WORD.findall(wide)) | set(WORD.findall(i18n.text("columns_dropped", lang, columns="")))
    for token in WORD.findall(narrow):
        if token.endswith("…"):
            assert any(word.startswith(token[:-1]) for word in whole) or token[:-1] in LONG_TITLE, token
        else:
            assert token in whole, f"{token!r} is not a whole word of the output"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_word_is_broken_at_80_or_120_columns(pledges, late, lang, command):
    wide = run(pledges, lang, 400, *COMMANDS[command])
    for width in (80, 120):
        out = run(pledges, lang, width, *COMMANDS[command])
        assert all(cells(line) <= width for line in out.splitlines()), out
        unbroken(out, wide, lang)
        assert re.search(r"\d{4}-\d{2}-\d{2}", out) and not re.search(r"\d{4}-\d{2}-(?!\d{2})", out)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [80, 120])
def test_the_overdue_table_always_has_the_id_and_names_what_it_left_out(pledges, late, lang, width):
    out = run(pledges, lang, width, "overdue")
    lines = out.splitlines()
    title = "全部 逾期承诺（截至 2026-06-15" if lang == "zh" else "everything: overdue pledges as of 2026-06-15"
    assert lines[0].startswith(title)
    header = lines[1]
    assert header.split()[0] == i18n.word("id", lang)
    rows = [line for line in lines if re.match(r"\s*\d+  ", line)]
    assert [int(line.split()[0]) for line in rows] == late[:2]
    headers = [i18n.word(key, lang) for key in ("id", "owner", "org", "title", "due", "col_days_late", "done",
                                                "last_progress")]
    note = " ".join(line for line in lines if line.startswith(("（终端", "(too")) or "csv" in line)
    for name in headers:
        assert name in header or name in note, name
    if width == 80:
        assert note  # something had to go
    assert LONG_TITLE in run(pledges, lang, 400, "overdue")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_lagging_units_reason_is_visible_at_80_columns(pledges, late, lang):
    out = run(pledges, lang, 80, "dashboard")
    lines = out.splitlines()
    flagged = [line for line in lines if re.match(r"\s+! ", line)]
    assert flagged
    reasons = (i18n.word("lagging_completion_rate", lang), i18n.word("lagging_overdue_rate", lang))
    assert all(any(reason in line for reason in reasons) for line in flagged)
    header = lines[next(n for n, line in enumerate(lines) if line.startswith("──")) - 1]
    assert i18n.word("col_overdue_rate", lang) in header and i18n.word("col_completion", lang) in header and i18n.word("col_due", lang) in header


def test_the_dashboard_shows_the_scope_and_the_level_below_lagging_first(pledges, late):
    board = as_json(pledges("dashboard", "--format", "json"))
    assert [(row["code"], row["depth"]) for row in board["rows"]] == [("WL", 0), ("DX", 1), ("SX", 1)]
    dx = board["rows"][1]
    assert dx["overdue"] == 2 and dx["due"] == 2 and dx["overdue_rate"] == 1.0 and dx["lagging"] == ["overdue_rate"]
    out = ok(pledges("dashboard", "--org", "DX", env={"COLUMNS": "120"})).stdout
    rows = [line.split()[0] for line in out.splitlines() if "党支部" in line or line.startswith("  ")]
    assert rows[0] == "!"  # DX-E1 and DX-V2 are late, DX-V1 not: lagging first
    assert "用 --org 代码 查看下级" in out.replace("\n", "") and "逾期率 = 逾期 ÷ 已到期" in out.replace("\n", "")


def test_limit_keeps_the_first_rows_and_says_so(pledges, late):
    out = ok(pledges("list", "--limit", "2", env={"COLUMNS": "120"})).stdout
    assert [int(line.split()[0]) for line in out.splitlines() if re.match(r"\s*\d+  ", line)] == late[:2]
    assert "只显示前 2 行" in out
    assert [row["id"] for row in as_json(pledges("list", "--limit", "1", "--format", "json"))] == late[:1]
    assert [row["id"] for row in as_json(pledges("overdue", "--limit", "1", "--format", "json"))] == late[:1]
    assert "--limit" in usage_error(pledges("list", "--limit", "0"))


def test_a_limited_overdue_list_counts_every_overdue_pledge_not_the_rows_shown(pledges, late):
    # issue 15: "共 1 项逾期" under a list cut by --limit told an organiser the town had one
    for lang in ("zh", "en"):
        cut = run(pledges, lang, 120, "overdue", "--limit", "1")
        assert [int(line.split()[0]) for line in cut.splitlines() if re.match(r"\s*\d+  ", line)] == late[:1]
        assert i18n.text("overdue_count_limited", lang, count=2, limit=1) in cut
        whole = run(pledges, lang, 120, "overdue", "--limit", "2")
        assert i18n.text("overdue_count", lang, count=2) in whole and "--limit" not in whole


def test_csv_has_headers_of_the_language_and_a_bom_for_excel(pledges, late):
    zh = ok(pledges("list", "--format", "csv")).stdout
    assert zh.startswith("编号,活动年度,党组织代码,党组织,") and not zh.startswith("\ufeff")
    en = ok(pledges("--lang", "en", "list", "--format", "csv")).stdout
    assert en.startswith("id,campaign,org,org_name,")
    bom = ok(pledges("overdue", "--format", "csv", "--bom")).stdout
    assert bom.startswith("\ufeff编号,党组织代码,")
    rows = list(csv.DictReader(io.StringIO(bom.lstrip("\ufeff"))))
    assert [int(row["编号"]) for row in rows] == late[:2]
    board = list(csv.DictReader(io.StringIO(ok(pledges("dashboard", "--format", "csv", "--bom")).stdout[1:])))
    assert board[1]["逾期率"] == "100.0%" and board[1]["践诺率"] == "0.0%"  # percentages for Excel
    assert as_json(pledges("dashboard", "--format", "json"))["rows"][1]["overdue_rate"] == 1.0  # fractions in JSON
    assert "--bom" in usage_error(pledges("list", "--bom"))


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# What a spreadsheet user reads in the CSV: the table's labels, in the reader's language.
SHOWN = {
    "zh": {"in_progress": "践诺中", "approved": "已审核", "displayed": "已亮诺", "fulfilled": "已兑现",
           "committee": "党委", "village": "村", "community": "社区", "enterprise": "非公企业"},
    "en": {"in_progress": "in progress", "approved": "approved", "displayed": "displayed", "fulfilled": "fulfilled",
           "committee": "committee", "village": "village", "community": "community", "enterprise": "enterprise"},
}


@pytest.fixture
def finished(pledges, late, ledger):
    """``late`` and a fourth pledge, fulfilled; the ledger stores the states' code names."""
    done = add(pledges, org="DX-V1", due="2026-06-12")
    walk(pledges, done, "in_progress")
    ok(pledges("progress", done, "--amount", "9"))
    ok(pledges("complete", done))
    with ledger.session() as session:
        stored = dict(session.execute(select(Pledge.id, Pledge.state)).all())
    assert stored == {late[0]: "in_progress", late[1]: "approved", late[2]: "displayed", done: "fulfilled"}
    return [*late, done]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_csv_shows_states_by_their_labels_and_json_by_their_code_names(pledges, finished, lang):
    """``list --format csv`` and ``overdue --format csv`` are opened in Excel or WPS: a state is
    the label the table shows (践诺中; "in progress" with --lang en), never the code name
    (in_progress), which JSON keeps for scripts."""
    first, second, third, done = finished
    shown = SHOWN[lang]
    key, state, outcome = (("编号", "状态", "结果") if lang == "zh" else ("id", "state", "outcome"))
    listing = {int(row[key]): (row[state], row[outcome])
               for row in csv_rows(ok(pledges("--lang", lang, "list", "--format", "csv", "--bom")).stdout)}
    assert listing == {first: (shown["in_progress"], ""), second: (shown["approved"], ""),
                       third: (shown["displayed"], ""), done: (shown["fulfilled"], shown["fulfilled"])}
    late = csv_rows(ok(pledges("--lang", lang, "overdue", "--format", "csv")).stdout)
    assert [(int(row[key]), row[state]) for row in late] == [(first, shown["in_progress"]),
                                                             (second, shown["approved"])]
    one = csv_rows(ok(pledges("--lang", lang, "list", "--member", "M002", "--format", "csv")).stdout)  # not the fast path
    assert [(int(row[key]), row[state]) for row in one] == [(second, shown["approved"])]
    assert {row["id"]: row["state"] for row in as_json(pledges("--lang", lang, "list", "--format", "json"))} == {
        first: "in_progress", second: "approved", third: "displayed", done: "fulfilled"}
    assert [row["state"] for row in as_json(pledges("--lang", lang, "overdue", "--format", "json"))] == [
        "in_progress", "approved"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_pledges_csv_heads_its_due_day_as_a_day_and_says_yes_or_no(pledges, finished, lang, tmp_path):
    """A pledge's ``due`` is its day, 完成时限, not the figures' count of pledges due (已到期); a
    yes/no column reads 是/否 (yes/no), which the import reads back, not JSON's true/false."""
    first, *_ = finished
    due, flag, late, key = (("完成时限", "定性承诺", "逾期", "编号") if lang == "zh"
                            else ("due", "qualitative", "overdue", "id"))
    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    for command in (["list"], ["overdue"]):
        text = ok(pledges("--lang", lang, *command, "--format", "csv")).stdout
        header = next(csv.reader(io.StringIO(text)))
        assert due in header and ("已到期" not in header if lang == "zh" else True)
        rows = {int(row[key]): row for row in csv_rows(text)}
        expected = {view["id"]: view for view in as_json(pledges(*command, "--format", "json"))}
        assert rows.keys() == expected.keys()
        for pledge_id, row in rows.items():
            assert row[due] == expected[pledge_id]["due"]
            assert row[flag] == (yes if expected[pledge_id]["qualitative"] else no)
            if command == ["list"]:  # every row of the overdue list is overdue: it has no such column
                assert row[late] == (yes if expected[pledge_id]["overdue"] else no)
        if command == ["list"]:
            assert rows[first][late] == yes
    assert "已到期" in next(csv.reader(io.StringIO(ok(pledges("dashboard", "--format", "csv")).stdout)))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dashboard_csv_shows_kinds_and_reasons_by_their_labels(pledges, finished, lang):
    """The dashboard's CSV: the unit kind (村; village) and why a unit lags (逾期率高; "high
    overdue"), as the table shows them; JSON keeps the code names (village, overdue_rate)."""
    shown = SHOWN[lang]
    code, kind, lagging, key = (("党组织代码", "单位类型", "关注", "分组") if lang == "zh"
                                else ("code", "kind", "lagging", "key"))
    figures = as_json(pledges("--lang", lang, "dashboard", "--depth", "2", "--format", "json"))["rows"]
    board = csv_rows(ok(pledges("--lang", lang, "dashboard", "--depth", "2", "--format", "csv")).stdout)
    assert [(row[code], row[kind]) for row in board] == [(row["code"], shown[row["kind"]]) for row in figures]
    assert {row[code] for row in board} >= {"WL", "DX", "DX-V1", "DX-V2", "DX-E1-PUMPWORKS", "SX-V1"}
    reasons = {row["code"]: row["lagging"] for row in figures if row["lagging"]}
    assert reasons, "the fixture has a lagging unit"
    comma = "，" if lang == "zh" else ", "
    assert {row[code]: row[lagging] for row in board if row[lagging]} == {
        org: comma.join(i18n.word(f"lagging_{reason}", lang) for reason in why) for org, why in reasons.items()}
    assert not any("_" in row[lagging] for row in board)  # no code name such as overdue_rate
    split = csv_rows(ok(pledges("--lang", lang, "dashboard", "--by", "kind", "--format", "csv")).stdout)
    codes = [row["key"] for row in as_json(pledges("dashboard", "--by", "kind", "--format", "json"))["rows"]]
    assert [row[key] for row in split] == [shown[kind_code] for kind_code in codes]
    assert set(codes) == {"village", "community", "enterprise"}


def test_no_pager_when_stdout_is_not_a_terminal(pledges, late, tmp_path):
    marker = tmp_path / "paged"
    out = ok(pledges("overdue", env={"PAGER": f"cat > {marker}"})).stdout
    assert LONG_TITLE[:10] in out and not marker.exists()


def _in_a_terminal(args: list[str], env: dict) -> str:
    """Run the real ``pledges`` with stdout on a pseudo-terminal; what reached the terminal."""
    import pty

    main, terminal = pty.openpty()
    command = [str(Path(sys.executable).parent / "pledges"), *args]
    done = subprocess.run(command, stdout=terminal, stderr=subprocess.PIPE, env=env, timeout=60)
    os.close(terminal)
    chunks = []
    try:
        while chunk := os.read(main, 65536):
            chunks.append(chunk)
    except OSError:
        pass
    os.close(main)
    assert done.returncode == 0, done.stderr
    return b"".join(chunks).decode("utf-8", "replace")


def test_on_a_terminal_long_listings_go_through_the_pager(late, cli_env, tmp_path):
    marker = tmp_path / "paged"
    env = {**os.environ, **cli_env, "PAGER": f"cat > {marker}", "COLUMNS": "400"}
    _in_a_terminal(["list"], env)
    assert LONG_TITLE in marker.read_text(encoding="utf-8")
    marker.unlink()
    shown = _in_a_terminal(["list", "--no-pager"], env)
    assert not marker.exists() and LONG_TITLE in shown
    shown = _in_a_terminal(["list"], {**env, "PAGER": "cat"})  # as git: cat means no pager
    assert LONG_TITLE in shown


def test_cut_and_wrap_keep_words_whole():
    assert cut("organisation pledge", 14) == "organisation…"
    assert cut("组织党员志愿服务 14 次", 19) == "组织党员志愿服务…"
    assert cut("走访困难群众", 7) == "走访困…" and cells(cut("走访困难群众", 7)) <= 7
    assert wrap("too narrow for: Declared, Displayed, Done of due", 20) == [
        "too narrow for:", "Declared, Displayed,", "Done of due"]
    assert all(cells(line) <= 10 for line in wrap("已承诺 232708 项（组织 15861，党员 216847）", 10))


def test_the_quick_width_of_cjk_text_is_richs():
    from rich.cells import cell_len

    from pledges.cli.table import _width_cache

    texts = ["组织党员志愿服务 14 次", "（只显示前 3 行；去掉 --limit 查看全部）", "¥100 é ｱ 한국어 ＡＢ 〇一", "a\u302ab",
             *(chr(cp) for cp in (*range(0x3000, 0x3040), *range(0xff01, 0xff61), *range(0x4e00, 0xa000, 97)))]
    for text in texts:
        _width_cache.clear()
        assert cells(text) == cell_len(text), text
