"""Group robots through a real local HTTP server: one digest per robot per pass, split at the
robot's size limit, signed (加签) when the contact has a secret, paced, and retried whole."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from pledges.contacts import set_org_contact
from pledges.models import AuditEvent, ReminderAttempt
from pledges.workflows import delivery, outbox, reminders, robots
from servers import start_robot
from support import ACTOR, TODAY


def settings(**overrides) -> delivery.Settings:
    return delivery.Settings(**{"retry_minutes": 5, "max_attempts": 3, **overrides})


class FakeTime:
    """The pacer's clock and sleep: sleeping moves the clock, nothing waits."""

    def __init__(self):
        self.now, self.slept, self.posts = 1000.0, [], []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def signed_robot():
    robot = start_robot(secret="SECtest")
    yield robot
    robot.shutdown()
    robot.server_close()


def overdue_pledges(make_pledge, n: int, **fields) -> list[int]:
    return [make_pledge("displayed", due=TODAY - timedelta(days=1 + i % 10), **fields) for i in range(n)]


def contents(robot) -> list[str]:
    return [body["markdown"].get("text") or body["markdown"].get("content") for _, body in robot.received]


def test_one_post_per_robot_per_pass_with_every_reminder_in_it(ledger, clock, make_pledge, make_org, robot):
    make_org("DX-V2", parent="DX", kind="village")
    set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=robot.url)
    set_org_contact(ledger, "DX-V2", actor=ACTOR, webhook=robot.wecom_url)
    ours = overdue_pledges(make_pledge, 3)
    theirs = overdue_pledges(make_pledge, 2, org="DX-V2")
    reminders.scan(ledger)
    report = delivery.deliver(ledger, settings())
    assert report.posts == 2 and len(robot.received) == 2
    assert {r.state for r in report.results} == {"sent"} and len(report.results) == 5
    ding, wecom = robot.accepted()
    assert ding["markdown"]["title"] == "承诺提醒（2026-06-15）：3 条"
    assert [f"编号 {p}）" in ding["markdown"]["text"] for p in ours] == [True] * 3
    assert set(wecom["markdown"]) == {"content"}  # WeCom's markdown body
    assert [f"编号 {p}）" in wecom["markdown"]["content"] for p in theirs] == [True] * 2
    assert delivery.deliver(ledger, settings()).posts == 0  # nothing twice


def test_a_generic_webhook_gets_the_reminders_as_data_too(ledger, clock, make_pledge, robot):
    set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=robot.generic_url)
    [pledge] = overdue_pledges(make_pledge, 1)
    reminders.scan(ledger)
    delivery.deliver(ledger, settings())
    [body] = robot.accepted()
    [item] = body["reminders"]
    assert (item["pledge"], item["rule"]) == (pledge, "overdue") and "逾期 1 天" in item["text"]
    assert body["markdown"]["title"].startswith("承诺提醒")


def test_a_title_cannot_become_markdown(ledger, clock, make_pledge, robot):
    set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=robot.url)
    overdue_pledges(make_pledge, 1, title="[点我](http://evil.example) **加粗**\n# 标题 <font>")
    reminders.scan(ledger)
    delivery.deliver(ledger, settings())
    [text] = contents(robot)
    assert r"\[点我\](http://evil.example) \*\*加粗\*\* \# 标题 \<font\>" in text
    assert text.count("\n") == 1  # the heading and one line: the title's newline is folded


def test_a_digest_is_split_at_wecoms_4096_bytes(ledger, clock, make_pledge, robot):
    set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=robot.wecom_url)
    pledges = overdue_pledges(make_pledge, 12, title="走访困难群众并帮助解决实际问题" * 20)  # ~900 bytes a line
    reminders.scan(ledger)
    report = delivery.deliver(ledger, settings())
    parts = contents(robot)
    assert len(parts) == report.posts > 1
    assert all(len(part.encode()) <= 4096 for part in parts)
    assert sorted(int(line.split("编号 ")[1].split("）")[0]) for part in parts for line in part.splitlines()[1:]) == \
        sorted(pledges)  # each reminder once, in one part
    assert parts[0].startswith("#### 承诺提醒（2026-06-15）：") and "续 2" in parts[1].splitlines()[0]


def test_one_reminder_longer_than_the_limit_is_cut_to_fit(ledger, clock, make_pledge, robot):
    set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=robot.wecom_url)
    overdue_pledges(make_pledge, 1, title="很长的标题" * 400)
    reminders.scan(ledger)
    [result] = delivery.deliver(ledger, settings()).results
    [part] = contents(robot)
    assert result.state == "sent" and len(part.encode()) <= 4096 and part.endswith("…")


def test_a_robot_with_a_secret_gets_signed_posts(ledger, clock, make_pledge, signed_robot):
    set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=signed_robot.url + "#secret=SECtest")
    overdue_pledges(make_pledge, 2)
    reminders.scan(ledger)
    report = delivery.deliver(ledger, settings())
    assert {r.state for r in report.results} == {"sent"} and len(signed_robot.accepted()) == 1
    [query] = signed_robot.queries
    assert set(query) == {"access_token", "timestamp", "sign"}  # the secret itself never travels
    with ledger.session() as session:
        targets = set(session.scalars(select(ReminderAttempt.target).where(ReminderAttempt.channel == "webhook")))
        audited = session.scalar(select(AuditEvent.detail).where(AuditEvent.trigger == "set_contact"))
    assert targets == {signed_robot.url} and "SECtest" not in audited and "#secret=***" in audited
    assert [row["webhook"] for row in outbox.listing(ledger)] == [signed_robot.url] * 2


