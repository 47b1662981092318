"""``pledges remind run | serve | list`` and the contact options, through the real command;
two ``remind run`` processes at once, one killed with -9 mid-delivery, and ``remind serve``
stopped by SIGTERM.  The command's clock is moved with time-machine (``at``): ``--as-of``
may not be in the future."""

import json
import os
import re
import shlex
import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from cli_support import as_json, ok, refused, usage_error
from pledges.i18n import text
from pledges.models import Member, Organisation, Pledge, Reminder, SchedulerLease
from pledges.workflows import scheduler
from support import TODAY

PLEDGES = str(Path(sys.executable).parent / "pledges")
SHANGHAI = ZoneInfo("Asia/Shanghai")
TOMORROW_8 = datetime(2026, 6, 16, 8, 0, tzinfo=SHANGHAI)


@pytest.fixture
def at(cli_env):
    """``at(when, ARGS…)``: run ``pledges ARGS…`` through CliRunner with the clock at ``when``."""
    import time_machine
    from click.testing import CliRunner

    from pledges.cli.main import cli

    runner = CliRunner()

    def invoke(when: datetime, *args, env: dict | None = None):
        with time_machine.travel(when, tick=False):
            return runner.invoke(cli, [str(a) for a in args], env={**cli_env, **(env or {})})

    return invoke


def pledge_ids(text: str) -> list[int]:
    return [int(found) for found in re.findall(r"编号 (\d+)）", text)]


def count(ledger, table) -> int:
    with ledger.session() as session:
        return session.scalar(select(func.count()).select_from(table))


def test_org_and_member_contacts_are_set_and_kept(pledges, ledger):
    ok(pledges("org", "add", "WL", "温岭市委", "--secretary", "陈书记", "--email", "wl@example.com"))
    ok(pledges("member", "add", "M1", "张三", "--org", "WL", "--email", "zs@example.com"))
    out = ok(pledges("org", "set", "WL", "--webhook", "https://oapi.dingtalk.com/robot/send?access_token=x")).stdout
    assert out == "已更新 WL 的联系方式：群机器人\n"
    both = ok(pledges("--lang", "en", "org", "set", "WL", "--secretary", "李书记", "--email", "li@example.com"))
    assert both.stdout.endswith("Secretary, E-mail\n")
    ok(pledges("org", "set", "WL", "--secretary", "陈书记", "--email", "wl@example.com"))
    assert ok(pledges("org", "set", "WL", "--email", "wl@example.com")).stdout == "WL 的联系方式没有变化\n"
    ok(pledges("member", "set", "M1", "--email", ""))
    with ledger.session() as session:
        org = session.scalar(select(Organisation))
        assert (org.secretary, org.email, org.webhook) == (
            "陈书记", "wl@example.com", "https://oapi.dingtalk.com/robot/send?access_token=x")
        assert session.scalar(select(Member.email)) is None


def test_bad_contacts_are_refused(pledges, ledger):
    ok(pledges("org", "add", "WL", "温岭市委"))
    assert "电子邮箱 wang 无效" in refused(pledges("org", "set", "WL", "--email", "wang"))
    assert "http://" in refused(pledges("org", "set", "WL", "--webhook", "ftp://x"))
    assert "没有要修改的联系方式" in refused(pledges("org", "set", "WL"))
    assert "M9" in refused(pledges("member", "set", "M9", "--email", "a@b.cn"))


def test_remind_run_sends_then_a_second_run_creates_none(at, pledges, ledger, make_pledge, robot):
    ok(pledges("org", "set", "DX-V1", "--webhook", robot.url))
    late = make_pledge("displayed", due=TODAY - timedelta(days=2))
    first = as_json(at(TOMORROW_8, "remind", "run", "--format", "json"))
    assert first["created"] == {"due_soon": 0, "overdue": 1, "stalled": 0, "awaiting_display": 0,
                                "awaiting_evaluation": 0, "escalation": 0}
    assert [(d["pledge"], d["rule"], d["state"], d["delivered"]) for d in first["deliveries"]] == [
        (late, "overdue", "sent", "console,webhook")]
    assert (first["delivered"]["sent"], first["robot_messages"], first["claimed_elsewhere"]) == (1, 1, 0)
    assert "逾期 3 天" in robot.accepted()[0]["markdown"]["text"]
    again = ok(at(TOMORROW_8 + timedelta(hours=1), "remind", "run")).stdout
    assert again.splitlines() == ["（无）", "扫描 2026-06-16T09:00+08:00：新增提醒 0 条",
                                  "发送：成功 0 条，待重试 0 条，失败 0 条，取消 0 条；群机器人消息 0 条"]
    assert count(ledger, Reminder) == 1 and len(robot.received) == 1


