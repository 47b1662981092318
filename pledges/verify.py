"""``pledges audit verify`` and ``audit checkpoint``: recompute the hash chain, replay every
pledge from its events, and prove the history still extends a signed checkpoint (docs/audit.md).

The events are streamed in id order from one snapshot of the ledger as plain tuples (no ORM
objects) and hashed in one tight loop; the first event that does not fit is named."""

import base64
import json
import os
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path

from pledges import chain
from pledges.db import Ledger
from pledges.errors import CheckpointUnusable

ORIGIN_PREFIX = "pledge-ledger/"
FETCH = 20_000
_TIME_SQL = """pg_catalog.to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


def _day_sql(column: str) -> str:
    return f"pg_catalog.to_char({column}, 'YYYY-MM-DD')"


# The time as the canonical form spells it; SQLite stores 2026-06-15 02:00:00.000000 (UTC), re-punctuated in C.
TIME_SQL = {
    "sqlite": "CASE WHEN length(at) = 26 THEN replace(at, ' ', 'T') || 'Z' ELSE at END",
    "postgresql": _TIME_SQL,
}
_DAYS = {"sqlite": lambda column: column, "postgresql": _day_sql}
EVENTS_SQL = {
    dialect: f"SELECT id, {TIME_SQL[dialect]}, {day('effective_on')}, actor, login, entity, entity_id, trigger, "
             f"from_state, to_state, reason, {day('due_after')}, done_after, outcome_after, detail, hash "
             "FROM audit_event ORDER BY id"
    for dialect, day in _DAYS.items()
}
PLEDGES_SQL = {
    "sqlite": "SELECT id, state, due, done, outcome FROM pledge ORDER BY id",
    "postgresql": f"SELECT id, state, {_day_sql('due')}, done, outcome FROM pledge ORDER BY id",
}


@dataclass
class Problem:
    """What does not fit, and where: ``key`` names the message (pledges/i18n.py)."""

    key: str
    params: dict = field(default_factory=dict)


@dataclass
class Checkpoint:
    origin: str
    size: int
    hash: str
    made_at: str
    public_key: str
    signature: str

    def message(self) -> bytes:
        """What the signature covers."""
        return f"pledge-ledger checkpoint\n{self.origin}\n{self.size}\n{self.hash}\n{self.made_at}\n".encode()

    def fingerprint(self) -> str:
        return sha256(base64.b64decode(self.public_key)).hexdigest()[:16]


@dataclass
class Verified:
    count: int
    head: str
    problem: Problem | None = None
    checkpoint: Checkpoint | None = None


def ledger_origin(ledger: Ledger) -> str:
    from sqlalchemy import select

    from pledges.models import Meta

    with ledger.session() as session:
        found = session.scalar(select(Meta.value).where(Meta.key == "ledger_id"))
    return ORIGIN_PREFIX + (found or "unknown")


def verify(ledger: Ledger, checkpoint: Checkpoint | None = None, workers: int | None = None) -> Verified:
    """The whole history checked.  A big one is cut into ``workers`` consecutive parts (default:
    one per core, at most 4) checked in parallel processes: each event is checked against the
    stored hash and time of the event before it, so the parts are independent, and the pledges'
    state chains are joined across the cuts afterwards."""
    from pledges.transfer import snapshot

    origin = ledger_origin(ledger)
    if checkpoint is not None and checkpoint.origin != origin:
        return Verified(0, chain.GENESIS, Problem("audit_other_ledger", {"origin": checkpoint.origin, "ours": origin}))
    size = checkpoint.size if checkpoint else -1
    with snapshot(ledger.url) as connection:
        dialect = connection.dialect.name
        dbapi = connection.connection.dbapi_connection
        parts = _parts(connection, workers or min(os.cpu_count() or 1, 4))
        if len(parts) == 1:
            walked = [_walk_part(ledger.url, parts[0], size)]
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(len(parts), mp_context=multiprocessing.get_context("fork")) as pool:
                walked = list(pool.map(_walk_part, [ledger.url] * len(parts), parts, [size] * len(parts)))
        result = _joined(walked, checkpoint)
        if result.problem is None:
            result.problem = _replay(_rows(dbapi, dialect, PLEDGES_SQL[dialect], "audit_verify_pledges"),
                                     result.last_of)
        if result.problem is None:
            result.problem = _hierarchy(dbapi)
    return Verified(result.count, result.head, result.problem, checkpoint)


@dataclass(frozen=True)
class _Part:
    """Events ``after_id`` < id ≤ ``last_id``; the event before them (its hash and time) and how
    many events come before them."""

    after_id: int
    last_id: int
    prev: str
    prev_at: str
    offset: int


PART_MIN = 200_000  # events per process, at least: fewer are not worth a process


def _parts(connection, workers: int) -> list[_Part]:
    count, last = connection.exec_driver_sql("SELECT COUNT(*), MAX(id) FROM audit_event").one()
    pieces = max(1, min(workers, count // PART_MIN))
    cuts = [count * i // pieces for i in range(1, pieces)]
    time_sql = TIME_SQL[connection.dialect.name]
    parts, before = [], _Part(0, 0, chain.GENESIS, "", 0)
    for cut in cuts:
        event_id, at, stored = connection.exec_driver_sql(
            f"SELECT id, {time_sql}, hash FROM audit_event ORDER BY id LIMIT 1 OFFSET {cut - 1}").one()
        parts.append(_Part(before.after_id, event_id, before.prev, before.prev_at, before.offset))
        before = _Part(event_id, 0, stored or "", chain.at_text(at), cut)
    parts.append(_Part(before.after_id, last or 0, before.prev, before.prev_at, before.offset))
    return parts


def _walk_part(url: str, part: _Part, size: int) -> "_Walked":
    from pledges.transfer import snapshot

    with snapshot(url) as connection:
        dialect = connection.dialect.name
        sql = EVENTS_SQL[dialect].replace(" ORDER BY id", f" WHERE id > {part.after_id} AND id <= {part.last_id} "
                                                         "ORDER BY id")
        rows = _rows(connection.connection.dbapi_connection, dialect, sql, "audit_verify_events")
        return _walk(rows, dialect == "sqlite", part, size)


def _joined(parts: list["_Walked"], checkpoint: Checkpoint | None) -> "_Walked":
    """The parts as one walk: the first problem by event id, each pledge's state carried across
    the cuts, the count, the head and the checkpoint's event."""
    problems = [(part.problem_id, part.problem) for part in parts if part.problem is not None]
    last_of: dict = {}
    for part in parts:
        for pledge_id, (from_state, event_id, trigger) in part.first_of.items():
            before = last_of.get(pledge_id)
            if (before[0] if before else None) != from_state:
                problems.append((event_id, Problem("audit_from_state", {
                    **_what(event_id, trigger, "pledge", pledge_id), "from": from_state,
                    "left": before and before[0]})))
        last_of.update(part.last_of)
    joined = _Walked(sum(part.count for part in parts), parts[-1].head, None, last_of)
    if problems:
        joined.problem = min(problems, key=lambda found: found[0])[1]
        return joined
    if checkpoint is not None:
        at_size = next((part.at_size for part in parts if part.at_size), None)
        if joined.count < checkpoint.size:
            joined.problem = Problem("audit_shorter", {"count": joined.count, "size": checkpoint.size})
        elif at_size is not None and at_size[4] != checkpoint.hash:
            joined.problem = Problem("audit_rewritten", {**_what(*at_size[:4]), "size": checkpoint.size})
    return joined


