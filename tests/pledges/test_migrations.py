"""The Alembic chain, in the style of pytest-alembic's built-in tests, on SQLite and PostgreSQL:
one head, numbered like ``meta.schema_version``; upgrade from an empty database to the head;
every downgrade and upgrade again; the models match the migrated schema (no autogenerate
diff); a new ledger (``init``) is the migrated one; a ledger made before the migrations is
recognised, stamped and upgraded in place."""

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from ledger_dump import revision_of, unpack_fixture
from pledges.db import Ledger
from pledges.models import SCHEMA_VERSION
from pledges.schema import FIRST, HEAD, MIGRATIONS, alembic_config, migrate, transactional_engine


def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def run(url: str, target: str = "heads", downgrade: bool = False) -> None:
    engine = transactional_engine(url)
    try:
        with engine.begin() as connection:
            migrate(connection, target, downgrade=downgrade)
    finally:
        engine.dispose()


def describe(url: str, names: bool = True) -> dict:
    """Tables, columns, keys, indexes and triggers as the database reports them."""
    engine = transactional_engine(url, immediate=False)
    try:
        with engine.connect() as connection:
            found = inspect(connection)
            tables = {}
            for table in sorted(found.get_table_names()):
                named = (lambda item: item["name"]) if names else (lambda item: None)
                tables[table] = {
                    "columns": [(c["name"], str(c["type"]), c["nullable"], c.get("default")) for c in found.get_columns(table)],
                    "pk": found.get_pk_constraint(table)["constrained_columns"],
                    "fks": sorted((named(k), tuple(k["constrained_columns"]), k["referred_table"],
                                   tuple(k["referred_columns"])) for k in found.get_foreign_keys(table)),
                    "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                      for i in found.get_indexes(table)),
                    "uniques": sorted((named(u), tuple(u["column_names"])) for u in found.get_unique_constraints(table)),
                }
            tables["triggers"] = _triggers(connection)
            return tables
    finally:
        engine.dispose()


def _triggers(connection) -> list:
    if connection.dialect.name == "sqlite":
        found = connection.exec_driver_sql("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        return sorted((name, table, " ".join(sql.split())) for name, table, sql in found)
    found = connection.execute(text(
        "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"))
    return sorted((name, table, re.sub(r"\bt_\w+\.", "", definition)) for name, table, definition in found)


def test_one_head_numbered_like_the_schema_version():
    revisions = list(script().walk_revisions())
    assert script().get_heads() == [HEAD] and HEAD == f"{SCHEMA_VERSION:04d}"
    chain = [rev.revision for rev in reversed(revisions)]
    assert chain[0] == FIRST and chain == [f"{n:04d}" for n in range(int(FIRST), SCHEMA_VERSION + 1)]
    for rev in revisions:  # a linear chain, each file named after its number
        assert rev.down_revision == (None if rev.revision == FIRST else f"{int(rev.revision) - 1:04d}")
        assert re.fullmatch(rf"{rev.revision}_\w+\.py", rev.path.rsplit("/", 1)[-1])
    assert "import sqlmodel" in (MIGRATIONS / "script.py.mako").read_text()


def test_upgrade_from_empty_is_what_init_creates_and_every_downgrade_round_trips(db_url):
    run(db_url)
    migrated = describe(db_url)
    assert revision_of(db_url) == HEAD and Ledger(db_url).schema_version() == SCHEMA_VERSION
    for rev in script().walk_revisions():  # down to before each revision and up to the head again
        run(db_url, rev.down_revision or "base", downgrade=True)
        if rev.down_revision is None:
            assert set(describe(db_url)) == {"alembic_version", "triggers"} and describe(db_url)["triggers"] == []
        run(db_url)
        assert describe(db_url) == migrated
    run(db_url, "base", downgrade=True)
    with transactional_engine(db_url).begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
    assert Ledger(db_url).init() is True
    assert describe(db_url) == migrated
    assert revision_of(db_url) == HEAD


def test_the_models_match_the_migrated_schema(db_url):
    run(db_url)
    engine = transactional_engine(db_url, immediate=False)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        engine.dispose()


def test_a_ledger_made_before_the_migrations_is_revision_0003(tmp_path):
    """The schema-3 fixture, made by the code before migrations, has the tables, columns,
    keys, indexes and triggers of revision 0003 (SQLite named no constraints then)."""
    legacy = f"sqlite:///{unpack_fixture(tmp_path / 'legacy.db')}"
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    run(fresh, FIRST)
    expected = describe(fresh, names=False)
    del expected["alembic_version"]
    assert describe(legacy, names=False) == expected
    assert revision_of(legacy) == FIRST


def test_every_revision_sets_meta_schema_version(db_url):
    for rev in reversed(list(script().walk_revisions())):
        run(db_url, rev.revision)
        assert Ledger(db_url).schema_version() == int(rev.revision)


@pytest.mark.parametrize("found", [SCHEMA_VERSION - 1, SCHEMA_VERSION + 1])
def test_commands_on_an_older_or_newer_ledger_say_what_to_do_in_one_line(pledges, ledger, found):
    with ledger.engine.begin() as connection:
        connection.execute(text("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(found)})
    for args in (("list",), ("dashboard",), ("show", "1")):
        result = pledges("--lang", "en", *args)
        assert result.exit_code == 1 and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1
        expected = "run `pledges upgrade`" if found < SCHEMA_VERSION else "use a newer pledges"
        assert expected in result.stderr
