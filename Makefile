# claimwatch — plain entry points for a fresh clone.
#   make demo   set up .venv, then check the bundled example against its offline snapshot
#   make test   set up .venv, then ruff and the whole test suite on SQLite, then on
#               PostgreSQL when it answers on 127.0.0.1 (PG_TEST_URL); with CI set, a
#               PostgreSQL that does not answer fails the run
#   make quality  score the verdicts on the labelled world in bench/quality/ against an
#                 editor's labels: recall, precision, suggestions that resolve their flag
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXAMPLE := examples/china-us-ai
DEMO   := demo-out
# the server database the PostgreSQL test run connects to first; it makes its own
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
# pytest-xdist workers for the parallel pass; the tests marked serial run after it, alone
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -q
SUITE  := $(PYTEST) -n $(TEST_WORKERS) -m "not serial" && $(PYTEST) -m serial

.PHONY: demo test lint bench quality clean setup

$(BIN)/claimwatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,postgres]"
	@touch $@

setup: $(BIN)/claimwatch

demo: setup
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	@cp $(EXAMPLE)/claimwatch.toml $(EXAMPLE)/claims.toml $(EXAMPLE)/page.md $(DEMO)/
	@echo "== claimwatch check: the example page against the bundled offline snapshot"
	@$(BIN)/claimwatch --config $(DEMO)/claimwatch.toml check --all \
		--replay $(EXAMPLE)/snapshot --alerts-dry-run $(DEMO)/outbox \
		> $(DEMO)/check-report.txt; rc=$$?; \
		tail -n 1 $(DEMO)/check-report.txt; \
		echo "   (every new flag with its evidence: $(DEMO)/check-report.txt)"; \
		[ $$rc -le 1 ] || { cat $(DEMO)/check-report.txt; exit $$rc; }
	@echo "== claims the world now contradicts"
	@$(BIN)/claimwatch --config $(DEMO)/claimwatch.toml flags list --status open --verdict contradicted
	@echo "== one claim's card: every open cause, and the sentence it could read"
	@$(BIN)/claimwatch --config $(DEMO)/claimwatch.toml flags list --by-claim --claim us-frontier-thesis
	@echo "== this week's digest (archived, and the email it would send in $(DEMO)/outbox)"
	@$(BIN)/claimwatch --config $(DEMO)/claimwatch.toml digest --week "$$(date -u +%G-W%V)" \
		--dry-run $(DEMO)/outbox
	@echo "== the dashboard"
	@$(BIN)/claimwatch --config $(DEMO)/claimwatch.toml report --out $(DEMO)/dashboard
	@echo "== done. The store: $(DEMO)/claimwatch.sqlite; the alert email: $(DEMO)/outbox/"
	@echo "   try: $(BIN)/claimwatch --config $(DEMO)/claimwatch.toml flags list --claim qwen3-release"

# The same example started from the page alone: init drafts the config and the claims.
demo-from-page: setup
	@rm -rf $(DEMO) && mkdir -p $(DEMO) && cp $(EXAMPLE)/page.md $(DEMO)/
	@$(BIN)/claimwatch init --from-page $(DEMO)/page.md --dir $(DEMO)
	@$(BIN)/claimwatch --config $(DEMO)/claimwatch.toml check --all \
		--replay $(EXAMPLE)/snapshot --alerts-dry-run $(DEMO)/outbox \
		> $(DEMO)/check-report.txt; rc=$$?; tail -n 1 $(DEMO)/check-report.txt; \
		[ $$rc -le 1 ] || { cat $(DEMO)/check-report.txt; exit $$rc; }
	@$(BIN)/claimwatch --config $(DEMO)/claimwatch.toml flags list --status open --verdict contradicted

test: setup
	$(BIN)/ruff check .
	export CLAIMWATCH_TEST_DATABASE_URL= && $(SUITE)
	@if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1; then \
		echo "== the suite again on PostgreSQL ($(PG_TEST_URL))"; \
		export CLAIMWATCH_TEST_DATABASE_URL="$(PG_TEST_URL)" && $(SUITE); \
	elif [ -n "$$CI" ]; then \
		echo "== CI: PostgreSQL is not answering on 127.0.0.1: the PostgreSQL run must not be skipped"; \
		exit 1; \
	else \
		echo "== PostgreSQL is not answering on 127.0.0.1: the PostgreSQL run is skipped"; \
	fi

bench: setup
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/bench_rules.py
	$(BIN)/python bench/bench_fetch.py
	$(BIN)/python bench/bench_feed_conformance.py
	$(BIN)/python bench/bench_peers.py
	$(BIN)/python bench/bench_import.py
	@if pg_isready -q -h 127.0.0.1 2>/dev/null; then $(BIN)/python bench/bench_workers.py; \
	else echo "== bench_workers needs PostgreSQL on 127.0.0.1: skipped"; fi

quality: setup
	$(BIN)/python bench/quality/score.py

clean:
	rm -rf $(VENV) $(DEMO) *.egg-info .pytest_cache .ruff_cache
