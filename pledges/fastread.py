"""The fast read path of ``dashboard``, ``overdue`` and ``list``: the same SQL, without the ORM's start-up.

Importing SQLAlchemy, SQLModel and pydantic costs 0.35–0.9 s, more than the city dashboard's
query itself.  These three reports are what people type most, so they read the ledger through
the standard library's ``sqlite3`` (or ``psycopg`` for PostgreSQL) instead, running statements
that **SQLAlchemy compiled from the one definition** of each query (``pledges.figures``,
``pledges.queries``, ``pledges.rules``, the models): ``python -m pledges.fastread`` compiles
them, for both databases, into ``pledges/readsql.py``, and a test fails when that file is not
what the definitions compile to today.  The rows are turned into the same objects
(``pledges.tally``) and counted into the same rates.

A ledger with people defined is read through the ledger's own path too: what each person
reads is narrowed to their subtree there (``pledges.scope``).  Anything else out of the
ordinary returns ``None`` and the caller takes the ledger's own path, which
gives the usual answer or the usual error: a past ``--as-of`` (replayed from the audit log),
an unknown organisation or campaign, a ledger of another schema version, a URL this module
does not parse, a database that cannot be opened.
"""

import os
import sys
from collections import namedtuple
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from pledges import readsql, rules
from pledges.rawdb import open_readonly
from pledges.tally import (Dashboard, OrgFigures, OverdueRow, counts_from, end_of_day_utc, mark_lagging, totals_of,
                           tree_order)

NO_LIMIT = 2**31 - 1  # LIMIT takes a number (an INTEGER on PostgreSQL) on both databases


class _Reader:
    """One read-only connection, and the statements of its database."""

    def __init__(self, connection, dialect: str):
        self.connection, self.dialect = connection, dialect
        self.statements = readsql.STATEMENTS[dialect]

    def rows(self, name: str, **values) -> Iterator[tuple]:
        sql, constants, kinds = self.statements[name]
        params = {**constants, **{key: self._bind(value) for key, value in values.items()}}
        cursor = self.connection.cursor()
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        convert = [(i, _CONVERT[kind]) for i, kind in enumerate(kinds) if kind] if self.dialect == "sqlite" else []
        while batch := cursor.fetchmany(2000):
            for row in batch:
                if convert:
                    row = list(row)
                    for i, to in convert:
                        if row[i] is not None:
                            row[i] = to(row[i])
                yield dict(zip(names, row))

    def one(self, name: str, **values) -> dict | None:
        return next(self.rows(name, **values), None)

    def _bind(self, value):
        """Values as SQLAlchemy's types bind them: on SQLite, days as ISO text and instants as
        naive UTC text (``UTCDateTime``)."""
        if self.dialect != "sqlite":
            return value
        if isinstance(value, datetime):
            return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(value, date):
            return value.isoformat()
        return value

    def close(self) -> None:
        self.connection.close()


_CONVERT = {"date": date.fromisoformat, "bool": bool}


def _open(url: str | None) -> _Reader | None:
    """A reader of the ledger at ``url`` (as ``--db`` gives it), or None when this module does
    not handle that URL or cannot open it."""
    opened = open_readonly(url, timeout=10)
    return _Reader(*opened) if opened else None


