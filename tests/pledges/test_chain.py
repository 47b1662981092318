"""The hash-chained audit history (issue 10, docs/audit.md): `pledges audit verify` recomputes the
chain and replays the pledges, names the first event that does not fit after tampering done as
the owner (triggers set aside, or the SQLite file edited), and `verify --checkpoint` proves the
history still extends a signed checkpoint.  On PostgreSQL the trigger stamps time, login and
hash whatever an INSERT supplies, and two writers at once leave one linear chain."""

import hashlib
import json
import stat
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from pledges import chain
from pledges.db import Ledger
from pledges.schema import migrate, transactional_engine
from pledges.workflows.engine import run
from support import ACTOR, NOW

COLUMNS = ", ".join(chain.FIELDS)


def owner_sql(ledger: Ledger, *statements: str, params: dict | None = None) -> None:
    """Run ``statements`` as the tables' owner with the append-only and chain triggers set aside:
    on SQLite by dropping them (as someone editing the file would), on PostgreSQL by disabling them."""
    with ledger.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_update")
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_delete")
        else:
            connection.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
        for statement in statements:
            connection.execute(text(statement), params or {})
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER USER")


def events(ledger: Ledger) -> list:
    with ledger.engine.connect() as connection:
        return list(connection.execute(text(f"SELECT {COLUMNS}, hash FROM audit_event ORDER BY id")))


def verify(pledges, *args):
    return pledges("--lang", "en", "audit", "verify", *args)


@pytest.fixture(params=["one process", "three processes"])
def parts(request, monkeypatch):
    """Verify in one process, or cut into three parts checked in parallel (as a city ledger is)."""
    if request.param == "three processes":
        monkeypatch.setattr("pledges.verify.PART_MIN", 5)
        monkeypatch.setattr("pledges.verify.os.cpu_count", lambda: 3)


@pytest.fixture
def history(ledger, make_pledge):
    """Three pledges with a history: one fulfilled, one in progress, one a draft."""
    ids = [make_pledge("fulfilled"), make_pledge("in_progress"), make_pledge("draft")]
    return ids


def values_of(row) -> list:
    """An event's fields in the canonical order, times and days as text (either database)."""
    return [row.id, chain.at_text(row.at), chain.day_text(row.effective_on), row.actor, row.login, row.entity,
            row.entity_id, row.trigger, row.from_state, row.to_state, row.reason, chain.day_text(row.due_after),
            row.done_after, row.outcome_after, row.detail]


def test_an_untouched_history_verifies_with_its_count_and_head(pledges, ledger, history, parts):
    result = verify(pledges)
    rows = events(ledger)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"audit history OK: {len(rows)} events, head {rows[-1].hash}"
    first = json.dumps([chain.GENESIS, *values_of(rows[0])], ensure_ascii=False, separators=(",", ":"))
    assert first.startswith(f'["{"0" * 64}",1,"2026-06-15T02:00:00.000000Z","2026-06-15","{ACTOR}",')
    assert rows[0].hash == hashlib.sha256(first.encode()).hexdigest()  # docs/audit.md, by hand
    prev = chain.GENESIS
    for row in rows:
        assert row.hash == chain.link(prev, values_of(row))
        prev = row.hash
    assert pledges("audit", "verify").stdout.startswith("记实链完整")


