"""Issue 8, defects 1–4: no text a person typed breaks or steers the output, no CSV cell runs as
a formula, no database URL, date or byte sequence gives a traceback, and no read creates a file.
Each through the real command, with the database checked afterwards."""

import csv
import io
import os
import subprocess
import sys

import pytest

from cli_support import add, describe, ok, pledge_in, refused, usage_error
from dump_support import digest

MARKUP = ["[/]", "[/bold]", "a[/x]", "[link=https://evil.example]点我[/link]", "[white on white]隐形[/]",
          "[bold red]醒目", ":smile: :thumbs_up:"]
CONTROLS = {"\x1b]0;pwned\x07": "\\x1b]0;pwned\\x07", "\x1b[2J": "\\x1b[2J", "\u202e反转": "\\u202e反转",
            "\x9b31m": "\\x9b31m", "a\rb": "a\\x0db", "\x08\x7f": "\\x08\\x7f"}
WIDE = {"COLUMNS": "400"}


def hostile_ledger(pledges, text: str) -> int:
    """An organisation, a member and an overdue pledge, each carrying ``text`` wherever a person
    types: names, title, content, unit, category, note, evidence, place, reasons, comment."""
    ok(pledges("org", "add", "--parent", "DX", "--kind", "village", "--secretary", text, "--", "H1", text))
    ok(pledges("member", "add", "--org", "H1", "--", "M901", text))
    pledge_id = add(pledges, org="H1", member="M901", title=text, content=text, unit=text, category=text,
                    due="2026-06-01")
    ok(pledges("submit", pledge_id))
    ok(pledges("return", pledge_id, "--reason", text))
    for command, *args in (("submit",), ("approve",), ("display", "--channel", "board", "--place", text),
                           ("progress", "--amount", "3", "--note", text, "--evidence", text)):
        ok(pledges(command, pledge_id, *args))
    return pledge_id


def readers(pledge_id: int):
    """Every rich output, and whether it shows the text whole (the dashboard cuts long names)."""
    return [(("list",), True), (("list", "--overdue"), True), (("show", pledge_id), True), (("overdue",), True),
            (("overdue", "--org", "H1"), True), (("org", "list"), True), (("org", "tree"), True),
            (("member", "list"), True), (("dashboard", "--depth", "3"), False),
            (("dashboard", "--by", "category"), False), (("remind", "run"), False), (("remind", "list"), False)]


@pytest.mark.parametrize("text", MARKUP)
def test_markup_in_user_text_is_shown_as_typed(pledges, tree, text):
    pledge_id = hostile_ledger(pledges, text)
    for args, whole in readers(pledge_id):
        result = ok(pledges(*args, env=WIDE))
        assert text in result.stdout or not whole, (args, result.stdout)


@pytest.mark.parametrize("text", ["[link=https://evil.example]点我[/link]", "[white on white]隐形[/]"])
def test_markup_does_not_style_on_a_terminal(pledges, tree, text):
    """With colours forced on (as on a terminal), the brackets are printed, not obeyed: no OSC 8
    hyperlink, and the text keeps no style of its own."""
    pledge_id = hostile_ledger(pledges, text)
    for args in (("list",), ("show", pledge_id), ("org", "tree"), ("overdue",)):
        out = ok(pledges(*args, env={**WIDE, "FORCE_COLOR": "1"})).stdout
        assert text in out and "\x1b]8;" not in out and "\x1b[37;47m" not in out, (args, out)


@pytest.mark.parametrize("text, shown", CONTROLS.items())
def test_control_characters_are_shown_not_sent(pledges, tree, text, shown):
    pledge_id = hostile_ledger(pledges, text)
    raw = [c for c in text if not c.isprintable()]
    for args, whole in readers(pledge_id):
        result = ok(pledges(*args, env=WIDE))
        assert not any(c in result.stdout + result.stderr for c in raw), (args, result.stdout, result.stderr)
        assert shown in result.stdout or not whole, (args, result.stdout)