def test_remind_run_as_of_a_day_scans_at_eight_that_day(at, ledger, make_pledge):
    make_pledge("approved", due=TODAY + timedelta(days=5))
    result = ok(at(TOMORROW_8 + timedelta(hours=2), "remind", "run", "--as-of", "2026-06-16"))
    assert "即将到期" in result.stdout and "扫描 2026-06-16T08:00+08:00：新增提醒 1 条" in result.stdout
    assert "【承诺提醒】大溪村党支部的承诺「走访困难群众」（编号 1）将于 2026-06-20 到期，还有 4 天" in result.stderr


def test_the_console_channel_writes_one_stamped_line_per_reminder(at, ledger, make_pledge):
    """A batch of console reminders is one log record: each reminder on its own line with the time,
    and a title's line feed folded, so it cannot pass for a reminder of its own."""
    make_pledge("approved", due=TODAY + timedelta(days=5))
    make_pledge("displayed", due=TODAY - timedelta(days=2), title="走访\n2026-06-16 08:00:00,000 overdue → 假")
    lines = ok(at(TOMORROW_8, "remind", "run")).stderr.splitlines()
    assert len(lines) == 2 and all(re.match(r"2026-06-1\d \d\d:\d\d:\d\d,\d{3} \w+ → ", line) for line in lines), lines
    assert "走访 2026-06-16 08:00:00,000 overdue → 假" in lines[1] and "\\x0a" not in "".join(lines)


@pytest.mark.parametrize("as_of", ["2026-06-15T10:01", "2026-06-16", "2999-12-31"])
def test_remind_run_refuses_a_future_as_of_and_writes_nothing(pledges, ledger, make_pledge, as_of):
    make_pledge("displayed", due=TODAY - timedelta(days=2))  # NOW is 2026-06-15T10:00 in Shanghai
    line = refused(pledges("remind", "run", "--as-of", as_of))
    assert line.startswith(f"错误：--as-of {as_of[:10]}") and "在未来（现在是 2026-06-15T10:00+08:00）" in line
    english = refused(pledges("--lang", "en", "remind", "run", "--deliver-only", "--as-of", as_of))
    assert "is in the future (it is 2026-06-15T10:00+08:00 now)" in english
    assert count(ledger, Reminder) == 0


def test_remind_run_as_of_now_or_earlier_is_fine(pledges, ledger, make_pledge):
    make_pledge("displayed", due=TODAY - timedelta(days=2))
    assert "新增提醒 1 条" in ok(pledges("remind", "run", "--as-of", "2026-06-15T10:00")).stdout
    assert "新增提醒 0 条" in ok(pledges("remind", "run", "--as-of", "2026-06-15")).stdout  # 08:00, same week


def test_remind_list_by_state(pledges, ledger, make_pledge, robot):
    ok(pledges("org", "set", "DX-V1", "--webhook", robot.url))
    robot.answers = [500] * 10
    make_pledge("displayed", due=TODAY - timedelta(days=2))
    env = {"PLEDGES_REMIND_MAX_ATTEMPTS": "1"}
    ok(pledges("remind", "run", env=env))
    [failed] = as_json(pledges("remind", "list", "--state", "failed", "--format", "json"))
    assert (failed["rule"], failed["state"], failed["attempts"], failed["delivered"]) == ("overdue", "failed", 1, "console")
    assert failed["webhook"] == robot.url and "500" in failed["last_error"]
    assert as_json(pledges("remind", "list", "--state", "sent", "--format", "json")) == []
    table = ok(pledges("remind", "list")).stdout
    assert "发送失败" in table and "逾期" in table
    wide = ok(pledges("remind", "list", env={"COLUMNS": "400"})).stdout
    assert len(failed["last_error"]) > 30 and failed["last_error"] in wide  # the whole reason (issue 15)
    english = ok(pledges("--lang", "en", "remind", "list")).stdout
    assert "failed" in english and "overdue" in english


