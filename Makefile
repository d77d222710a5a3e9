SHELL := /bin/bash

PY := .venv/bin/python
PYTEST_ARGS ?=

.PHONY: run test lint bench messages clean

# Local demo: embedded defaults (SQLite under var/), no env vars needed.
run:
	scripts/bootstrap.sh
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py demo_logins
	exec $(PY) manage.py serve_embedded 127.0.0.1:8000

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
