"""``pledges demo``: a realistic ledger of a whole city's campaign, loaded fast.

The plan (``plan``) fixes the organisation tree, the members and how many pledges each
owner makes; each pledge then lives its year (``story``) through the real lifecycle
(``life``) up to the as-of day.  Everything is drawn from ``random.Random`` seeded by
``seed``, and every time is derived from a simulated day: the same (scale, seed, as-of) gives
the same ledger, row for row.  Rows go to the database in bulk (``pledges.loader``), in one
transaction, a batch of pledges at a time, so memory stays flat at any scale.  The audit
events are written last, in the order of their times (``_InTimeOrder``), so the history's ids
never go back in time and its hash chain is linked in that order."""

import gc
import marshal
import os
import random
import tempfile
from bisect import bisect_right
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from operator import itemgetter

from sqlalchemy import func, select

from pledges import audit, chain
from pledges.campaigns import default_name
from pledges.db import Ledger
from pledges.errors import BadInput, DemoRefused
from pledges.loader import BulkWriter
from pledges.models import (DEFAULT_TIMEZONE, FIRST_YEAR, LAST_YEAR, AuditEvent, Campaign, DisplayRecord,
                            Member, Organisation, OrgClosure, Pledge, PledgeScore, PledgeVersion, ProgressRecord,
                            Rating, SurveyAnswer)
from pledges.demo import words
from pledges.demo.life import (AUDIT_COLUMNS, CONTENT_COLUMNS, DISPLAY_COLUMNS, PLEDGE_COLUMNS, PROGRESS_COLUMNS,
                               RATING_COLUMNS, SCORE_COLUMNS, VERSION_COLUMNS, Life, Rows, instant)
from pledges.demo.plan import SCALES, DemoPlan, OrgSpec, plan_demo
from pledges.demo.story import Story, declared, walk

DEMO_ACTOR = "演示数据"
SURVEY_TOWNS = ("WL-DX", "WL-CB")  # the demo's questionnaires: the visit of the seed's two towns
SURVEY_SEED, SURVEY_UNITS, SURVEY_EACH = "2026-09-14", 10, 5
SURVEY_FILE = "演示问卷.xlsx"
LINKED_COLUMNS = (*AUDIT_COLUMNS, "login", "hash")
BATCH = 5_000  # pledges per round trip of inserts
Progress = Callable[[str, int, int], None]

CHILD_TABLES = ((DisplayRecord, DISPLAY_COLUMNS), (ProgressRecord, PROGRESS_COLUMNS),
                (Rating, RATING_COLUMNS), (PledgeScore, SCORE_COLUMNS), (PledgeVersion, VERSION_COLUMNS))
ID_TABLES = (Campaign, Organisation, Member, Pledge, DisplayRecord, ProgressRecord, Rating, PledgeScore,
             PledgeVersion, AuditEvent)


@dataclass
class DemoSummary:
    scale: str
    seed: int
    as_of: date
    orgs: int
    members: int
    org_pledges: int
    member_pledges: int
    audit_events: int = 0
    display_records: int = 0
    progress_records: int = 0
    ratings: int = 0
    pledge_versions: int = 0
    states: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def build_demo(ledger: Ledger, scale: str = "small", seed: int = 1, as_of: date | None = None,
               actor: str = DEMO_ACTOR, progress: Progress | None = None) -> DemoSummary:
    """Load a ``scale`` demo ledger (``small`` or ``city``) into an empty ledger, as it stands at
    the end of ``as_of`` (default: today; not later); the campaign is the as-of's year.  ``progress`` is
    called as ``progress(stage, done, total)`` while loading.  Refuses a ledger that already
    holds organisations."""
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}")
    today = ledger.today()
    as_of = as_of or today
    if as_of > today:  # its history would be stamped in the future
        raise BadInput("future_date", on=as_of, today=today)
    if not FIRST_YEAR <= as_of.year <= LAST_YEAR:
        raise BadInput("bad_year", year=as_of.year, first=FIRST_YEAR, last=LAST_YEAR)
    plan = plan_demo(scale, seed)
    report = progress or (lambda stage, done, total: None)
    with ledger.engine.begin() as connection, _fewer_collections():
        held = connection.scalar(select(func.count()).select_from(Organisation))
        if held:
            raise DemoRefused(count=held)
        writer = BulkWriter(connection, keep_stamps=True)  # the events' own times, on PostgreSQL too
        rows = Rows({t.__tablename__: writer.next_id(t.__table__) for t in ID_TABLES}, actor, as_of)
        loader = _Loader(writer, rows, plan, random.Random(f"{seed}/names"), as_of)
        loader.eval_rng = random.Random(f"{seed}/evaluation")
        loader.campaign(connection)
        report("orgs", 0, len(plan.orgs))
        loader.orgs()
        report("members", 0, plan.members)
        loader.members()
        with writer.indexes_deferred(t.__table__ for t in (Pledge, AuditEvent, *(child for child, _ in CHILD_TABLES))):
            loader.pledges(random.Random(f"{seed}/lives"), report)
            loader.events.spill(rows.take("audit_event"))
            loader.events.write(writer)
        loader.survey(random.Random(f"{seed}/survey"))
        writer.reset_sequences(t.__table__ for t in ID_TABLES)
    counts = plan.counts()
    return DemoSummary(scale, seed, as_of, counts["orgs"], counts["members"], counts["org_pledges"],
                       counts["member_pledges"], writer.written.get("audit_event", 0),
                       writer.written.get("display_record", 0), writer.written.get("progress_record", 0),
                       writer.written.get("rating", 0), writer.written.get("pledge_version", 0),
        dict(sorted(loader.states.items())))