def _rows(dbapi, dialect: str, sql: str, name: str):
    if dialect == "postgresql":
        cursor = dbapi.cursor(name=name)  # server-side: the rows come FETCH at a time
        cursor.itersize = FETCH
    else:
        cursor = dbapi.cursor()
        cursor.arraysize = FETCH
    cursor.execute(sql)
    return cursor


@dataclass
class _Walked:
    count: int = 0
    head: str = chain.GENESIS
    problem: Problem | None = None
    last_of: dict = field(default_factory=dict)  # pledge id → (state, due, done, outcome, event id, trigger)
    first_of: dict = field(default_factory=dict)  # pledge id → (from state, event id, trigger) of its first here
    problem_id: int = 0
    at_size: tuple | None = None


def _what(event_id, trigger, entity, entity_id) -> dict:
    return {"id": event_id, "trigger": trigger, "entity": entity, "entity_id": entity_id}


def _walk(rows, sqlite: bool, part: _Part, size: int) -> _Walked:
    """One part of the chain, event by event: its hash, its time, and for a pledge its starting
    state (a pledge's first event in the part is left to ``_joined``)."""
    spell, spelt = chain.spell, chain.Spelt()
    walked = _Walked()
    last_of, first_of = walked.last_of, walked.first_of
    prev, last_at, last_id, count = part.prev, part.prev_at, part.after_id, part.offset
    for (event_id, at, effective_on, actor, login, entity, entity_id, trigger, from_state, to_state, reason,
         due_after, done_after, outcome_after, detail, stored) in rows:
        if sqlite and at[-1] != "Z":
            at = chain.at_text(at)
        computed = sha256(spell(spelt, prev, event_id, at, effective_on, actor, login, entity, entity_id, trigger,
                                from_state, to_state, reason, due_after, done_after, outcome_after,
                                detail).encode()).hexdigest()
        problem = None
        if computed != stored:
            gap = {"first": last_id + 1, "last": event_id - 1} if event_id > last_id + 1 else None
            key = "audit_no_hash" if stored is None else "audit_gap" if gap else "audit_hash"
            problem = Problem(key, {**_what(event_id, trigger, entity, entity_id), **(gap or {})})
        elif at < last_at:
            problem = Problem("audit_backwards", {**_what(event_id, trigger, entity, entity_id), "at": at,
                                                  "before": last_at})
        elif entity == "pledge":
            before = last_of.get(entity_id)
            if before is None:
                first_of[entity_id] = (from_state, event_id, trigger)
            elif before[0] != from_state:
                problem = Problem("audit_from_state", {**_what(event_id, trigger, entity, entity_id),
                                                       "from": from_state, "left": before[0]})
            last_of[entity_id] = (to_state, due_after, done_after, outcome_after, event_id, trigger)
        if problem is not None:
            walked.problem, walked.problem_id = problem, event_id
            break
        prev, last_at, last_id = stored, at, event_id
        count += 1
        if count == size:
            walked.at_size = (event_id, trigger, entity, entity_id, computed)
    walked.count, walked.head = count - part.offset, prev
    return walked


