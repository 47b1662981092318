"""Checking sheet rows against the ledger and writing what is new, inside the caller's one
transaction.

Identity on re-import: an organisation by its code, a member by its number, a pledge by its
承诺编号 (the ledger id the export writes) or else by its natural key (organisation, member or
none, title, campaign year).  A row equal to what the ledger holds changes nothing.  New
organisations, members and pledges are written set-based (``pledges.loader``), each with the
same ``create`` audit event ``org add``, ``member add`` and ``add`` give it; a changed pledge
or a progress row is handed to the caller (``on_change``, ``on_progress``), which moves it
through the lifecycle engine.  Every problem is recorded; the caller rolls back if any."""

from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import select
from sqlmodel import Session

from pledges import audit
from pledges.contacts import apply_contact, check_contact
from pledges.db import Ledger
from pledges.entries import CONTENT_FIELDS
from pledges.errors import BadInput, PledgeError
from pledges.i18n import LABELS
from pledges.loader import BulkWriter
from pledges.models import AuditEvent, Member, Organisation, OrgClosure, Pledge
from pledges.orgs import check_code
from pledges.sheets import cells
from pledges.sheets import headers as H
from pledges.sheets.problems import Problem
from pledges.sheets.reader import Table, column_letter
from pledges.vocab import Kind

BATCH = 5_000
AUDIT_COLUMNS = ("at", "effective_on", "actor", "entity", "entity_id", "trigger", "from_state", "to_state",
                 "reason", "detail", "due_after", "done_after", "outcome_after")
PLEDGE_COLUMNS = ("id", "campaign_id", "org_id", "member_id", *CONTENT_FIELDS, "due", "original_due", "state",
                  "done", "created_at", "updated_at", "version")
KIND_WORDS = {word.lower(): code for code, pair in LABELS[Kind].items() for word in (code, *pair)}
READERS = {"code": cells.code, "number": cells.code, "org": cells.code, "parent": cells.code,
           "member": cells.code, "id": cells.integer, "pledge": cells.integer, "target": cells.integer,
           "amount": cells.integer, "campaign": cells.integer, "due": cells.day, "day": cells.day,
           "approved_on": cells.day, "displayed_on": cells.day, "finished_on": cells.day, "qualitative": cells.flag,
           "kind": lambda v: cells.choice(v, KIND_WORDS)}
# Content messages name the CLI's options; in a sheet, the column says it better.
CONTENT_KEYS = {"target_and_unit": ("target", "sheet_target_and_unit"),
                "criterion_needed": ("criterion", "sheet_criterion_needed"),
                "measure_conflict": ("qualitative", "sheet_measure_conflict"),
                "target_positive": ("target", "sheet_target_positive"),
                "too_large": ("target", "sheet_too_large"), "empty_field": ("title", "cell_required")}
Progress = Callable[..., None]  # (stage, rows done, rows in all or None)
STATE_FIELDS = ("state", "outcome", "approved_on", "display_channel", "displayed_on", "finished_on", "grade")


@dataclass
class PledgeChange:
    """An existing pledge whose row says something else: applied by the caller."""

    pledge: Pledge
    content: dict
    due: date | None


@dataclass
class ProgressEntry:
    pledge_id: int
    day: date
    amount: int
    note: str | None
    evidence: str | None


@dataclass(slots=True)
class Parsed:
    table: Table
    row: int
    values: dict
    bad: bool = False


@dataclass(slots=True)
class Batch:
    """Rows of one sheet read a column at a time: field name → the column's values."""

    table: Table
    rows: list[int]  # the rows' numbers in the sheet
    columns: dict[str, list]
    bad: set[int]  # positions of the rows with a problem

    def parsed(self) -> Iterator[Parsed]:
        names = list(self.columns)
        for position, values in enumerate(zip(*self.columns.values())):
            yield Parsed(self.table, self.rows[position], dict(zip(names, values)), position in self.bad)

    def column(self, field_name: str) -> list:
        """The column's values, all None when the sheet has no such column."""
        return self.columns.get(field_name) or [None] * len(self.rows)


@dataclass
class Tally:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {kind: {"created": self.created[kind], "updated": self.updated[kind],
                       "unchanged": self.unchanged[kind]} for kind in H.KINDS}


