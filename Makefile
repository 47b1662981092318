# The two commands of the quick start.  Both build .venv themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint demo walkthrough bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The linter, then the whole suite; the PostgreSQL half runs when PLEDGES_TEST_PG_URL is set
# (.ci/run sets it).
test: lint
	$(BIN)/python -m pytest -n 2

# ruff, configured in pyproject.toml ([tool.ruff]).
lint: $(STAMP)
	$(BIN)/ruff check .

# A fresh SQLite ledger in ledgers/ loaded with the small demo (`pledges demo`), then the dashboard.
demo: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

# The benchmark of docs/performance.md, against Taskwarrior and plain SQL (minutes; not part of `make test`).
# Installs Taskwarrior with apt-get when run as root and it is missing; rewrites the results
# part of docs/performance.md.  The ledger and tasks are cached in .bench/.
bench: $(STAMP)
	$(BIN)/python bench/run.py --markdown docs/performance.md

# One town's pledges taken through every state by hand, command by command, then list and show.
walkthrough: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/walkthrough.sh

clean:
	rm -rf $(VENV) ledgers .bench *.egg-info
