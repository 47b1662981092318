"""One demo pledge walked through its life, day by day, up to the as-of day.

Each step is a trigger of the real lifecycle: its state comes from
``lifecycle.destination(trigger, source)`` and a trigger the current state does not allow is a
bug, so no generated history is impossible.  A step planned after the as-of day does not
happen, nor does anything after it: the pledge stands as it would on that day (overdue, stalled,
still a draft…).  What a step changes is asked of the trigger's own effects
(``workflows/effects.py``, the ``after`` callbacks of the lifecycle table): the pledge's fields,
the display, progress, evaluation and version records, and the audit event's detail, exactly as
the engine writes them; here they become bulk rows instead of ORM objects."""

import random
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from operator import itemgetter
from zoneinfo import ZoneInfo

from pledges import audit
from pledges.models import DEFAULT_TIMEZONE, DisplayRecord, PledgeScore, PledgeVersion, ProgressRecord, Rating
from pledges.vocab import State
from pledges.workflows import lifecycle
from pledges.workflows.effects import reason_of

AUDIT_COLUMNS = ("id", "at", "effective_on", "actor", "entity", "entity_id", "trigger", "from_state", "to_state",
                 "reason", "due_after", "done_after", "outcome_after", "detail")
PLEDGE_COLUMNS = ("id", "campaign_id", "org_id", "member_id", "title", "content", "category", "target", "unit",
                  "qualitative", "criterion", "due", "original_due", "state", "outcome", "finished_on", "done",
                  "last_progress_on", "approved_on", "created_at", "updated_at", "version")
DISPLAY_COLUMNS = ("id", "pledge_id", "channel", "place", "day", "actor", "recorded_at")
PROGRESS_COLUMNS = ("id", "pledge_id", "day", "amount", "note", "evidence", "actor", "recorded_at")
RATING_COLUMNS = ("id", "pledge_id", "rater_group", "grade", "count", "comment", "actor", "status", "source",
                  "recorded_at")
SCORE_COLUMNS = ("id", "pledge_id", "score", "grade", "frozen_at", "actor")
CONTENT_COLUMNS = ("title", "content", "category", "target", "unit", "qualitative", "criterion")
VERSION_COLUMNS = ("id", "pledge_id", "number", "replaced_at", "actor", "reason", *CONTENT_COLUMNS)

audit_row = itemgetter(*AUDIT_COLUMNS[1:])  # an event_values dict → the row after its id
# A record an effect adds (a dict) → its table and its bulk row after the id.
RECORD_ROW = {model: (model.__tablename__, itemgetter(*columns[1:])) for model, columns in (
    (DisplayRecord, DISPLAY_COLUMNS), (ProgressRecord, PROGRESS_COLUMNS), (Rating, RATING_COLUMNS),
    (PledgeScore, SCORE_COLUMNS), (PledgeVersion, VERSION_COLUMNS))}

# The lifecycle, read once from its one definition: what each trigger allows and leads to.
SOURCES = {trigger: frozenset(lifecycle.sources(trigger)) for trigger in lifecycle.TRIGGERS}
DESTINATION = {(trigger, source): lifecycle.destination(trigger, source).value
               for trigger in lifecycle.TRIGGERS for source in lifecycle.sources(trigger)}
EFFECTS = {"create": (), **{trigger: tuple(callback.what for callback in lifecycle.spec(trigger).get("after", []))
                            for trigger in lifecycle.TRIGGERS}}


