"""``pledges secure`` on a database it is not for (its work on PostgreSQL: tests/pledges/test_pgsecurity.py)."""

from cli_support import ok, refused


def test_secure_refuses_sqlite_in_one_line(pledges, tmp_path):
    db = tmp_path / "ledger.db"
    ok(pledges("--db", db, "init"))
    line = refused(pledges("--db", db, "--lang", "en", "secure", "--owner", "pledges_owner"))
    assert "for PostgreSQL only" in line


def test_secure_refuses_a_role_name_that_is_not_one(pledges, db_url):
    ok(pledges("init"))
    line = refused(pledges("--lang", "en", "secure", "--owner", "Owner; DROP TABLE pledge"))
    assert ("cannot be a PostgreSQL role name" if db_url.startswith("postgresql") else "for PostgreSQL only") in line
