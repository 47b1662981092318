"""Refusals through the real command: one line on stderr naming the object and the fix, exit 1
(2 for usage), no traceback unless ``--debug``, and the database exactly as it was."""

import os
import subprocess
import sys
import traceback

import pytest

from cli_support import add, counts, describe, ok, pledge_in, refused, usage_error
from pledges.db import Ledger
from pledges.errors import UnknownPledge
from support import snapshot


def refused_unchanged(pledges, ledger, pledge_id: int, *args, code: int = 1, env=None) -> str:
    """Run a command that must be refused, and check the pledge and its records did not change."""
    before = snapshot(ledger, pledge_id)
    result = pledges(*args, env=env)
    line = usage_error(result) if code == 2 else refused(result, code)
    assert snapshot(ledger, pledge_id) == before, args
    return line


# --- unknown objects ------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("show", "99"), ("submit", "99"), ("progress", "99", "--amount", "1"),
                                  ("return", "99", "--reason", "x"), ("edit", "99", "--title", "y"),
                                  ("show", "99", "--format", "json")])
def test_unknown_pledge_id(pledges, tree, args):
    before = counts(tree)
    line = refused(pledges(*args))
    assert "99" in line and "pledges list" in line
    assert counts(tree) == before


def test_unknown_pledge_in_a_list_of_ids_moves_none(pledges, tree):
    pledge_id = add(pledges)
    line = refused_unchanged(pledges, tree, pledge_id, "submit", pledge_id, 99)
    assert "99" in line


@pytest.mark.parametrize("args", [("list", "--org", "NOPE"), ("add", "--org", "NOPE", "--title", "x",
                                                               "--target", "1", "--unit", "次", "--due", "2026-09-30")])
def test_unknown_org_code(pledges, tree, args):
    add(pledges)
    before = counts(tree)
    line = refused(pledges(*args))
    assert "NOPE" in line and "pledges org list" in line
    assert counts(tree) == before


def test_an_id_too_large_for_the_database_is_an_unknown_pledge(pledges, tree):
    before = counts(tree)
    line = refused(pledges("show", "99999999999"))
    assert "99999999999" in line and "pledges list" in line
    assert counts(tree) == before


def test_a_target_too_large_for_the_database_is_refused_the_same_on_both(pledges, tree):
    before = counts(tree)
    line = refused(pledges("add", "--org", "DX-V1", "--title", "x", "--target", "99999999999", "--unit", "户",
                           "--due", "2026-09-30"))
    assert "--target" in line
    assert counts(tree) == before


# --- triggers the state does not allow --------------------------------------------------------


@pytest.mark.parametrize("state, args, label, allowed", [
    ("draft", ("approve",), "草拟", ("submit", "withdraw")),
    ("draft", ("display", "--channel", "board"), "草拟", ("submit", "withdraw")),
    ("submitted", ("progress", "--amount", "1"), "待审核", ("approve", "return", "withdraw")),
    ("approved", ("complete",), "已审核", ("display", "withdraw", "extend")),
    ("displayed", ("evaluate", "--grade", "good"), "已亮诺", ("progress", "fail", "amend", "extend")),
    ("in_progress", ("withdraw", "--reason", "x"), "践诺中", ("progress", "complete", "fail")),
])
def test_trigger_not_allowed_names_the_state_and_the_next_actions(pledges, tree, state, args, label, allowed):
    pledge_id = pledge_in(pledges, state)
    line = refused_unchanged(pledges, tree, pledge_id, args[0], pledge_id, *args[1:])
    assert str(pledge_id) in line and label in line
    assert all(trigger in line for trigger in allowed), line


def test_trigger_not_allowed_in_english(pledges, tree):
    pledge_id = add(pledges)
    line = refused_unchanged(pledges, tree, pledge_id, "--lang", "en", "approve", str(pledge_id))
    assert line.startswith("error: ") and "draft" in line and "submit, withdraw" in line
    line = refused_unchanged(pledges, tree, pledge_id, "approve", str(pledge_id), env={"PLEDGES_LANG": "en"})
    assert "draft" in line and "草拟" not in line


