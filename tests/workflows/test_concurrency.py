"""Two people changing the same pledge at once: where the race changes the answer, one wins and
the other is refused cleanly; where it does not (progress entries add up), both go through."""

import threading

import pytest
from sqlalchemy import select
from sqlmodel import Session

from pledges.db import Ledger
from pledges.errors import ConcurrentChange, PledgeError, TransitionRefused
from pledges.models import AuditEvent, Pledge, ProgressRecord
from pledges.workflows import engine
from pledges.workflows.bulk import display_all_approved
from pledges.workflows.engine import fire, run
from support import ACTOR, events_of, pledge_row


def test_the_second_of_two_racing_sessions_is_refused(ledger, make_pledge):
    pledge_id = make_pledge("submitted")
    first, second = Session(ledger.engine), Session(ledger.engine)
    mine, theirs = first.get(Pledge, pledge_id), second.get(Pledge, pledge_id)  # both read version 2
    fire(ledger, first, mine, "approve", "甲")
    first.commit()
    with pytest.raises(ConcurrentChange) as err:
        fire(ledger, second, theirs, "return", "乙", reason="目标不具体")
    second.rollback()
    first.close(), second.close()
    assert "was changed by someone else meanwhile" in err.value.message("en")
    assert pledge_row(ledger, pledge_id).state == "approved"
    assert [(e.trigger, e.actor) for e in events_of(ledger, pledge_id)][-1] == ("approve", "甲")
    assert "return" not in [e.trigger for e in events_of(ledger, pledge_id)]


def test_a_single_trigger_racing_a_bulk_display_is_refused(ledger, make_pledge):
    pledge_id = make_pledge("approved")
    with Session(ledger.engine) as stale:
        pledge = stale.get(Pledge, pledge_id)
        assert display_all_approved(ledger, "DX", channel="board", actor="乙") == 1
        with pytest.raises(ConcurrentChange):
            fire(ledger, stale, pledge, "withdraw", "甲", reason="重复")
        stale.rollback()
    assert pledge_row(ledger, pledge_id).state == "displayed"


def in_eight_threads(db_url, clock, fire) -> list[str]:
    """Run ``fire(ledger, n)`` in eight threads at once, each with its own ledger (its own
    connections); returns each one's outcome: "moved", or the refusal's class and message."""
    start, outcomes = threading.Barrier(8), []

    def one(n: int):
        ledger = Ledger(db_url, clock=clock)
        start.wait()
        try:
            fire(ledger, n)
            outcomes.append("moved")
        except PledgeError as err:
            outcomes.append(f"{type(err).__name__}: {err.message('en')}")
        finally:
            ledger.dispose()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_threads_racing_through_run_move_the_pledge_once(db_url, make_pledge, clock):
    """Eight threads approve the same pledge: one moves it, the others are refused."""
    pledge_id = make_pledge("submitted")
    outcomes = in_eight_threads(db_url, clock, lambda ledger, n: run(ledger, [pledge_id], "approve", f"书记{n}"))
    assert outcomes.count("moved") == 1
    assert {outcome.split(":")[0] for outcome in outcomes} <= {"moved", "ConcurrentChange", "TransitionRefused"}
    checker = Ledger(db_url, clock=clock)
    assert [e.trigger for e in events_of(checker, pledge_id)].count("approve") == 1
    with checker.session() as session:
        assert session.scalar(select(Pledge.state).where(Pledge.id == pledge_id)) == "approved"
    checker.dispose()


# --- busy pledges (issue 8, defect 12): progress entries add up, so a race need not refuse them ---


def audit_ids(ledger) -> list[int]:
    with ledger.session() as session:
        return list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def test_eight_writers_recording_progress_on_one_pledge_all_land(db_url, make_pledge, clock):
    pledge_id = make_pledge("in_progress", target=100)  # 1 done
    outcomes = in_eight_threads(db_url, clock, lambda ledger, n: run(
        ledger, [pledge_id], "record_progress", f"党员{n}", amount=n + 1, note=f"第{n}次"))
    assert outcomes == ["moved"] * 8
    checker = Ledger(db_url, clock=clock)
    assert pledge_row(checker, pledge_id).done == 1 + sum(range(1, 9))
    with checker.session() as session:
        amounts = sorted(session.scalars(select(ProgressRecord.amount).where(ProgressRecord.pledge_id == pledge_id)))
    assert amounts == [1, *range(1, 9)]
    events = [e for e in events_of(checker, pledge_id) if e.trigger == "record_progress"]
    assert sorted(e.actor for e in events[1:]) == sorted(f"党员{n}" for n in range(8))  # one event per entry
    assert sorted(e.done_after for e in events) == sorted({e.done_after for e in events})  # each saw the last
    ids = audit_ids(checker)
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # no audit id burned by a raced try
    checker.dispose()


@pytest.fixture
def raced(monkeypatch, db_url, clock):
    """Make the first try of the next ``run`` lose a race: just before its pledge row is changed,
    another person fires ``trigger`` on the same pledge and commits."""

    def race(trigger: str, **args):
        real, calls = engine._move, []

        def move_after_someone_else(ledger, session, pledge, *rest):
            if not calls:
                calls.append(1)
                other = Ledger(db_url, clock=clock)
                run(other, [pledge.id], trigger, "别人", **args)
                other.dispose()
            return real(ledger, session, pledge, *rest)

        monkeypatch.setattr(engine, "_move", move_after_someone_else)
        return calls

    return race


def test_a_raced_entry_is_tried_again_and_goes_through(ledger, make_pledge, raced):
    pledge_id = make_pledge("in_progress", target=100)
    first_ids = audit_ids(ledger)
    raced("record_progress", amount=5)
    [moved] = run(ledger, [pledge_id], "record_progress", ACTOR, amount=3)
    assert (moved.from_state, moved.to_state) == ("in_progress", "in_progress")
    assert pledge_row(ledger, pledge_id).done == 1 + 5 + 3
    events = events_of(ledger, pledge_id)
    assert [(e.actor, e.done_after) for e in events[-2:]] == [("别人", 6), (ACTOR, 9)]
    ids = audit_ids(ledger)
    assert ids == first_ids + [first_ids[-1] + 1, first_ids[-1] + 2]


def test_a_race_that_changed_the_answer_is_refused_and_writes_nothing(ledger, make_pledge, raced):
    pledge_id = make_pledge("in_progress")
    run(ledger, [pledge_id], "record_progress", ACTOR, amount=11)  # 12 of 12
    raced("complete")
    before = audit_ids(ledger)
    with pytest.raises(TransitionRefused) as err:
        run(ledger, [pledge_id], "record_progress", ACTOR, amount=1)
    assert err.value.message("en").startswith(f"pledge {pledge_id} is fulfilled: 'record progress' is not possible")
    assert pledge_row(ledger, pledge_id).state == "fulfilled" and pledge_row(ledger, pledge_id).done == 12
    assert audit_ids(ledger) == before + [before[-1] + 1]  # the other's complete; the refused entry wrote none
    assert [(e.trigger, e.actor) for e in events_of(ledger, pledge_id)][-1] == ("complete", "别人")