class Ingest:
    def __init__(self, ledger: Ledger, session: Session, writer: BulkWriter, actor: str, *,
                 on_change: Callable[[PledgeChange], bool], on_progress: Callable[[ProgressEntry], None],
                 report: Progress | None = None):
        self.ledger, self.session, self.writer, self.actor = ledger, session, writer, actor
        self.on_change, self.on_progress = on_change, on_progress
        self.report = report or (lambda stage, done, total=None: None)
        self.problems: list[Problem] = []
        self.tally = Tally()
        self.now, self.today = ledger.now(), ledger.today()
        # The pledges the sheets name, new or existing, in order, and where: (table index << 32) | row.
        self.touched, self.touched_at = array("q"), array("q")
        self.tables: list[Table] = []
        self._campaigns: dict[int, object] = {}
        self._load_orgs()
        self.first_load = session.scalar(select(Pledge.id).limit(1)) is None  # no pledges in the ledger yet
        self._members: dict[str, int] | None = None
        self._unnamed_reported: dict[int, set[int]] = {}
        # ``import --states``: where each pledge named with a 状态 should end up (position in touched → cells).
        self.with_states = False
        self.targets: dict[int, dict] = {}

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Around the writing of new organisations, members and pledges.  On a first load (no
        pledges yet), SQLite drops the member, pledge and audit indexes for the load and builds
        them again after it, inside the transaction; its readers go on reading the last
        committed state meanwhile.  PostgreSQL instead drops the member and pledge tables'
        foreign keys and adds them again (validated) before the commit: the drop locks the
        member, pledge, organisation and campaign tables until then, harmless while the ledger
        holds no pledges, and the per-row checks it saves were half of the pledges' COPY.  Its
        indexes stay (kept up by the COPY).  Into a ledger that has pledges, neither: nothing is
        locked that readers need (docs/spreadsheets.md, "Speed and memory")."""
        if not self.first_load:
            yield
        elif self.writer.postgresql:
            with self.writer.foreign_keys_deferred([Member.__table__, Pledge.__table__]):
                yield
        else:
            with self.writer.indexes_deferred([Member.__table__, Pledge.__table__, AuditEvent.__table__]):
                yield

    # --- problems and cells -----------------------------------------------------------------

    def problem(self, table: Table, row: int | None, index: int | None, key: str, **params) -> None:
        column = header = None
        if index is not None:
            header = table.headers[index] if index < len(table.headers) else None
            column, header = column_letter(index), None if cells.blank(header) else str(header).strip()
        self.problems.append(Problem(table.raw.source, table.name, row, column, key, params, header))

    def catch_up(self) -> None:
        """After an event written as it happens (a campaign opened, an e-mail set, a draft
        edited: stamped with the clock's time), the rows and create events built from then on
        take the clock's time too, so that no event is stamped before the one it follows
        (docs/audit.md: the history never goes back in time).  Buffered rows are written before
        such an event, so they come first in the chain as in time."""
        self.now = max(self.now, self.ledger.now())

    def touch(self, pledge_id: int, parsed: "Parsed") -> None:
        self.touch_many(parsed.table, [pledge_id], [parsed.row])
        if self.with_states and parsed.values.get("state") is not None:
            self.targets[len(self.touched) - 1] = {k: parsed.values.get(k) for k in STATE_FIELDS}

    def touch_many(self, table: Table, pledge_ids: list[int], rows: list[int]) -> None:
        if not self.tables or self.tables[-1] is not table:
            self.tables.append(table)
        self.touched.extend(pledge_ids)
        at = (len(self.tables) - 1) << 32
        self.touched_at.extend([at | row for row in rows])

    def touched_where(self, position: int) -> tuple[Table, int]:
        packed = self.touched_at[position]
        return self.tables[packed >> 32], packed & 0xFFFFFFFF

    def _index_of(self, table: Table, field_name: str) -> int | None:
        return next((i for i, c in table.columns.items() if c.field == field_name), None)

    def check_table(self, table: Table) -> bool:
        """Header problems: a required column missing, a column given twice."""
        fields = Counter(c.field for c in table.columns.values())
        ok = True
        for index, col in table.columns.items():
            if fields[col.field] > 1 and index != self._index_of(table, col.field):
                self.problem(table, table.header_row, index, "sheet_column_twice", header=col.zh)
                ok = False
        for col in H.COLUMNS[table.kind]:
            if col.required and col.field not in fields:
                self.problem(table, table.header_row, None, "sheet_column_missing", header=col.zh, en=col.en)
                ok = False
        return ok

    def parse(self, table: Table) -> Iterator[Parsed]:
        """Each data row's cells read by their column's reader; problems recorded, row marked bad."""
        for batch in self.batches(table):
            yield from batch.parsed()

    def batches(self, table: Table) -> Iterator["Batch"]:
        """The data rows a batch at a time, each read a column at a time (``cells.read_column``);
        problems recorded, rows marked bad."""
        batch: list = []
        for record in table.records():
            batch.append(record)
            if len(batch) >= BATCH:
                yield self._parse_batch(table, batch)
                batch = []
        if batch:
            yield self._parse_batch(table, batch)

    def _parse_batch(self, table: Table, batch: list) -> "Batch":
        width = len(table.headers)
        unnamed = [i for i, header in enumerate(table.headers) if cells.blank(header)]
        reported = self._unnamed_reported.setdefault(id(table), set())
        columns, found_problems = {}, []  # problems: (position, column, key, params)
        for index, col in table.columns.items():
            read = READERS.get(col.field, cells.text)
            found, problems = cells.read_column(read, [row[index] if index < len(row) else None
                                                       for _, row in batch])
            found_problems += [(position, index, problem.key, problem.params) for position, problem in problems]
            if col.required:
                failed = {position for position, _ in problems}
                found_problems += [(position, index, "cell_required", {"header": col.zh})
                                   for position, value in enumerate(found) if value is None and position not in failed]
            columns[col.field] = found
        found_problems += [(position, None, "sheet_example_row", {}) for position in _examples(table, columns)]
        for position, (_, row) in enumerate(batch):
            if len(row) > width or unnamed:
                for index in (*unnamed, *range(width, len(row))):
                    if index < len(row) and not cells.blank(row[index]) and index not in reported:
                        reported.add(index)
                        found_problems.append((position, index, "cell_no_header", {}))
        found_problems.sort(key=lambda p: (p[0], -1 if p[1] is None else p[1]))  # as a person reads: row by row
        for position, index, key, params in found_problems:
            self.problem(table, batch[position][0], index, key, **params)
        return Batch(table, [number for number, _ in batch], columns, {p[0] for p in found_problems})

    # --- organisations ---------------------------------------------------------------------------

    def _load_orgs(self) -> None:
        rows = self.session.execute(select(Organisation.id, Organisation.code, Organisation.name, Organisation.kind,
                                           Organisation.parent_id)).all()
        self.org_ids = {r.code: r.id for r in rows}
        self.org_codes = {r.id: r.code for r in rows}
        self.org_facts = {r.code: (r.name, r.kind, r.parent_id) for r in rows}

    def orgs(self, tables: list[Table]) -> None:
        rows: dict[str, Parsed] = {}
        for table in tables:
            for parsed in self.parse(table):
                if parsed.bad:
                    continue
                value = parsed.values
                try:
                    value["code"] = check_code(value["code"])
                    if value.get("parent"):
                        value["parent"] = check_code(value["parent"])
                    value["contact"] = check_contact({k: value.get(k) for k in ("secretary", "email")
                                                      if value.get(k) is not None})
                except BadInput as err:
                    self._error(parsed, err, "code")
                    continue
                if value["code"] in rows:
                    self.problem(table, parsed.row, self._index_of(table, "code"), "sheet_row_twice",
                                 first=rows[value["code"]].row)
                    continue
                rows[value["code"]] = parsed
        new = [p for code, p in rows.items() if code not in self.org_ids]
        for parsed in rows.values():
            if parsed.values["code"] in self.org_ids:
                self._existing_org(parsed)
        self.catch_up()
        self._new_orgs(self._parents_first(new, rows))

    def _existing_org(self, parsed: Parsed) -> None:
        value, table = parsed.values, parsed.table
        name, kind, parent_id = self.org_facts[value["code"]]
        parent = self.org_codes.get(parent_id)
        differs = [field_name for field_name, held in (("name", name), ("kind", kind), ("parent", parent))
                   if value.get(field_name) is not None and value[field_name] != held]
        if differs:
            for field_name in differs:
                self.problem(table, parsed.row, self._index_of(table, field_name), "sheet_org_differs",
                             code=value["code"], held={"name": name, "kind": kind, "parent": parent}[field_name] or "")
            return
        if value["contact"]:
            org = self.session.get(Organisation, self.org_ids[value["code"]])
            changed = apply_contact(self.session, self.ledger, org, "organisation", value["contact"], self.actor)
            (self.tally.updated if changed else self.tally.unchanged)[H.ORGS] += 1
        else:
            self.tally.unchanged[H.ORGS] += 1

    def _parents_first(self, new: list[Parsed], rows: dict[str, Parsed]) -> list[Parsed]:
        ordered, placed, visiting = [], set(self.org_ids), set()

        def place(parsed: Parsed) -> bool:
            code, parent = parsed.values["code"], parsed.values.get("parent")
            if code in placed:
                return True
            if code in visiting:
                self.problem(parsed.table, parsed.row, self._index_of(parsed.table, "parent"), "sheet_org_cycle",
                             code=code)
                return False
            visiting.add(code)
            if parent and parent not in placed:
                above = rows.get(parent)
                if above is None or above.values["code"] in self.org_ids:
                    self.problem(parsed.table, parsed.row, self._index_of(parsed.table, "parent"), "unknown_org",
                                 code=parent)
                    return False
                if not place(above):
                    return False
            visiting.discard(code)
            placed.add(code)
            ordered.append(parsed)
            return True

        for parsed in new:
            place(parsed)
        return ordered

    def _new_orgs(self, ordered: list[Parsed]) -> None:
        if not ordered:
            return
        next_id = self.writer.next_id(Organisation.__table__)
        chains: dict[int, list[tuple[int, int]]] = {}  # org id → [(ancestor id, depth)] itself included
        org_rows, closure, events = [], [], []
        for parsed in ordered:
            value = parsed.values
            parent = value.get("parent")
            kind = value.get("kind") or (Kind.other if parent else Kind.committee)
            org_id, next_id = next_id, next_id + 1
            parent_id = self.org_ids.get(parent) if parent else None
            above = self._chain(parent_id, chains) if parent_id else []
            chains[org_id] = [(org_id, 0)] + [(a, d + 1) for a, d in above]
            closure.extend((a, org_id, d) for a, d in chains[org_id])
            contact = value["contact"]
            org_rows.append((org_id, value["code"], value["name"], str(kind), parent_id, self.now,
                             contact.get("secretary"), contact.get("email")))
            events.append(self._event("organisation", org_id, {"code": value["code"], "name": value["name"],
                                                               "kind": str(kind), "parent": parent, **contact}))
            self.org_ids[value["code"]] = org_id
            self.org_codes[org_id] = value["code"]
            self.org_facts[value["code"]] = (value["name"], str(kind), parent_id)
        self.writer.write(Organisation.__table__, ("id", "code", "name", "kind", "parent_id", "created_at",
                                                   "secretary", "email"), org_rows)
        self.writer.write(OrgClosure.__table__, ("ancestor_id", "descendant_id", "depth"), closure)
        self.writer.write(AuditEvent.__table__, AUDIT_COLUMNS, events)
        self.tally.created[H.ORGS] += len(org_rows)

    def _chain(self, org_id: int, chains: dict) -> list[tuple[int, int]]:
        if org_id not in chains:
            chains[org_id] = [tuple(r) for r in self.session.execute(
                select(OrgClosure.ancestor_id, OrgClosure.depth).where(OrgClosure.descendant_id == org_id))]
        return chains[org_id]

    def _event(self, entity: str, entity_id: int, detail: dict | None, to_state: str | None = None,
               due_after: date | None = None, done_after: int | None = None, outcome_after: str | None = None) -> tuple:
        """A ``create`` audit row (AUDIT_COLUMNS), as ``org add``, ``member add`` and ``add`` write
        it through ``audit.event_values``; built as a tuple here, for hundreds of thousands."""
        return (self.now, self.today, self.actor, entity, entity_id, "create", None, to_state, None,
                audit.encode_detail(detail), due_after, done_after, outcome_after)

    def _error(self, parsed: Parsed, err: PledgeError, field_name: str | None) -> None:
        column, key = CONTENT_KEYS.get(err.key, (field_name, err.key))
        params = err.params if key == err.key else {**err.params, "header": _zh(parsed.table.kind, column)}
        self.problem(parsed.table, parsed.row, self._index_of(parsed.table, column) if column else None, key,
                     **params)
        parsed.bad = True

    # --- members ---------------------------------------------------------------------------------

    def members_index(self) -> dict[str, int]:
        """number → (member id << 32 | organisation id): one int per member, for a million of them."""
        if self._members is None:
            self._members = {number: (mid << 32) | org for number, mid, org in self.session.execute(
                select(Member.number, Member.id, Member.org_id))}
        return self._members

    def members(self, tables: list[Table]) -> None:
        index = self.members_index()
        total = about_rows(tables)
        seen: dict[str, int] = {}
        next_id = self.writer.next_id(Member.__table__)
        batch, events, done = [], [], 0
        for table in tables:
            for parsed in self.parse(table):
                done += 1
                if done % BATCH == 0:
                    self.report(H.MEMBERS, done, total)
                if parsed.bad:
                    continue
                value = parsed.values
                try:
                    number = value["number"] = check_code(value["number"])
                    org = value["org"] if value["org"] in self.org_ids else check_code(value["org"])
                    contact = check_contact({"email": value["email"]}) if value.get("email") is not None else {}
                except BadInput as err:
                    self._error(parsed, err, "number")
                    continue
                if number in seen:
                    self.problem(table, parsed.row, self._index_of(table, "number"), "sheet_row_twice",
                                 first=seen[number])
                    continue
                seen[number] = parsed.row
                org_id = self.org_ids.get(org)
                if org_id is None:
                    self.problem(table, parsed.row, self._index_of(table, "org"), "unknown_org", code=org)
                    continue
                if number in index:
                    if contact:  # its event may come now: the new members before it are written first
                        self._write_members(batch, events)
                    self._existing_member(parsed, index[number], org_id, contact)
                    self.catch_up()
                    continue
                member_id, next_id = next_id, next_id + 1
                index[number] = (member_id << 32) | org_id
                batch.append((member_id, number, value["name"], org_id, self.now, contact.get("email")))
                events.append(self._event("member", member_id, {"number": number, "name": value["name"],
                                                                "org": org, **contact}))
                if len(batch) >= BATCH:
                    self._write_members(batch, events)
        self._write_members(batch, events)

    def _write_members(self, batch: list, events: list) -> None:
        self.writer.write(Member.__table__, ("id", "number", "name", "org_id", "created_at", "email"), batch)
        self.writer.write(AuditEvent.__table__, AUDIT_COLUMNS, events)
        self.tally.created[H.MEMBERS] += len(batch)
        batch.clear()
        events.clear()

    def _existing_member(self, parsed: Parsed, packed: int, org_id: int, contact: dict) -> None:
        member = self.session.get(Member, packed >> 32)
        if member is None:  # created earlier in this import: a second row for it was refused above
            return
        for field_name, held, given in (("name", member.name, parsed.values["name"]),
                                        ("org", self.org_codes[member.org_id], self.org_codes[org_id])):
            if held != given:
                self.problem(parsed.table, parsed.row, self._index_of(parsed.table, field_name),
                             "sheet_member_differs", number=member.number, held=held)
                return
        changed = contact and apply_contact(self.session, self.ledger, member, "member", contact, self.actor)
        (self.tally.updated if changed else self.tally.unchanged)[H.MEMBERS] += 1


@cache
def _example_values(kind: str) -> dict:
    """The template's example row of ``kind`` as the import reads it (pledges/sheets/template.py)."""
    from pledges.sheets.template import EXAMPLES

    return {name: cells.read_column(READERS.get(name, cells.text), [value])[0][0]
            for name, value in EXAMPLES[kind].items()}


def _examples(table: Table, columns: dict[str, list]) -> list[int]:
    """Positions of rows that are the template's example row, left in by mistake: reported, never
    imported (its 党组织 DX-V1 and 党员 M0001 are made up).  A row counts as the example when at
    least three of the example's fields are columns here and every one of them holds its value."""
    example = _example_values(table.kind)
    shared = [name for name in example if name in columns]
    if len(shared) < 3:
        return []
    first = shared[0]
    return [position for position, value in enumerate(columns[first])
            if value == example[first] and all(columns[name][position] == example[name] for name in shared[1:])]


def about_rows(tables: list[Table]) -> int | None:
    """About how many data rows the tables have, for a progress bar (None: unknown)."""
    sizes = [t.raw.rows_about() for t in tables]
    return None if None in sizes else max(sum(sizes) - sum(t.header_row for t in tables), 0)


def _zh(kind: str, field_name: str) -> str:
    return next((c.zh for c in H.COLUMNS[kind] if c.field == field_name), field_name)
