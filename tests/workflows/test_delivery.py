"""Real delivery: a local SMTP server receives the mail, a local HTTP server the webhook;
failures are retried with back-off and end in ``failed``, still listed.  Claims come in
batches; another pass's claims are reported."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from pledges.contacts import set_member_contact, set_org_contact
from pledges.members import add_member
from pledges.models import Reminder, ReminderAttempt
from pledges.vocab import Rule
from pledges.workflows import delivery, outbox, reminders
from support import ACTOR, TODAY


def settings(**overrides) -> delivery.Settings:
    return delivery.Settings(**{"retry_minutes": 5, "max_attempts": 3, **overrides})


def attempts_of(ledger, reminder_id):
    with ledger.session() as session:
        return [(a.channel, a.ok) for a in session.scalars(
            select(ReminderAttempt).where(ReminderAttempt.reminder_id == reminder_id).order_by(ReminderAttempt.id))]


def reminder(ledger, reminder_id) -> Reminder:
    with ledger.session() as session:
        return session.get(Reminder, reminder_id)


@pytest.fixture
def overdue_org_pledge(ledger, make_pledge, robot):
    """An overdue organisation pledge of DX-V1, whose branch has a group robot; scanned."""
    set_org_contact(ledger, "DX-V1", actor=ACTOR, secretary="王书记", webhook=robot.url)
    pledge = make_pledge("displayed", due=TODAY - timedelta(days=3))
    reminders.scan(ledger)
    return pledge


def test_a_member_pledge_is_mailed_to_the_member(ledger, clock, make_pledge, smtp_server):
    port, box = smtp_server
    add_member(ledger, "M1", "张三", org="DX-V1", actor=ACTOR)
    set_member_contact(ledger, "M1", actor=ACTOR, email="zhangsan@example.com")
    pledge = make_pledge("displayed", member="M1", due=TODAY - timedelta(days=3))
    reminders.scan(ledger)
    results = delivery.deliver(ledger, settings(smtp_host="127.0.0.1", smtp_port=port)).results
    assert [(r.pledge_id, r.rule, r.state, r.delivered) for r in results] == [
        (pledge, "overdue", "sent", ["console", "email"])]
    [(to, message)] = box.messages
    assert to == ["zhangsan@example.com"]
    body = message.get_content()
    assert "张三的承诺「走访困难群众」" in body and "2026-06-12" in body and "逾期 3 天" in body
    assert "pledges extend" in body and message["Subject"].startswith("[逾期]")
    assert reminder(ledger, results[0].id).state == "sent"


def test_an_organisation_pledge_goes_to_the_branch_robot(ledger, clock, overdue_org_pledge, robot):
    [result] = delivery.deliver(ledger, settings()).results
    assert (result.state, result.delivered, result.recipient) == ("sent", ["console", "webhook"], "王书记")
    [body] = robot.accepted()
    assert body["msgtype"] == "markdown" and body["markdown"]["title"] == "承诺提醒（2026-06-15）：1 条"
    assert "大溪村党支部的承诺「走访困难群众」（编号 1）已于 2026-06-12 到期，逾期 3 天" in body["markdown"]["text"]
    assert delivery.deliver(ledger, settings()).results == []  # sent once


def test_escalation_goes_to_the_parent_organisations_secretary(ledger, clock, make_pledge, smtp_server):
    port, box = smtp_server
    set_org_contact(ledger, "DX", actor=ACTOR, secretary="镇书记", email="dx@example.com")
    make_pledge("displayed", due=TODAY - timedelta(days=15))
    reminders.scan(ledger)
    results = {r.rule: r for r in delivery.deliver(ledger, settings(smtp_host="127.0.0.1", smtp_port=port)).results}
    assert results[Rule.escalation].recipient == "镇书记"
    assert results[Rule.overdue].recipient == "大溪村党支部"  # no contact: the console only
    assert results[Rule.overdue].delivered == ["console"]
    [(to, message)] = box.messages
    assert to == ["dx@example.com"] and "【逾期督办】大溪村党支部" in message.get_content()


def test_a_robot_that_fails_then_recovers_gets_the_retry(ledger, clock, overdue_org_pledge, robot):
    robot.answers = [500]
    [first] = delivery.deliver(ledger, settings()).results
    assert (first.state, first.attempts, first.delivered) == ("pending", 1, ["console"])
    assert "webhook" in first.error
    assert delivery.deliver(ledger, settings()).results == []  # backing off
    clock.advance(minutes=5)
    [second] = delivery.deliver(ledger, settings()).results
    assert (second.state, second.delivered) == ("sent", ["console", "webhook"])
    assert [status for status, _ in robot.received] == [500, 200]
    assert attempts_of(ledger, first.id) == [("console", True), ("webhook", False), ("webhook", True)]


def test_a_robot_that_answers_an_error_code_is_a_failure(ledger, clock, overdue_org_pledge, robot, monkeypatch):
    monkeypatch.setattr("servers._RobotHandler.do_POST", _errcode_reply)
    [result] = delivery.deliver(ledger, settings()).results
    assert result.state == "pending" and "errcode 310000" in result.error


def _errcode_reply(handler):
    handler.rfile.read(int(handler.headers["Content-Length"]))
    reply = b'{"errcode": 310000, "errmsg": "keywords not in content"}'
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(reply)))
    handler.end_headers()
    handler.wfile.write(reply)


def test_a_robot_that_never_recovers_ends_in_failed_and_stays_listed(ledger, clock, overdue_org_pledge, robot):
    robot.answers = [503] * 10
    waits = []
    for _ in range(3):
        [result] = delivery.deliver(ledger, settings()).results
        row = reminder(ledger, result.id)
        waits.append(row.next_attempt_at - clock())
        clock.now = row.next_attempt_at
    assert result.state == "failed" and result.attempts == 3
    assert waits[:2] == [timedelta(minutes=5), timedelta(minutes=10)]
    clock.advance(days=1)
    assert delivery.deliver(ledger, settings()).results == []
    [listed] = list(outbox.listing(ledger, state="failed"))
    assert (listed["pledge"], listed["rule"], listed["attempts"]) == (overdue_org_pledge, "overdue", 3)
    assert "503" in listed["last_error"]


def test_email_without_an_smtp_server_is_a_failure_not_a_silent_skip(ledger, clock, make_pledge):
    set_org_contact(ledger, "DX-V1", actor=ACTOR, email="v1@example.com")
    make_pledge("displayed", due=TODAY - timedelta(days=1))
    reminders.scan(ledger)
    [result] = delivery.deliver(ledger, settings(smtp_host=None)).results
    assert result.state == "pending" and "PLEDGES_SMTP_HOST" in result.error and "未设置邮件服务器" in result.error


def test_a_claim_that_dies_is_taken_again_after_it_lapses(ledger, clock, overdue_org_pledge, robot):
    config = settings()
    claimed = delivery.claim(ledger, clock(), config, "dead")  # this deliverer dies before sending
    assert len(claimed) == 1
    assert delivery.claim(ledger, clock(), config, "other") == []  # nobody else takes it meanwhile
    report = delivery.deliver(ledger, config)
    assert report.results == []  # and it says why
    assert (report.claimed_elsewhere, report.claimed_until) == (1, clock() + timedelta(minutes=config.claim_minutes))
    clock.advance(minutes=config.claim_minutes + 1)
    [result] = delivery.deliver(ledger, config).results
    assert result.id == claimed[0] and result.state == "sent"
    assert len(robot.accepted()) == 1


def test_a_retry_for_a_pledge_that_no_longer_qualifies_is_cancelled_not_sent(ledger, clock, overdue_org_pledge,
                                                                             robot):
    from pledges.workflows.engine import run

    robot.answers = [500]
    [first] = delivery.deliver(ledger, settings()).results
    assert first.state == "pending"
    run(ledger, [overdue_org_pledge], "fail", ACTOR, reason="资金未到位")  # no longer overdue
    clock.advance(minutes=6)
    [retry] = delivery.deliver(ledger, settings()).results
    assert (retry.state, retry.delivered) == ("cancelled", ["console"])  # the webhook is not tried again
    assert robot.accepted() == [] and len(robot.received) == 1
    assert [row["state"] for row in outbox.listing(ledger)] == ["cancelled"]
    assert delivery.deliver(ledger, settings()).results == []


def test_an_extension_cancels_the_due_soon_reminder_of_the_old_date(ledger, clock, make_pledge, robot):
    from pledges.workflows.engine import run

    set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=robot.url)
    pledge = make_pledge("displayed", due=TODAY + timedelta(days=3))
    robot.answers = [500]
    reminders.scan(ledger)
    assert [r.state for r in delivery.deliver(ledger, settings()).results] == ["pending"]
    run(ledger, [pledge], "extend", ACTOR, due=TODAY + timedelta(days=60), reason="等场地")
    clock.advance(minutes=6)
    assert [r.state for r in delivery.deliver(ledger, settings()).results] == ["cancelled"]


def test_a_retry_days_later_counts_the_days_to_when_it_is_sent(ledger, clock, overdue_org_pledge, robot):
    robot.answers = [500]
    assert [r.state for r in delivery.deliver(ledger, settings()).results] == ["pending"]
    assert "逾期 3 天" in robot.received[0][1]["markdown"]["text"]
    clock.advance(days=2)
    assert [r.state for r in delivery.deliver(ledger, settings()).results] == ["sent"]
    assert "逾期 5 天" in robot.accepted()[0]["markdown"]["text"]


def test_a_slow_pass_gives_its_batch_back_before_the_claim_could_lapse(ledger, clock, make_pledge, monkeypatch):
    for days_late in (1, 2, 3):
        make_pledge("displayed", due=TODAY - timedelta(days=days_late))
    reminders.scan(ledger)
    ticks = iter(range(0, 10_000, 200))  # every look at the watch: 200 s later (the budget is 300 s)
    monkeypatch.setattr(delivery.time, "monotonic", lambda: next(ticks))
    sent, claims, real_claim = [], [], delivery.claim
    monkeypatch.setattr(delivery, "console_line", lambda notice, config: sent.append(notice.id) or "")
    monkeypatch.setattr(delivery, "claim", lambda *args: claims.append(1) or real_claim(*args))
    results = delivery.deliver(ledger, settings(claim_minutes=10)).results
    assert sorted(r.id for r in results) == sorted(sent) and len(set(sent)) == len(sent) == 3
    assert len(claims) == 4  # one reminder per claim, then the empty claim that ends the pass
    assert {row["state"] for row in outbox.listing(ledger)} == {"sent"}


def test_a_pass_that_lost_its_claim_records_nothing(ledger, clock, overdue_org_pledge):
    from sqlalchemy import update

    [reminder_id] = delivery.claim(ledger, clock(), settings(), "first")
    with ledger.session() as session:  # the claim lapsed and another pass took the reminder
        session.execute(update(Reminder).values(claim="second"))
    [notice] = outbox.load(ledger, [reminder_id])
    result = delivery.finish(delivery.attempt(notice, settings()), settings())
    assert delivery.record(ledger, [result], clock(), settings(), "first") == []
    assert (reminder(ledger, reminder_id).state, attempts_of(ledger, reminder_id)) == ("pending", [])


def test_settings_come_from_the_environment():
    config = delivery.Settings.from_env({"PLEDGES_SMTP_HOST": "mail.example.com", "PLEDGES_SMTP_TLS": "starttls",
                                         "PLEDGES_SMTP_USER": "u", "PLEDGES_REMIND_MAX_ATTEMPTS": "7",
                                         "PLEDGES_LANG": "en"})
    assert (config.smtp_host, config.smtp_port, config.smtp_tls, config.smtp_user) == (
        "mail.example.com", 587, "starttls", "u")
    assert (config.max_attempts, config.lang) == (7, "en")
    assert delivery.Settings.from_env({}).smtp_port == 25


def claimed(ledger) -> list[str | None]:
    with ledger.session() as session:
        return list(session.scalars(select(Reminder.claim).order_by(Reminder.id)))


def test_a_claim_takes_at_most_one_batch(ledger, clock, make_pledge):
    """On PostgreSQL the LIMIT … SKIP LOCKED subquery once claimed every pending reminder."""
    for days_late in range(1, 8):
        make_pledge("displayed", due=TODAY - timedelta(days=days_late))
    reminders.scan(ledger)  # 7 overdue reminders
    first = delivery.claim(ledger, clock(), settings(batch=3), "first")
    assert len(first) == 3 and claimed(ledger).count("first") == 3
    second = delivery.claim(ledger, clock(), settings(batch=3), "second")
    assert len(second) == 3 and not set(first) & set(second) and claimed(ledger).count("second") == 3
    assert len(delivery.claim(ledger, clock(), settings(batch=3), "third")) == 1


def test_a_pass_streams_batch_by_batch(ledger, clock, make_pledge, monkeypatch):
    for days_late in range(1, 6):
        make_pledge("displayed", due=TODAY - timedelta(days=days_late))
    reminders.scan(ledger)
    sizes, real_claim = [], delivery.claim
    monkeypatch.setattr(delivery, "claim", lambda *args: sizes.append(len(ids := real_claim(*args))) or ids)
    seen = []
    report = delivery.deliver(ledger, settings(batch=2), each=seen.append)
    assert sizes == [2, 2, 1, 0] and report.results == []  # handed on, not kept
    assert len(seen) == 5 and report.counts == {"sent": 5}


def test_a_title_with_a_newline_is_mailed_with_a_one_line_subject(ledger, clock, make_pledge, smtp_server):
    port, box = smtp_server
    set_org_contact(ledger, "DX-V1", actor=ACTOR, email="v1@example.com")
    make_pledge("displayed", title="走访困难群众\n第二行\t\x1b[2J" + "长" * 300, due=TODAY - timedelta(days=1))
    reminders.scan(ledger)
    [result] = delivery.deliver(ledger, settings(smtp_host="127.0.0.1", smtp_port=port)).results
    assert result.state == "sent", result.error
    [(_, message)] = box.messages
    subject = message["Subject"]
    assert subject.startswith("[逾期] 走访困难群众 第二行 [2J长") and subject.endswith("… (#1)")
    assert len(subject) <= outbox.SUBJECT_LIMIT and "\n" not in subject
    assert "走访困难群众\n第二行" in message.get_content()  # the body keeps the text
