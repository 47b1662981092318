"""Pledge and progress rows (see ``pledges.sheets.ingest`` for identity and writing).

Rows are handled a batch at a time: one query finds the batch's pledges named by id, new ones
are written set-based with their ``create`` events, and changed ones go to ``on_change``."""

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select

from pledges.campaigns import campaign_for, check_due
from pledges.entries import coherent
from pledges.errors import BadInput, PledgeError
from pledges.models import MAX_INT, AuditEvent, Pledge, ProgressRecord
from pledges.sheets import headers as H
from pledges.sheets.ingest import (AUDIT_COLUMNS, BATCH, PLEDGE_COLUMNS, Batch, Ingest, Parsed, PledgeChange,
                                   ProgressEntry, about_rows)
from pledges.sheets.reader import Table
from pledges.vocab import State


@dataclass
class _Ids:
    """Ids for new pledges: a given free 承诺编号 is kept; the others count up from the first free
    id, stepping over the given ones.  A given id already handed out is reported."""

    next: int
    given: set = field(default_factory=set)
    gaps: list = field(default_factory=list)  # (from, to) ranges the counter stepped over
    start: int = 0

    def __post_init__(self):
        self.start = self.next

    def take_many(self, count: int) -> list[int]:
        if self.given:
            return [self.take() for _ in range(count)]
        taken, self.next = range(self.next, self.next + count), self.next + count
        return list(taken)

    def take(self) -> int:
        while self.next in self.given:
            self.next += 1
        taken, self.next = self.next, self.next + 1
        return taken

    def claim(self, wanted: int) -> bool:
        if wanted in self.given or (self.start <= wanted < self.next and not self._in_gap(wanted)):
            return False
        self.given.add(wanted)
        if wanted >= self.next:
            if wanted > self.next:
                self.gaps.append((self.next, wanted))
            self.next = wanted + 1
        return True

    def _in_gap(self, wanted: int) -> bool:
        return any(low <= wanted < high for low, high in self.gaps)


class Period(NamedTuple):
    """A campaign's id and dates as plain values (``campaigns.check_due`` reads them), so that a
    row's check does not go through the ORM's attribute machinery."""

    id: int
    year: int
    starts: date
    ends: date


def content_of_row(value: dict) -> dict:
    """A row's content by the rules ``PledgeContent`` applies (``pledges.entries.coherent``): a
    qualitative column left empty reads as qualitative when the row has a criterion and no
    target.  ``BadInput`` if the row breaks a rule."""
    qualitative = value.get("qualitative")
    if qualitative is None:
        qualitative = value.get("target") is None and value.get("criterion") is not None
    return coherent(value["title"], value.get("content") or "", value.get("category"), value.get("target"),
                    value.get("unit"), qualitative, value.get("criterion"))


