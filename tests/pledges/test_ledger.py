"""The ledger's storage guarantees: UTC times, an append-only audit log, initialisation."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from pledges.db import Ledger
from pledges.errors import DatabaseFailed, NeedsUpgrade, NotInitialised, SchemaMismatch
from pledges.models import SCHEMA_VERSION
from support import events_of, pledge_row


def test_times_come_back_in_utc_whatever_zone_they_were_given_in(ledger, make_pledge, clock):
    clock.now = datetime(2026, 6, 15, 23, 30, tzinfo=timezone(timedelta(hours=8)))
    pledge_id = make_pledge()
    row = pledge_row(ledger, pledge_id)
    assert row.created_at == datetime(2026, 6, 15, 15, 30, tzinfo=timezone.utc)
    assert row.created_at.tzinfo is not None


def test_the_audit_log_refuses_updates_and_deletes(ledger, make_pledge):
    pledge_id = make_pledge("submitted")
    for statement in ("UPDATE audit_event SET actor = 'someone else'", "DELETE FROM audit_event"):
        with pytest.raises(DatabaseFailed, match="append-only") as refused:  # translated where the session is
            with ledger.session() as session:
                session.execute(text(statement))
        assert isinstance(refused.value.__cause__, DatabaseError)
    assert [e.actor for e in events_of(ledger, pledge_id)] == ["测试书记", "测试书记"]


def test_init_creates_once_and_a_bare_database_is_refused(db_url, clock):
    bare = Ledger(db_url, clock=clock)
    with pytest.raises(NotInitialised, match="run `pledges init` first"):
        bare.check()
    assert bare.init() is True
    assert bare.init() is False
    assert bare.check().schema_version() == SCHEMA_VERSION
    bare.dispose()


def test_an_older_ledger_asks_for_pledges_upgrade_and_a_newer_one_is_refused(ledger):
    with ledger.session() as session:
        session.execute(text("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))
    with pytest.raises(NeedsUpgrade) as refused:
        Ledger(ledger.url, clock=ledger.clock).check()
    assert f"schema version 1; this program needs version {SCHEMA_VERSION}: run `pledges upgrade`" in \
        refused.value.message("en")
    assert "请先运行 pledges upgrade" in refused.value.message("zh")
    with ledger.session() as session:
        session.execute(text(f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'"))
    with pytest.raises(SchemaMismatch) as refused:
        Ledger(ledger.url, clock=ledger.clock).check()
    assert "newer than this program's" in refused.value.message("en")


def test_today_is_the_campaign_day_not_the_utc_day(ledger, clock):
    clock.now = datetime(2026, 6, 14, 16, 30, tzinfo=timezone.utc)  # 00:30 on the 15th in Shanghai
    assert ledger.today() == date(2026, 6, 15)