REPLAYED = (("state", 0), ("due", 1), ("done", 2), ("outcome", 3))


def _replay(rows, last_of: dict) -> Problem | None:
    """Each pledge's stored state, due day, amount done and outcome against its last event;
    of the pledges that differ, the one whose last event is oldest is named."""
    found: Problem | None = None
    oldest = None
    for pledge_id, state, due, done, outcome in rows:
        stored = (state, due if due is None or isinstance(due, str) else due.isoformat(), done, outcome)
        last = last_of.pop(pledge_id, None)
        if last is None:
            return Problem("audit_no_events", {"pledge": pledge_id})
        for name, i in REPLAYED:
            if stored[i] != last[i]:
                if oldest is None or last[4] < oldest:
                    oldest = last[4]
                    found = Problem("audit_replay", {"pledge": pledge_id, "field": name, "stored": stored[i],
                                                     "replayed": last[i], "id": last[4], "trigger": last[5]})
                break
    if found is None and last_of:
        pledge_id = min(last_of)
        return Problem("audit_no_pledge", {"pledge": pledge_id, "id": last_of[pledge_id][4]})
    return found


def _hierarchy(dbapi) -> Problem | None:
    """The closure table (what every dashboard's subtree reads) against the parents it is built
    from (``pledges.orgs.closure_rows``): a row added or removed by hand would move a unit's
    figures into another town's, or out of the city's.  The first organisation, by code, whose
    ancestors differ is named."""
    from pledges.orgs import closure_rows

    cursor = dbapi.cursor()
    cursor.execute("SELECT id, code, parent_id FROM organisation")
    orgs = cursor.fetchall()
    wanted: dict[int, set] = {}
    for ancestor, descendant, depth in closure_rows({org_id: parent for org_id, _, parent in orgs}):
        wanted.setdefault(descendant, set()).add((ancestor, depth))
    cursor.execute("SELECT ancestor_id, descendant_id, depth FROM org_closure")
    stored: dict[int, set] = {}
    for ancestor, descendant, depth in cursor.fetchall():
        stored.setdefault(descendant, set()).add((ancestor, depth))
    for org_id, code, _ in sorted(orgs, key=lambda org: org[1]):
        if stored.pop(org_id, set()) != wanted[org_id]:
            return Problem("audit_hierarchy", {"code": code})
    if stored:
        return Problem("audit_hierarchy", {"code": f"#{min(stored)}"})
    return None


# --- checkpoints ---------------------------------------------------------------------------------

def load_or_make_key(path: Path):
    """The Ed25519 private key in ``path`` (PEM), made and saved (mode 0600) when absent."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError):
            raise CheckpointUnusable("audit_bad_key", file=str(path)) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointUnusable("audit_bad_key", file=str(path))
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return key


def make_checkpoint(ledger: Ledger, key_path: Path, now: str) -> tuple[Checkpoint | None, Verified]:
    """The head of a verified history, signed; None (and the problem) if it does not verify."""
    from cryptography.hazmat.primitives import serialization

    checked = verify(ledger)
    if checked.problem is not None:
        return None, checked
    key = load_or_make_key(key_path)
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    point = Checkpoint(ledger_origin(ledger), checked.count, checked.head, now,
                       base64.b64encode(public).decode(), "")
    point.signature = base64.b64encode(key.sign(point.message())).decode()
    return point, checked


def checkpoint_text(point: Checkpoint) -> str:
    return json.dumps(point.__dict__, indent=2) + "\n"


def read_checkpoint(path: Path) -> Checkpoint:
    """A checkpoint file whose signature holds, or ``CheckpointUnusable``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        point = Checkpoint(**{name: data[name] for name in Checkpoint.__dataclass_fields__})
        if not isinstance(point.size, int) or point.size < 0 or not isinstance(point.hash, str):
            raise ValueError
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(point.public_key))
        signature = base64.b64decode(point.signature)
    except (OSError, ValueError, KeyError, TypeError):
        raise CheckpointUnusable("audit_not_checkpoint", file=str(path)) from None
    try:
        public.verify(signature, point.message())
    except InvalidSignature:
        raise CheckpointUnusable("audit_bad_signature", file=str(path)) from None
    return point
