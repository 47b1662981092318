"""The plain-SQL floors: what the same answers cost from a bare ``python3 -c`` with the
standard library's sqlite3, interpreter start-up included (that is what "the floor" means).

Each is a program for ``python -c SOURCE DB YEAR DAY`` that prints its rows as JSON.
"""

# The dashboard's counts for every organisation, each pledge counted in its owner's
# organisation and every ancestor: one statement, grouped by organisation first and then
# rolled up through the closure table (STYLE.md: much faster than joining every pledge to
# every ancestor row).
DASHBOARD = '''
import json, sqlite3, sys
db, year, day = sys.argv[1:4]
rows = sqlite3.connect(db).execute("""
WITH per_org AS (
  SELECT p.org_id AS org_id,
         SUM(p.state NOT IN ('draft', 'withdrawn')) AS declared,
         SUM(p.state NOT IN ('draft', 'withdrawn') AND p.due <= :day) AS due,
         SUM(p.outcome = 'fulfilled') AS fulfilled,
         SUM(p.state IN ('approved', 'displayed', 'in_progress') AND p.due < :day) AS overdue
  FROM pledge p JOIN campaign c ON c.id = p.campaign_id
  WHERE c.year = :year
  GROUP BY p.org_id)
SELECT o.code, SUM(declared), SUM(due), SUM(fulfilled), SUM(overdue)
FROM per_org JOIN org_closure oc ON oc.descendant_id = per_org.org_id
JOIN organisation o ON o.id = oc.ancestor_id
GROUP BY o.id ORDER BY o.code""", {"day": day, "year": int(year)}).fetchall()
print(json.dumps(rows, ensure_ascii=False))
'''

# The overdue pledges of the campaign, most days late first.
OVERDUE = '''
import json, sqlite3, sys
db, year, day = sys.argv[1:4]
rows = sqlite3.connect(db).execute("""
SELECT p.id, o.code, p.title, p.due, CAST(julianday(:day) - julianday(p.due) AS INTEGER) AS days_late
FROM pledge p JOIN campaign c ON c.id = p.campaign_id
JOIN organisation o ON o.id = p.org_id
WHERE c.year = :year AND p.state IN ('approved', 'displayed', 'in_progress') AND p.due < :day
ORDER BY days_late DESC, p.id""", {"day": day, "year": int(year)}).fetchall()
print(json.dumps(rows, ensure_ascii=False))
'''

PASS = "pass"

# The first 50 pledges of the campaign with their organisation and member, by id.
LIST = '''
import json, sqlite3, sys
db, year, day = sys.argv[1:4]
rows = sqlite3.connect(db).execute("""
SELECT p.id, o.code, m.name, p.title, p.state, p.due, p.done, p.target, p.unit
FROM pledge p JOIN campaign c ON c.id = p.campaign_id
JOIN organisation o ON o.id = p.org_id LEFT JOIN member m ON m.id = p.member_id
WHERE c.year = :year ORDER BY p.id LIMIT 50""", {"year": int(year)}).fetchall()
print(json.dumps(rows, ensure_ascii=False))
'''