def _refused(result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    for words in expected:
        assert words in result.stderr, result.stderr


def test_a_changed_actor_is_named(pledges, ledger, history):
    target = events(ledger)[4]
    owner_sql(ledger, f"UPDATE audit_event SET actor = '冒名' WHERE id = {target.id}")
    _refused(verify(pledges), f"event {target.id} ({target.trigger}, pledge {target.entity_id}) does not match its hash")


def test_a_deleted_event_is_named_by_the_one_after_it(pledges, ledger, history, parts):
    target = events(ledger)[5]
    owner_sql(ledger, f"DELETE FROM audit_event WHERE id = {target.id}")
    _refused(verify(pledges), f"event {target.id + 1} (", f"events {target.id}–{target.id} before it are missing")


def test_a_changed_amount_done_is_named_with_the_pledges_last_event(pledges, ledger, history, parts):
    pledge_id = history[1]
    owner_sql(ledger, f"UPDATE pledge SET done = 11 WHERE id = {pledge_id}")
    last = [row for row in events(ledger) if row.entity == "pledge" and row.entity_id == pledge_id][-1]
    _refused(verify(pledges), f"pledge {pledge_id}: its done is 11, but its events say 1 (last event {last.id}, "
                              f"{last.trigger})")


def test_an_event_inserted_with_a_backdated_time_is_named(pledges, ledger, history, parts):
    """A well-formed event (its hash computed as the ledger would) dated before the one before it."""
    rows = events(ledger)
    last, event_id = rows[-1], rows[-1].id + 1
    backdated = NOW - timedelta(days=30)
    values = (event_id, chain.at_text(backdated), "2026-05-16", "伪造者", None, "pledge", history[2], "submit",
              "draft", "submitted", None, "2026-09-30", 0, None, None)
    forged = dict(zip(chain.FIELDS, values), hash=chain.link(last.hash, values), at=backdated,
                  effective_on=backdated.date(), due_after=datetime(2026, 9, 30).date())
    owner_sql(ledger, f"INSERT INTO audit_event ({COLUMNS}, hash) VALUES "
                      f"({', '.join(':' + name for name in (*chain.FIELDS, 'hash'))})", params=forged)
    _refused(verify(pledges), f"event {event_id} (submit, pledge {history[2]}) is dated 2026-05-16T02:00:00.000000Z, "
                              "before the event before it")


def test_a_checkpoint_detects_removed_newest_events_and_a_rewritten_old_one(pledges, ledger, history, parts, tmp_path):
    key, point = tmp_path / "audit.key", tmp_path / "board.json"
    made = pledges("--lang", "en", "audit", "checkpoint", "--key", key, "--out", point)
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    rows = events(ledger)
    data = json.loads(point.read_text())
    assert data["size"] == len(rows) and data["hash"] == rows[-1].hash and data["origin"].startswith("pledge-ledger/")
    ok = verify(pledges, "--checkpoint", point)
    assert ok.exit_code == 0 and "extends checkpoint" in ok.stdout

    # The newest events removed: the rest still verifies on its own, not against the checkpoint.
    owner_sql(ledger, f"DELETE FROM audit_event WHERE id >= {rows[-2].id}",
              "UPDATE pledge SET state = 'in_progress', outcome = NULL, done = 1, finished_on = NULL "
              f"WHERE id = {rows[-2].entity_id}")
    removed = verify(pledges, "--checkpoint", point)
    _refused(removed, f"the history holds {len(rows) - 2} events, fewer than the checkpoint's {len(rows)}")


def test_a_history_rewritten_from_an_old_event_on_is_caught_by_the_checkpoint(pledges, ledger, history, parts, tmp_path):
    point = tmp_path / "board.json"
    assert pledges("audit", "checkpoint", "--key", tmp_path / "k", "--out", point).exit_code == 0
    rows = events(ledger)
    # Rewrite event 3's actor and recompute every hash after it, as a careful forger would.
    prev, updates = rows[1].hash, []
    for row in rows[2:]:
        values = values_of(row)
        if row.id == rows[2].id:
            values[3] = "冒名"
        prev = chain.link(prev, values)
        updates.append(f"UPDATE audit_event SET actor = '{values[3]}', hash = '{prev}' WHERE id = {row.id}")
    owner_sql(ledger, *updates)
    assert verify(pledges).exit_code == 0  # consistent in itself
    _refused(verify(pledges, "--checkpoint", point), f"event {rows[-1].id} (", "differs from the checkpoint")


def test_a_tampered_checkpoint_or_another_ledgers_is_refused(pledges, ledger, history, tmp_path):
    point = tmp_path / "board.json"
    pledges("audit", "checkpoint", "--key", tmp_path / "k", "--out", point)
    data = json.loads(point.read_text())
    point.write_text(json.dumps({**data, "size": data["size"] - 1}))
    _refused(verify(pledges, "--checkpoint", point), "the signature does not match")
    point.write_text("not json")
    _refused(verify(pledges, "--checkpoint", point), "is not an audit checkpoint")


def test_a_schema_4_ledger_with_events_upgrades_and_verifies(pledges, ledger, history, db_url):
    engine = transactional_engine(db_url)
    try:
        with engine.begin() as connection:
            migrate(connection, "0004", downgrade=True)
        with engine.begin() as connection:
            migrate(connection)
    finally:
        engine.dispose()
    result = verify(pledges)
    assert result.exit_code == 0, result.output
    assert all(row.login is None for row in events(ledger))
    assert pledges("progress", history[1], "--amount", "1").exit_code == 0  # new events link after them
    assert verify(pledges).exit_code == 0


def test_the_demo_verifies(pledges):
    assert pledges("demo", "--scale", "small", "--as-of", "2026-06-15").exit_code == 0
    result = verify(pledges)
    assert result.exit_code == 0 and result.stdout.startswith("audit history OK:"), result.output


def test_the_bulk_linking_spells_the_canonical_form():
    """``Head.link_texts`` (the demo's loop: the text spelt field by field, a time in SQLite's
    spelling or the chain's) gives the hashes of ``chain.link`` (the canonical JSON list)."""
    items = [("2026-06-15 02:00:00.000000", "2026-06-15", "演示数据", "pledge", 7, "create", None, "draft", None,
              None, 0, None, None),
             ("2026-06-15T02:00:00.000001Z", "2026-06-15", 'a "quoted" \\ name\n', "pledge", 7, "record_progress",
              "displayed", "in_progress", "走访 \u2028 群众", "2026-12-31", 12, "fulfilled",
              json.dumps({"amount": 12, "note": "读书 3 本"}, ensure_ascii=False))]
    head = chain.Head.__new__(chain.Head)  # no database: the chain starts here
    head.id, head.hash = 41, "ab" * 32
    linked = head.link_texts(items, login="town_organiser")
    prev = "ab" * 32
    for item, row in zip(items, linked):
        assert row[1:14] == item and row[14] == "town_organiser"
        at, effective_on, actor, *others = item
        values = (row[0], chain.at_text(at), effective_on, actor, "town_organiser", *others)
        assert row[15] == chain.link(prev, values) == hashlib.sha256(
            chain.canonical(prev, values).encode()).hexdigest()
        prev = row[15]
    assert [row[0] for row in linked] == [42, 43] and (head.id, head.hash) == (43, prev)


# --- PostgreSQL: the database stamps --------------------------------------------------------------

def _pg_only(ledger):
    if ledger.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's stamping trigger")


def test_an_insert_that_brings_its_own_time_login_and_hash_is_stamped_by_the_database(pledges, ledger, history):
    _pg_only(ledger)
    person = f"chain_{uuid.uuid4().hex[:12]}"
    forged = dict(at=datetime(2020, 1, 1, tzinfo=timezone.utc), login="冒名", hash="f" * 64)
    with ledger.engine.begin() as connection:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
        connection.exec_driver_sql(f"CREATE ROLE {person}")
        connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema} TO {person}")
        connection.exec_driver_sql(f"GRANT INSERT ON audit_event TO {person}")
        connection.exec_driver_sql(f"GRANT USAGE ON SEQUENCE audit_event_id_seq TO {person}")
    insert = text("INSERT INTO audit_event (at, effective_on, actor, entity, entity_id, trigger, login, hash) "
                  "VALUES (:at, '2020-01-01', '王书记', 'organisation', 1, 'set_contact', :login, :hash)")
    try:
        with ledger.engine.begin() as connection:  # a person: keep_stamps is not theirs to ask
            connection.exec_driver_sql(f"SET LOCAL ROLE {person}")
            connection.execute(insert, forged)
        with ledger.engine.begin() as connection:  # the owner without keep_stamps
            connection.exec_driver_sql("SET LOCAL pledges.keep_stamps = off")
            connection.execute(insert, forged)
    finally:
        with ledger.engine.begin() as connection:
            connection.exec_driver_sql(f"DROP OWNED BY {person}")
            connection.exec_driver_sql(f"DROP ROLE {person}")
    person_row, owner_row = events(ledger)[-2:]
    now = datetime.now(timezone.utc)
    for row, login in ((person_row, person), (owner_row, "postgres")):
        assert abs(row.at - now) < timedelta(minutes=5) and row.login == login and row.hash != "f" * 64
    assert verify(pledges).exit_code == 0


