#!/usr/bin/env bash
# `make demo`: a fresh SQLite ledger in demo/demo.db loaded with the small demo (three towns of
# 温岭, their branches and members, ~1,500 pledges as they stand today), then the dashboard.
set -euo pipefail
mkdir -p demo
rm -f demo/demo.db demo/demo.db-wal demo/demo.db-shm
pledges --db demo/demo.db demo --scale small
pledges --db demo/demo.db dashboard