class PledgeRows:
    def __init__(self, ingest: Ingest):
        self.ingest = ingest
        session = ingest.session
        # The ledger's pledges by natural key (not the new ones: seen_keys catches a row given twice).
        self.keys = {(o, m or 0, t, c): i for i, o, m, t, c in session.execute(
            select(Pledge.id, Pledge.org_id, Pledge.member_id, Pledge.title, Pledge.campaign_id))}
        self.seen_keys: set[int] = set()  # the natural keys of this import's rows, hashed (a million tuples would not fit)
        self.seen_ids: dict[int, int] = {}
        self.ids = _Ids(ingest.writer.next_id(Pledge.__table__))
        self.rows: list[tuple] = []
        self.events: list[tuple] = []

    def run(self, tables: list[Table]) -> None:
        done, total = 0, about_rows(tables)
        for table in tables:
            for batch in self.ingest.batches(table):
                if not self._clean_batch(batch):
                    self._batch(list(batch.parsed()))
                done += len(batch.rows)
                if len(batch.rows) == BATCH:  # not after the last: the bar closes at the end
                    self.ingest.report(H.PLEDGES, done, total)

    def _clean_batch(self, batch: Batch) -> bool:
        """A batch of new pledges with nothing wrong in any row, checked and written a column at
        a time: the same checks as ``_check`` and ``_row`` and the same rows and events as
        ``_new``.  Any other batch (a problem, a 承诺编号, a pledge already in the ledger, a row
        given twice, ``--states``) returns False having written nothing, and goes row by row,
        which reports each problem at its row."""
        ingest = self.ingest
        if batch.bad or ingest.with_states or any(given is not None for given in batch.column("id")):
            return False
        org_ids = list(map(ingest.org_ids.get, batch.column("org")))
        if None in org_ids:
            return False
        member_ids = []
        members = batch.column("member")
        index = ingest.members_index() if any(members) else {}
        for number, org_id in zip(members, org_ids):
            packed = index.get(number) if number else 0
            if packed is None or (packed and packed & 0xFFFFFFFF != org_id):
                return False
            member_ids.append(packed >> 32 or None)
        names = list(batch.columns)
        try:
            contents = [content_of_row(dict(zip(names, values))) for values in zip(*batch.columns.values())]
            dues = batch.columns["due"]
            periods = [self._campaign(year or due.year) for year, due in zip(batch.column("campaign"), dues)]
            for period, due in zip(periods, dues):
                check_due(period, due)
        except BadInput:
            return False
        keys = [(o, m or 0, c["title"], p.id) for o, m, c, p in zip(org_ids, member_ids, contents, periods)]
        digests = set(map(hash, keys))
        if len(digests) < len(keys) or not self.seen_keys.isdisjoint(digests) or \
                (self.keys and not self.keys.keys().isdisjoint(keys)):
            return False
        self.seen_keys |= digests
        ids = self.ids.take_many(len(keys))
        self._add(ids, [p.id for p in periods], org_ids, member_ids, contents, dues)
        ingest.touch_many(batch.table, ids, batch.rows)
        self._write()
        return True

    def _add(self, ids: list[int], campaign_ids: list[int], org_ids: list[int], member_ids: list[int | None],
             contents: list[dict], dues: list[date]) -> None:
        """New draft pledges (content in CONTENT_FIELDS' order) and their ``create`` events, as ``add`` writes them."""
        ingest, draft = self.ingest, State.draft.value
        now = ingest.now
        self.rows += [(pledge_id, campaign_id, org_id, member_id, *content.values(), due, due, draft, 0, now, now, 1)
                      for pledge_id, campaign_id, org_id, member_id, content, due
                      in zip(ids, campaign_ids, org_ids, member_ids, contents, dues)]
        self.events += [ingest._event("pledge", pledge_id, None, to_state=draft, due_after=due, done_after=0,
                                      outcome_after=None) for pledge_id, due in zip(ids, dues)]

    def _batch(self, batch: list[Parsed]) -> None:
        checked = [p for p in batch if not p.bad and self._check(p)]
        wanted = [p.values["id"] for p in checked if p.values.get("id")]
        wanted += [self.keys[p.values["key"]] for p in checked
                   if not p.values.get("id") and p.values["key"] in self.keys]
        held = {pledge.id: pledge for pledge in self.ingest.session.scalars(
            select(Pledge).where(Pledge.id.in_(wanted)))} if wanted else {}
        for parsed in checked:
            self._row(parsed, held)
        self._write()

    def _check(self, parsed: Parsed) -> bool:
        """Owner, content, campaign and due date of one row; False (and reported) if wrong."""
        ingest, value, table = self.ingest, parsed.values, parsed.table
        org_id = ingest.org_ids.get(value["org"])
        if org_id is None:
            ingest.problem(table, parsed.row, ingest._index_of(table, "org"), "unknown_org", code=value["org"])
            return False
        member_id = None
        if value.get("member"):
            packed = ingest.members_index().get(value["member"])
            if packed is None:
                ingest.problem(table, parsed.row, ingest._index_of(table, "member"), "unknown_member",
                               number=value["member"])
                return False
            member_id, member_org = packed >> 32, packed & 0xFFFFFFFF
            if member_org != org_id:
                ingest.problem(table, parsed.row, ingest._index_of(table, "member"), "member_elsewhere",
                               number=value["member"], org=value["org"], member_org=ingest.org_codes[member_org])
                return False
        try:
            value["content"] = content_of_row(value)
            period = self._campaign(value.get("campaign") or value["due"].year)
            check_due(period, value["due"])
        except BadInput as err:
            ingest._error(parsed, err, "due" if err.key in ("due_outside", "bad_year") else None)
            return False
        value["org_id"], value["member_id"], value["campaign_id"] = org_id, member_id, period.id
        value["key"] = (org_id, member_id or 0, value["content"]["title"], period.id)
        return True

    def _campaign(self, year: int) -> Period:
        cache = self.ingest._campaigns
        if year not in cache:
            found = campaign_for(self.ingest.session, self.ingest.ledger, year, self.ingest.actor)
            cache[year] = Period(found.id, found.year, found.starts, found.ends)
            self.ingest.catch_up()  # the rows are built after the checks: nothing new is waiting
        return cache[year]

    def _row(self, parsed: Parsed, held: dict[int, Pledge]) -> None:
        ingest, value, table = self.ingest, parsed.values, parsed.table
        given = value.get("id")
        digest = hash(value["key"])
        if given is not None and given in self.seen_ids or digest in self.seen_keys:
            first = self.seen_ids.get(given) if given is not None else None
            ingest.problem(table, parsed.row, ingest._index_of(table, "id" if first else "title"),
                           "sheet_pledge_twice", first=first or "")
            return
        self.seen_keys.add(digest)
        if given is not None:
            self.seen_ids[given] = parsed.row
        pledge = held.get(given) if given is not None else held.get(self.keys.get(value["key"]))
        if pledge is None and given is not None and value["key"] in self.keys:
            ingest.problem(table, parsed.row, ingest._index_of(table, "id"), "sheet_id_key_conflict", id=given,
                           held=self.keys[value["key"]])
            return
        if pledge is None:
            self._new(parsed, given)
        else:
            self._existing(parsed, pledge)

    def _new(self, parsed: Parsed, given: int | None) -> None:
        ingest, value = self.ingest, parsed.values
        if given is not None and (not 0 < given <= MAX_INT or not self.ids.claim(given)):
            ingest.problem(parsed.table, parsed.row, ingest._index_of(parsed.table, "id"), "sheet_id_taken", id=given)
            return
        pledge_id = given if given is not None else self.ids.take()
        self._add([pledge_id], [value["campaign_id"]], [value["org_id"]], [value["member_id"]], [value["content"]],
                  [value["due"]])
        ingest.touch(pledge_id, parsed)

    def _existing(self, parsed: Parsed, pledge: Pledge) -> None:
        ingest, value = self.ingest, parsed.values
        if (pledge.org_id, pledge.member_id or 0, pledge.campaign_id) != value["key"][0:2] + value["key"][3:]:
            ingest.problem(parsed.table, parsed.row, ingest._index_of(parsed.table, "id"), "sheet_id_other_owner",
                           id=pledge.id, org=ingest.org_codes[pledge.org_id])
            return
        ingest.touch(pledge.id, parsed)
        content = {k: v for k, v in value["content"].items() if getattr(pledge, k) != v}
        due = value["due"] if value["due"] != pledge.due else None
        if not content and due is None:
            ingest.tally.unchanged[H.PLEDGES] += 1
            return
        self._write()  # new rows first: the change's own flush must not overtake them
        try:
            with ingest.session.begin_nested():
                ingest.on_change(PledgeChange(pledge, content, due))
        except PledgeError as err:
            ingest._error(parsed, err, "due" if due and not content else None)
            return
        finally:
            ingest.catch_up()
        ingest.tally.updated[H.PLEDGES] += 1

    def _write(self) -> None:
        if not self.rows:
            return
        writer = self.ingest.writer
        writer.write(Pledge.__table__, PLEDGE_COLUMNS, self.rows)
        writer.write(AuditEvent.__table__, AUDIT_COLUMNS, self.events)
        self.ingest.tally.created[H.PLEDGES] += len(self.rows)
        self.rows, self.events = [], []


