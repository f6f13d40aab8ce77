# Corsia — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000
# The web server (granian, WSGI): processes and threads per process (docs/configuration.md,
# "Web processes and connection pooling"); `WEB_PROCESSES=2 make run`.
WEB_PROCESSES ?= 1
WEB_THREADS ?= 4
# DATABASE_URL wins; otherwise the embedded PostgreSQL under var/ is started.
# The tests and the tools connect as its superuser (pytest-django creates the test database);
# the web server and the worker as the application role, which owns nothing; migrations run
# as the owner (DATABASE_OWNER_URL, else DATABASE_URL: one role). docs/configuration.md.
DB_URL = $${DATABASE_URL:-$$($(PY) tools/devdb.py url)}
APP_DB_URL = $${DATABASE_URL:-$$($(PY) tools/devdb.py url --role app)}
OWNER_DB_URL = $${DATABASE_OWNER_URL:-$${DATABASE_URL:-$$($(PY) tools/devdb.py url --role owner)}}
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

.PHONY: help install system-deps static run test test-outside test-fast test-long test-schema lint typecheck bench stop-db migrate demo worker messages

help:
	@echo "make run    install, start PostgreSQL, migrate, load reference + demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   install and run the whole suite (lint, types, import contracts, tests)"
	@echo "make test-fast  only the tests without a browser, LDAP or the bench smoke run (no lint/types)"
	@echo "make test-long  durability: PostgreSQL killed under concurrent writes, 20 times (many minutes)"
	@echo "make test-schema  rebuild the test database snapshot after adding a migration (then commit it)"
	@echo "make bench  build a synthetic hospital and print the benchmark figures"

$(VENV)/.installed: pyproject.toml uv.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(VENV)/bin/uv || { $(PY) -m ensurepip -q >/dev/null 2>&1; $(PY) -m pip install -q "uv==$(UV_VERSION)"; }
	@VIRTUAL_ENV=$(abspath $(VENV)) $(VENV)/bin/uv sync --frozen --active -q
	@touch $@

node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

system-deps:
	@bash tools/system-deps.sh

install: system-deps $(VENV)/.installed node_modules/.installed $(MO_FILES)

# Translations: locale/<lang>/LC_MESSAGES/django.po (committed) -> .mo (built, git-ignored).
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	@msgfmt --check -o $@ $<

messages: install
	@CORSIA_TESTING=1 DATABASE_URL="$(DB_URL)" $(PY) manage.py makemessages -l en --no-location \
	  --ignore=.venv --ignore=node_modules --ignore=var --ignore=test-artifacts

static: install
	@CORSIA_DEMO=1 DATABASE_URL="$(APP_DB_URL)" $(PY) manage.py collectstatic --noinput -v0

migrate: install
	@CORSIA_DEMO=1 DATABASE_OWNER_URL="$(OWNER_DB_URL)" DATABASE_URL="$(APP_DB_URL)" \
	  $(PY) manage.py migrate --noinput -v0

demo: migrate
	@CORSIA_DEMO=1 DATABASE_URL="$(APP_DB_URL)" $(PY) manage.py corsia_setup --demo

run: demo static
	@echo "Corsia at http://$(HOST):$(PORT)/ — demo users in README.md (password corsia-demo)"
	@echo "HL7 v2.5 listener (MLLP) at $${CORSIA_HL7_HOST:-127.0.0.1}:$${CORSIA_HL7_PORT:-2575}"
	@echo "FSE 2.0 gateway simulator at http://127.0.0.1:8089/v1 (corsia/fse/README.md)"
	@export CORSIA_DEMO=1 DATABASE_URL="$(APP_DB_URL)" \
	  CORSIA_FSE_GATEWAY_URL="$${CORSIA_FSE_GATEWAY_URL:-http://127.0.0.1:8089/v1}"; \
	  $(PY) manage.py procrastinate worker & worker=$$!; \
	  $(PY) manage.py hl7_listener & hl7=$$!; \
	  $(PY) manage.py fse_gateway_simulator --port 8089 & fse=$$!; \
	  trap "kill $$worker $$hl7 $$fse 2>/dev/null" EXIT INT TERM; \
	  $(VENV)/bin/granian --interface wsgi --host $(HOST) --port $(PORT) --workers $(WEB_PROCESSES) --blocking-threads $(WEB_THREADS) --backpressure 16 \
	    config.wsgi:application

worker: install
	@DATABASE_URL="$(APP_DB_URL)" $(PY) manage.py procrastinate worker

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/lint-imports --no-cache
	@CORSIA_TESTING=1 DATABASE_URL="$(DB_URL)" $(PY) manage.py makemigrations --check --dry-run -v1
	@CORSIA_TESTING=1 DATABASE_URL="$(DB_URL)" $(PY) tools/test_schema.py --check

typecheck: install
	@CORSIA_TESTING=1 DATABASE_URL="$(DB_URL)" $(VENV)/bin/mypy .

test: install
	@export CORSIA_TESTING=1 DATABASE_URL="$(DB_URL)"; \
	  $(MAKE) --no-print-directory lint typecheck && \
	  $(PY) -m pytest -n 2 --dist loadgroup -q --durations=25 -m "not outside and not long" $(PYTEST_ARGS)

# The API probed from outside (schemathesis over every operation, two roles; the permission
# matrix, masking and trial-monitor probes with bearer tokens); CI runs it
# after make test.
test-outside: install
	@export CORSIA_TESTING=1 DATABASE_URL="$(DB_URL)"; \
	  $(PY) -m pytest -n 2 -q -m outside $(PYTEST_ARGS)

# The inner loop: unit, database and API tests; no Chromium, slapd or benchmark run, and
# no lint/types/contracts (make lint, make typecheck). Markers: pyproject.toml.
FAST_MARKERS := not browser and not ldap and not bench and not outside and not long
test-fast: install
	@export CORSIA_TESTING=1 DATABASE_URL="$(DB_URL)"; \
	  $(PY) -m pytest -n 2 --dist loadgroup -q -m "$(FAST_MARKERS)" $(PYTEST_ARGS)

# The test databases are cloned from a template built from the committed snapshot of what
# the migrations build (corsia/testing/dbtemplate.py); a branch that only adds migrations
# gets the snapshot with them applied (seconds). Before committing a migration, rebuild
# the snapshot (a few minutes: the real migrate, from nothing) and commit it.
test-schema: install
	@CORSIA_TESTING=1 DATABASE_URL="$(DB_URL)" $(PY) tools/test_schema.py

# Durability (docs/security.md §17): a PostgreSQL of its own under var/, killed with SIGKILL
# under concurrent audited writes 20 times (CORSIA_DURABILITY_CYCLES); every acknowledged
# write must survive and the audit chains verify. Many minutes; not part of make test.
test-long: install
	@export CORSIA_TESTING=1 DATABASE_URL="$(DB_URL)"; \
	  $(PY) -m pytest -p no:xdist -q -s -m long $(PYTEST_ARGS)

# the bench's server is the production one: its pages need the collected, fingerprinted
# static files (without them every page answered 500, a missing manifest entry)
bench: install static
	@DATABASE_URL="$${DATABASE_URL:-$$(CORSIA_DB_NAME=corsia_bench $(PY) tools/devdb.py url)}" \
	  CORSIA_DEMO=1 $(PY) -m bench $(if $(SCALE),--scale $(SCALE),)

stop-db:
	@$(PY) tools/devdb.py stop
