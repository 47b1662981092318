"""Every trigger from every state (docs/lifecycle.md): the allowed ones move the state and write
exactly one audit event; every other one is refused and changes nothing."""

from datetime import date

import pytest

from pledges.errors import TransitionRefused
from pledges.workflows import lifecycle
from pledges.workflows.engine import run
from support import ACTOR, NOW, PATHS, events_of, pledge_row, snapshot

# Written from the lifecycle's definition by hand, not read from the machine, so the two can disagree.
ALLOWED = {
    "submit": {"draft": "submitted"},
    "approve": {"submitted": "approved"},
    "return": {"submitted": "draft"},
    "display": {"approved": "displayed"},
    "record_progress": {"displayed": "in_progress", "in_progress": "in_progress"},
    "complete": {"in_progress": "fulfilled"},
    "fail": {"displayed": "unfulfilled", "in_progress": "unfulfilled"},
    "evaluate": {"fulfilled": "evaluated", "unfulfilled": "evaluated"},
    "amend": {"displayed": "submitted", "in_progress": "submitted"},
    "withdraw": {"draft": "withdrawn", "submitted": "withdrawn", "approved": "withdrawn"},
    "extend": {"approved": "approved", "displayed": "displayed", "in_progress": "in_progress"},
    # fulfilled by its count (12 of 12): a correction below the target reopens it
    "correct_progress": {"in_progress": "in_progress", "fulfilled": "in_progress"},
}

VALID_ARGS = {
    "submit": {},
    "approve": {},
    "return": {"reason": "目标不够具体"},
    "display": {"channel": "board", "place": "村务公开栏"},
    "record_progress": {"amount": 2, "note": "走访2户"},
    "complete": {"note": "组织确认"},
    "fail": {"reason": "资金未到位"},
    "evaluate": {"grade": "good", "comment": "群众满意"},
    "amend": {"reason": "扩大范围", "changes": {"target": 20}},
    "withdraw": {"reason": "与支部承诺重复"},
    "extend": {"due": date(2026, 10, 31), "reason": "汛期停工"},
    "correct_progress": {"amount": -1, "reason": "重复录入"},
}

STATES = list(PATHS)


def test_the_machine_declares_exactly_the_specified_triggers():
    assert set(lifecycle.TRIGGERS) == set(ALLOWED)
    for trigger, moves in ALLOWED.items():
        assert {s.value for s in lifecycle.sources(trigger)} == set(moves), trigger


@pytest.mark.parametrize("state", STATES)
def test_every_trigger_from(state, ledger, make_pledge):
    pledges = {trigger: make_pledge(state) for trigger in ALLOWED}
    for trigger, pledge_id in pledges.items():
        before, events_before = snapshot(ledger, pledge_id), events_of(ledger, pledge_id)
        if state in ALLOWED[trigger]:
            run(ledger, [pledge_id], trigger, "审核人", **VALID_ARGS[trigger])
            assert pledge_row(ledger, pledge_id).state == ALLOWED[trigger][state], trigger
            new = events_of(ledger, pledge_id)[len(events_before):]
            assert len(new) == 1, trigger
            event = new[0]
            args = VALID_ARGS[trigger]
            assert (event.trigger, event.from_state, event.to_state, event.actor) == (
                trigger, state, ALLOWED[trigger][state], "审核人")
            assert event.at == NOW
            assert event.reason == (args.get("reason") or args.get("note") or args.get("comment"))
            assert snapshot(ledger, pledge_id)["pledge"]["version"] == before["pledge"]["version"] + 1
        else:
            with pytest.raises(TransitionRefused) as refused:
                run(ledger, [pledge_id], trigger, "审核人", **VALID_ARGS[trigger])
            assert f"pledge {pledge_id} is {state.replace('_', ' ')}" in refused.value.message("en")
            assert snapshot(ledger, pledge_id) == before, trigger


def test_a_refusal_names_what_can_be_done_instead(ledger, make_pledge):
    pledge_id = make_pledge("submitted")
    with pytest.raises(TransitionRefused) as refused:
        run(ledger, [pledge_id], "display", ACTOR, channel="board")
    assert refused.value.message("en") == (
        f"pledge {pledge_id} is submitted: 'display' is not possible from there; "
        "possible now: approve, return, withdraw")
    assert refused.value.message("zh") == (
        f"承诺 {pledge_id} 当前状态为「待审核」，不能亮诺；可用操作：审核通过（approve）、退回（return）、撤回（withdraw）")


def test_a_refusal_names_the_command_to_type_not_the_trigger(ledger, make_pledge):
    pledge_id = make_pledge("displayed")
    with pytest.raises(TransitionRefused) as refused:
        run(ledger, [pledge_id], "complete", ACTOR)
    assert "possible now: progress, fail, amend, extend" in refused.value.message("en")
    assert "践诺记实（progress）" in refused.value.message("zh")


def test_a_finished_pledge_says_nothing_more_can_be_done(ledger, make_pledge):
    pledge_id = make_pledge("withdrawn")
    with pytest.raises(TransitionRefused, match="nothing further can be done"):
        run(ledger, [pledge_id], "submit", ACTOR)


def test_the_mermaid_diagram_is_drawn_from_the_same_table():
    edges = set()
    for line in lifecycle.mermaid().splitlines():
        if "-->" in line and ":" in line:
            ends, labels = line.split(":", 1)
            source, dest = (part.strip() for part in ends.split("-->"))
            edges |= {(source, dest, label.split()[0]) for label in labels.split(" | ")}
    expected = {(source, dest, trigger) for trigger, moves in ALLOWED.items() for source, dest in moves.items()}
    # a correction that leaves a fulfilled pledge at or above its target (or one an organiser confirmed) keeps it
    expected.add(("fulfilled", "fulfilled", "correct_progress"))
    assert edges == expected