INSERT_EVENT = ("INSERT INTO audit_event (at, effective_on, actor, entity, entity_id, trigger) "
                "VALUES (:at, '2026-06-01', '王书记', 'organisation', 1, 'set_contact')")


def _stamped(connection) -> None:
    """This transaction as a writer the database stamps (the suite's connections keep their stamps)."""
    connection.exec_driver_sql("SET LOCAL pledges.keep_stamps = off")


def test_the_head_a_session_sets_for_itself_is_not_what_its_next_statement_links_to(pledges, ledger, history):
    """The trigger keeps the head it links after in a transaction-local setting; a session that
    sets it before a statement is overruled by the head read from the table at that statement."""
    _pg_only(ledger)
    with ledger.engine.begin() as connection:
        _stamped(connection)
        connection.exec_driver_sql(f"SET LOCAL {chain.HEAD_SETTING} = '1 2020-01-01T00:00:00.000000Z {'f' * 64}'")
        connection.execute(text(INSERT_EVENT), {"at": NOW})
    rows = events(ledger)
    assert rows[-1].hash == chain.link(rows[-2].hash, values_of(rows[-1]))
    assert rows[-1].at > NOW  # the database's clock, not the injected one nor the forged head's
    assert verify(pledges).exit_code == 0


def test_a_head_forged_inside_a_statement_breaks_only_its_own_link_and_verify_names_it(pledges, ledger, history):
    """Within one statement a row's own expressions run after the statement trigger, so they can
    change the setting: that row is then linked after a head that is not the table's, and
    ``audit verify`` names it.  This is the price of not reading the head for every row."""
    _pg_only(ledger)
    forged = f"{events(ledger)[-1].id} 2020-01-01T00:00:00.000000Z {'e' * 64}"
    with ledger.engine.begin() as connection:
        _stamped(connection)
        connection.execute(text(
            "INSERT INTO audit_event (at, effective_on, actor, entity, entity_id, trigger) "
            "SELECT now(), '2026-06-01', '王书记', 'organisation', 1, 'set_contact' "
            f"FROM (SELECT set_config('{chain.HEAD_SETTING}', :forged, true)) AS s"), {"forged": forged})
    event_id = events(ledger)[-1].id
    result = verify(pledges)
    assert result.exit_code != 0 and f"event {event_id} (set_contact, organisation 1)" in result.output