def progress_rows(ingest: Ingest, tables: list[Table]) -> None:
    """Each row is one progress record of an existing pledge, recorded through ``on_progress``;
    a record of the same day, amount and note is already there and changes nothing."""
    for table in tables:
        for parsed in ingest.parse(table):
            if parsed.bad:
                continue
            value = parsed.values
            if not value.get("amount") and not value.get("note"):
                ingest.problem(table, parsed.row, ingest._index_of(table, "amount"), "sheet_progress_empty")
                continue
            pledge_id = value["pledge"]
            if not 0 < pledge_id <= MAX_INT or ingest.session.get(Pledge, pledge_id) is None:
                ingest.problem(table, parsed.row, ingest._index_of(table, "pledge"), "unknown_pledge", id=pledge_id)
                continue
            entry = ProgressEntry(pledge_id, value["day"], value.get("amount") or 0, value.get("note"),
                                  value.get("evidence"))
            same = select(func.count()).select_from(ProgressRecord).where(
                ProgressRecord.pledge_id == pledge_id, ProgressRecord.day == entry.day,
                ProgressRecord.amount == entry.amount,
                ProgressRecord.note.is_(None) if entry.note is None else ProgressRecord.note == entry.note)
            if ingest.session.scalar(same):
                ingest.tally.unchanged[H.PROGRESS] += 1
                continue
            try:
                with ingest.session.begin_nested():
                    ingest.on_progress(entry)
            except PledgeError as err:
                ingest._error(parsed, err, None)
                continue
            ingest.tally.created[H.PROGRESS] += 1