def test_a_finished_pledge_says_nothing_further_is_possible(pledges, tree):
    pledge_id = pledge_in(pledges, "in_progress")
    ok(pledges("fail", pledge_id, "--reason", "资金未到位"))
    ok(pledges("evaluate", pledge_id, "--grade", "pass"))
    line = refused_unchanged(pledges, tree, pledge_id, "submit", pledge_id)
    assert "已评诺" in line and "无后续操作" in line


def test_evaluate_from_a_wrong_state_writes_no_rating(pledges, tree):
    pledge_id = pledge_in(pledges, "in_progress")
    before = counts(tree)
    refused(pledges("evaluate", pledge_id, "--grade", "excellent"))
    assert counts(tree) == before


# --- guards ----------------------------------------------------------------------------------


def test_progress_amount_must_be_positive(pledges, tree):
    pledge_id = pledge_in(pledges, "displayed")
    line = refused_unchanged(pledges, tree, pledge_id, "progress", pledge_id, "--amount", "0")
    assert "0" in line


def test_a_negative_amount_is_a_correction_which_needs_something_recorded(pledges, tree):
    pledge_id = pledge_in(pledges, "displayed")
    line = refused_unchanged(pledges, tree, pledge_id, "progress", pledge_id, "--amount", "-3", "--reason", "录错")
    assert "更正记实" in line and "已亮诺" in line


def test_progress_without_amount_is_refused(pledges, tree):
    pledge_id = pledge_in(pledges, "in_progress")
    refused_unchanged(pledges, tree, pledge_id, "progress", pledge_id, "--note", "开会")


@pytest.mark.parametrize("state, args", [
    ("approved", ("display", "--channel", "board", "--date", "2026-06-16")),
    ("displayed", ("progress", "--amount", "1", "--date", "2026-06-16")),
    ("in_progress", ("progress", "--amount", "1", "--date", "2026-12-01")),
])
def test_a_date_in_the_future_is_refused(pledges, tree, state, args):
    pledge_id = pledge_in(pledges, state)
    line = refused_unchanged(pledges, tree, pledge_id, args[0], pledge_id, *args[1:])
    assert args[-1] in line and "2026-06-15" in line


def test_progress_before_the_display_day_is_refused(pledges, tree):
    pledge_id = pledge_in(pledges, "submitted")
    ok(pledges("approve", pledge_id, "--date", "2026-06-08"))  # a display is not dated before its approval
    ok(pledges("display", pledge_id, "--channel", "meeting", "--date", "2026-06-10"))
    line = refused_unchanged(pledges, tree, pledge_id, "progress", pledge_id, "--amount", "1", "--date", "2026-06-09")
    assert "2026-06-09" in line and "2026-06-10" in line
    ok(pledges("progress", pledge_id, "--amount", "1", "--date", "2026-06-10"))


@pytest.mark.parametrize("state, command", [("submitted", "return"), ("displayed", "fail"), ("draft", "withdraw"),
                                            ("approved", "withdraw")])
@pytest.mark.parametrize("reason", [None, "   "])
def test_a_missing_reason_is_refused(pledges, tree, state, command, reason):
    pledge_id = pledge_in(pledges, state)
    extra = () if reason is None else ("--reason", reason)
    line = refused_unchanged(pledges, tree, pledge_id, command, pledge_id, *extra)
    assert "--reason" in line


def test_extend_without_reason_is_refused(pledges, tree):
    pledge_id = pledge_in(pledges, "displayed")
    assert "--reason" in refused_unchanged(pledges, tree, pledge_id, "extend", pledge_id, "--due", "2026-11-30")


def test_display_without_channel_is_refused(pledges, tree):
    pledge_id = pledge_in(pledges, "approved")
    assert "--channel" in refused_unchanged(pledges, tree, pledge_id, "display", pledge_id)


@pytest.mark.parametrize("args", [("display", "--channel", "radio"), ("evaluate", "--grade", "perfect"),
                                  ("progress", "--amount", "three"), ("progress", "--amount", "1", "--date", "6/1")])
def test_bad_option_values_are_usage_errors(pledges, tree, args):
    pledge_id = pledge_in(pledges, "displayed")
    refused_unchanged(pledges, tree, pledge_id, args[0], pledge_id, *args[1:], code=2)


