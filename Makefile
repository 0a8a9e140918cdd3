# Two commands a user needs: `make run` and `make test`. Both set up .venv on first use and are
# quiet when nothing changed (the stamp file tracks pyproject.toml).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
PO := $(wildcard locales/*/LC_MESSAGES/*.po)
MO := $(PO:.po=.mo)

.PHONY: run test lint typecheck pytest soak locales extract bench clean

run: $(STAMP) $(MO)
	@$(BIN)/parcel-scout run

test: $(DEVSTAMP) $(MO) lint typecheck pytest

lint: $(DEVSTAMP)
	@$(BIN)/ruff check --quiet .
	@$(BIN)/ruff format --check --quiet .

typecheck: $(DEVSTAMP)
	@$(BIN)/mypy --no-error-summary

pytest: $(DEVSTAMP) $(MO)
	@$(BIN)/pytest

# The reliability suite's long form (issue 14): 10,000 hostile updates, 2,000 forged presses,
# 30 kill -9 runs ...; one "reliability: ..." line per test. `make test` runs the short form.
soak: $(DEVSTAMP) $(MO)
	@PARCEL_SCOUT_SOAK=1 $(BIN)/pytest tests/reliability

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	@$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(DEVSTAMP): pyproject.toml | $(VENV)/bin/python
	@$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@ $(STAMP)

# Compiled catalogs are build products (never committed); rebuilt when a .po changes.
locales/%.mo: locales/%.po | $(STAMP)
	@$(BIN)/pybabel compile --statistics -i $< -o $@ >/dev/null 2>&1 || $(BIN)/pybabel compile -i $< -o $@

locales: $(MO)

# Lists messages in the code that a catalog lacks (the test suite fails on them too).
extract: $(DEVSTAMP)
	@$(BIN)/pybabel extract --quiet -F babel.cfg -o locales/messages.pot --no-location --omit-header bot handlers storage
	@$(BIN)/python -m bot.i18n_check

bench: $(DEVSTAMP) $(MO)
	@for b in benchmarks/*_bench.py; do echo "== $$b"; PYTHONPATH=. $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) build locales/*/LC_MESSAGES/*.mo
