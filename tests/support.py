"""Constants and helpers the tests share (the fixtures are in conftest.py)."""

import re
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from pledges.db import Ledger
from pledges.models import AuditEvent, DisplayRecord, Rating, Pledge, PledgeVersion, ProgressRecord

# 10:00 on 2026-06-15 in Asia/Shanghai: mid-campaign, so due dates on both sides are easy.
NOW = datetime(2026, 6, 15, 2, 0, tzinfo=timezone.utc)
TODAY = date(2026, 6, 15)
ACTOR = "测试书记"


class Clock:
    """The injected clock: fixed until a test moves it."""

    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


# How to reach each state with valid arguments, from a fresh draft (12 done: over twice a target of
# 4, which random ledgers also use, so confirmed).
PATHS = {
    "draft": [],
    "submitted": [("submit", {})],
    "approved": [("submit", {}), ("approve", {})],
    "displayed": [("submit", {}), ("approve", {}), ("display", {"channel": "board"})],
    "in_progress": [("submit", {}), ("approve", {}), ("display", {"channel": "board"}),
                    ("record_progress", {"amount": 1})],
    "fulfilled": [("submit", {}), ("approve", {}), ("display", {"channel": "board"}),
                  ("record_progress", {"amount": 12, "confirm_over": True}), ("complete", {})],
    "unfulfilled": [("submit", {}), ("approve", {}), ("display", {"channel": "board"}),
                    ("fail", {"reason": "资金未到位"})],
    "evaluated": [("submit", {}), ("approve", {}), ("display", {"channel": "board"}),
                  ("record_progress", {"amount": 12, "confirm_over": True}), ("complete", {}), ("evaluate", {"grade": "good"})],
    "withdrawn": [("withdraw", {"reason": "重复"})],
}


CHILD_TABLES = (ProgressRecord, DisplayRecord, Rating, PledgeVersion)


def snapshot(ledger: Ledger, pledge_id: int) -> dict:
    """Everything the ledger holds about a pledge: its row and its records, for "nothing changed"."""
    with ledger.session() as session:
        row = session.get(Pledge, pledge_id).model_dump()
        counts = {t.__name__: session.scalar(select(func.count()).select_from(t).where(t.pledge_id == pledge_id))
                  for t in CHILD_TABLES}
        events = session.scalar(select(func.count()).select_from(AuditEvent))
    return {"pledge": row, "records": counts, "audit_events": events}


def pledge_row(ledger: Ledger, pledge_id: int) -> Pledge:
    with ledger.session() as session:
        return session.get(Pledge, pledge_id)


def events_of(ledger: Ledger, pledge_id: int) -> list[AuditEvent]:
    with ledger.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.entity == "pledge",
                                                             AuditEvent.entity_id == pledge_id)
                                    .order_by(AuditEvent.id)))


@contextmanager
def pg_schema(admin, url: str):
    """``url`` pointed at a new, empty PostgreSQL schema of its own, dropped afterwards."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    schema = f"t_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        # keep_stamps: the audit trigger keeps the injected clock's times (the suite runs as the
        # tables' owner; docs/audit.md); tests of the stamping itself turn it off.
        options = f"-csearch_path={schema} -cpledges.keep_stamps=on"
        yield make_url(url).update_query_dict({"options": options}).render_as_string(False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


# --- pages printed through chromium (the visit report, the guide's 速查卡) ---

CJK = re.compile(r"[\u3400-\u9fff]")
A4_POINTS = (595.3, 841.9)  # 210 × 297 mm


def cjk_nodes_checked(page, selectors, per_selector: int = 40) -> int:
    """Asserts that every node (of ``selectors``) holding Chinese text is drawn with a CJK font,
    and returns how many were checked.  A character no font has would be drawn by no font in
    the list chromium reports (a missing-glyph box)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    checked = 0
    for selector in selectors:
        for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"][:per_selector]:
            html = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
            if not CJK.search(re.sub(r"<[^>]+>", "", html)):
                continue
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            assert any("CJK" in f["familyName"] or "CJK" in f.get("postScriptName", "") for f in fonts), (
                selector, html, fonts)
            checked += 1
    return checked


def a4_pages(pdf: bytes) -> int:
    """How many pages the PDF has, asserting each is A4."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes, "no page in the PDF"
    for width, height in boxes:
        assert abs(float(width) - A4_POINTS[0]) < 2 and abs(float(height) - A4_POINTS[1]) < 2, (width, height)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pages == len(boxes), (pages, len(boxes))
    return pages
