# aitower: `make run` sets up and serves; `make test` runs every test. Only Python 3.11+ needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.stamp-run
DEV_STAMP := $(VENV)/.stamp-dev
PYTEST_ARGS ?=

.PHONY: run test lint check docs clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "aitower needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(RUN_STAMP)

## run: install, migrate the embedded database, load the demo on first run, serve on :8000
run: $(RUN_STAMP)
	AITOWER_DEV_MODE=$${AITOWER_DEV_MODE:-1} $(BIN)/aitower serve --demo

## test: install the dev dependencies and run every test
test: $(DEV_STAMP)
	@# pytest exits 5 when it collects no test: report it, do not fail the build on it.
	@# -n auto: one worker per core (pytest-xdist); each worker has its own database templates.
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

## lint: ruff, mypy --strict and the layers (import-linter's contracts in pyproject.toml)
lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests docs bench
	$(BIN)/ruff format --check src tests docs bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## check: every gate CI applies
check: lint test

## docs: regenerate the generated docs (permission matrix)
docs: $(RUN_STAMP)
	$(BIN)/aitower permissions doc

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