def test_a_wrong_secret_is_refused_by_the_robot_and_retried(ledger, clock, make_pledge, signed_robot):
    set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=signed_robot.url + "#secret=SECwrong")
    overdue_pledges(make_pledge, 1)
    reminders.scan(ledger)
    [result] = delivery.deliver(ledger, settings()).results
    assert result.state == "pending" and "errcode 310000" in result.error
    assert signed_robot.accepted() == []
    unsigned = robots.Robot(signed_robot.url)
    with pytest.raises(RuntimeError, match="310000"):
        unsigned.post(unsigned.body("t", "x", []), timeout=5, allow_private=True)


def test_the_signature_is_dingtalks():
    # The example of DingTalk's documentation, computed by hand: HMAC-SHA256 of "ts\nsecret", base64, URL-encoded.
    import base64
    import hashlib
    import hmac
    import urllib.parse

    expected = urllib.parse.quote_plus(base64.b64encode(
        hmac.new(b"SECabc", b"1700000000000\nSECabc", hashlib.sha256).digest()).decode())
    assert robots.sign("https://oapi.dingtalk.com/robot/send?access_token=x", "SECabc", 1700000000000) == (
        f"https://oapi.dingtalk.com/robot/send?access_token=x&timestamp=1700000000000&sign={expected}")


def test_posts_to_one_robot_are_paced(ledger, clock, make_pledge, robot):
    set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=robot.wecom_url)
    overdue_pledges(make_pledge, 12, title="走访困难群众并帮助解决实际问题" * 20)
    reminders.scan(ledger)
    fake = FakeTime()
    pacer = robots.Pacer(per_minute=2, clock=fake.clock, sleep=fake.sleep)
    real_post = robots.Robot.post
    sent_at = []

    def timed(self, body, timeout, millis=None, **options):
        sent_at.append(fake.now)
        fake.now += 1  # each post takes a second
        return real_post(self, body, timeout, millis, **options)

    robots.Robot.post = timed
    try:
        report = delivery.deliver(ledger, settings(), pacer=pacer)
    finally:
        robots.Robot.post = real_post
    assert report.posts == len(sent_at) >= 3 and {r.state for r in report.results} == {"sent"}
    assert all(later - earlier >= 60 for earlier, later in zip(sent_at, sent_at[2:]))  # ≤ 2 in any minute
    assert fake.slept and all(0 < pause <= 60 for pause in fake.slept)


def test_a_refused_digest_is_retried_like_a_reminder(ledger, clock, make_pledge, robot):
    set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=robot.url)
    pledges = overdue_pledges(make_pledge, 3)
    reminders.scan(ledger)
    robot.answers = [500]
    first = delivery.deliver(ledger, settings()).results
    assert [(r.state, r.attempts, r.delivered) for r in first] == [("pending", 1, ["console"])] * 3
    assert all("webhook: HTTP Error 500" in r.error for r in first)
    with ledger.session() as session:
        failed = session.execute(select(ReminderAttempt.reminder_id).where(ReminderAttempt.channel == "webhook",
                                                                          ReminderAttempt.ok.is_(False))).all()
    assert len(failed) == 3
    clock.advance(minutes=4)
    assert delivery.deliver(ledger, settings()).posts == 0  # backing off
    clock.advance(minutes=1)
    again = delivery.deliver(ledger, settings())
    assert again.posts == 1 and [r.state for r in again.results] == ["sent"] * 3
    assert [r.delivered for r in again.results] == [["console", "webhook"]] * 3
    assert len(robot.received) == 2 and all(f"编号 {p}）" in contents(robot)[1] for p in pledges)


def test_a_digest_that_never_goes_through_ends_failed_for_each_reminder(ledger, clock, make_pledge, robot):
    set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=robot.url)
    overdue_pledges(make_pledge, 2)
    reminders.scan(ledger)
    robot.answers = [503] * 3
    for _ in range(3):
        results = delivery.deliver(ledger, settings()).results
        clock.advance(hours=1)
    assert [(r.state, r.attempts) for r in results] == [("failed", 3)] * 2
    assert len(list(outbox.listing(ledger, state="failed"))) == 2


@pytest.mark.parametrize("address", ["https://oapi.dingtalk.com/robot/send?access_token=x#secret=",
                                     "https://oapi.dingtalk.com/robot/send?access_token=x#token=1",
                                     "ftp://example.com/x"])
def test_a_bad_webhook_or_secret_is_refused(ledger, org, address):
    from pledges.errors import BadInput

    with pytest.raises(BadInput) as refused:
        set_org_contact(ledger, "DX-V1", actor=ACTOR, webhook=address)
    assert "#secret=SEC…" in refused.value.message("en")


def test_robot_kinds_and_secrets_are_read_from_the_address():
    assert robots.kind_of("https://oapi.dingtalk.com/robot/send?access_token=x") == "dingtalk"
    assert robots.kind_of("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k") == "wecom"
    assert robots.kind_of("https://hooks.example.com/pledges") == "generic"
    robot = robots.Robot("https://oapi.dingtalk.com/robot/send?access_token=x#secret=SEC1")
    assert robot.url == "https://oapi.dingtalk.com/robot/send?access_token=x" and robot.limit <= 20_000
    assert robots.Robot("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k").limit == 4096
