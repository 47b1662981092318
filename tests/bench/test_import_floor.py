"""The import benchmark's plain-SQL floor (bench/import_floor.py) is honest: what it writes is
exactly the ledger the import wrote, which still verifies, on SQLite and PostgreSQL."""

import os
import subprocess
from contextlib import ExitStack

from sqlalchemy import create_engine, text

from bench import import_bench, import_floor
from pledges.db import normalise_url
from support import pg_schema


def _rows(url: str) -> dict[str, list]:
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            return {table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))]
                    for table in import_floor.TABLES}
    finally:
        engine.dispose()


def test_the_floor_writes_the_very_rows_the_import_wrote_and_they_verify(db_url, tmp_path, request):
    orgs = [["WL", "温岭市委", "党委", None], ["T00", "第1镇党委", "党委", "WL"],
            ["T00-B000", "第1镇第1支部", "村", "T00"], ["T00-B001", "第1镇第2支部", "社区", "T00"]]
    members = [[f"M{i:07d}", f"党员{i}", orgs[2 + i % 2][0]] for i in range(6)]
    pledges = [[members[i % 6][2], members[i % 6][0] if i % 3 else None, f"承诺事项{i}", 1 + i, "户",
                f"2026-{1 + i % 12:02d}-28"] for i in range(40)]
    files = [tmp_path / "orgs.csv", tmp_path / "members.csv", tmp_path / "pledges.csv"]
    for path, header, data in zip(files, (import_bench.ORG_HEADERS, import_bench.MEMBER_HEADERS,
                                          import_bench.PLEDGE_HEADERS), (orgs, members, pledges)):
        import_bench.write_csv(path, header, data)
    import_bench.run_import(db_url, files)
    written = _rows(db_url)
    assert len(written["pledge"]) == 40 and len(written["audit_event"]) == 1 + 4 + 6 + 40  # campaign first
    import_floor.dump(db_url, tmp_path / "dump")

    with ExitStack() as stack:
        if db_url.startswith("sqlite"):
            target = f"sqlite:///{tmp_path / 'floor.db'}"
        else:  # a second schema of its own
            target = stack.enter_context(pg_schema(request.getfixturevalue("pg_admin"),
                                                   normalise_url(os.environ["PLEDGES_TEST_PG_URL"])))
        seconds, cpu = import_floor.floor(target, tmp_path / "dump", import_bench.PLEDGES)
        copied = _rows(target)
        verified = subprocess.run([str(import_bench.PLEDGES), "--lang", "en", "audit", "verify"],
                                  env={**os.environ, "PLEDGES_DB": target}, capture_output=True, text=True)
    assert seconds > 0 and cpu > 0
    assert copied == written
    assert verified.returncode == 0 and "audit history OK: 51 events" in verified.stdout
