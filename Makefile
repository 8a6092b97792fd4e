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
	@echo "== claimwatch check on the bundled example (SQLite in $(DEMO)/, offline snapshot)"
	-$(BIN)/claimwatch --config $(DEMO)/claimwatch.toml check --all --replay $(EXAMPLE)/snapshot
	@echo "== open flags in the store"
	$(BIN)/claimwatch --config $(DEMO)/claimwatch.toml flags list --status open

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/bench_rules.py
	$(BIN)/python bench/bench_fetch.py

clean:
	rm -rf $(VENV) $(DEMO) *.egg-info .pytest_cache .ruff_cache
