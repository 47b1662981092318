"""The derived rules, one definition each: overdue, stalled, and what each reminder rule asks
of a pledge (docs/reminders.md).  Nothing here is stored: it is read from a pledge's state and
days, as of a day.

Each rule is written once, with the few operators below, which work on SQL columns and on plain
values alike.  Given columns (``Pledge.state``, a state replayed from the audit log, a SQL day)
a rule is a condition for a WHERE clause or a CASE; given a pledge row's values and dates it is
``True`` or ``False``.  The figures, the listing, the overdue list, the reminder scan and the
check that a reminder still applies before it goes out all call these functions.

Days that depend on a campaign's threshold (``cutoff``, ``last_day``) are passed in, already
computed (SQLite has no date arithmetic): ``cutoff`` is the day minus the threshold."""

import sys
from datetime import date

from pledges.vocab import ACTIVE, State

IN_PROGRESS = frozenset({State.in_progress})
APPROVED = frozenset({State.approved})
FINISHED_UNEVALUATED = frozenset({State.fulfilled, State.unfulfilled})


def _sql(*values) -> bool:
    """Are any of ``values`` SQL expressions?  Without SQLAlchemy loaded none can be: the fast
    read path (``pledges.fastread``) uses these rules on plain values without importing it."""
    if "sqlalchemy" not in sys.modules:
        return False
    from sqlalchemy.orm import QueryableAttribute
    from sqlalchemy.sql.elements import ColumnElement

    return any(isinstance(value, (ColumnElement, QueryableAttribute)) for value in values)


def in_states(state, states: frozenset) -> object:
    """``state`` is one of ``states``."""
    return state.in_(sorted(states)) if _sql(state) else state in states


def all_of(*conditions) -> object:
    if _sql(*conditions):
        from sqlalchemy import and_

        return and_(*conditions)
    return all(conditions)


def before(day, other) -> object:
    """``day < other``; an unknown day (NULL, ``None``) is before nothing, in SQL and Python alike."""
    if _sql(day, other):
        return day < other
    return day is not None and other is not None and day < other


def on_or_before(day, other) -> object:
    """``day <= other``; an unknown day is never on or before anything."""
    if _sql(day, other):
        return day <= other
    return day is not None and other is not None and day <= other


# --- the rules --------------------------------------------------------------------------------


def overdue(state, due, day) -> object:
    """Overdue (docs/figures.md): the due date is before ``day`` and the pledge is approved,
    displayed or in progress."""
    return all_of(in_states(state, ACTIVE), before(due, day))


def days_late(due: date, day: date) -> int:
    """How late an overdue pledge is on ``day``."""
    return (day - due).days


def escalated(state, due, cutoff) -> object:
    """Overdue by more than the campaign's ``escalation_days``: overdue as of ``cutoff`` = the
    day minus that threshold."""
    return overdue(state, due, cutoff)


def due_soon(state, due, day, last_day) -> object:
    """Approved, displayed or in progress, and due between ``day`` and ``last_day`` (the day plus
    the campaign's ``due_soon_days``), both included."""
    return all_of(in_states(state, ACTIVE), on_or_before(day, due), on_or_before(due, last_day))


def stalled(state, last_progress_on, cutoff) -> object:
    """Stalled (docs/lifecycle.md): in progress with no progress record after ``cutoff`` = the day minus
    the campaign's ``stalled_days`` (30)."""
    return all_of(in_states(state, IN_PROGRESS), on_or_before(last_progress_on, cutoff))


def awaiting_display(state, approved_on, cutoff) -> object:
    """Approved before ``cutoff`` (the day minus ``display_wait_days``) and still not displayed."""
    return all_of(in_states(state, APPROVED), before(approved_on, cutoff))


def awaiting_evaluation(state, finished_on, cutoff) -> object:
    """Fulfilled or unfulfilled before ``cutoff`` (the day minus ``evaluation_wait_days``) and
    not evaluated yet."""
    return all_of(in_states(state, FINISHED_UNEVALUATED), before(finished_on, cutoff))
