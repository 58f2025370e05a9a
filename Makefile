# aitower: `make run` sets up and serves; `make test` runs every test. Only Python 3.11+ needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.stamp-run
DEV_STAMP := $(VENV)/.stamp-dev
PYTEST_ARGS ?=
OIDC_PROVIDER := tests/oidc_provider

LOCK := $(BIN)/uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock" --quiet

.PHONY: run test lint check docs lock audit clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "aitower needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Dependencies come from the lock files, pinned with their hashes (a clean install is the same
# install); then aitower itself, which adds nothing the lock does not hold.
$(RUN_STAMP): pyproject.toml requirements/run.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/run.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(DEV_STAMP): pyproject.toml requirements/dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e ".[dev]"
	touch $@ $(RUN_STAMP)

## run: install, migrate the embedded database, load the demo on first run, serve on :8000
run: $(RUN_STAMP)
	AITOWER_DEV_MODE=$${AITOWER_DEV_MODE:-1} $(BIN)/aitower serve --demo

# The single sign-on tests run a real OpenID provider (npm's oidc-provider) with Node.js; without
# npm they skip (CI requires them).
$(OIDC_PROVIDER)/node_modules/.stamp: $(OIDC_PROVIDER)/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --silent --no-audit --no-fund --prefix $(OIDC_PROVIDER) && touch $@; \
	else echo "no npm: the single sign-on tests will skip"; fi

## test: install the dev dependencies and run every test
test: $(DEV_STAMP) $(OIDC_PROVIDER)/node_modules/.stamp
	@# pytest exits 5 when it collects no test: report it, do not fail the build on it.
	@# -n auto: one worker per core (pytest-xdist); each worker has its own database templates.
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$rc

## lint: ruff, mypy --strict, the layers (import-linter's contracts in pyproject.toml), bandit
lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests docs bench scripts
	$(BIN)/ruff format --check src tests docs bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/bandit_gate.py

## check: every gate CI applies
check: lint test

## docs: regenerate the generated docs (permission matrix)
docs: $(RUN_STAMP)
	$(BIN)/aitower permissions doc

## lock: re-pin every dependency with its hashes after a change in pyproject.toml
lock: $(DEV_STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(LOCK) --extra dev -o requirements/dev.lock
	$(LOCK) -o requirements/run.lock

## audit: known vulnerabilities of the locked dependencies (pip-audit; needs the internet)
audit: $(DEV_STAMP)
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit --require-hashes --disable-pip -r requirements/dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
