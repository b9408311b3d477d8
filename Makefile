# The two commands that matter: `make run` (the demo) and `make test` (the whole suite).
# Both install the project's own packages first (.venv, web/node_modules). The two system
# packages the suite drives, Debian's Chromium and PostgreSQL 15, come from `make system-deps`,
# which `make test` runs first: as root it installs what is missing, otherwise it says what to
# install (it never runs apt-get as another user, and never when nothing is missing).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WEB_STAMP := src/pfa_vanguard/web_dist/index.html
WEB_SOURCES := $(shell find web -type f -not -path 'web/node_modules/*' -not -path 'web/dist/*' 2>/dev/null)

.PHONY: install run test test-pg15 test-fast test-slow coverage lint typecheck lock schema web \
	web-test web-lint system-deps browser clean

install: $(STAMP) $(WEB_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

# The web UI is built into the package so that `pfa serve` can serve it.
$(WEB_STAMP): $(WEB_SOURCES)
	@if [ -f web/package.json ]; then \
		cd web && (npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error) && npm run build; \
	else \
		mkdir -p src/pfa_vanguard/web_dist && echo '<!doctype html><title>PFA Vanguard</title><p>Web UI not built.</p>' > $(WEB_STAMP); \
	fi

web: $(WEB_STAMP)

# Unit tests of the UI's logic (sandbox, validation, costs, filters): Vitest.
web-test: $(WEB_STAMP)
	@if [ -f web/package.json ]; then cd web && npm test; fi

# ESLint and Prettier's check over the UI's sources (`cd web && npm run format` rewrites).
web-lint: $(WEB_STAMP)
	@if [ -f web/package.json ]; then cd web && npm run lint && npm run format:check; fi

# The system packages the suite drives: Debian's Chromium for the browser tests (never a
# downloaded browser) and Debian's PostgreSQL 15 for `make test-pg15`. Installed with apt-get
# when missing; only on request, and only as root (otherwise it says what to install).
SYSTEM_PACKAGES := chromium:/usr/bin/chromium postgresql-15:/usr/lib/postgresql/15/bin/initdb
system-deps:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do \
		[ -x "$${entry#*:}" ] || missing="$$missing $${entry%%:*}"; \
	done; \
	if [ -z "$$missing" ]; then echo "system packages: all present"; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y $$missing; \
	else echo "system packages missing:$$missing; run \`sudo make system-deps\`"; fi

browser: system-deps

run: install
	$(BIN)/pfa demo

test: install lint typecheck web-test web-lint system-deps
	$(BIN)/pytest
	$(MAKE) test-pg15

# The database-facing tests again on the oldest supported server: Debian's PostgreSQL 15 (apt-get
# installs it when missing and root), reached as a non-superuser owner (tests/pg_server.py).
# Tests that start the embedded server themselves stay in the main run.
PG15_TESTS := tests/integration/db tests/integration/sync tests/integration/drafts \
	tests/integration/api tests/integration/ai/test_scoped_role.py tests/integration/reliability \
	tests/integration/orgs tests/integration/ops/test_retention.py \
	tests/integration/ops/test_backup.py tests/integration/test_cli.py
PG15_EMBEDDED_ONLY := tests/integration/db/test_embedded.py \
	tests/integration/reliability/test_database_restart.py tests/integration/api/test_health.py
test-pg15: install
	$(BIN)/pytest --pg15 -m "not slow and not browser" $(PG15_TESTS) \
		$(addprefix --ignore=,$(PG15_EMBEDDED_ONLY))

test-fast: install
	$(BIN)/pytest -m "not slow and not browser" -x

test-slow: install
	$(BIN)/pytest -m slow || [ $$? -eq 5 ]

# A coverage figure of the suite without the slow and browser tests: reported, not a gate.
coverage: install
	$(BIN)/pytest -m "not slow and not browser" --cov --cov-report=term --cov-report=html:htmlcov

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/mypy

# Regenerate the lock after changing dependencies in pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev -o requirements.lock

# Regenerate the checked-in schema after adding a migration.
schema: $(STAMP)
	$(BIN)/python -m pfa_vanguard.db.schema_dump > src/pfa_vanguard/db/schema.sql

clean:
	rm -rf $(VENV) web/node_modules web/dist src/pfa_vanguard/web_dist
