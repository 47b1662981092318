"""The pledge lifecycle (docs/lifecycle.md), declared once, as data.

``TRANSITIONS`` is the one definition: the runtime ``MACHINE``, the bulk operations, the
``pledges lifecycle`` table and its mermaid diagram are all read from it."""

from transitions import Machine

from pledges.vocab import State
from pledges.workflows import effects as do
from pledges.workflows import guards as g

S = State

TRANSITIONS: list[dict] = [
    {"trigger": "submit", "source": [S.draft], "dest": S.submitted,
     "conditions": [g.actor_may, g.has_title, g.has_owner, g.has_measure, g.due_in_campaign, g.passes_quality]},
    {"trigger": "approve", "source": [S.submitted], "dest": S.approved, "conditions": [g.actor_may, g.day_not_future],
     "after": [do.mark_approved]},
    {"trigger": "return", "source": [S.submitted], "dest": S.draft, "conditions": [g.actor_may, g.reason_given]},
    {"trigger": "display", "source": [S.approved], "dest": S.displayed,
     "conditions": [g.actor_may, g.channel_given, g.day_not_future, g.day_not_before_approval],
     "after": [do.record_display]},
    {"trigger": "record_progress", "source": [S.displayed, S.in_progress], "dest": S.in_progress,
     "conditions": [g.actor_may, g.progress_amount, g.day_not_future, g.day_not_before_display], "after": [do.record_progress]},
    {"trigger": "complete", "source": [S.in_progress], "dest": S.fulfilled,
     "conditions": [g.actor_may, g.target_reached_or_confirmed], "after": [do.mark_fulfilled]},
    {"trigger": "fail", "source": [S.displayed, S.in_progress], "dest": S.unfulfilled,
     "conditions": [g.actor_may, g.reason_given, g.due_passed_or_organiser], "after": [do.mark_unfulfilled]},
    {"trigger": "evaluate", "source": [S.fulfilled, S.unfulfilled], "dest": S.evaluated,
     "conditions": [g.actor_may, g.grade_valid, g.has_org_rating], "after": [do.record_rating, do.freeze_score]},
    {"trigger": "amend", "source": [S.displayed, S.in_progress], "dest": S.submitted,
     "conditions": [g.actor_may, g.reason_given, g.amendment_valid], "after": [do.apply_amendment]},
    {"trigger": "withdraw", "source": [S.draft, S.submitted, S.approved], "dest": S.withdrawn,
     "conditions": [g.actor_may, g.reason_given]},
    # dest None: an internal transition, the state stays as it is.
    {"trigger": "extend", "source": [S.approved, S.displayed, S.in_progress], "dest": None,
     "conditions": [g.actor_may, g.reason_given, g.due_later, g.new_due_in_campaign],
     "after": [do.apply_extension]},
    # A correcting (negative) progress entry.  Two rows of one trigger, tried in order: a correction
    # that takes a pledge fulfilled by its count back below its target reopens it; any other stays.
    {"trigger": "correct_progress", "source": [S.fulfilled], "dest": S.in_progress,
     "conditions": [g.actor_may, g.reason_given, g.correction_valid, g.day_not_future, g.undoes_fulfilment],
     "after": [do.record_correction, do.reopen]},
    {"trigger": "correct_progress", "source": [S.in_progress, S.fulfilled], "dest": None,
     "conditions": [g.actor_may, g.reason_given, g.correction_valid, g.day_not_future],
     "after": [do.record_correction]},
]

TRIGGERS: tuple[str, ...] = tuple(dict.fromkeys(t["trigger"] for t in TRANSITIONS))

MACHINE_OPTIONS = {
    "states": State,
    "transitions": TRANSITIONS,
    "model_attribute": "state",
    "auto_transitions": False,
    "send_event": True,
}

# One machine for the process, holding no model: it is fired on a Move with
# ``MACHINE.events[trigger].trigger(move)``.
MACHINE = Machine(model=None, initial=None, **MACHINE_OPTIONS)


def spec(trigger: str) -> dict:
    """The trigger's (first) row."""
    return next(t for t in TRANSITIONS if t["trigger"] == trigger)


def sources(trigger: str) -> list[State]:
    """Every state the trigger may be fired from, over all of its rows."""
    return list(dict.fromkeys(s for t in TRANSITIONS if t["trigger"] == trigger for s in t["source"]))


def destination(trigger: str, source: State) -> State:
    """Where the trigger's first row from ``source`` leads (a trigger with two rows from one state,
    such as correct_progress from fulfilled, decides between them on the pledge)."""
    row = next(t for t in TRANSITIONS if t["trigger"] == trigger and source in t["source"])
    return row["dest"] or source


def triggers_from(state: State) -> list[str]:
    """The triggers the current state allows, in table order."""
    return list(dict.fromkeys(t["trigger"] for t in TRANSITIONS if state in t["source"]))


def rows() -> list[dict]:
    """The table as plain data: for ``pledges lifecycle``."""
    return [
        {"trigger": t["trigger"], "from": [s.value for s in t["source"]],
         "to": t["dest"].value if t["dest"] else None,
         "guards": [c.__name__ for c in t.get("conditions", [])]}
        for t in TRANSITIONS
    ]


def mermaid() -> str:
    """A mermaid state diagram drawn by transitions' GraphMachine from the same table."""
    from transitions.extensions import GraphMachine

    class Diagram:  # GraphMachine draws for a model; this one only carries the state
        pass

    graph = GraphMachine(model=Diagram(), initial=State.draft, graph_engine="mermaid", show_conditions=True,
                         title="pledge lifecycle", **MACHINE_OPTIONS)
    return graph.get_graph().draw(None)