def test_the_trigger_spells_hostile_text_as_the_program_does(pledges, ledger, history):
    """Quotes, backslashes, control characters, line separators and characters beyond the BMP in
    the text fields, and NULLs and negative numbers in the others: the trigger's hash is the
    program's, and its canonical text is ``chain.canonical``'s."""
    _pg_only(ledger)
    hostile = ['"; DROP TABLE pledge; --', "back\\slash \\u0041", "line\nbreak\ttab\r", "\x01\x1f\x7f",
               "\u2028\u2029 </script>", "𠀀🙂 承诺", "=cmd|' /C calc'!A0", ""]
    with ledger.engine.begin() as connection:
        _stamped(connection)
        for i, words in enumerate(hostile):
            connection.execute(text(
                "INSERT INTO audit_event (at, effective_on, actor, entity, entity_id, trigger, from_state, to_state, "
                "reason, due_after, done_after, outcome_after, detail) VALUES (now(), '2026-06-01', :actor, "
                "'organisation', 1, 'set_contact', :short, NULL, :reason, :due, :done, :short, :detail)"),
                {"actor": words, "short": words[:16], "reason": words, "detail": words,
                 "due": None if i % 2 else datetime(2026, 12, 31).date(), "done": i - 1})
    rows = events(ledger)[-len(hostile):]
    with ledger.engine.connect() as connection:
        for before, row in zip(events(ledger)[-len(hostile) - 1:], rows):
            assert row.hash == chain.link(before.hash, values_of(row)), row.reason
            spelt = connection.execute(text("SELECT audit_event_canonical(:prev, e) FROM audit_event e WHERE id = :id"),
                                       {"prev": before.hash, "id": row.id}).scalar()
            assert spelt == chain.canonical(before.hash, values_of(row))
    assert verify(pledges).exit_code == 0


