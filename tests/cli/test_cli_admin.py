"""``pledges upgrade | backup | restore | copy`` on SQLite and PostgreSQL: a ledger made before
the migrations upgrades in place with every figure, list and history unchanged; a backup
restores to the same rows; a copy to the other database and back gives the same rows; a
damaged backup, a non-empty target and a PostgreSQL upgrade without a backup are refused in
one line; a process killed half-way leaves the target as it was."""

import json
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from ledger_dump import kept, legacy_outputs, outputs, revision_of, rows, same_rows, unpack_fixture
from pledges.backup import backup
from pledges.db import Ledger
from pledges.errors import BackupNeeded
from pledges.models import SCHEMA_VERSION
from pledges.schema import FIRST, HEAD, migrate, transactional_engine
from pledges.transfer import copy_rows, snapshot, tables_of, writing
from pledges.upgrade import upgrade_ledger
from support import pg_schema

TESTS = Path(__file__).resolve().parent.parent
EXTRA = str(TESTS / "fixtures" / "extra_versions")  # a test-only revision after the head that rebuilds `pledge`
NEXT = SCHEMA_VERSION + 1  # its number


def file_of(url: str) -> Path | None:
    parsed = make_url(url)
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" else None


def is_pg(url: str) -> bool:
    return url.startswith("postgresql")


def one_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def ok(result):
    assert result.exit_code == 0, (result.output, result.stderr)
    return result


@pytest.fixture
def legacy(db_url, tmp_path) -> str:
    """``db_url`` holding the schema-3 fixture as the code before migrations left it: no
    ``alembic_version``, ``meta.schema_version`` 3.  On PostgreSQL: that code's ``create_all``
    (the same DDL, see test_migrations) and the fixture's rows."""
    fixture = unpack_fixture(tmp_path / "fixture.db")
    if not is_pg(db_url):
        fixture.rename(file_of(db_url))
        return db_url
    with writing(db_url) as target, snapshot(f"sqlite:///{fixture}") as source:
        migrate(target, FIRST)  # schema 3 exactly, then as if made before the revisions existed
        target.exec_driver_sql("DROP TABLE alembic_version")
        target.exec_driver_sql("DELETE FROM meta")
        copy_rows(source, target, which=tables_of(source))
    return db_url


@pytest.fixture
def other_url(db_url, tmp_path, request):
    """A second empty database on the same engine as ``db_url``."""
    if not is_pg(db_url):
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    with pg_schema(request.getfixturevalue("pg_admin"), db_url) as url:
        yield url


def stamped(url: str) -> bool:
    engine = transactional_engine(url, immediate=False)
    try:
        with engine.connect() as connection:
            return connection.dialect.has_table(connection, "alembic_version")
    finally:
        engine.dispose()


def tables_in(url: str) -> list[str]:
    engine = transactional_engine(url, immediate=False)
    try:
        with engine.connect() as connection:
            return inspect(connection).get_table_names()
    finally:
        engine.dispose()


def upgraded(pledges, url: str) -> str:
    ok(pledges("upgrade", "--no-backup"))
    return url


# --- upgrade -----------------------------------------------------------------------------------


def test_a_schema3_ledger_upgrades_in_place_with_every_figure_list_and_history_equal(pledges, legacy, tmp_path):
    held = rows(legacy)
    assert not stamped(legacy) and revision_of(legacy) == "0003"
    if is_pg(legacy):  # refused until a backup of the old ledger is taken
        assert "pledges backup" in one_line(pledges("upgrade"))
        assert not stamped(legacy) and same_rows(held, rows(legacy))
        ok(pledges("backup", tmp_path / "before.zip"))
        assert json.loads(zipfile.ZipFile(tmp_path / "before.zip").read("manifest.json"))["revision"] == "0003"
    done = ok(pledges("upgrade"))
    assert f"结构第 3 版 → 第 {SCHEMA_VERSION} 版" in done.stdout
    backups = list(tmp_path.glob("*.backup"))
    assert len(backups) == (0 if is_pg(legacy) else 1) and all(b.name in done.stderr for b in backups)
    assert stamped(legacy) and revision_of(legacy) == HEAD
    assert kept(legacy_outputs(), outputs(legacy)) and same_rows(held, rows(legacy))
    assert "nothing to do" in ok(pledges("--lang", "en", "upgrade")).stdout


