"""One demo pledge walked through its life, day by day, up to the as-of day.

Each step is a trigger of the real lifecycle: its state comes from
``lifecycle.destination(trigger, source)`` and a trigger the current state does not allow is a
bug, so no generated history is impossible.  A step planned after the as-of day does not
happen, nor does anything after it: the pledge stands as it would on that day (overdue, stalled,
still a draft…).  Every step writes what the engine would: the audit event with the pledge's
due, done and outcome after it, and the display, progress and evaluation records."""

import random
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from operator import itemgetter
from zoneinfo import ZoneInfo

from pledges import audit
from pledges.models import DEFAULT_TIMEZONE
from pledges.vocab import Outcome, RaterGroup, State
from pledges.workflows import lifecycle

AUDIT_COLUMNS = ("id", "at", "effective_on", "actor", "entity", "entity_id", "trigger", "from_state", "to_state",
                 "reason", "due_after", "done_after", "outcome_after", "detail")
PLEDGE_COLUMNS = ("id", "campaign_id", "org_id", "member_id", "title", "content", "category", "target", "unit",
                  "qualitative", "criterion", "due", "original_due", "state", "outcome", "finished_on", "done",
                  "last_progress_on", "approved_on", "created_at", "updated_at", "version")
DISPLAY_COLUMNS = ("id", "pledge_id", "channel", "place", "day", "actor", "recorded_at")
PROGRESS_COLUMNS = ("id", "pledge_id", "day", "amount", "note", "evidence", "actor", "recorded_at")
EVALUATION_COLUMNS = ("id", "pledge_id", "rater_group", "grade", "comment", "actor", "recorded_at")
CONTENT_COLUMNS = ("title", "content", "category", "target", "unit", "qualitative", "criterion")
VERSION_COLUMNS = ("id", "pledge_id", "number", "replaced_at", "actor", "reason", *CONTENT_COLUMNS)

audit_row = itemgetter(*AUDIT_COLUMNS[1:])  # an event_values dict → the row after its id

# The lifecycle, read once from its one definition: what each trigger allows and leads to.
SOURCES = {trigger: frozenset(lifecycle.sources(trigger)) for trigger in lifecycle.TRIGGERS}
DESTINATION = {(trigger, source): lifecycle.destination(trigger, source).value
               for trigger in lifecycle.TRIGGERS for source in lifecycle.sources(trigger)}


@lru_cache(maxsize=None)
def instant(day: date, minute: int) -> datetime:
    """``minute`` minutes into ``day`` in the campaign's time zone, as an aware UTC datetime."""
    local = datetime.combine(day, time(), ZoneInfo(DEFAULT_TIMEZONE)) + timedelta(minutes=minute)
    return local.astimezone(timezone.utc)


class Rows:
    """The rows a batch of pledges produces, per table, with the next id of each."""

    def __init__(self, next_ids: dict[str, int], actor: str, as_of: date):
        self.next_ids = next_ids
        self.actor, self.as_of = actor, as_of
        self.tables: dict[str, list[tuple]] = {name: [] for name in next_ids}

    def add(self, table: str, *values) -> int:
        row_id = self.next_ids[table]
        self.next_ids[table] = row_id + 1
        self.tables[table].append((row_id, *values))
        return row_id

    def take(self, table: str) -> list[tuple]:
        rows, self.tables[table] = self.tables[table], []
        return rows