def test_events_rolled_back_to_a_savepoint_leave_the_head_where_it_was(pledges, ledger, history):
    _pg_only(ledger)
    with ledger.engine.begin() as connection:
        _stamped(connection)
        connection.execute(text(INSERT_EVENT), {"at": NOW})
        savepoint = connection.begin_nested()
        connection.execute(text(INSERT_EVENT), {"at": NOW})
        connection.execute(text(INSERT_EVENT), {"at": NOW})
        savepoint.rollback()
        connection.execute(text(INSERT_EVENT), {"at": NOW})
    rows = events(ledger)
    assert rows[-1].id > rows[-2].id + 1  # the ids the savepoint drew are gone
    assert rows[-1].hash == chain.link(rows[-2].hash, values_of(rows[-1]))
    assert verify(pledges).exit_code == 0


def test_stamped_rows_after_rows_that_bring_their_own_hash_link_after_them(pledges, ledger, history):
    """The owner's load of an existing history (keep_stamps) moves the head without the trigger;
    the next stamped row in the same transaction reads it from the table.  And a head dated
    ahead of the clock is never passed backwards: the next event takes the head's time."""
    _pg_only(ledger)
    last = events(ledger)[-1]
    ahead = datetime.now(timezone.utc) + timedelta(days=1)
    values = (last.id + 1, chain.at_text(ahead), "2026-06-01", "王书记", "postgres", "organisation", 1,
              "set_contact", None, None, None, None, None, None, None)
    brought = dict(zip(chain.FIELDS, values), hash=chain.link(last.hash, values), at=ahead,
                   effective_on=datetime(2026, 6, 1).date(), due_after=None)
    with ledger.engine.begin() as connection:
        connection.execute(text(f"INSERT INTO audit_event ({COLUMNS}, hash) VALUES "
                                f"({', '.join(':' + name for name in (*chain.FIELDS, 'hash'))})"), brought)
        connection.exec_driver_sql("SELECT setval('audit_event_id_seq', (SELECT max(id) FROM audit_event))")
        _stamped(connection)
        connection.execute(text(INSERT_EVENT + ", (:at, '2026-06-01', '王书记', 'organisation', 1, 'set_contact')"),
                           {"at": NOW})
    rows = events(ledger)
    assert rows[-3].id == brought["id"] and rows[-3].hash == brought["hash"]
    for before, row in zip(rows[-3:], rows[-2:]):
        assert row.hash == chain.link(before.hash, values_of(row))
    assert rows[-2].at == rows[-1].at == ahead  # the clock is behind the head: the head's time
    assert verify(pledges).exit_code == 0


