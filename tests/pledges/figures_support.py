"""An independent plain-SQL recount of the figures (docs/figures.md), to hold ``pledges.figures`` to.

Written differently on purpose: subtrees by a recursive walk of ``parent_id`` (not the closure
table), each pledge's standing by a correlated "latest event before the cut-off" (not a
group-by join), counts with COUNT(CASE …) (not SUM)."""

from datetime import date, datetime

from sqlalchemy import Date, bindparam, text

from pledges.models import UTCDateTime

STANDING = """
st AS (
    SELECT p.org_id, p.member_id, p.original_due, p.finished_on, p.target, p.qualitative, p.category,
           e.to_state AS state, e.due_after AS due, e.done_after AS done, e.outcome_after AS outcome
    FROM pledge p JOIN audit_event e ON e.entity = 'pledge' AND e.entity_id = p.id
    WHERE p.campaign_id = (SELECT id FROM campaign WHERE year = :year)
      AND e.id = (SELECT max(x.id) FROM audit_event x
                  WHERE x.entity = 'pledge' AND x.entity_id = p.id AND x.at < :cutoff)
)"""

COUNTS = """
  COUNT(CASE WHEN st.state NOT IN ('draft', 'withdrawn') THEN 1 END) AS declared,
  COUNT(CASE WHEN st.state NOT IN ('draft', 'withdrawn') AND st.member_id IS NULL THEN 1 END) AS org_pledges,
  COUNT(CASE WHEN st.state NOT IN ('draft', 'withdrawn') AND st.member_id IS NOT NULL THEN 1 END)
    AS member_pledges,
  COUNT(CASE WHEN st.state IN ('approved', 'displayed', 'in_progress', 'fulfilled', 'unfulfilled', 'evaluated')
        THEN 1 END) AS approved_or_later,
  COUNT(CASE WHEN st.state IN ('displayed', 'in_progress', 'fulfilled', 'unfulfilled', 'evaluated')
        THEN 1 END) AS displayed_or_later,
  COUNT(CASE WHEN st.state NOT IN ('draft', 'withdrawn') AND st.due <= :day THEN 1 END) AS due,
  COUNT(CASE WHEN st.outcome = 'fulfilled' THEN 1 END) AS fulfilled,
  COUNT(CASE WHEN st.outcome = 'fulfilled' AND st.due <= :day THEN 1 END) AS fulfilled_due,
  COUNT(CASE WHEN st.outcome = 'fulfilled' AND st.due <= :day AND st.finished_on <= st.original_due
        THEN 1 END) AS on_time,
  COUNT(CASE WHEN st.state IN ('approved', 'displayed', 'in_progress') AND st.due < :day THEN 1 END) AS overdue,
  COUNT(CASE WHEN st.outcome = 'unfulfilled' THEN 1 END) AS unfulfilled,
  COUNT(CASE WHEN st.state IN ('fulfilled', 'unfulfilled', 'evaluated') THEN 1 END) AS finished,
  COUNT(CASE WHEN st.state = 'evaluated' THEN 1 END) AS evaluated,
  AVG(CASE WHEN st.state IN ('displayed', 'in_progress') AND st.target > 0 AND NOT st.qualitative
      THEN CASE WHEN st.done >= st.target THEN 1.0 ELSE st.done * 1.0 / st.target END END) AS progress
"""

RECOUNT = ("WITH RECURSIVE sub(top, org) AS (SELECT id, id FROM organisation UNION ALL "
           "SELECT sub.top, o.id FROM sub JOIN organisation o ON o.parent_id = sub.org)," + STANDING
           + "\nSELECT o.code AS code," + COUNTS
           + "\nFROM organisation o LEFT JOIN sub ON sub.top = o.id LEFT JOIN st ON st.org_id = sub.org GROUP BY o.code")

# By unit kind (of the owner's organisation) or by category, over one organisation's subtree.
RECOUNT_BY = ("WITH RECURSIVE sub(org) AS (SELECT id FROM organisation WHERE code = :scope UNION ALL "
              "SELECT o.id FROM sub JOIN organisation o ON o.parent_id = sub.org)," + STANDING
              + "\nSELECT {key} AS code," + COUNTS
              + "\nFROM st JOIN organisation o ON o.id = st.org_id WHERE st.org_id IN (SELECT org FROM sub) "
              "GROUP BY {key}")

FIELDS = ("declared", "org_pledges", "member_pledges", "approved_or_later", "displayed_or_later", "due",
          "fulfilled", "fulfilled_due", "on_time", "overdue", "unfulfilled", "finished", "evaluated")


def recount(ledger, year: int, day: date, cutoff: datetime, by: str | None = None, scope: str | None = None
            ) -> dict[str, dict]:
    """Per organisation code: the §4 counts over its subtree, and its mean progress; with
    ``by`` ("kind" or "category"), per kind or category over ``scope``'s subtree."""
    sql = RECOUNT if by is None else RECOUNT_BY.format(key={"kind": "o.kind", "category": "st.category"}[by])
    query = text(sql).bindparams(bindparam("cutoff", type_=UTCDateTime()), bindparam("day", type_=Date()))
    with ledger.engine.connect() as conn:
        rows = conn.execute(query, {"year": year, "day": day, "cutoff": cutoff, "scope": scope}).mappings().all()
    return {row["code"]: {**{f: int(row[f]) for f in FIELDS},
                          "progress": None if row["progress"] is None else float(row["progress"])}
            for row in rows}
