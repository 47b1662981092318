"""The audit history as a hash chain (issue 10, docs/audit.md).

Every audit event carries ``hash``: the SHA-256 (hex) of its canonical form, a JSON array of
the previous event's hash and the event's own fields in ``FIELDS`` order, times as UTC ISO
with microseconds (``2026-06-15T02:00:00.000000Z``), days as ``YYYY-MM-DD``, JSON without
spaces and without escaping non-ASCII text.  The first event's predecessor is ``GENESIS``.

PostgreSQL computes the hash itself, in a ``BEFORE INSERT`` trigger that also stamps the time
and the login and serialises the appends with an advisory lock (``POSTGRESQL_DDL``, the same
canonical form in SQL).  SQLite has no logins and one writer at a time: there ``append``
computes the hash here, under the write lock, wherever events are written (``append`` for the
ORM and Core paths, ``pledges.loader.BulkWriter`` for the bulk loads)."""

import json
from json.encoder import encode_basestring
from collections.abc import Iterable
from datetime import date, datetime, timezone
from hashlib import sha256
from operator import itemgetter
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection
from sqlmodel import Session

GENESIS = "0" * 64
# The fields of an event in the order the canonical form lists them (after the previous hash).
FIELDS = ("id", "at", "effective_on", "actor", "login", "entity", "entity_id", "trigger", "from_state", "to_state",
          "reason", "due_after", "done_after", "outcome_after", "detail")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
# The advisory lock that serialises appends on PostgreSQL: this number plus the table's oid.
LOCK_BASE = 7474650000000
# A session that sets this (and owns the table) keeps the times, logins and hashes it supplies:
# loads of an existing history (demo, copy, restore) and the test suite.
KEEP_STAMPS = "pledges.keep_stamps"

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_string = encode_basestring  # a str as JSON, non-ASCII kept (C)


def at_text(value: datetime | str) -> str:
    """A time as the canonical form spells it; a SQLite-stored text (``2026-06-15 02:00:00.000000``,
    always UTC with microseconds) is only re-punctuated."""
    if isinstance(value, str):
        if len(value) == 26 and value[10] == " ":
            return f"{value[:10]}T{value[11:]}Z"
        if len(value) == 27 and value.endswith("Z"):
            return value
        value = datetime.fromisoformat(value)
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime(TIME_FORMAT)


def day_text(value: date | str | None) -> str | None:
    return value if value is None or isinstance(value, str) else value.isoformat()


def canonical(prev: str, values: Iterable[Any]) -> str:
    """The canonical text of one event: ``values`` in ``FIELDS`` order, times and days as text."""
    return _encode([prev, *values])


class Spelt(dict):
    """value → its JSON text, each distinct value spelt once: for the fields with few distinct
    values (actor, login, entity, trigger, states, due day, amount done, outcome)."""

    def __missing__(self, value):
        self[value] = text = "null" if value is None else _string(value) if isinstance(value, str) else repr(value)
        return text


def spell(spelt: Spelt, prev: str, event_id: int, at: str, effective_on: str, actor: str, login: str | None,
          entity: str, entity_id: int, trigger: str, from_state: str | None, to_state: str | None,
          reason: str | None, due_after: str | None, done_after: int | None, outcome_after: str | None,
          detail: str | None) -> str:
    """``canonical`` for the tight loops (times and days already text): the same text, 40 % faster
    than encoding a list (tests/pledges/test_chain.py holds the two equal)."""
    return (f'["{prev}",{event_id},"{at}","{effective_on}",{spelt[actor]},{spelt[login]},{spelt[entity]},'
            f'{entity_id},{spelt[trigger]},{spelt[from_state]},{spelt[to_state]},'
            f'{"null" if reason is None else _string(reason)},{spelt[due_after]},{spelt[done_after]},'
            f'{spelt[outcome_after]},{"null" if detail is None else _string(detail)}]')


def link(prev: str, values: Iterable[Any]) -> str:
    """The hash of an event whose predecessor's hash is ``prev``."""
    return sha256(_encode([prev, *values]).encode()).hexdigest()


