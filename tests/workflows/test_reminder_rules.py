"""Each reminder rule at its boundary days, with the injected clock; the scan's idempotence."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from pledges.models import Campaign, Reminder
from pledges.vocab import Rule
from pledges.workflows import reminders
from support import ACTOR, TODAY, pledge_row

MONDAY = date(2026, 6, 15)  # TODAY is a Monday


def found(ledger, clock, rule):
    return [(due.pledge_id, due.period, due.day) for due in reminders.found(ledger, rule, clock())]


def outbox(ledger):
    with ledger.session() as session:
        return sorted(session.execute(select(Reminder.pledge_id, Reminder.rule, Reminder.period)).all())


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.mark.parametrize("state", ["approved", "displayed", "in_progress"])
def test_due_soon_from_today_to_seven_days_ahead(ledger, clock, make_pledge, state):
    inside = [make_pledge(state, due=days(n)) for n in (0, 7)]
    make_pledge(state, due=days(8))
    make_pledge(state, due=days(-1))
    assert found(ledger, clock, Rule.due_soon) == [(inside[0], TODAY, TODAY), (inside[1], days(7), TODAY)]


@pytest.mark.parametrize("state", ["draft", "submitted", "fulfilled", "unfulfilled", "evaluated", "withdrawn"])
def test_due_soon_skips_pledges_that_are_not_active(ledger, clock, make_pledge, state):
    make_pledge(state, due=days(3))
    assert found(ledger, clock, Rule.due_soon) == []


def test_the_due_soon_threshold_is_the_campaigns(ledger, clock, make_pledge):
    near, far = make_pledge("approved", due=days(3)), make_pledge("approved", due=days(4))
    with ledger.session() as session:
        session.execute(update(Campaign).values(due_soon_days=3))
    assert [row[0] for row in found(ledger, clock, Rule.due_soon)] == [near]
    assert far not in [row[0] for row in found(ledger, clock, Rule.due_soon)]


def test_overdue_from_the_day_after_the_due_date(ledger, clock, make_pledge):
    late = make_pledge("displayed", due=days(-1))
    make_pledge("displayed", due=TODAY)
    make_pledge("fulfilled", due=days(-5))
    assert found(ledger, clock, Rule.overdue) == [(late, MONDAY, TODAY)]


def test_overdue_counts_days_in_the_campaign_time_zone(ledger, clock, make_pledge):
    pledge = make_pledge("approved", due=TODAY)
    clock.now = datetime(2026, 6, 15, 15, 59, tzinfo=timezone.utc)  # 23:59 in Shanghai
    assert found(ledger, clock, Rule.overdue) == []
    clock.now = datetime(2026, 6, 15, 16, 0, tzinfo=timezone.utc)  # midnight in Shanghai
    assert found(ledger, clock, Rule.overdue) == [(pledge, MONDAY, days(1))]


def test_overdue_is_reminded_once_a_week_while_it_stays_overdue(ledger, clock, make_pledge):
    pledge = make_pledge("in_progress", due=days(-1))
    assert reminders.scan(ledger)[Rule.overdue] == 1
    clock.advance(days=6)  # Sunday of the same week
    assert reminders.scan(ledger)[Rule.overdue] == 0
    clock.advance(days=1)  # next Monday
    assert reminders.scan(ledger)[Rule.overdue] == 1
    assert [row for row in outbox(ledger) if row[1] == Rule.overdue] == [
        (pledge, "overdue", MONDAY), (pledge, "overdue", days(7))]


def test_stalled_after_thirty_days_without_a_progress_record(ledger, clock, make_pledge):
    pledge = make_pledge("in_progress", due=date(2026, 12, 31))
    make_pledge("displayed", due=date(2026, 12, 31))  # never progressed: not in progress
    clock.advance(days=29)
    assert found(ledger, clock, Rule.stalled) == []
    clock.advance(days=1)
    assert found(ledger, clock, Rule.stalled) == [(pledge, TODAY, days(30))]


def test_a_new_progress_record_ends_the_stall(ledger, clock, make_pledge):
    from pledges.workflows.engine import run

    pledge = make_pledge("in_progress", due=date(2026, 12, 31))
    clock.advance(days=20)
    run(ledger, [pledge], "record_progress", ACTOR, amount=1)
    clock.advance(days=29)
    assert found(ledger, clock, Rule.stalled) == []
    clock.advance(days=1)
    assert found(ledger, clock, Rule.stalled) == [(pledge, days(20), days(50))]


def test_progress_backdated_with_date_does_not_move_the_last_progress_day_back(ledger, clock, make_pledge):
    from pledges.workflows.engine import run

    pledge = make_pledge("in_progress", due=date(2026, 12, 31))
    clock.advance(days=10)
    run(ledger, [pledge], "record_progress", ACTOR, amount=1)
    run(ledger, [pledge], "record_progress", ACTOR, amount=1, day=days(5))  # entered late, --date
    assert pledge_row(ledger, pledge).last_progress_on == days(10)
    clock.advance(days=30)
    assert found(ledger, clock, Rule.stalled) == [(pledge, days(10), days(40))]


def test_awaiting_display_more_than_three_days_after_approval(ledger, clock, make_pledge):
    pledge = make_pledge("approved", due=date(2026, 12, 31))
    make_pledge("displayed", due=date(2026, 12, 31))
    clock.advance(days=3)
    assert found(ledger, clock, Rule.awaiting_display) == []
    clock.advance(days=1)
    assert found(ledger, clock, Rule.awaiting_display) == [(pledge, TODAY, days(4))]


@pytest.mark.parametrize("state", ["fulfilled", "unfulfilled"])
def test_awaiting_evaluation_more_than_fourteen_days_after_the_outcome(ledger, clock, make_pledge, state):
    pledge = make_pledge(state, due=days(-1))
    make_pledge("evaluated", due=days(-1))
    clock.advance(days=14)
    assert found(ledger, clock, Rule.awaiting_evaluation) == []
    clock.advance(days=1)
    assert found(ledger, clock, Rule.awaiting_evaluation) == [(pledge, TODAY, days(15))]


def test_escalation_when_more_than_fourteen_days_late(ledger, clock, make_pledge):
    late = make_pledge("displayed", due=days(-15))
    make_pledge("displayed", due=days(-14))
    assert found(ledger, clock, Rule.escalation) == [(late, days(-15), TODAY)]


def test_no_escalation_above_the_top_organisation(ledger, clock, make_pledge):
    make_pledge("displayed", due=days(-30), org="WL")
    assert found(ledger, clock, Rule.escalation) == []
    assert len(found(ledger, clock, Rule.overdue)) == 1


def test_an_extension_makes_a_new_due_soon_period(ledger, clock, make_pledge):
    from pledges.workflows.engine import run

    pledge = make_pledge("displayed", due=days(2))
    assert reminders.scan(ledger)[Rule.due_soon] == 1
    run(ledger, [pledge], "extend", ACTOR, due=days(5), reason="天气")
    assert reminders.scan(ledger)[Rule.due_soon] == 1
    assert [row[2] for row in outbox(ledger) if row[1] == Rule.due_soon] == [days(2), days(5)]


def test_scanning_twice_creates_each_reminder_once(ledger, clock, make_pledge):
    make_pledge("displayed", due=days(-20))
    make_pledge("approved", due=days(3))
    clock.advance(days=4)
    first = reminders.scan(ledger)
    assert first == {Rule.due_soon: 0, Rule.overdue: 2, Rule.stalled: 0, Rule.awaiting_display: 1,
                     Rule.awaiting_evaluation: 0, Rule.escalation: 1}
    assert reminders.scan(ledger) == {rule: 0 for rule in Rule}
    with ledger.session() as session:
        assert session.scalar(select(func.count()).select_from(Reminder)) == 4


def test_an_empty_ledger_has_nothing_due(ledger, clock):
    assert reminders.scan(ledger) == {rule: 0 for rule in Rule}


def test_a_repeat_scan_the_same_day_reads_only_the_pledges_changed_since(ledger, clock, make_pledge):
    from sqlalchemy import delete

    from pledges.workflows.engine import run

    late, soon = make_pledge("displayed", due=days(-2)), make_pledge("displayed", due=days(20))
    clock.advance(minutes=10)  # more than reminders.SETTLE after the last change
    assert reminders.scan(ledger)[Rule.overdue] == 1
    with ledger.session() as session:  # the outbox loses its row behind the ledger's back
        session.execute(delete(Reminder))
    clock.advance(hours=2)
    assert reminders.scan(ledger) == {rule: 0 for rule in Rule}  # nothing changed: nothing looked at
    run(ledger, [soon], "extend", ACTOR, due=days(25), reason="天气")  # changed: looked at again
    run(ledger, [late], "record_progress", ACTOR, amount=1)
    assert reminders.scan(ledger)[Rule.overdue] == 1
    reminders.forget_scans(ledger)
    assert reminders.scan(ledger)[Rule.overdue] == 0  # the whole ledger: late's reminder is back already


def test_a_new_day_or_new_thresholds_scan_every_pledge(ledger, clock, make_pledge):
    pledge = make_pledge("displayed", due=days(9))
    assert reminders.scan(ledger)[Rule.due_soon] == 0
    with ledger.session() as session:
        session.execute(update(Campaign).values(due_soon_days=10))
    assert reminders.scan(ledger)[Rule.due_soon] == 1
    clock.advance(days=3)
    assert found(ledger, clock, Rule.due_soon) == [(pledge, days(9), days(3))]
    assert reminders.scan(ledger)[Rule.due_soon] == 0  # the same period (the due date): once
    clock.advance(days=7)
    assert reminders.scan(ledger)[Rule.overdue] == 1