def test_remind_run_refuses_a_bad_as_of(pledges, ledger):
    assert "2026-13-01" in pledges("remind", "run", "--as-of", "2026-13-01").stderr


def test_a_second_serve_on_the_same_database_is_refused(pledges, ledger):
    scheduler.acquire(ledger, "elsewhere:42")
    line = refused(pledges("remind", "serve"))
    assert "已有提醒服务在运行（elsewhere:42" in line


def test_serve_refuses_an_unknown_time_zone_before_taking_the_lease(pledges, ledger):
    assert "Mars/Phobos" in usage_error(pledges("remind", "serve", "--tz", "Mars/Phobos"))
    with ledger.session() as session:
        assert session.scalar(select(func.count()).select_from(SchedulerLease)) == 0


def test_remind_run_says_when_it_scanned_in_the_campaigns_time(pledges, ledger):
    out = ok(pledges("remind", "run")).stdout  # NOW is 02:00 UTC
    assert "扫描 2026-06-15T10:00+08:00" in out


def run_env(cli_env: dict, **extra) -> dict:
    return {**os.environ, **cli_env, **extra}


def test_two_remind_runs_at_once_send_each_reminder_once(cli_env, ledger, make_pledge, robot):
    from pledges.contacts import set_org_contact

    set_org_contact(ledger, "DX-V1", actor="测试书记", webhook=robot.url)
    pledges_ = [make_pledge("displayed", due=TODAY - timedelta(days=20)) for _ in range(12)]
    command = [PLEDGES, "remind", "run", "--as-of", "2026-06-16T08:00", "--format", "json"]
    runs = [subprocess.Popen(command, env=run_env(cli_env), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err.decode() for _, err in outputs]
    reports = [json.loads(out) for out, _ in outputs]
    assert sum(sum(report["created"].values()) for report in reports) == 24  # overdue + escalation each
    sent = Counter((d["pledge"], d["rule"]) for report in reports for d in report["deliveries"])
    assert sent == Counter({(p, rule): 1 for p in pledges_ for rule in ("overdue", "escalation")})
    with ledger.session() as session:
        assert session.execute(select(Reminder.rule, func.count()).group_by(Reminder.rule)
                               .order_by(Reminder.rule)).all() == [("escalation", 12), ("overdue", 12)]
    posted = Counter(p for body in robot.accepted() for p in pledge_ids(body["markdown"]["text"]))
    assert posted == Counter({p: 1 for p in pledges_})  # the branch robot got each overdue once
    assert len(robot.received) <= 2  # one digest per pass


def test_serve_starts_and_stops_cleanly_on_sigterm(cli_env, ledger):
    serve = subprocess.Popen([PLEDGES, "remind", "serve", "--every", "5"], env=run_env(cli_env),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        started = serve.stdout.readline()
        assert started.startswith("提醒服务已启动（Asia/Shanghai）：每天 08:00 扫描"), started
        assert count(ledger, SchedulerLease) == 1
        serve.send_signal(signal.SIGTERM)
        out, err = serve.communicate(timeout=30)
    finally:
        if serve.poll() is None:
            serve.kill()
    assert serve.returncode == 0, err
    assert out == "提醒服务已停止\n" and "Traceback" not in err
    assert count(ledger, SchedulerLease) == 0


def test_deliver_only_retries_without_scanning(at, pledges, ledger, make_pledge, robot):
    ok(pledges("org", "set", "DX-V1", "--webhook", robot.url))
    robot.answers = [500]
    make_pledge("displayed", due=TODAY - timedelta(days=2))
    ok(at(TOMORROW_8, "remind", "run"))
    make_pledge("displayed", due=TODAY - timedelta(days=2))  # found only by a scan
    report = as_json(at(TOMORROW_8 + timedelta(minutes=6), "remind", "run", "--deliver-only", "--format", "json"))
    assert sum(report["created"].values()) == 0
    assert [(d["pledge"], d["state"]) for d in report["deliveries"]] == [(1, "sent")]
    assert count(ledger, Reminder) == 1


def test_a_run_killed_mid_delivery_holds_its_claims_and_a_rerun_says_so(cli_env, ledger, make_pledge, robot):
    """kill -9 while a digest is being posted: the rerun sends nothing twice and says why."""
    from pledges.contacts import set_org_contact

    set_org_contact(ledger, "DX-V1", actor="测试书记", webhook=robot.url)
    for _ in range(6):
        make_pledge("displayed", due=TODAY - timedelta(days=20))  # overdue (to the robot) and escalation
    robot.hold.clear()  # the robot hangs
    env = run_env(cli_env, PLEDGES_REMIND_BATCH="5")
    command = [PLEDGES, "remind", "run", "--as-of", "2026-06-16T08:00"]
    dying = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert robot.arrived.wait(timeout=60), dying.stderr.read1().decode()
    finally:
        dying.kill()  # SIGKILL, mid-post
        dying.wait()
    rerun = subprocess.run([*command, "--deliver-only"], env=env, capture_output=True, text=True, timeout=60)
    robot.hold.set()
    assert rerun.returncode == 0, rerun.stderr
    assert "另有 6 条提醒已被另一次发送认领" in rerun.stdout and "前不会重发" in rerun.stdout
    assert "逾期" not in rerun.stderr  # nothing went out again
    with ledger.session() as session:
        states = Counter(session.execute(select(Reminder.rule, Reminder.state, Reminder.claim.is_not(None))).all())
    assert states == Counter({("overdue", "pending", True): 6, ("escalation", "sent", False): 6})
    assert robot.requests == 1  # the one post the dead run made


def test_remind_run_tables_the_first_deliveries_and_counts_the_rest(pledges, ledger, make_pledge, monkeypatch):
    from pledges.cli import remind_cmds

    monkeypatch.setattr(remind_cmds.Deliveries, "SHOWN", 2)
    for days_late in (1, 2, 3):
        make_pledge("displayed", due=TODAY - timedelta(days=days_late))
    out = ok(pledges("remind", "run")).stdout
    assert "……另有 1 条未列出：pledges remind list 查看全部" in out
    assert "发送：成功 3 条，待重试 0 条，失败 0 条，取消 0 条；群机器人消息 0 条" in out


def test_remind_run_writes_csv_row_by_row(pledges, ledger, make_pledge):
    import csv
    import io

    late = make_pledge("displayed", due=TODAY - timedelta(days=2))
    rows = list(csv.DictReader(io.StringIO(ok(pledges("remind", "run", "--format", "csv")).stdout)))
    assert [(int(r["承诺编号"]), r["提醒类型"], r["状态"], r["已送达渠道"]) for r in rows] == [
        (late, "逾期", "已发送", "console")]  # the headers, rule and state as the table shows them
    listed = list(csv.DictReader(io.StringIO(ok(pledges("remind", "list", "--format", "csv")).stdout)))
    assert [(int(r["承诺编号"]), r["提醒类型"], r["状态"]) for r in listed] == [(late, "逾期", "已发送")]
    english = ok(pledges("--lang", "en", "remind", "list", "--format", "csv")).stdout
    assert [(r["Rule"], r["State"]) for r in csv.DictReader(io.StringIO(english))] == [("overdue", "sent")]
    assert [(r["rule"], r["state"]) for r in as_json(pledges("remind", "list", "--format", "json"))] == [
        ("overdue", "sent")]


def test_the_command_an_awaiting_display_reminder_suggests_works_as_typed(pledges, ledger, make_pledge):
    """A secretary copies the command from the reminder (docs/zh/secretary.md says to): the
    Chinese one names the channel by its Chinese label, and it displays the pledge."""
    approved = make_pledge("approved")
    reminder = text("remind_awaiting_display", "zh", owner="大溪村党支部", title="走访困难群众", id=approved,
                    due="2026-09-30", since="2026-06-01", days=14)
    command = shlex.split(re.search(r"（(pledges [^）]+)）", reminder).group(1))
    assert command[-2:] == ["--channel", "公示栏"]
    ok(pledges(*command[1:]))
    with ledger.session() as session:
        assert session.get(Pledge, approved).state == "displayed"