# --- the acting person --------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("submit",), ("withdraw", "--reason", "重复")])
def test_no_actor_is_refused(pledges, tree, args):
    pledge_id = add(pledges)
    line = refused_unchanged(pledges, tree, pledge_id, args[0], pledge_id, *args[1:], env={"PLEDGES_USER": ""})
    assert "--as" in line and "PLEDGES_USER" in line


def test_no_actor_adds_nothing(pledges, tree):
    before = counts(tree)
    no_one = {"PLEDGES_USER": ""}
    refused(pledges("org", "add", "X1", "某单位", env=no_one))
    refused(pledges("member", "add", "M050", "某人", "--org", "DX-V1", env=no_one))
    refused(pledges("add", "--org", "DX-V1", "--title", "x", "--target", "1", "--unit", "次", "--due",
                    "2026-09-30", env=no_one))
    assert counts(tree) == before


def test_as_gives_the_actor_when_pledges_user_is_empty(pledges, tree):
    pledge_id = add(pledges)
    ok(pledges("--as", "王书记", "submit", pledge_id, env={"PLEDGES_USER": ""}))
    ok(pledges("show", pledge_id, env={"PLEDGES_USER": ""}))  # reading needs no actor


# --- the database -----------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("list",), ("org", "add", "WL", "温岭市委"), ("show", "1"),
                                  ("add", "--org", "DX", "--title", "x", "--target", "1", "--unit", "次",
                                   "--due", "2026-09-30")])
def test_a_database_never_initialised(pledges, db_url, args):
    line = refused(pledges(*args))
    assert "pledges init" in line
    ledger = Ledger(db_url)
    try:
        assert not ledger.is_initialised()  # nothing was created on the way
    finally:
        ledger.dispose()


def test_a_database_that_cannot_be_opened(pledges, tmp_path):
    url = f"sqlite:///{tmp_path / 'missing' / 'dir' / 'ledger.db'}"
    assert "ledger.db" in refused(pledges("--db", url, "list"))


# --- --debug ------------------------------------------------------------------------------------


def test_debug_lets_the_exception_through(pledges, tree):
    result = pledges("--debug", "show", "99")
    assert result.exit_code == 1, describe(result)
    assert isinstance(result.exception, UnknownPledge)
    assert "Traceback" in "".join(traceback.format_exception(*result.exc_info))


def test_without_debug_the_error_is_one_line_and_handled(pledges, tree):
    line = refused(pledges("show", "99"))
    assert line.startswith("错误：")
    assert not isinstance(pledges("show", "99").exception, UnknownPledge)


def test_debug_prints_a_traceback_from_the_installed_command(cli_env, tree):
    command = [sys.executable, "-c", "from pledges.cli.main import main; main()"]
    env = {**os.environ, **cli_env}
    debug = subprocess.run([*command, "--debug", "show", "99"], env=env, capture_output=True, text=True, timeout=60)
    assert debug.returncode == 1 and "Traceback" in debug.stderr and "UnknownPledge" in debug.stderr
    plain = subprocess.run([*command, "show", "99"], env=env, capture_output=True, text=True, timeout=60)
    assert plain.returncode == 1 and plain.stdout == ""
    assert len(plain.stderr.strip().splitlines()) == 1 and "Traceback" not in plain.stderr


# --- the error family: each class its exit code, database errors translated once ----------------


def test_every_error_class_carries_its_exit_code():
    from pledges import errors

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.PledgeError)]
    assert len(classes) > 15
    assert {c.exit_code for c in classes} == {1, 2}
    assert errors.EmptyDatabaseUrl.exit_code == 2 and errors.UnknownPledge.exit_code == 1


def test_a_server_that_does_not_answer_is_one_line(pledges):
    line = refused(pledges("--db", "postgresql://nobody:secret@127.0.0.1:1/pledges", "list"))
    assert "127.0.0.1" in line and "secret" not in line


def test_database_errors_are_translated_where_the_session_opens(ledger):
    from sqlalchemy.exc import IntegrityError

    from pledges.errors import DatabaseFailed
    from pledges.models import Meta

    with pytest.raises(DatabaseFailed) as failed:
        with ledger.session() as session:
            session.add(Meta(key="schema_version", value="99"))  # the key is taken
    assert isinstance(failed.value.__cause__, IntegrityError)
    assert ledger.schema_version() != 99


# --- usage errors in the chosen language ----------------------------------------------------------