def test_an_upgrade_that_rebuilds_a_table_keeps_every_row_and_backs_up_a_sqlite_file_first(legacy, tmp_path):
    held = rows(legacy)
    if is_pg(legacy):  # PostgreSQL: refused until a backup is taken (or --no-backup)
        with pytest.raises(BackupNeeded):
            upgrade_ledger(Ledger(legacy), version_locations=(EXTRA,))
        assert not stamped(legacy)
        backup(Ledger(legacy), tmp_path / "taken.zip")
    done = upgrade_ledger(Ledger(legacy), version_locations=(EXTRA,))
    assert (done.found, done.reached, done.stamped) == (3, NEXT, True)
    assert revision_of(legacy) == f"{NEXT:04d}" and Ledger(legacy).schema_version() == NEXT
    assert "test_note" in [c["name"] for c in inspect(Ledger(legacy).engine).get_columns("pledge")]
    assert kept(legacy_outputs(shows=False), outputs(legacy, shows=False))
    if not is_pg(legacy):  # the backup next to the file is the ledger before the upgrade
        assert done.backup.parent == file_of(legacy).parent and done.backup.name.startswith("ledger.db.0003-")
        restored = f"sqlite:///{tmp_path / 'before.db'}"
        from pledges.backup import restore

        restore(done.backup, restored)  # brought to the newest schema on the way
        assert same_rows(held, rows(restored))


def test_a_ledger_newer_than_the_program_is_refused_in_one_line(pledges, legacy, tmp_path):
    upgrade_ledger(Ledger(legacy), no_backup=True, version_locations=(EXTRA,))
    for args in (("list",), ("upgrade",), ("backup", tmp_path / "newer.zip")):
        assert "newer" in one_line(pledges("--lang", "en", *args))
    assert not (tmp_path / "newer.zip").exists()


def test_kill_9_during_an_upgrade_leaves_the_ledger_as_it_was_and_the_next_run_succeeds(legacy):
    before = rows(legacy)
    killed(["upgrade", "1", "upgrade", legacy, EXTRA])
    assert not stamped(legacy) and rows(legacy) == before
    assert "test_note" not in [c["name"] for c in inspect(Ledger(legacy).engine).get_columns("pledge")]
    upgrade_ledger(Ledger(legacy), no_backup=True, version_locations=(EXTRA,))
    assert revision_of(legacy) == f"{NEXT:04d}"