def test_control_characters_in_messages_stay_on_one_line(pledges, tree):
    line = refused(pledges("list", "--org", "X\n\x1b[2J"))
    assert "X\\x0a\\x1b[2J" in line
    result = ok(pledges("org", "add", "H2", "名称\x1b]0;t\x07", "--parent", "DX"))
    assert result.stdout.count("\n") == 1 and "\\x1b]0;t\\x07" in result.stdout and "\x1b" not in result.stdout


# --- defect 2: CSV injection ------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "-1e3+cmd|' /C calc'!A0"]  # the ledger strips a leading tab or CR


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("formula", FORMULAS)
def test_every_csv_neutralises_formulas(pledges, tree, formula):
    hostile_ledger(pledges, formula)
    expected = "'" + formula
    listing = csv_rows(ok(pledges("--lang", "en", "list", "--format", "csv")).stdout)
    row = next(r for r in listing if r["org"] == "H1")
    assert row["title"] == row["content"] == row["unit"] == row["org_name"] == row["member_name"] == expected
    assert row["target"] == "12" and row["done"] == "3"  # numbers stay numbers
    overdue = csv_rows(ok(pledges("--lang", "en", "overdue", "--format", "csv")).stdout)  # written record by record
    assert {r["title"] for r in overdue} == {expected}
    assert all(r["days_late"].isdigit() for r in overdue)
    orgs = csv_rows(ok(pledges("org", "list", "--format", "csv")).stdout)  # the table's headers
    assert [r["名称"] for r in orgs if r["代码"] == "H1"] == [expected]
    members = csv_rows(ok(pledges("member", "list", "--format", "csv")).stdout)
    assert [r["姓名"] for r in members if r["党员编号"] == "M901"] == [expected]
    board = csv_rows(ok(pledges("--lang", "en", "dashboard", "--depth", "3", "--format", "csv")).stdout)
    assert [r["name"] for r in board if r["code"] == "H1"] == [expected]
    split = csv_rows(ok(pledges("--lang", "en", "dashboard", "--by", "category", "--format", "csv")).stdout)
    assert expected in {r["key"] for r in split}


def test_a_title_that_is_only_a_number_stays_a_number(pledges, tree):
    add(pledges, title="-3")
    add(pledges, title="+2.5")
    titles = {r["title"] for r in csv_rows(ok(pledges("--lang", "en", "list", "--format", "csv")).stdout)}
    assert titles == {"-3", "+2.5"}


# --- defect 3: no traceback -------------------------------------------------------------------


UNSUPPORTED = ["mysql://root@127.0.0.1/pledges", "oracle://scott:tiger@db/orcl", "mssql+pyodbc://sa@db/x",
               "postgresql+psycopg2://postgres@127.0.0.1/x", "not a url://", "sqlite+nosuchdriver:///x.db"]