@pytest.mark.parametrize("args, zh, en", [
    (("display", "1", "--channel", "radio"), "'radio' 不是可选值，可选：公示栏（board）、", "'radio' is not one of: board (notice board),"),
    (("progress", "1", "--amount", "three"), "'three' 不是整数", "'three' is not a valid integer"),
    (("list", "--nosuch"), "没有选项 --nosuch", "No such option '--nosuch'"),
    (("list", "--ovrdue"), "--overdue？", "'--overdue'?"),
    (("org", "add"), "缺少 'CODE'", "Missing argument 'CODE'"),
    (("lisst",), "没有命令 lisst", "No such command 'lisst'"),
    (("list", "extra"), "多余的参数：extra", "unexpected extra argument (extra)"),
    (("list", "--org"), "选项 --org 需要一个值", "Option '--org' requires an argument"),
    (("dashboard", "--depth", "-1"), "-1 不在范围 x>=0 内", "-1 is not in the range x>=0"),
    (("list", "--as-of", "2026/1/1"), "'2026/1/1' 不是日期", "'2026/1/1' is not a date like"),
    (("display", "1", "2", "--org", "DX", "--all-approved", "--channel", "board"), "--all-approved 需要 --org",
     "--all-approved takes --org CODE and no IDs"),
    (("add", "--org", "DX-V1", "--title", "x", "--due", "2026-09-30"), "请给出 --target N --unit 单位",
     "give --target N --unit UNIT"),
    (("dashboard", "--watch", "--format", "json"), "--watch 只重绘表格", "--watch redraws a table"),
])
def test_usage_errors_are_two_lines_in_the_chosen_language(pledges, tree, args, zh, en):
    before = counts(tree)
    chinese = usage_error(pledges(*args)).splitlines()
    assert len(chinese) == 2 and chinese[0].startswith("错误：") and zh in chinese[0], chinese
    command = " ".join(a for a in args[:2] if a.isalpha() and a not in ("lisst", "extra", "three", "radio"))
    assert chinese[1].startswith("用法：") and chinese[1].endswith(f"{command} --help".strip()), chinese
    english = usage_error(pledges("--lang", "en", *args)).splitlines()
    assert len(english) == 2 and english[0].startswith("error: ") and en in english[0], english
    assert english[1].startswith("usage: ") and "Usage:" not in english[0]
    assert usage_error(pledges(*args, env={"PLEDGES_LANG": "en"})).splitlines() == english
    assert counts(tree) == before


def test_an_error_in_the_global_options_follows_the_language_too(pledges):
    assert usage_error(pledges("--nosuch", "list")).startswith("错误：没有选项 --nosuch\n用法：")
    assert usage_error(pledges("--lang", "en", "--nosuch", "list")).startswith("error: No such option")
    assert usage_error(pledges("--nosuch", "list", env={"PLEDGES_LANG": "en"})).startswith("error: ")


@pytest.mark.parametrize("setting", [("--lang", "fr"), ("--lang", "de_DE.UTF-8")])
def test_an_unsupported_language_is_said_once_and_chinese_is_used(pledges, tree, setting):
    result = ok(pledges(*setting, "org", "list"))
    assert "党组织" not in result.stderr and result.stderr.count("\n") == 1
    assert setting[1] in result.stderr and "中文" in result.stderr and "Chinese" in result.stderr
    assert "大溪镇党委" in result.stdout and "代码" in result.stdout
    result = ok(pledges("org", "list", env={"PLEDGES_LANG": "fr"}))
    assert "fr" in result.stderr and "代码" in result.stdout
    for lang in ("zh", "en", "en_US.UTF-8", "zh_CN.UTF-8"):
        assert ok(pledges("--lang", lang, "org", "list")).stderr == ""


@pytest.mark.parametrize("args", [(), ("org",), ("remind",)])
def test_a_group_alone_still_prints_its_help(pledges, args):
    result = pledges(*args)
    assert result.exit_code == 2 and "用法：" in result.stderr and "错误" not in result.stderr
    assert "\\x0a" not in result.stderr and "示例：" in result.stderr
    english = pledges(*args, env={"PLEDGES_LANG": "en"})
    assert english.exit_code == 2 and "Usage:" in english.stderr and "Example:" in english.stderr
