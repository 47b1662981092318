"""Two people changing the same pledge at once: one wins, the other is refused cleanly."""

import threading

import pytest
from sqlalchemy import select
from sqlmodel import Session

from pledges.db import Ledger
from pledges.errors import ConcurrentChange, PledgeError
from pledges.models import Pledge
from pledges.workflows.bulk import display_all_approved
from pledges.workflows.engine import fire, run
from support import events_of, pledge_row


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


def test_threads_racing_through_run_move_the_pledge_once(db_url, make_pledge, clock):
    """Eight threads, each with its own ledger (its own connections), approve the same pledge."""
    pledge_id = make_pledge("submitted")
    start, outcomes = threading.Barrier(8), []

    def approve(n: int):
        ledger = Ledger(db_url, clock=clock)
        start.wait()
        try:
            run(ledger, [pledge_id], "approve", f"书记{n}")
            outcomes.append("moved")
        except PledgeError as err:
            outcomes.append(type(err).__name__)
        finally:
            ledger.dispose()

    threads = [threading.Thread(target=approve, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("moved") == 1
    assert set(outcomes) <= {"moved", "ConcurrentChange", "TransitionRefused"}
    checker = Ledger(db_url, clock=clock)
    assert [e.trigger for e in events_of(checker, pledge_id)].count("approve") == 1
    with checker.session() as session:
        assert session.scalar(select(Pledge.state).where(Pledge.id == pledge_id)) == "approved"
    checker.dispose()
