# claimwatch — plain entry points for a fresh clone.
#   make demo   set up .venv, then check the bundled example against its offline snapshot
#   make test   set up .venv, then run the whole test suite (and ruff)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
EXAMPLE := examples/china-us-ai
DEMO   := demo-out

.PHONY: demo test lint bench clean setup

$(BIN)/claimwatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
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
	@echo "== claims overtaken by newer releases"
	@$(BIN)/claimwatch --config $(DEMO)/claimwatch.toml flags list --status open --rule superseded --verdict stale
	@echo "== this week's digest (archived, and the email it would send in $(DEMO)/outbox)"
	@$(BIN)/claimwatch --config $(DEMO)/claimwatch.toml digest --week "$$(date -u +%G-W%V)" \
		--dry-run $(DEMO)/outbox
	@echo "== the dashboard"
	@$(BIN)/claimwatch --config $(DEMO)/claimwatch.toml report --out $(DEMO)/dashboard
	@echo "== done. The store: $(DEMO)/claimwatch.sqlite; the alert email: $(DEMO)/outbox/"
	@echo "   try: $(BIN)/claimwatch --config $(DEMO)/claimwatch.toml flags list --claim qwen3-release"

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/bench_rules.py
	$(BIN)/python bench/bench_fetch.py

clean:
	rm -rf $(VENV) $(DEMO) *.egg-info .pytest_cache .ruff_cache