class Head:
    """The newest event (id, hash) of the chain, read under the write lock, and the events
    linked after it in this transaction."""

    def __init__(self, connection: Connection):
        hold_write_lock(connection)
        found = connection.exec_driver_sql("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1").first()
        self.id, self.hash = (found[0], found[1] or GENESIS) if found else (0, GENESIS)

    def stamp(self, event: dict, login: str | None = None) -> dict:
        """``event`` (``pledges.audit.event_values``) with the next id, the login and its hash."""
        event_id = event.get("id") or self.id + 1
        values = (event_id, at_text(event["at"]), day_text(event["effective_on"]), event["actor"], login,
                  event["entity"], event["entity_id"], event["trigger"], event.get("from_state"),
                  event.get("to_state"), event.get("reason"), day_text(event.get("due_after")),
                  event.get("done_after"), event.get("outcome_after"), event.get("detail"))
        self.id, self.hash = event_id, link(self.hash, values)
        return {**event, "id": event_id, "login": login, "hash": self.hash}

    def link_rows(self, columns: tuple[str, ...], rows: list[tuple], login: str | None = None
                  ) -> tuple[tuple[str, ...], list[tuple]]:
        """A bulk load's rows (tuples in ``columns`` order, with or without ids) linked after the
        head: the columns with ``id``, ``login`` and ``hash``, and the rows to write.  One tight
        loop (a city's demo links 1.7 million events): every distinct time and day is spelt once."""
        where = {name: i for i, name in enumerate(columns)}
        has_id = "id" in where
        blank = len(columns)  # a column the rows lack reads as None from the padding below
        pick = itemgetter(*(where.get(name, blank) for name in FIELDS[1:] if name != "login"))
        times, days, spelt = Texts(at_text), Texts(day_text), Spelt()
        digest = sha256
        prev, last, linked = self.hash, self.id, []
        append = linked.append
        for row in rows:
            last = row[0] if has_id else last + 1
            (at, effective_on, actor, entity, entity_id, trigger, from_state, to_state, reason, due_after, done_after,
             outcome_after, detail) = pick((*row, None))
            prev = digest(spell(spelt, prev, last, times[at], days[effective_on], actor, login, entity, entity_id,
                                trigger, from_state, to_state, reason, days[due_after], done_after, outcome_after,
                                detail).encode()).hexdigest()
            append((*row, login, prev) if has_id else (last, *row, login, prev))
        self.id, self.hash = last, prev
        out = (*columns, "login", "hash") if has_id else ("id", *columns, "login", "hash")
        return out, linked

    def link_texts(self, items: Iterable[tuple], login: str | None = None) -> list[tuple]:
        """Events without ids whose times and days are already text, in the order (at,
        effective_on, actor, entity, entity_id, trigger, from_state, to_state, reason, due_after,
        done_after, outcome_after, detail): as rows (id, *event, login, hash) after the head.  A time
        is the chain's text or SQLite's (``at_text`` reads both), so the rows can go to the database
        as they are."""
        spelt, times, digest = Spelt(), Texts(at_text), sha256
        prev, last, linked = self.hash, self.id, []
        append = linked.append
        for item in items:
            (at, effective_on, actor, entity, entity_id, trigger, from_state, to_state, reason, due_after, done_after,
             outcome_after, detail) = item
            last += 1
            prev = digest(spell(spelt, prev, last, times[at], effective_on, actor, login, entity, entity_id, trigger,
                                from_state, to_state, reason, due_after, done_after, outcome_after,
                                detail).encode()).hexdigest()
            append((last, *item, login, prev))
        self.id, self.hash = last, prev
        return linked


class Texts(dict):
    """value → its canonical text, each distinct value converted once."""

    def __init__(self, convert):
        super().__init__({None: None})
        self.convert = convert

    def __missing__(self, value):
        self[value] = text = self.convert(value)
        return text