def killed(args: list[str]) -> None:
    """Run tests/hooked.py ARGS and SIGKILL it once it reaches its hook point."""
    process = subprocess.Popen([sys.executable, str(TESTS / "hooked.py"), *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.strip() == "HOOK", process.stderr.read()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


# --- backup and restore ------------------------------------------------------------------------


def test_backup_then_restore_gives_the_same_rows_on_a_new_file_and_on_an_empty_ledger(pledges, legacy, other_url,
                                                                                       tmp_path):
    upgraded(pledges, legacy)
    held = rows(legacy)
    saved = tmp_path / "ledger.zip"
    assert "18,1" in ok(pledges("backup", saved)).stdout
    manifest = json.loads(zipfile.ZipFile(saved).read("manifest.json"))
    assert manifest["revision"] == HEAD and len(manifest["sha256"]) == 64
    assert not list(tmp_path.glob("*.partial"))

    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    ok(pledges("--db", fresh, "restore", saved))
    assert rows(fresh) == held
    assert Ledger(other_url).init()
    ok(pledges("--db", other_url, "restore", saved))
    assert rows(other_url) == held
    assert "not an empty ledger" in one_line(pledges("--lang", "en", "--db", other_url, "restore", saved))
    assert rows(other_url) == held


def test_a_truncated_or_edited_backup_is_refused_in_one_line_and_nothing_is_written(pledges, legacy, tmp_path):
    upgraded(pledges, legacy)
    saved = tmp_path / "ledger.zip"
    ok(pledges("backup", saved))
    whole = saved.read_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(whole[: len(whole) // 2])
    edited = tmp_path / "edited.zip"  # the payload changed, the manifest (and its checksum) kept
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(edited, "w") as target:
        payload = bytearray(source.read("ledger.sqlite"))
        payload[-100] ^= 0xFF
        target.writestr("ledger.sqlite", bytes(payload))
        target.writestr("manifest.json", source.read("manifest.json"))
    for damaged, words in ((truncated, "not a whole ledger backup"), (edited, "fails its checksum"),
                           (tmp_path / "absent.zip", "no backup file")):
        target = tmp_path / f"from-{damaged.stem}.db"
        assert words in one_line(pledges("--lang", "en", "--db", target, "restore", damaged))
        assert not target.exists()
    assert list(tmp_path.glob(".pledges-restore-*")) == []


def test_a_backup_taken_while_four_processes_record_progress_restores_consistent(pledges, make_pledge, db_url,
                                                                                 tmp_path):
    ids = [make_pledge("displayed", target=100000) for _ in range(4)]
    stop = tmp_path / "stop"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, db_url, str(pledge_id), str(stop)],
                                stderr=subprocess.PIPE, text=True) for pledge_id in ids]
    try:
        wait_until_written(db_url, ids)
        for n in range(3):
            ok(pledges("backup", tmp_path / f"b{n}.zip"))
    finally:
        stop.touch()
        for writer in writers:
            assert writer.wait(timeout=60) == 0, writer.stderr.read()
    for n in range(3):
        restored = f"sqlite:///{tmp_path / f'r{n}.db'}"
        ok(pledges("--db", restored, "restore", tmp_path / f"b{n}.zip"))
        with Ledger(restored).engine.connect() as connection:
            for pledge_id in ids:
                done, recorded, events, last = connection.execute(text(CONSISTENT), {"id": pledge_id}).one()
                assert done == recorded == events == last


def wait_until_written(url: str, ids: list[int]) -> None:
    """Until each writer has recorded some progress (they take a moment to start)."""
    engine = Ledger(url).engine
    for _ in range(600):
        with engine.connect() as connection:
            if connection.scalar(text(f"SELECT MIN(done) FROM pledge WHERE id IN ({','.join(map(str, ids))})")):
                return
        time.sleep(0.1)
    raise AssertionError("the writers did not start")


WRITER = """
import sys
from pathlib import Path
from pledges.db import Ledger
from pledges.workflows.engine import run
ledger, pledge_id, stop = Ledger(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
while not stop.exists():
    run(ledger, [pledge_id], "record_progress", "writer", amount=1)
"""
# The pledge's amount, its progress records, its progress events and the last event's amount agree.
CONSISTENT = """
SELECT p.done,
       (SELECT COALESCE(SUM(amount), 0) FROM progress_record WHERE pledge_id = p.id),
       (SELECT COUNT(*) FROM audit_event WHERE entity = 'pledge' AND entity_id = p.id AND "trigger" = 'record_progress'),
       (SELECT done_after FROM audit_event WHERE entity = 'pledge' AND entity_id = p.id ORDER BY id DESC LIMIT 1)
FROM pledge p WHERE p.id = :id
"""


def test_kill_9_during_a_restore_leaves_the_target_empty_and_the_next_run_succeeds(pledges, legacy, other_url,
                                                                                   tmp_path):
    upgraded(pledges, legacy)
    saved = tmp_path / "ledger.zip"
    ok(pledges("backup", saved))
    Ledger(other_url).init()
    killed(["copy", "1", "restore", str(saved), other_url])
    assert Ledger(other_url).schema_version() is not None and rows(other_url)["pledge"] == []
    ok(pledges("--db", other_url, "restore", saved))
    assert rows(other_url) == rows(legacy)
    fresh = tmp_path / "fresh.db"  # a new SQLite file: killed while the payload is checked
    killed(["checksum", "1", "restore", str(saved), f"sqlite:///{fresh}"])
    assert not fresh.exists()
    ok(pledges("--db", fresh, "restore", saved))
    assert rows(f"sqlite:///{fresh}") == rows(legacy)


# --- copy --------------------------------------------------------------------------------------


def test_copy_to_the_other_database_and_back_gives_equal_rows_and_equal_figures(pledges, legacy, other_url, tmp_path):
    """SQLite → PostgreSQL → SQLite (on the PostgreSQL half; SQLite → SQLite → SQLite on the other)."""
    start = f"sqlite:///{tmp_path / 'start.db'}"
    unpack_fixture(file_of(start))
    ok(pledges("--db", start, "upgrade"))
    back = f"sqlite:///{tmp_path / 'back.db'}"
    assert "18,1" in ok(pledges("--db", start, "copy", "--to", other_url)).stdout
    ok(pledges("--db", other_url, "copy", "--to", back))
    assert rows(back) == rows(other_url) == rows(start)
    assert outputs(other_url) == outputs(start) == outputs(back)
    assert "not an empty ledger" in one_line(pledges("--lang", "en", "--db", start, "copy", "--to", other_url))
    # new rows on the copy take the next ids (PostgreSQL's sequences were moved past the copied ones)
    with Ledger(other_url).engine.connect() as connection:
        top = connection.scalar(text("SELECT MAX(id) FROM pledge"))
    added = ok(pledges("--db", other_url, "add", "--org", "WL", "--title", "新承诺", "--target", "3", "--unit", "次",
                       "--due", "2026-12-31"))
    assert added.stdout.strip() == str(top + 1)


def test_kill_9_during_a_copy_leaves_the_target_empty_and_the_next_run_succeeds(pledges, other_url, tmp_path):
    start = f"sqlite:///{unpack_fixture(tmp_path / 'start.db')}"
    ok(pledges("--db", start, "upgrade"))
    killed(["copy", "5000", "copy", start, other_url])
    assert Ledger(other_url).schema_version() is None and tables_in(other_url) == []
    ok(pledges("--db", start, "copy", "--to", other_url))
    assert rows(other_url) == rows(start)


def test_copy_refuses_the_ledger_itself(pledges, legacy, db_url):
    assert "--to is the ledger itself" in one_line(pledges("--lang", "en", "copy", "--to", db_url))


def test_the_progress_bar_appears_on_a_terminal_once_the_work_took_a_second(monkeypatch):
    from pledges.cli.admin_cmds import _progress

    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats stderr as a terminal
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    bar = _progress("en")
    with bar as update:
        update("copy", 10, 100)
        assert bar.bar is None  # quick work shows nothing
        bar.started -= 1.5
        update("copy", 50, 100)
        assert bar.bar is not None and bar.bar.tasks[0].completed == 50 and bar.bar.tasks[0].description == "copying rows"


def test_the_time_taken_is_said_only_when_a_person_waited_for_it(monkeypatch):
    # issue 15: "0.0 秒" after every small backup was noise, and made the guide's output vary
    from pledges.cli import admin_cmds

    monkeypatch.setattr(admin_cmds.time, "perf_counter", lambda: 100.0)
    assert admin_cmds._took(99.7, "zh") == "" and admin_cmds._took(99.9, "en") == ""
    assert admin_cmds._took(87.66, "zh") == "，用时 12.3 秒" and admin_cmds._took(99.0, "en") == ", 1.0 s"


def test_a_quick_backup_and_restore_say_what_and_where_without_a_time(pledges, make_pledge, tmp_path):
    make_pledge()
    saved = tmp_path / "quick.zip"
    said = ok(pledges("backup", saved)).stdout
    assert said.startswith("已备份 ") and f"到 {saved}（结构第 " in said, said
    assert re.search(r" 行，[\d.]+ [KM]B）\n$", said), said  # no "，用时 0.0 秒"
    fresh = tmp_path / "quick.db"
    said = ok(pledges("--db", fresh, "restore", saved)).stdout
    assert said.startswith(f"已从 {saved} 恢复到 sqlite:///{fresh}（") and said.endswith(" 行）\n"), said
    assert fresh.exists()