def test_two_writers_at_once_leave_one_linear_chain(ledger, make_pledge, pledges):
    """Two threads, each with its own connection pool, record progress on their own pledge 25
    times; the database stamps the times (keep_stamps off)."""
    _pg_only(ledger)
    first, second = make_pledge("in_progress", target=1000), make_pledge("in_progress", target=1000)
    url = ledger.url.replace("pledges.keep_stamps%3Don", "pledges.keep_stamps%3Doff")
    url = url.replace("pledges.keep_stamps=on", "pledges.keep_stamps=off")
    failures = []

    def write(pledge_id):
        mine = Ledger(url)
        try:
            for _ in range(25):
                run(mine, [pledge_id], "record_progress", ACTOR, amount=1)
        except Exception as err:  # reported below
            failures.append(err)
        finally:
            mine.dispose()

    threads = [threading.Thread(target=write, args=(pledge_id,)) for pledge_id in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    rows = events(ledger)
    assert sum(1 for row in rows if row.trigger == "record_progress") == 2 + 50  # one each on the way
    result = verify(pledges)
    assert result.exit_code == 0, result.output


def test_the_chain_survives_a_copy_between_the_databases(pledges, ledger, history, tmp_path, db_url):
    point = tmp_path / "board.json"
    pledges("audit", "checkpoint", "--key", tmp_path / "k", "--out", point)
    if ledger.engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL → SQLite here; SQLite → PostgreSQL in test_the_copy_keeps_hashes_on_postgresql")
    target = tmp_path / "copy.db"
    assert pledges("copy", "--to", target).exit_code == 0
    copied = pledges("--db", target, "--lang", "en", "audit", "verify", "--checkpoint", point)
    assert copied.exit_code == 0, copied.output


def test_the_copy_keeps_hashes_on_postgresql(pledges, ledger, history, tmp_path, request):
    if ledger.engine.dialect.name != "sqlite":
        pytest.skip("SQLite → PostgreSQL")
    import os

    from pledges.db import normalise_url
    from support import pg_schema

    PG_URL = os.environ.get("PLEDGES_TEST_PG_URL")  # not conftest's: another conftest may be "conftest"
    if not PG_URL:
        pytest.skip("PLEDGES_TEST_PG_URL is not set")
    point = tmp_path / "board.json"
    pledges("audit", "checkpoint", "--key", tmp_path / "k", "--out", point)
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        with pg_schema(admin, normalise_url(PG_URL)) as url:
            url = url.replace("pledges.keep_stamps%3Don", "pledges.keep_stamps%3Doff")
            assert pledges("copy", "--to", url).exit_code == 0
            copied = pledges("--db", url, "--lang", "en", "audit", "verify", "--checkpoint", point)
            assert copied.exit_code == 0, copied.output
    finally:
        admin.dispose()


def test_a_hand_made_change_to_the_hierarchy_table_is_named(pledges, ledger, history, make_org):
    """org_closure says which units a town's figures count: a row forged into it (DX-V1 counted
    under SX as well) or one removed is named by its organisation."""
    make_org("SX", "松门镇党委", parent="WL", kind="committee")
    assert verify(pledges).exit_code == 0
    with ledger.engine.begin() as connection:
        ids = dict(connection.execute(text("SELECT code, id FROM organisation")).all())
        connection.execute(text("INSERT INTO org_closure (ancestor_id, descendant_id, depth) VALUES (:a, :d, 1)"),
                           {"a": ids["SX"], "d": ids["DX-V1"]})
    _refused(verify(pledges), "organisation DX-V1", "org_closure")
    with ledger.engine.begin() as connection:
        connection.execute(text("DELETE FROM org_closure WHERE ancestor_id = :a AND descendant_id = :d"),
                           {"a": ids["SX"], "d": ids["DX-V1"]})
        connection.execute(text("DELETE FROM org_closure WHERE ancestor_id = :a AND descendant_id = :d"),
                           {"a": ids["WL"], "d": ids["DX"]})
    _refused(verify(pledges), "organisation DX ")