def test_an_unsupported_database_is_one_line(pledges, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for url in UNSUPPORTED:
        for command in (("list",), ("init",), ("demo",), ("org", "add", "X", "x")):
            line = refused(pledges("--db", url, *command))
            assert "SQLite" in line and "PostgreSQL" in line and "tiger" not in line, (url, command, line)
    assert list(tmp_path.iterdir()) == []


DATED = [("list", "--as-of", "{day}"), ("overdue", "--as-of", "{day}"), ("dashboard", "--as-of", "{day}"),
         ("remind", "run", "--as-of", "{day}"), ("remind", "run", "--as-of", "{day}T08:00"),
         ("add", "--org", "DX-V1", "--title", "x", "--target", "1", "--unit", "次", "--due", "{day}"),
         ("extend", "{id}", "--due", "{day}", "--reason", "x"), ("progress", "{id}", "--amount", "1", "--date", "{day}"),
         ("demo", "--as-of", "{day}")]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"])
def test_dates_at_the_limits_are_usage_errors(pledges, tree, db_url, day):
    pledge_id = pledge_in(pledges, "in_progress")
    before = digest(db_url)
    for args in DATED:
        stderr = usage_error(pledges(*(a.format(day=day, id=pledge_id) for a in args)))
        assert day in stderr and "1900" in stderr and "2999" in stderr, (args, stderr)
    assert digest(db_url) == before


def test_the_years_at_the_limits_are_accepted(pledges, tree):
    ok(pledges("list", "--as-of", "1900-01-01"))
    for args in (("dashboard", "--as-of", "2999-12-31"), ("overdue", "--as-of", "2999-12-31"),
                 ("remind", "run", "--as-of", "1900-01-01T00:00+14:00")):
        result = pledges(*args)
        assert result.exit_code in (0, 1) and "Traceback" not in result.stderr, describe(result)


def test_an_argument_that_is_not_utf8_is_refused(pledges, tree, db_url):
    before = digest(db_url)
    for args in (("add", "--org", "DX-V1", "--title", "\udcff\udcfe", "--target", "1", "--unit", "次",
                  "--due", "2026-09-30"), ("org", "add", "Z1", "\udce4\udcb8"), ("list", "--org", "\udcff")):
        stderr = usage_error(pledges(*args))
        assert "UTF-8" in stderr and ("\\udcff" in stderr or "\\udce4" in stderr), stderr
    usage_error(pledges("list", env={"PLEDGES_USER": "\udcff"}))
    assert digest(db_url) == before


def test_bytes_that_are_not_utf8_from_a_real_shell(cli_env, tree, db_url):
    before = digest(db_url)
    command = [sys.executable, "-c", "from pledges.cli.main import main; main()"]
    result = subprocess.run([*command, "add", "--org", "DX-V1", "--title", b"\xff\xfe", "--target", "1",
                             "--unit", "x", "--due", "2026-09-30"], env={**os.environ, **cli_env},
                            capture_output=True, timeout=60)
    assert result.returncode == 2, result
    assert b"Traceback" not in result.stderr and b"UTF-8" in result.stderr
    assert digest(db_url) == before


# --- defect 4: --db '' and reads never create a file ------------------------------------------


@pytest.mark.parametrize("env, args", [({}, ("--db", "", "list")), ({}, ("--db", "  ", "init")),
                                       ({"PLEDGES_DB": ""}, ("list",)), ({"PLEDGES_DB": ""}, ("init",))])
def test_an_empty_database_setting_is_refused(pledges, tmp_path, monkeypatch, env, args):
    monkeypatch.chdir(tmp_path)
    line = refused(pledges(*args, env=env), code=2)
    assert "PLEDGES_DB" in line
    assert list(tmp_path.iterdir()) == []


READS = [("list",), ("show", "1"), ("dashboard",), ("overdue",), ("org", "list"), ("org", "tree"),
         ("member", "list"), ("remind", "list"), ("list", "--format", "json"), ("overdue", "--format", "csv"),
         ("add", "--org", "X", "--title", "x", "--target", "1", "--unit", "次", "--due", "2026-09-30"),
         ("org", "add", "X", "某单位"), ("remind", "run")]


def test_a_mistyped_path_creates_no_file(pledges, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ledgr.db"
    for args in READS:
        for spelling in (str(path), f"sqlite:///{path}", "ledgr.db"):
            line = refused(pledges("--db", spelling, *args))
            assert "pledges init" in line and "ledgr.db" in line, (args, line)
        refused(pledges(*args, env={"PLEDGES_DB": None}))  # the default ./pledges.db, absent: not created either
    assert list(tmp_path.iterdir()) == []


def test_init_and_demo_still_create_the_file(pledges, tmp_path):
    ok(pledges("--db", str(tmp_path / "a.db"), "init"))
    ok(pledges("--db", str(tmp_path / "b.db"), "demo"))
    assert (tmp_path / "a.db").is_file() and (tmp_path / "b.db").is_file()
