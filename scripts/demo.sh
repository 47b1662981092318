#!/usr/bin/env bash
# `make demo`: a fresh SQLite ledger in ledgers/demo.db loaded with the small demo (three towns of
# 温岭, their branches and members, ~1,500 pledges as they stand today), then the dashboard, and
# the audit history checked (hash chain and replay, docs/audit.md).
set -euo pipefail
mkdir -p ledgers
rm -f ledgers/demo.db ledgers/demo.db-wal ledgers/demo.db-shm
pledges --db ledgers/demo.db demo --scale small
pledges --db ledgers/demo.db dashboard
pledges --db ledgers/demo.db audit verify
