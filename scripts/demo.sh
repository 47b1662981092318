#!/usr/bin/env bash
# `make demo`: a fresh SQLite ledger in ledgers/demo.db loaded with the small demo (three towns of
# 温岭, their branches and members, ~1,500 pledges as they stand today, their ratings and the
# questionnaires of a visit), then the dashboard, the visit report of 大溪镇 and 城北街道, the
# public notice board, and the audit history checked (hash chain and replay, docs/audit.md).
set -euo pipefail
mkdir -p ledgers
rm -f ledgers/demo.db ledgers/demo.db-wal ledgers/demo.db-shm
pledges --db ledgers/demo.db demo --scale small
pledges --db ledgers/demo.db dashboard
pledges --db ledgers/demo.db visit report --org WL-DX --org WL-CB --seed 2026-09-14 --units 4 \
    --out ledgers/visit-report.html
echo "点评报告：用浏览器打开 ledgers/visit-report.html（可按 A4 打印）"
# The public notice board (亮诺) of the demo's towns: static pages, A4 notices and plaques.
rm -rf ledgers/board
pledges --db ledgers/demo.db board build --out ledgers/board --base-url "file://$PWD/ledgers/board/"
pledges --db ledgers/demo.db audit verify
# The Chinese guide's practice ledger: the same small demo as of the day its examples were
# recorded (scripts/guide.py GUIDE_AS_OF), so a reader sees the guide's pledges and numbers.
rm -f ledgers/guide.db ledgers/guide.db-wal ledgers/guide.db-shm
pledges --db ledgers/guide.db demo --scale small --as-of 2026-11-25 >/dev/null
echo "用户手册 docs/zh/ 的练习台账：ledgers/guide.db（export PLEDGES_DB=ledgers/guide.db）"
