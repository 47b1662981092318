"""What a ledger shows and holds, as plain data, to compare two ledgers (before and after an
upgrade, a backup and its restore, a copy on the other database)."""

import gzip
import json
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import inspect, select, text
from sqlmodel import SQLModel

from pledges.db import Ledger
from pledges.figures import dashboard, overdue
from pledges.queries import list_pledges, show_pledge

FIXTURE = Path(__file__).parent / "fixtures" / "schema3.db.gz"
# What the code of schema 3 showed for that fixture (``outputs``, dates as ISO text), taken
# before schema 4 existed: the code of today cannot read a schema-3 ledger to compare with.
FIXTURE_OUTPUTS = Path(__file__).parent / "fixtures" / "schema3.outputs.json.gz"
FIXTURE_DAYS = (date(2026, 6, 30), date(2026, 11, 20))  # the demo stands at 2026-11-20
FIXTURE_NOW = datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc)


def unpack_fixture(path: Path) -> Path:
    """The schema-3 ledger made by the code before migrations (`pledges demo --seed 3 --as-of
    2026-11-20`, a contact, one reminder run), as a fresh SQLite file."""
    with gzip.open(FIXTURE) as packed, open(path, "wb") as out:
        shutil.copyfileobj(packed, out)
    return path


def _plain(value):
    if isinstance(value, float):
        return round(value, 9)  # SQLite and PostgreSQL sum floats in their own order
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    return value


def outputs(url: str, shows: bool = True) -> dict:
    """The dashboard (today and --as-of days), the list, the overdue list and pledges' show
    with their history, as the JSON of the commands has them.  (Every history row is compared
    by ``rows``.)"""
    ledger = Ledger(url, clock=lambda: FIXTURE_NOW)
    try:
        seen = {"dashboard": dashboard(ledger, depth=3).as_dict(), "list": [v.as_dict() for v in list_pledges(ledger)]}
        for day in FIXTURE_DAYS:
            seen[f"dashboard {day}"] = dashboard(ledger, depth=3, as_of=day).as_dict()
            seen[f"list {day}"] = [v.as_dict() for v in list_pledges(ledger, as_of=day)]
            seen[f"overdue {day}"] = [row.as_dict() for row in overdue(ledger, as_of=day)[1]]
        if shows:  # every 25th pledge, ~60 of every state, amended ones too (a show is ~40 ms)
            chosen = [v["id"] for v in seen["list"] if v["id"] % 25 == 0]
            seen["show"] = [show_pledge(ledger, pledge_id).as_dict(details=True) for pledge_id in chosen]
        return _plain(seen)
    finally:
        ledger.dispose()


def legacy_outputs(shows: bool = True) -> dict:
    """``outputs`` of the schema-3 fixture as the code of schema 3 showed them."""
    with gzip.open(FIXTURE_OUTPUTS, "rt", encoding="utf-8") as packed:
        seen = json.load(packed)
    if not shows:
        del seen["show"]
    return seen


# Shown fields whose definition changed on purpose since schema 3, not the data under them: the
# dashboard's "!" now flags the highest overdue rates, not the highest overdue counts (issue 11).
REDEFINED = {"lagging"}


def kept(before: dict, after: dict) -> bool:
    """Does ``after`` show everything ``before`` showed, the same?  Keys added since (new figures,
    new fields) are allowed; dates compare as ISO text."""
    def same(old, new) -> bool:
        if isinstance(old, dict):
            return isinstance(new, dict) and all(key in new and same(value, new[key]) for key, value in old.items()
                                                 if key not in REDEFINED)
        if isinstance(old, list):
            return isinstance(new, list) and len(old) == len(new) and all(map(same, old, new))
        return old == new
    return same(before, json.loads(json.dumps(after, default=str)))


def rows(url: str) -> dict[str, list]:
    """Every row of every table of the models that the database holds, in primary-key order, as
    ``{column: value}`` over the columns it has (a ledger of an older schema lacks some)."""
    ledger = Ledger(url)
    try:
        with ledger.engine.connect() as connection:
            dump = {}
            inspector = inspect(connection)
            for table in SQLModel.metadata.sorted_tables:
                if not inspector.has_table(table.name):
                    continue
                present = {column["name"] for column in inspector.get_columns(table.name)}
                columns = [column for column in table.columns if column.name in present]
                query = select(*columns).order_by(*table.primary_key.columns)
                if table.name == "meta":
                    query = query.where(table.c.key != "last_backup_at")
                dump[table.name] = [_plain(dict(row._mapping)) for row in connection.execute(query)]
            if connection.dialect.has_table(connection, "alembic_version"):
                dump["alembic_version"] = connection.scalars(text("SELECT version_num FROM alembic_version")).all()
            return dump
    finally:
        ledger.dispose()


# Rows a revision moves on purpose: 0005 moves the organisation grades of ``evaluation`` into
# ``rating`` (the one table of ratings), with these columns unchanged.
MOVED = {"evaluation": ("rating", ("pledge_id", "rater_group", "grade", "comment", "actor", "recorded_at"))}


def same_rows(before: dict, after: dict) -> bool:
    """``rows`` of one ledger before and after an upgrade: every table it had holds the same
    rows over the columns it had (``meta.schema_version`` and the ``ledger_id`` schema 7 adds aside), but
    for the rows a revision moves (``MOVED``: found in their new table, in order); every table added
    since is empty."""
    def versionless(dump: dict) -> dict:
        return {**dump, "meta": [row for row in dump.get("meta", []) if row["key"] not in ("schema_version", "ledger_id")]}

    before, after = versionless(before), versionless(after)
    before, after = dict(before), dict(after)
    for old, (new, columns) in MOVED.items():
        if old in before and new in after and new not in before and after.get(old) == []:
            moved = [{c: row[c] for c in columns} for row in before.pop(old)]
            if [{c: row[c] for c in columns} for row in after.pop(new)] != moved:
                return False
            after.pop(old)
    for name, held in after.items():
        if name == "alembic_version":
            continue
        if name not in before:
            if held:
                return False
            continue
        columns = set(before[name][0]) if before[name] else set()
        if [{c: row[c] for c in columns} for row in held] != before[name]:
            return False
    return all(name in after for name in before)


def revision_of(url: str) -> str | None:
    """The schema revision the database at ``url`` holds (``None``: no ledger)."""
    from pledges.schema import stored_revision, transactional_engine

    engine = transactional_engine(url, immediate=False)
    try:
        with engine.connect() as connection:
            return stored_revision(connection)
    finally:
        engine.dispose()