class Life:
    """A pledge's state and figures as its steps are taken; ``step`` refuses past the as-of day."""

    def __init__(self, rows: Rows, pledge_id: int, due: date):
        self.rows, self.id, self.due = rows, pledge_id, due
        self.state: str | None = None
        self.done, self.outcome, self.finished_on, self.last_progress_on = 0, None, None, None
        self.approved_on = None
        self.day, self.minute, self.version = date.min, 0, 0
        self.first = self.last = None
        self.ended = False

    def clock(self, day: date, rng: random.Random) -> datetime | None:
        """The moment of the next step on ``day`` (never before the previous one), or None
        once the as-of day is passed.  Steps on the as-of day are stamped just after midnight,
        so a demo built for today holds nothing later than now (unless built before 01:00)."""
        if self.ended or day > self.rows.as_of:
            self.ended = True
            return None
        if day > self.day:
            self.day, self.minute = day, 510 + int(rng.random() * 511)  # 08:30 to 17:00
            if day == self.rows.as_of:  # the demo is usually built for today: keep its steps in the small hours
                self.minute = int(rng.random() * 10)
        else:
            self.minute += 1 + int(rng.random() * (2 if day == self.rows.as_of else 20))
        self.last = instant(self.day, self.minute)
        self.first = self.first or self.last
        return self.last

    def step(self, trigger: str, day: date, rng: random.Random, reason: str | None = None,
             detail: dict | None = None) -> datetime | None:
        """Fire ``trigger`` on ``day``; returns its moment, or None if the day is after as-of."""
        source = self.state
        if trigger == "create":
            target = State.draft.value
        elif source in SOURCES[trigger]:
            target = DESTINATION[trigger, source]
        else:
            raise AssertionError(f"demo pledge {self.id}: {trigger} is not possible from {source}")
        at = self.clock(max(day, self.day), rng)
        if at is None:
            return None
        if trigger == "record_progress":
            self.done += detail["amount"]
            self.last_progress_on = self.day
        elif trigger == "approve":
            self.approved_on = self.day
        elif trigger in ("complete", "fail"):
            self.outcome = Outcome.fulfilled.value if trigger == "complete" else Outcome.unfulfilled.value
            self.finished_on = self.day
        elif trigger == "extend":
            self.due = detail["due"][1]
        self.state, self.version = target, self.version + 1
        event = audit.event_values(at=at, effective_on=self.day, actor=self.rows.actor, entity="pledge",
                                   entity_id=self.id, trigger=trigger, from_state=source, to_state=target,
                                   reason=reason, detail=detail, due_after=self.due, done_after=self.done,
                                   outcome_after=self.outcome)
        self.rows.add("audit_event", *audit_row(event))
        return at

    def display(self, day: date, rng: random.Random, channel: str, place: str) -> None:
        at = self.step("display", day, rng, detail={"channel": channel, "place": place})
        if at is not None:
            self.rows.add("display_record", self.id, channel, place, self.day, self.rows.actor, at)

    def progress(self, day: date, rng: random.Random, amount: int, note: str, evidence: str | None) -> None:
        at = self.step("record_progress", day, rng, reason=note, detail={"amount": amount, "evidence": evidence})
        if at is not None:
            self.rows.add("progress_record", self.id, self.day, amount, note, evidence, self.rows.actor, at)

    def amend(self, day: date, rng: random.Random, reason: str, before: dict, after: dict) -> dict:
        """Replace the content, keeping the old as version 1 (effects.apply_amendment); returns
        the content the pledge has afterwards."""
        changes = {name: [before[name], after[name]] for name in CONTENT_COLUMNS if before[name] != after[name]}
        at = self.step("amend", day, rng, reason=reason, detail={"version": 1, "changes": changes})
        if at is None:
            return before
        self.rows.add("pledge_version", self.id, 1, at, self.rows.actor, reason, *(before[c] for c in CONTENT_COLUMNS))
        return after

    def evaluate(self, day: date, rng: random.Random, grade: str, comment: str) -> None:
        # The rating is recorded first, then the guard that asks for it passes (effects.record_rating).
        if self.ended or max(day, self.day) > self.rows.as_of:
            self.ended = True
            return
        at = self.step("evaluate", day, rng, reason=comment, detail={"grade": grade})
        self.rows.add("evaluation", self.id, RaterGroup.organisation.value, grade, comment, self.rows.actor, at)