@contextmanager
def _fewer_collections():
    """The walks allocate millions of short-lived dicts (the effects' answers): collect the
    youngest generation every 50,000 allocations instead of 700 while loading."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


class _Loader:
    """Writes the plan's rows, each table through the bulk writer."""

    def __init__(self, writer: BulkWriter, rows: Rows, plan: DemoPlan, names: random.Random, as_of: date):
        self.writer, self.rows, self.plan, self.names, self.as_of = writer, rows, plan, names, as_of
        self.start = instant(date(as_of.year, 1, 1), 8 * 60)  # the day the ledger was set up
        self.org_ids = {org.id: rows.next_ids["organisation"] + org.id - 1 for org in plan.orgs}
        self.members_of: dict[int, list[tuple[int, str]]] = {}
        self.states: dict[str, int] = {}
        self.events = _InTimeOrder(rows.next_ids["audit_event"], writer.time_text)

    def _event(self, entity: str, entity_id: int, detail: dict) -> None:
        event = audit.event_values(at=self.start, effective_on=date(self.as_of.year, 1, 1), actor=self.rows.actor,
                                   entity=entity, entity_id=entity_id, trigger="create", detail=detail)
        self.rows.add("audit_event", *(event.get(c) for c in AUDIT_COLUMNS[1:]))

    def _flush(self, *tables) -> None:
        for table, columns in tables:
            self.writer.write(table.__table__, columns, self.rows.take(table.__tablename__))
        self.events.spill(self.rows.take("audit_event"))

    def campaign(self, connection) -> None:
        year = self.as_of.year
        found = connection.scalar(select(Campaign.id).where(Campaign.year == year))
        if found is None:
            found = self.rows.add("campaign", year, default_name(year), DEFAULT_TIMEZONE, date(year, 1, 1),
                                  date(year, 12, 31), self.start)
            self._event("campaign", found, {"year": year})
            self._flush((Campaign, ("id", "year", "name", "timezone", "starts", "ends", "created_at")))
        self.campaign_id = found

    def orgs(self) -> None:
        """The organisations, their closure rows and their creation events."""
        codes = {org.id: org.code for org in self.plan.orgs}
        closure = []
        for org in self.plan.orgs:
            own = self.rows.add("organisation", org.code, org.name, org.kind,
                                org.parent and self.org_ids[org.parent], self.start)
            chain = [*org.ancestors, org.id]
            closure.extend((self.org_ids[above], own, len(chain) - 1 - i) for i, above in enumerate(chain))
            self._event("organisation", own, {"code": org.code, "name": org.name, "kind": org.kind,
                                              "parent": org.parent and codes[org.parent]})
        self._flush((Organisation, ("id", "code", "name", "kind", "parent_id", "created_at")))
        self.writer.write(OrgClosure.__table__, ("ancestor_id", "descendant_id", "depth"), closure)

    def members(self) -> None:
        """Members with Chinese names, numbered M000001…, each in its branch."""
        surnames = list(words.SURNAMES)
        weights = [len(surnames) - i for i in range(len(surnames))]
        for org in self.plan.orgs:
            for _ in range(org.members):
                number = f"M{self.rows.next_ids['member']:06d}"
                given = "".join(self.names.choices(words.GIVEN, k=self.names.choice((1, 2, 2))))
                name = self.names.choices(surnames, weights)[0] + given
                member_id = self.rows.add("member", number, name, self.org_ids[org.id], self.start)
                self.members_of.setdefault(org.id, []).append((member_id, name))
                self._event("member", member_id, {"number": number, "name": name, "org": org.code})
            if len(self.rows.tables["member"]) >= BATCH:
                self._flush((Member, ("id", "number", "name", "org_id", "created_at")))
        self._flush((Member, ("id", "number", "name", "org_id", "created_at")))

    def pledges(self, rng: random.Random, report: Progress) -> None:
        """Each organisation's own pledges, then its members'; flushed every ``BATCH``."""
        total, done, member_index = self.plan.pledges, 0, 0
        report("pledges", 0, total)
        for org in self.plan.orgs:
            for _ in range(org.pledges):
                self._pledge(rng, org, None)
            for member in self.members_of.get(org.id, []):
                for _ in range(self.plan.member_pledges[member_index]):
                    self._pledge(rng, org, member)
                member_index += 1
            if len(self.rows.tables["pledge"]) >= BATCH or org is self.plan.orgs[-1]:
                done += len(self.rows.tables["pledge"])
                self._flush((Pledge, PLEDGE_COLUMNS), *CHILD_TABLES)
                report("pledges", done, total)

    def survey(self, rng: random.Random) -> None:
        """Filled questionnaires of the visit to the two towns the seed's group visited: the units
        drawn by the visit rule (``visit sample --units 10 --seed SURVEY_SEED``), five members and
        five of the public asked about each, as ``visit survey import`` stores them."""
        from pledges.orgs import OrgRow
        from pledges.workflows.visit import basic_units, draw

        by_id = {org.id: org for org in self.plan.orgs}
        rows = [OrgRow(org.code, org.name, org.kind, by_id[org.parent].code if org.parent else None,
                       len(org.ancestors)) for org in self.plan.orgs]
        answers, number = [], 0
        now = instant(self.as_of, 0)
        for town in [org for org in self.plan.orgs if org.code in SURVEY_TOWNS]:
            top = next(row for row in rows if row.code == town.code)
            under = [row for row in rows if row.code.startswith(town.code + "-")]
            units = len(basic_units([top, *under], top.code))
            drawn = draw([top, *under], top, min(SURVEY_UNITS, units), SURVEY_SEED, {})
            codes = {org.code: org.id for org in self.plan.orgs}
            for kind in drawn.kinds:
                for unit in kind.drawn:
                    for group, aware, satisfied, fair in (("members", 0.9, 0.6, 0.3), ("public", 0.65, 0.45, 0.3)):
                        for _ in range(SURVEY_EACH):
                            number += 1
                            roll = rng.random()
                            satisfaction = ("satisfied" if roll < satisfied else "fair" if roll < satisfied + fair
                                            else "unsatisfied")
                            suggestion = rng.choice(words.SUGGESTIONS) if rng.random() < 0.15 else None
                            answers.append((self.campaign_id, self.org_ids[codes[unit.code]], group,
                                            rng.random() < aware, satisfaction, suggestion, SURVEY_FILE,
                                            number + 1, self.rows.actor, now))
        self.writer.write(SurveyAnswer.__table__, ("campaign_id", "org_id", "respondent_group", "aware",
                                                   "satisfaction", "suggestion", "source", "row", "actor",
                                                   "imported_at"), answers)

    def _pledge(self, rng: random.Random, org: OrgSpec, member: tuple[int, str] | None) -> None:
        story = story_for(rng, org.kind, member)
        created, due = declared(rng, self.as_of)
        pledge_id = self.rows.next_ids["pledge"]
        self.rows.next_ids["pledge"] += 1
        if self.eval_rng.random() < words.VAGUE_SHARE:
            story = vague_story(self.eval_rng, story)
        life = Life(self.rows, pledge_id, due)
        life.eval_rng = self.eval_rng
        walk(life, story, rng, created)
        self.states[life.state] = self.states.get(life.state, 0) + 1
        self.rows.tables["pledge"].append((
            pledge_id, self.campaign_id, self.org_ids[org.id], member and member[0],
            *(story.content[c] for c in CONTENT_COLUMNS), life.due, due, life.state, life.outcome,
            life.finished_on, life.done, life.last_progress_on, life.approved_on, life.first, life.last, life.version))


