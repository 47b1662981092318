-- A province-sized ledger for the province benchmark of docs/performance.md (PostgreSQL only): 20 copies of the
-- demo city under one province committee ZJ.  Run it in a copy of a city demo:
--   createdb -h 127.0.0.1 -U postgres city_demo
--   pledges --db postgresql://postgres@127.0.0.1:5432/city_demo demo --scale city
--   createdb -h 127.0.0.1 -U postgres -T city_demo province
--   psql -h 127.0.0.1 -U postgres -d province -f bench/province.sql
-- Members are shared between the copies and audit events are not copied: only today's figures
-- (no --as-of replay) are meaningful on it.
BEGIN;
INSERT INTO organisation (code, name, kind, parent_id, created_at)
VALUES ('ZJ', '浙江省委（基准测试）', 'committee', NULL, now());
CREATE TEMP TABLE copies AS SELECT generate_series(1, 19) AS k;
CREATE TEMP TABLE orig_org AS SELECT * FROM organisation WHERE code <> 'ZJ';
CREATE TEMP TABLE org_map (k int, old_id int, new_id int);
INSERT INTO organisation (code, name, kind, parent_id, created_at)
SELECT 'P' || c.k || '-' || o.code, o.name, o.kind, NULL, o.created_at FROM orig_org o CROSS JOIN copies c;
INSERT INTO org_map SELECT c.k, o.id, n.id FROM orig_org o CROSS JOIN copies c
  JOIN organisation n ON n.code = 'P' || c.k || '-' || o.code;
UPDATE organisation n SET parent_id = mp.new_id
  FROM org_map m JOIN orig_org o ON o.id = m.old_id JOIN org_map mp ON mp.k = m.k AND mp.old_id = o.parent_id
  WHERE n.id = m.new_id;
INSERT INTO org_closure (ancestor_id, descendant_id, depth)
SELECT ma.new_id, md.new_id, oc.depth FROM org_closure oc
  JOIN org_map ma ON ma.old_id = oc.ancestor_id JOIN org_map md ON md.old_id = oc.descendant_id AND md.k = ma.k;
-- the province on top of every city root
UPDATE organisation SET parent_id = (SELECT id FROM organisation WHERE code = 'ZJ')
  WHERE parent_id IS NULL AND code <> 'ZJ';
INSERT INTO org_closure (ancestor_id, descendant_id, depth)
SELECT (SELECT id FROM organisation WHERE code = 'ZJ'), oc.descendant_id, oc.depth + 1
  FROM org_closure oc JOIN organisation r ON r.id = oc.ancestor_id AND r.parent_id = (SELECT id FROM organisation WHERE code = 'ZJ');
INSERT INTO org_closure (ancestor_id, descendant_id, depth) SELECT id, id, 0 FROM organisation WHERE code = 'ZJ';
-- the pledges, copied onto each city's copy (members shared: only "member or not" counts here)
INSERT INTO pledge (campaign_id, org_id, member_id, title, content, category, target, unit, qualitative, criterion,
                    due, original_due, state, outcome, finished_on, done, last_progress_on, approved_on,
                    created_at, updated_at, version)
SELECT p.campaign_id, m.new_id, p.member_id, p.title, p.content, p.category, p.target, p.unit, p.qualitative,
       p.criterion, p.due, p.original_due, p.state, p.outcome, p.finished_on, p.done, p.last_progress_on,
       p.approved_on, p.created_at, p.updated_at, p.version
  FROM pledge p JOIN org_map m ON m.old_id = p.org_id;
COMMIT;
ANALYZE;
SELECT count(*) AS pledges FROM pledge;
SELECT count(*) AS orgs FROM organisation;
