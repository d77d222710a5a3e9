SHELL := /bin/bash

PY := .venv/bin/python
PYTEST_ARGS ?=
# make run PORT=8080 HOST=0.0.0.0 (default: 127.0.0.1:8000)
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test contract lint bench messages clean

# Local demo: embedded defaults (SQLite under var/), no env vars needed.
run:
	scripts/bootstrap.sh
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py demo_logins --host $(HOST) --port $(PORT)
	exec $(PY) manage.py serve_embedded $(HOST):$(PORT)

# Full suite against throwaway PostgreSQL 15 + Redis. The services are always
# stopped afterwards (success, failure or Ctrl-C); exits with pytest's code.
test:
	scripts/bootstrap.sh --system
	$(MAKE) --no-print-directory lint
	@set -uo pipefail; \
	trap 'rc=$$?; trap - EXIT INT TERM; scripts/test-services.sh stop || true; exit $$rc' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	scripts/test-services.sh start || exit 1; \
	source var/test-services.env; \
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The full API contract (issue 17): schemathesis with every check over every operation as three
# roles, 25 examples per operation and every phase for every role, in process
# (tests/api_contract/test_schemathesis.py, whose lighter share runs in make test) and over HTTP
# against live servers with the stateful phase too (test_contract_fuzz.py: about 50 min measured).
CONTRACT_EXAMPLES ?= 25
CONTRACT_PHASES ?= examples,coverage,fuzzing,stateful
contract:
	scripts/bootstrap.sh --system
	@set -uo pipefail; \
	trap 'rc=$$?; trap - EXIT INT TERM; scripts/test-services.sh stop || true; exit $$rc' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	scripts/test-services.sh start || exit 1; \
	source var/test-services.env; \
	CONTRACT_EXAMPLES=$(CONTRACT_EXAMPLES) CONTRACT_PHASES=$(CONTRACT_PHASES) $(PY) -m pytest -n 2 -p no:randomly \
	  tests/api_contract/test_schemathesis.py tests/api_contract/test_contract_fuzz.py $(PYTEST_ARGS)

# Import contracts (pyproject.toml [tool.importlinter]) and ruff: a second or two.
lint:
	.venv/bin/lint-imports --no-cache
	.venv/bin/ruff check .

bench:
	scripts/bootstrap.sh --system
	@set -uo pipefail; \
	trap 'rc=$$?; trap - EXIT INT TERM; scripts/test-services.sh stop || true; exit $$rc' EXIT; \
	trap 'exit 130' INT; trap 'exit 143' TERM; \
	scripts/test-services.sh start || exit 1; \
	source var/test-services.env; \
	export DATABASE_URL="$${DATABASE_OWNER_URL:-$$DATABASE_URL}"; \
	$(PY) bench/run.py

messages:
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	-scripts/test-services.sh stop
	rm -rf var .venv