def hold_write_lock(connection: Connection) -> None:
    """SQLite: make sure this transaction holds the write lock before the head is read, so no
    other writer can append between the read and the insert.  (A transaction that has written
    holds it already; pysqlite opens one only before its first write.)"""
    if connection.dialect.name != "sqlite":
        return
    dbapi = connection.connection.dbapi_connection
    if not dbapi.in_transaction:
        dbapi.execute("BEGIN IMMEDIATE")


def append(executor: Session | Connection, events: list[dict]) -> None:
    """Insert audit events (``pledges.audit.event_values`` dicts) at the end of the chain.
    PostgreSQL's trigger stamps and links them; on SQLite they are linked here."""
    if not events:
        return
    connection = executor.connection() if isinstance(executor, Session) else executor
    if connection.dialect.name == "sqlite":
        head = Head(connection)
        events = [head.stamp(event) for event in events]
    from pledges.models import AuditEvent

    executor.execute(insert(AuditEvent), events)


def keep_stamps(connection: Connection) -> None:
    """PostgreSQL: in this transaction, the trigger keeps the times, logins and hashes supplied
    (honoured only for the table's owner; anyone else is stamped as usual)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT set_config('{KEEP_STAMPS}', 'on', true)")


def lock_appends(connection: Connection) -> None:
    """PostgreSQL: take the appends' advisory lock now (a load that links the events itself)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_BASE} + 'audit_event'::regclass::oid::bigint)")


# --- PostgreSQL: the trigger that stamps and links every event ---------------------------------

# The head as the appending transaction knows it, ``id at hash`` (``at`` in the canonical
# text): set by the statement trigger from the table, then by each row it links.  A
# transaction-local setting, so it ends with the transaction and a rolled-back savepoint puts
# it back as it was, like the rows.  Reading the head from the table for every row cost about
# 100 µs (an SQL function is planned at each call); this is what makes a bulk append cheap.
HEAD_SETTING = "pledges.audit_head"
_AT_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'


def _json(expression: str) -> str:
    """A text value as JSON: escaped by ``to_json``."""
    return f"coalesce(to_json({expression})::text, 'null')"


def _bare(expression: str) -> str:
    """An integer as JSON: its text (a call of ``to_json`` less per field and row)."""
    return f"coalesce(({expression})::text, 'null')"


def _quoted(expression: str) -> str:
    """A text that needs no escaping (a hash, a time or a day as the canonical form spells
    them) as JSON: in quotes."""
    return f"coalesce('\"' || ({expression}) || '\"', 'null')"


def _canonical_sql(e: str, at_text: str) -> str:
    """The canonical text of the event ``e`` after ``prev``, as SQL (``canonical`` above);
    ``at_text``: the expression of its time as text."""
    return "'[' || " + " || ',' || ".join([
        _quoted("prev"), _bare(f"{e}.id"), _quoted(at_text),
        _quoted(f"pg_catalog.to_char({e}.effective_on, 'YYYY-MM-DD')"), _json(f"{e}.actor"), _json(f"{e}.login"),
        _json(f"{e}.entity"), _bare(f"{e}.entity_id"), _json(f"{e}.trigger"), _json(f"{e}.from_state"),
        _json(f"{e}.to_state"), _json(f"{e}.reason"), _quoted(f"pg_catalog.to_char({e}.due_after, 'YYYY-MM-DD')"),
        _bare(f"{e}.done_after"), _json(f"{e}.outcome_after"), _json(f"{e}.detail"),
    ]) + " || ']'"


def _at_text(expression: str) -> str:
    return f"pg_catalog.to_char({expression} AT TIME ZONE 'UTC', '{_AT_FORMAT}')"