@cache
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
    """A pledge's state and figures as its steps are taken; ``step`` refuses past the as-of day.

    A life is also what the trigger effects read, as the engine's ``Move`` offers it: the pledge
    (``pledge``, the life itself, or its content for an amendment), the step's arguments
    (``args``), its day, the actor and the moment (``now``); the demo's today is the step's day.
    One object, set for each step: the demo takes over a million steps."""

    def __init__(self, rows: Rows, pledge_id: int, due: date):
        self.rows, self.id, self.due = rows, pledge_id, due
        self.pledge, self.actor, self.args, self.now = self, rows.actor, {}, None
        self.state: str | None = None
        self.done, self.outcome, self.finished_on, self.last_progress_on = 0, None, None, None
        self.approved_on = None
        self.day, self.minute, self.version = date.min, 0, 0
        self.first = self.last = None
        self.ended = False
        self.ratings: list[tuple[str, str, int]] = []  # (group, grade, ballots) recorded so far

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

    def step(self, trigger: str, day: date, rng: random.Random, pledge=None, **args) -> datetime | None:
        """Fire ``trigger`` with ``args`` (as the engine takes them) on ``day``; returns its moment,
        or None if the day is after as-of.  ``pledge``: what the effects read as the pledge, when
        more than this ``Life`` (an amendment reads the content)."""
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
        effects = EFFECTS[trigger]
        detail = self._effects(effects, pledge, args, at) if effects else None
        self.state, self.version = target, self.version + 1
        event = audit.event_values(at=at, effective_on=self.day, actor=self.rows.actor, entity="pledge",
                                   entity_id=self.id, trigger=trigger, from_state=source, to_state=target,
                                   reason=reason_of(args), detail=detail or None, due_after=self.due,
                                   done_after=self.done, outcome_after=self.outcome)
        self.rows.add("audit_event", *audit_row(event))
        return at

    @property
    def today(self) -> date:
        return self.day

    def _effects(self, effects: tuple, pledge, args: dict, at: datetime) -> dict:
        """Apply the trigger's effects: fields onto this life, records as rows; returns the detail."""
        self.pledge, self.args, self.now = pledge or self, args, at
        detail = {}
        for what in effects:
            change = what(self)
            for name, value in change.fields.items():
                setattr(self, name, value)
            for model, values in change.records:
                table, row = RECORD_ROW[model]
                self.rows.add(table, *row(values))
            detail.update(change.detail)
        return detail

    def display(self, day: date, rng: random.Random, channel: str, place: str) -> None:
        self.step("display", day, rng, channel=channel, place=place)

    def progress(self, day: date, rng: random.Random, amount: int, note: str, evidence: str | None) -> None:
        self.step("record_progress", day, rng, amount=amount, note=note, evidence=evidence)

    def amend(self, day: date, rng: random.Random, reason: str, before: dict, after: dict) -> dict:
        """Replace the content, keeping the old as version 1; returns the content the pledge has
        afterwards."""
        content = {name: after[name] for name in CONTENT_COLUMNS}
        pledge = _Content(self.id, before)
        at = self.step("amend", day, rng, pledge=pledge, reason=reason, version=1, content=content)
        return before if at is None else after

    def rate(self, day: date, rng: random.Random, group: str, grade: str, count: int) -> bool:
        """A rating, as ``pledges rate`` records it: a rating row and its audit event (entity
        ``rating``, trigger ``rate``); the pledge row does not change."""
        from pledges.workflows.effects import rating_values

        at = self.clock(max(day, self.day), rng)
        if at is None:
            return False
        self.args, self.now = {"comment": None}, at
        table, row = RECORD_ROW[Rating]
        rating_id = self.rows.add(table, *row(rating_values(self, self.id, group, grade, count)))
        self.ratings.append((group, grade, count))
        event = audit.event_values(at=at, effective_on=self.day, actor=self.rows.actor, entity="rating",
                                   entity_id=rating_id, trigger="rate",
                                   detail={"pledge": self.id, "group": group, "grade": grade, "count": count},
                                   due_after=None, done_after=None, outcome_after=None)
        self.rows.add("audit_event", *audit_row(event))
        return True

    def evaluate(self, day: date, rng: random.Random, grade: str, comment: str) -> None:
        """The organisation's grade; the score frozen with it is the one the engine would compute
        from this pledge's ratings (``pledges.scores``)."""
        from pledges.scores import DEFAULT_WEIGHTS, combine, group_means

        score = combine(group_means([*self.ratings, ("organisation", grade, 1)]), DEFAULT_WEIGHTS)
        self.step("evaluate", day, rng, grade=grade, comment=comment, score=score)


class _Content:
    """A pledge as an amendment reads it: its id and its content fields."""

    def __init__(self, pledge_id: int, content: dict):
        self.id = pledge_id
        for name in CONTENT_COLUMNS:
            setattr(self, name, content[name])
