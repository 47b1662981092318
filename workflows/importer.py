"""``pledges import``: sheets into the ledger, all or nothing, in one database transaction.

Reading, checking and writing new rows is ``pledges.sheets``; this module adds what moves
pledges: a changed draft is edited (``edit``), a changed displayed pledge is amended, a later
due date extends an approved or displayed one, a progress row is recorded, and with
``submit`` / ``approve`` the sheets' draft pledges go on to submitted / approved, each through
the lifecycle engine and its guards, exactly as the commands would.  Every problem of every
sheet is collected; if there is any, or on a dry run, the transaction is rolled back and the
ledger is as it was (also when the process is killed half-way: nothing was committed)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from pledges.db import Ledger
from pledges.entries import edit_draft_in
from pledges.errors import PledgeError, TransitionRefused
from pledges.i18n import LABELS, Trigger, code_of, label_of
from pledges.loader import BulkWriter
from pledges.models import AuditEvent, Member, Organisation, Pledge
from pledges.people import people_exist
from pledges.sheets import headers as H
from pledges.sheets.ingest import Ingest, PledgeChange, ProgressEntry
from pledges.sheets.ingest_pledges import PledgeRows, progress_rows
from pledges.sheets.problems import Problem
from pledges.sheets.reader import Table, explanatory, open_sheets, recognise
from pledges.vocab import Channel, Grade, Outcome, State
from pledges.workflows import authority
from pledges.workflows.engine import fire

Report = Callable[[str, int], None]


@dataclass
class ImportResult:
    files: list[str]
    dry_run: bool
    written: bool
    counts: dict
    sheets: list[dict] = field(default_factory=list)  # each sheet read: name, kind, rows' header row
    ignored_sheets: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    moved: dict = field(default_factory=dict)  # submitted / approved counts
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self, lang: str = "zh") -> dict:
        return {"files": self.files, "dry_run": self.dry_run, "written": self.written, "counts": self.counts,
                "sheets": self.sheets, "ignored_sheets": self.ignored_sheets,
                "ignored_columns": self.ignored_columns, "moved": self.moved,
                "problems": [p.as_dict(lang) for p in self.problems]}


def read_tables(paths: list[Path]) -> tuple[list[Table], list[str]]:
    tables, ignored = [], []
    for path in paths:
        for raw in open_sheets(path):
            if explanatory(raw):  # the template's guide and choices, the export's figures: not listed
                continue
            table = recognise(raw)
            if table is None:
                ignored.append(raw.name if raw.source.endswith(".csv") else f"{raw.source} [{raw.name}]")
            else:
                tables.append(table)
    return tables, ignored


def import_sheets(ledger: Ledger, paths: list[Path], *, actor: str, dry_run: bool = False, submit: bool = False,
                  approve: bool = False, states: bool = False, report: Report | None = None) -> ImportResult:
    """Import the sheets of ``paths``.  Returns what was (or, on a dry run, would be) written
    and every problem found; with problems nothing is written.  With ``states``, each pledge
    whose row has a 状态 (an export's) is moved there through the engine (``_walk_states``)."""
    tables, ignored = read_tables(paths)
    reason = "导入 " + "、".join(Path(p).name for p in paths)
    with ledger.engine.connect() as connection:
        transaction = connection.begin()
        try:
            with Session(bind=connection, expire_on_commit=False, autoflush=False) as session:
                before = session.scalar(select(func.max(AuditEvent.id))) or 0
                ingest = Ingest(ledger, session, BulkWriter(connection), actor, report=report,
                                on_change=lambda change: _apply(ledger, session, change, actor, reason),
                                on_progress=lambda entry: _progress(ledger, session, entry, actor))
                ingest.with_states = states
                result = _run(ingest, tables, submit, approve, reason)
                session.flush()
                if not ingest.problems:
                    _check_scope(session, actor, before)
            if ingest.problems or dry_run:
                transaction.rollback()
            else:
                ingest.writer.reset_sequences([Organisation.__table__, Member.__table__, Pledge.__table__])
                transaction.commit()
        except BaseException:
            transaction.rollback()
            raise
    result.files = [str(p) for p in paths]
    result.ignored_sheets = ignored
    result.dry_run = dry_run
    result.written = not (ingest.problems or dry_run)
    return result


def _check_scope(session: Session, actor: str, before: int) -> None:
    """Every organisation the import wrote to (its audit events after ``before``: organisations,
    members, pledges) is one the actor may import into: anywhere for an admin, the subtree of
    their grant for a secretary or organiser (workflows/authority.py)."""
    if not people_exist(session):
        return
    events = select(AuditEvent.entity_id).where(AuditEvent.id > before, AuditEvent.actor == actor)
    touched = set(session.scalars(events.where(AuditEvent.entity == "organisation")))
    for table in (Member, Pledge):
        entity = events.where(AuditEvent.entity == table.__tablename__)
        touched |= set(session.scalars(select(table.org_id).where(table.id.in_(entity)).distinct()))
    for org_id in sorted(touched):
        authority.require(session, actor, "import", org_id)


def _run(ingest: Ingest, tables: list[Table], submit: bool, approve: bool, reason: str) -> ImportResult:
    by_kind = {kind: [t for t in tables if t.kind == kind] for kind in H.KINDS}
    usable = {kind: [t for t in found if ingest.check_table(t)] for kind, found in by_kind.items()}
    with ingest.loading():
        ingest.orgs(usable[H.ORGS])
        ingest.members(usable[H.MEMBERS])
        PledgeRows(ingest).run(usable[H.PLEDGES])
    _resolve_targets(ingest)
    if ingest.targets:
        _walk_states(ingest, reason, BEFORE_PROGRESS)
    moved = _walk(ingest, submit, approve) if (submit or approve) and not ingest.problems else {}
    progress_rows(ingest, usable[H.PROGRESS])
    if ingest.targets:
        _walk_states(ingest, reason, AFTER_PROGRESS)
    ignored_columns = sorted({f"{t.name}：{c}" for t in tables for c in t.ignored})
    sheets = [{"file": t.raw.source, "sheet": t.name, "kind": t.kind, "header_row": t.header_row} for t in tables]
    return ImportResult([], False, False, ingest.tally.as_dict(), sheets, [], ignored_columns, moved,
                        _in_reading_order(ingest.problems, tables))


def _in_reading_order(problems: list[Problem], tables: list[Table]) -> list[Problem]:
    """Sheet by sheet as the files list them, row by row, column by column (the checks find
    them in another order: a row's cells first, its references later)."""
    order = {(t.raw.source, t.name): n for n, t in enumerate(tables)}
    return sorted(problems, key=lambda p: (order.get((p.source, p.sheet), len(order)), p.row or 0,
                                           len(p.column or ""), p.column or ""))


def _apply(ledger: Ledger, session: Session, change: PledgeChange, actor: str, reason: str) -> None:
    """A changed row, as the commands would do it: ``edit`` a draft, ``amend`` a displayed
    pledge, ``extend`` to a later due date; anything else is refused with the state's reason."""
    pledge, state = change.pledge, State(change.pledge.state)
    if state == State.draft:
        edit_draft_in(session, ledger, pledge, change.content, actor=actor, due=change.due)
        return
    if change.content:
        if state not in (State.displayed, State.in_progress):
            raise TransitionRefused("sheet_content_frozen", id=pledge.id, state=state)
        fire(ledger, session, pledge, "amend", actor, reason=reason, changes=change.content)
    if change.due is not None:
        fire(ledger, session, pledge, "extend", actor, reason=reason, due=change.due)


def _progress(ledger: Ledger, session: Session, entry: ProgressEntry, actor: str) -> None:
    pledge = session.get(Pledge, entry.pledge_id)
    fire(ledger, session, pledge, "record_progress", actor, amount=entry.amount or None, note=entry.note,
         evidence=entry.evidence, day=entry.day)


def _walk(ingest: Ingest, submit: bool, approve: bool) -> dict:
    """The sheets' drafts to submitted (and on to approved), each through the engine."""
    steps = ["submit", "approve"] if approve else ["submit"]
    moved = {step: 0 for step in steps}
    session = ingest.session
    for number, pledge_id in enumerate(ingest.touched, start=1):
        pledge = session.get(Pledge, pledge_id)
        for step in steps:
            if pledge.state != (State.draft if step == "submit" else State.submitted):
                continue
            try:
                with session.begin_nested():
                    fire(ingest.ledger, session, pledge, step, ingest.actor)
            except PledgeError as err:
                table, row = ingest.touched_where(number - 1)
                ingest.problem(table, row, None, "sheet_walk_refused", trigger=Trigger(step), detail=err)
                break
            moved[step] += 1
        if number % 5000 == 0:
            ingest.report("lifecycle", number, len(ingest.touched))
    return moved


# ``import --states``: the steps that lead from a draft to each state, before and after the
# progress rows are recorded (a display comes before its progress, a fulfilment after it).
S = State
BEFORE_PROGRESS = ("submit", "approve", "display", "withdraw")
AFTER_PROGRESS = ("complete", "fail", "evaluate")
PATHS = {S.draft: (), S.submitted: ("submit",), S.approved: ("submit", "approve"),
         S.displayed: ("submit", "approve", "display"), S.in_progress: ("submit", "approve", "display"),
         S.fulfilled: ("submit", "approve", "display", "complete"),
         S.unfulfilled: ("submit", "approve", "display", "fail"),
         S.evaluated: ("submit", "approve", "display", "finish", "evaluate"), S.withdrawn: ("withdraw",)}
SOURCES = {"submit": {S.draft}, "approve": {S.submitted}, "display": {S.approved}, "withdraw": {S.draft},
           "complete": {S.displayed, S.in_progress}, "fail": {S.displayed, S.in_progress},
           "evaluate": {S.fulfilled, S.unfulfilled}}


def _walk_states(ingest: Ingest, reason: str, phase: tuple[str, ...]) -> None:
    """Each pledge named with a state goes there as the commands would take it, each step
    through the engine and its guards, on the days the sheet gives (审核通过日期, 亮诺日期);
    completing, failing and withdrawing give the import as their reason.  A pledge already in
    that state is left as it is; a step the guards refuse is reported at the pledge's row."""
    session = ingest.session
    for position, cells_ in ingest.targets.items():
        table, row = ingest.touched_where(position)
        pledge = session.get(Pledge, ingest.touched[position])
        for step in PATHS[cells_["state"]]:
            if step == "finish":
                if phase is BEFORE_PROGRESS:
                    continue
                outcome = _choice(ingest, table, row, "outcome", cells_["outcome"], Outcome)
                if outcome is None:
                    break
                step = "complete" if outcome == Outcome.fulfilled else "fail"
            if step not in phase or State(pledge.state) not in SOURCES[step]:
                continue
            args = _step_args(ingest, table, row, step, pledge, cells_, reason)
            if args is None:
                break
            try:
                with session.begin_nested():
                    fire(ingest.ledger, session, pledge, step, ingest.actor, **args)
            except PledgeError as err:
                ingest.problem(table, row, None, "sheet_walk_refused", trigger=Trigger(step), detail=err)
                break


def _resolve_targets(ingest: Ingest) -> None:
    """Each 状态 read as a state once; a cell that is none is reported and its pledge stays."""
    for position, cells_ in list(ingest.targets.items()):
        table, row = ingest.touched_where(position)
        state = _choice(ingest, table, row, "state", cells_["state"], State)
        if state is None:
            del ingest.targets[position]
        else:
            cells_["state"] = State(state)


def _step_args(ingest: Ingest, table: Table, row: int, step: str, pledge: Pledge, cells_: dict,
               reason: str) -> dict | None:
    if step == "approve":
        return {"day": cells_["approved_on"]} if cells_["approved_on"] else {}
    if step == "display":
        channel = _choice(ingest, table, row, "display_channel", cells_["display_channel"], Channel)
        return {"channel": channel, "day": cells_["displayed_on"]} if channel else None
    if step in ("complete", "fail"):  # on the day the sheet says it was finished (办结日期), or today
        finished = cells_.get("finished_on")
        if finished is not None and finished > ingest.today:
            index = next((i for i, c in table.columns.items() if c.field == "finished_on"), None)
            ingest.problem(table, row, index, "future_date", on=finished, today=ingest.today)
            return None
        day = {"day": finished} if finished is not None else {}
        if step == "fail":
            return {"reason": reason, **day}
        reached = pledge.target is not None and pledge.done >= pledge.target
        return day if reached else {"note": reason, **day}
    if step == "withdraw":
        return {"reason": reason}
    if step == "evaluate":
        grade = _choice(ingest, table, row, "grade", cells_["grade"], Grade)
        return {"grade": grade} if grade else None
    return {}


def _choice(ingest: Ingest, table: Table, row: int, field_name: str, value, enum_type) -> str | None:
    """A state, outcome, channel or grade as the export writes it (its label or code name)."""
    code = code_of(enum_type, value.strip() if isinstance(value, str) else value)
    if code is None:
        index = next((i for i, c in table.columns.items() if c.field == field_name), None)
        if value is None:
            header = next(c.zh for c in H.COLUMNS[H.PLEDGES] if c.field == field_name)
            ingest.problem(table, row, index, "cell_required", header=header)
        else:
            ingest.problem(table, row, index, "cell_bad_choice", value=value,
                           choices="、".join(label_of(enum_type, c) for c in LABELS[enum_type]))
    return code