def _today(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()


def _campaign(reader: _Reader, campaign: int | None, as_of: date | None) -> tuple[dict, date] | None:
    """The campaign (as the ledger's reports choose it) and the day, when the ledger's path
    would read today's standing and warn of nothing."""
    found = reader.one("schema_version")
    if found is None or int(found["value"]) != readsql.SCHEMA_VERSION:
        return None
    if reader.one("anyone") is not None:  # people are defined: the reader's scope (pledges.scope) applies
        return None
    year = campaign if campaign is not None else (as_of.year if as_of else _today(readsql.DEFAULT_TIMEZONE).year)
    period = reader.one("campaign", year=year)
    if period is None:
        return None
    today = _today(period["timezone"])
    day = as_of or today
    if day < today or day < period["starts"]:  # replayed from the audit log, or a warning is due
        return None
    return period, day


def _org_id(reader: _Reader, code: str | None) -> int | None | bool:
    """The organisation's id; None for no organisation; False for an unknown one."""
    if code is None:
        return None
    found = reader.one("org_id", code=code)
    return False if found is None else found["id"]


def _guarded(read):
    """Run ``read(reader)`` on the ledger at ``url``; None when it declines or anything fails."""
    def run(url, **options):
        reader = _open(url)
        if reader is None:
            return None
        try:
            return read(reader, **options)
        except Exception:  # noqa: BLE001 - the ledger's own path gives the usual error
            reader.close()
            return None
    return run


@_guarded
def _dashboard(reader: _Reader, *, org: str | None = None, depth: int = 2, as_of: date | None = None,
               campaign: int | None = None) -> Dashboard | None:
    try:
        chosen = _campaign(reader, campaign, as_of)
        top = _org_id(reader, org)
        if chosen is None or top is False or depth < 0:
            return None
        period, day = chosen
        scope = "org" if top is not None else "all"
        Row = namedtuple("Row", "id parent_id code name kind parent depth")  # noqa: PYI024
        shown = tree_order([Row(**row) for row in reader.rows(f"shown/{scope}", org_id=top, depth=depth)])
        if reader.dialect == "postgresql":
            for setting in readsql.AGGREGATE_SETTINGS:
                reader.connection.execute(setting)
        counts = {row["ancestor_id"]: counts_from(row)
                  for row in reader.rows(f"counts/{scope}", campaign_id=period["id"], day=day, org_id=top,
                                         depth=depth)}
    finally:
        reader.close()
    rows = [OrgFigures(code=row.code, name=row.name, kind=row.kind, parent=row.parent, depth=row.depth,
                       **counts.get(row.id, {})) for row in shown]
    mark_lagging(rows)
    return Dashboard(campaign=period["year"], as_of=day, scope=[r.code for r in rows if r.depth == 0],
                     totals=totals_of(rows), rows=rows)


def dashboard(url: str | None, **options) -> Dashboard | None:
    """``pledges.figures.dashboard`` of the ledger at ``url``, or None (then ask the ledger)."""
    return _dashboard(url, **options)


@_guarded
def _overdue(reader: _Reader, *, org: str | None = None, as_of: date | None = None, campaign: int | None = None,
             escalated: bool = False):
    chosen = _campaign(reader, campaign, as_of)
    top = _org_id(reader, org)
    if chosen is None or top is False:
        reader.close()
        return None
    period, day = chosen
    name = f"overdue/{'org' if top is not None else 'all'}/{'escalated' if escalated else 'all'}"
    values = dict(campaign_id=period["id"], day=day, end_of_day=end_of_day_utc(day, period["timezone"]),
                  org_id=top)
    if escalated:
        values["cutoff"] = day - timedelta(days=period["escalation_days"])
    rows = reader.rows(name, **values)
    first = next(rows, None)  # the statement ran: errors from here on are the database's

    def read() -> Iterator[OverdueRow]:
        try:
            if first is None:
                return
            yield OverdueRow(**first, days_late=rules.days_late(first["due"], day))
            for row in rows:
                yield OverdueRow(**row, days_late=rules.days_late(row["due"], day))
        finally:
            reader.close()

    return day, read()


def overdue_rows(url: str | None, **options) -> tuple[date, Iterator[OverdueRow]] | None:
    """``pledges.figures.overdue_rows`` of the ledger at ``url``, or None (then ask the ledger)."""
    return _overdue(url, **options)


@_guarded
def _listing(reader: _Reader, *, org: str | None = None, state: str | None = None, overdue: bool = False,
             as_of: date | None = None, campaign: int | None = None, limit: int | None = None) -> list[dict] | None:
    try:
        chosen = _campaign(reader, campaign, as_of)
        top = _org_id(reader, org)
        if chosen is None or top is False:
            return None
        _, day = chosen
        name = (f"list/{'org' if top is not None else 'all'}/{'state' if state else 'all'}/"
                f"{'overdue' if overdue else 'all'}")
        records = []
        for row in reader.rows(name, campaign_id=chosen[0]["id"], day=day, org_id=top, state=state,
                               limit=NO_LIMIT if limit is None else limit):
            late = rules.overdue(row["state"], row["due"], day)
            records.append({**row, "overdue": late, "days_late": rules.days_late(row["due"], day) if late else None})
        return records
    finally:
        reader.close()


def list_pledges(url: str | None, **options) -> list[dict] | None:
    """``pledges.queries.list_pledges`` of the ledger at ``url`` as dicts (``PledgeView.as_dict()``),
    or None (then ask the ledger)."""
    return _listing(url, **options)


# --- compiling the statements (maintainers: python -m pledges.fastread) ----------------------------


def _statements():
    """Every statement of the fast path, built by the ledger's own query functions with bind
    parameters where the values go."""
    from sqlalchemy import Date, Integer, String, bindparam, select

    from pledges.figures import counts_query, overdue_query, shown_queries
    from pledges.models import Campaign, Meta, Organisation, Person, UTCDateTime
    from pledges.queries import list_query

    def param(name, kind):
        return bindparam(name, value=None, type_=kind)

    campaign_id, day, org_id = param("campaign_id", Integer()), param("day", Date()), param("org_id", Integer())
    found = {
        "schema_version": select(Meta.value).where(Meta.key == "schema_version"),
        "campaign": select(Campaign.id, Campaign.year, Campaign.timezone, Campaign.starts,
                           Campaign.escalation_days).where(Campaign.year == param("year", Integer())),
        "org_id": select(Organisation.id).where(Organisation.code == param("code", String())),
        "anyone": select(Person.id).limit(1),
    }
    for scope, top in (("all", None), ("org", org_id)):
        ids, tree = shown_queries(top, param("depth", Integer()))
        found[f"shown/{scope}"] = tree
        found[f"counts/{scope}"] = counts_query(campaign_id, day, ids, top)
        for late in ("all", "escalated"):
            found[f"overdue/{scope}/{late}"] = overdue_query(
                campaign_id, day, param("end_of_day", UTCDateTime()), top,
                param("cutoff", Date()) if late == "escalated" else None)
        for state in ("all", "state"):
            for overdue in ("all", "overdue"):
                found[f"list/{scope}/{state}/{overdue}"] = list_query(
                    campaign_id, day, top, param("state", String()) if state == "state" else None,
                    overdue == "overdue").limit(param("limit", Integer()))
    return found


def _kind(column_type) -> str | None:
    from sqlalchemy import Boolean, Date

    return "date" if isinstance(column_type, Date) else "bool" if isinstance(column_type, Boolean) else None


def compiled() -> str:
    """The text of ``pledges/readsql.py``."""
    from sqlalchemy.dialects import postgresql, sqlite

    from pledges.figures import AGGREGATE_SETTINGS
    from pledges.models import DEFAULT_TIMEZONE, SCHEMA_VERSION

    dialects = {"sqlite": sqlite.dialect(paramstyle="named"), "postgresql": postgresql.psycopg.dialect()}
    statements = {}
    for dialect_name, dialect in dialects.items():
        statements[dialect_name] = {}
        for name, statement in _statements().items():
            done = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
            constants = {key: (str(value) if isinstance(value, str) else value)
                         for key, value in done.params.items() if value is not None}
            kinds = tuple(_kind(column.type) for column in statement.selected_columns)
            statements[dialect_name][name] = (done.string, constants, kinds)
    lines = [
        '"""The statements of the fast read path (``pledges.fastread``), as SQLAlchemy compiles them from',
        "the ledger's query functions for each database.  Generated by ``python -m pledges.fastread``:",
        'do not edit; tests/pledges/test_fastread.py fails when this is not what they compile to."""',
        "",
        "# ruff: noqa: E501",
        f"SCHEMA_VERSION = {SCHEMA_VERSION!r}",
        f"DEFAULT_TIMEZONE = {DEFAULT_TIMEZONE!r}",
        f"AGGREGATE_SETTINGS = {tuple(AGGREGATE_SETTINGS)!r}",
        "",
        "STATEMENTS = {",
    ]
    for dialect_name, found in statements.items():
        lines.append(f"    {dialect_name!r}: {{")
        for name, (sql, constants, kinds) in found.items():
            lines.append(f"        {name!r}: (")
            lines.append(f"            {sql!r},")
            lines.append(f"            {constants!r},")
            lines.append(f"            {kinds!r},")
            lines.append("        ),")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


GENERATED = os.path.join(os.path.dirname(__file__), "readsql.py")

if __name__ == "__main__":
    with open(GENERATED, "w", encoding="utf-8") as out:
        out.write(compiled())
    print(f"wrote {GENERATED}", file=sys.stderr)