def vague_story(rng: random.Random, story: Story) -> Story:
    """The same pledge said vaguely: a title of effort, not result, and a criterion of vague words
    (what the lint flags as not checkable)."""
    title, category = rng.choice(words.VAGUE_TITLES)
    criterion = rng.choice(words.VAGUE_CRITERIA)
    content = {"title": title, "content": f"{title}，{criterion}", "category": category, "target": None,
               "unit": None, "qualitative": True, "criterion": criterion}
    return Story(content, None, None, story.channel, story.place)


class _InTimeOrder:
    """The demo's audit events in the order of their times, though the pledges are walked one
    after another: each batch's events are sorted by time and spilled to one unnamed file, a
    ``marshal`` blob per day; then the days are written in order, each day's runs read back and
    sorted by time (ties in the order they were generated), with ids from ``first_id`` on.  Memory stays flat: one day's events at a
    time.  Times and days are spilled as the text the database takes (``BulkWriter.time_text``),
    so the linked rows go to it as they are."""

    def __init__(self, first_id: int, time_text: Callable):
        self.first_id = first_id
        self.file = tempfile.TemporaryFile(prefix="pledges-demo-", buffering=0)
        self.size = 0
        self.runs: dict[str, list[tuple[int, int]]] = {}  # day → where its runs are: (offset, length)
        self.times, self.dates = chain.Texts(time_text), chain.Texts(chain.day_text)

    def spill(self, rows: list[tuple]) -> None:
        """``rows``: (id, at, effective_on, …, due_after, …) as ``AUDIT_COLUMNS``; spilled without
        their ids, in time order (stable: ties as generated), one run per day.  ``rows`` is emptied:
        ``marshal`` keeps a table of the objects referenced more than once, and with the old tuples
        gone an event's texts and numbers no longer are (a third faster)."""
        if not rows:
            return
        times, dates = self.times, self.dates
        items = [(times[at], dates[effective_on], actor, entity, entity_id, trigger, from_state, to_state, reason,
                  dates[due_after], done_after, outcome_after, detail)
                 for (_, at, effective_on, actor, entity, entity_id, trigger, from_state, to_state, reason, due_after,
                      done_after, outcome_after, detail) in rows]
        rows.clear()
        by_time = itemgetter(0)
        items.sort(key=by_time)
        start = 0
        while start < len(items):
            day = items[start][0][:10]
            end = bisect_right(items, day + "\x7f", start, key=by_time)  # past every time of that day
            blob = marshal.dumps(items[start:end])
            self.file.write(blob)
            self.runs.setdefault(day, []).append((self.size, len(blob)))
            self.size += len(blob)
            start = end

    def write(self, writer: BulkWriter) -> None:
        """Day by day, each sorted by time (a stable sort: ties stay in the order generated; the
        runs are already sorted, so this is a merge)."""
        head, by_time = writer.chain_head(), itemgetter(0)
        head.id = self.first_id - 1  # the ids the demo's rows were counted from (the first free one)
        fd = self.file.fileno()
        try:
            for day in sorted(self.runs):
                items = []
                for offset, length in self.runs[day]:
                    items.extend(marshal.loads(os.pread(fd, length, offset)))
                items.sort(key=by_time)
                writer.write(AuditEvent.__table__, LINKED_COLUMNS, head.link_texts(items), linked=True)
        finally:
            self.file.close()


def story_for(rng: random.Random, kind: str, member: tuple[int, str] | None) -> Story:
    """A pledge's content from its owner's templates: mostly measurable, some qualitative."""
    if member:
        templates, qualitative = words.MEMBER_TEMPLATES, words.MEMBER_QUALITATIVE
        channel, place = words.CHANNELS_MEMBER.get(kind, ("household", f"{member[1]}家门口"))
    else:
        templates, qualitative = words.ORG_TEMPLATES[kind] + words.COMMON_ORG, words.ORG_QUALITATIVE
        channel, place = rng.choice(words.CHANNELS_ORG)
    if rng.random() < 0.15:
        title, criterion, category = rng.choice(qualitative)
        content = {"title": title, "content": f"{title}，{criterion}", "category": category, "target": None,
                   "unit": None, "qualitative": True, "criterion": criterion}
        return Story(content, None, None, channel, place)
    prefix, verb, unit, low, high, category = rng.choice(templates)
    target = rng.randint(low, high)
    title = f"{prefix} {target} {unit}"
    content = {"title": title, "content": f"全年{title}", "category": category, "target": target, "unit": unit,
               "qualitative": False, "criterion": None}
    return Story(content, prefix, verb, channel, place)
