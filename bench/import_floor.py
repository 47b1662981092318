"""The import's plain-SQL floor (docs/performance.md, "Spreadsheet import"): what the database
needs to take exactly the rows one ``pledges import`` wrote, and nothing else.

After the benchmark's import, the rows it left in the ledger (organisations, their closure,
members, pledges, the campaign, and one audit event per row with its hash) are read out as
the database stores them (not timed). Then a bare ``python -c`` program, interpreter start-up
included (its reading of the rows is not), writes them into a fresh ledger made by
``pledges init`` in one transaction: on SQLite
with the standard library's sqlite3, ``executemany`` per table, the secondary indexes dropped
first and built again after the rows, as the import's first load does; on PostgreSQL with
psycopg's ``COPY``, as the tables' owner keeping the events' own stamps and hashes (the cheapest
way into this schema; the import itself lets the trigger stamp them). No file is read, no
cell checked, no hash computed: whatever an import does, it cannot cost less than this."""

import marshal
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

# Parents before children, as the foreign keys want them.
TABLES = ("campaign", "organisation", "org_closure", "member", "pledge", "audit_event")

# Each program first reads the dump (its target, then the dump's path, are its arguments) and
# prints the CPU and wall seconds that took, which are not the floor's: the caller takes them off.
READ_DUMP = '''
import marshal, sys, time
target, dump = sys.argv[1:3]
cpu, wall = time.process_time(), time.perf_counter()
with open(dump, "rb") as file:
    tables = marshal.load(file)
print(time.process_time() - cpu, time.perf_counter() - wall)
'''

SQLITE_FLOOR = READ_DUMP + '''
import sqlite3
con = sqlite3.connect(target, isolation_level=None)
con.execute("BEGIN IMMEDIATE")
indexes = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                      "AND tbl_name IN ('member', 'pledge', 'audit_event') AND sql NOT LIKE 'CREATE UNIQUE%'").fetchall()
for name, _ in indexes:
    con.execute(f"DROP INDEX {name}")
for table, columns, rows in tables:
    marks = ", ".join("?" * len(columns))
    con.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
for _, sql in indexes:
    con.execute(sql)
con.execute("COMMIT")
'''

PG_FLOOR = READ_DUMP + '''
import psycopg
with psycopg.connect(target) as con:
    con.execute("SELECT set_config('pledges.keep_stamps', 'on', true)")
    for table, columns, data in tables:
        with con.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(data)
'''


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def dump(url: str, path: Path) -> int:
    """The rows of ``TABLES`` in the ledger at ``url`` (SQLAlchemy URL) into ``path``, as stored;
    returns how many rows."""
    if url.startswith("sqlite"):
        con = sqlite3.connect(url.split("///", 1)[1])
        tables = []
        for table in TABLES:
            columns = [row[1] for row in con.execute(f"PRAGMA table_info({table})")]
            tables.append((table, columns, con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()))
        con.close()
        count = sum(len(rows) for _, _, rows in tables)
    else:
        import psycopg

        tables, count = [], 0
        with psycopg.connect(conninfo(url)) as con:
            for table in TABLES:
                columns = [row[0] for row in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    "AND table_schema = current_schema() ORDER BY ordinal_position", (table,))]
                data = bytearray()
                with con.cursor().copy(f"COPY {table} ({', '.join(columns)}) TO STDOUT") as copy:
                    for block in copy:
                        data += block
                tables.append((table, columns, bytes(data)))
                count += con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    with open(path, "wb") as file:
        marshal.dump(tables, file)
    return count


def conninfo(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as the key=value connection string psycopg takes, its
    ``options`` (the schema, the stamps setting) kept whole."""
    from psycopg.conninfo import make_conninfo
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    given = dict(host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password,
                 dbname=parsed.database, options=parsed.query.get("options"))
    return make_conninfo(**{key: value for key, value in given.items() if value is not None})


def floor(fresh_url: str, dumped: Path, pledges_bin: Path) -> tuple[float, float]:
    """Seconds and CPU seconds (of the writing program alone) to write ``dumped`` into a new
    ledger at ``fresh_url``, made first by ``pledges init`` (not timed), reading the dump aside."""
    env = {**os.environ, "PLEDGES_DB": fresh_url}
    subprocess.run([str(pledges_bin), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    if fresh_url.startswith("sqlite"):
        argv = [sys.executable, "-c", SQLITE_FLOOR, fresh_url.split("///", 1)[1], str(dumped)]
    else:
        argv = [sys.executable, "-c", PG_FLOOR, conninfo(fresh_url), str(dumped)]
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(argv, check=True, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    reading_cpu, reading = map(float, done.stdout.split())
    return seconds - reading, cpu - reading_cpu