POSTGRESQL_DDL = [
    # The canonical text of an event after ``prev`` (the same as ``canonical`` above): for
    # auditors' SQL (docs/audit.md); the trigger spells the same expression inline.
    "CREATE OR REPLACE FUNCTION audit_event_canonical(prev text, e audit_event) RETURNS text "
    f"LANGUAGE sql STABLE AS $$ SELECT {_canonical_sql('e', _at_text('e.at'))} $$",
    # The newest event, whoever asks (row-level security must not hide the head from a writer).
    "CREATE OR REPLACE FUNCTION audit_event_head(OUT id integer, OUT at timestamptz, OUT hash text) "
    "LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS "
    "$$ SELECT id, at, hash FROM audit_event ORDER BY id DESC LIMIT 1 $$",
    # One appending transaction at a time, from its first event to its commit; taken before the
    # statement draws ids, so ids follow the order of the chain.  Then the head is read from the
    # table, whatever the session set before: the rows of this statement link after it.
    "CREATE OR REPLACE FUNCTION audit_event_serialise() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ "
    "DECLARE head record; "
    "BEGIN "
    f"PERFORM pg_advisory_xact_lock({LOCK_BASE} + TG_RELID::bigint); "
    "SELECT * INTO head FROM audit_event_head(); "
    f"PERFORM set_config('{HEAD_SETTING}', coalesce(head.id, 0) || ' ' || "
    f"coalesce({_at_text('head.at')}, '-') || ' ' || coalesce(head.hash, '{GENESIS}'), true); "
    "RETURN NULL; "
    "END $$",
    "CREATE TRIGGER audit_event_serialise BEFORE INSERT ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_serialise()",
    # Each row: the database's time (never before the previous event's), the login, the hash
    # linked after the head the statement trigger read (and each row before it moved).  A row
    # the owner brings with its own hash (``KEEP_STAMPS``) moves the head past what this
    # transaction knows: the next row reads it from the table again.
    "CREATE OR REPLACE FUNCTION audit_event_stamp() RETURNS trigger LANGUAGE plpgsql "
    "SET search_path FROM CURRENT AS $$ "
    "DECLARE head text[]; newest record; prev text; head_id integer; head_at text; at_text text; "
    "stamp timestamptz; kept boolean := false; "
    "BEGIN "
    f"IF current_setting('{KEEP_STAMPS}', true) = 'on' THEN "
    "kept := pg_has_role((SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER'); END IF; "
    "IF kept AND NEW.hash IS NOT NULL THEN "
    f"PERFORM set_config('{HEAD_SETTING}', '', true); RETURN NEW; END IF; "
    f"head := string_to_array(current_setting('{HEAD_SETTING}', true), ' '); "
    "IF cardinality(head) = 3 THEN "
    "head_id := head[1]::integer; head_at := nullif(head[2], '-'); prev := head[3]; "
    "ELSE "
    "SELECT * INTO newest FROM audit_event_head(); "
    f"head_id := coalesce(newest.id, 0); head_at := {_at_text('newest.at')}; "
    f"prev := coalesce(newest.hash, '{GENESIS}'); "
    "END IF; "
    "IF NOT kept AND NEW.id <= head_id THEN "
    "RAISE EXCEPTION USING MESSAGE = 'audit_event ids only grow: ' || NEW.id || ' after ' || head_id; END IF; "
    "IF NOT kept OR NEW.at IS NULL THEN "
    f"stamp := clock_timestamp(); at_text := {_at_text('stamp')}; "
    # the canonical text sorts as time does: a clock set back keeps the head's time
    "IF at_text < head_at THEN at_text := head_at; stamp := head_at::timestamptz; END IF; "
    "NEW.at := stamp; "
    f"ELSE at_text := {_at_text('NEW.at')}; END IF; "
    "IF NOT kept OR NEW.login IS NULL THEN NEW.login := current_user; END IF; "
    f"NEW.hash := encode(sha256(convert_to({_canonical_sql('NEW', 'at_text')}, 'UTF8')), 'hex'); "
    f"PERFORM set_config('{HEAD_SETTING}', NEW.id || ' ' || at_text || ' ' || NEW.hash, true); "
    "RETURN NEW; "
    "END $$",
    "CREATE TRIGGER audit_event_stamp BEFORE INSERT ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_stamp()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_stamp ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_serialise ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_stamp()",
    "DROP FUNCTION IF EXISTS audit_event_serialise()",
    "DROP FUNCTION IF EXISTS audit_event_head()",
    "DROP FUNCTION IF EXISTS audit_event_canonical(text, audit_event)",
]
