# Broadsheet: `make run` serves the demo newsroom, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install test lint check browser bench bench-scale cluster soak observatory audit lock clean

run: install
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py demo_newsroom
	@$(PY) manage.py demo_accounts
	@echo "Broadsheet is serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@# The desk worker publishes scheduled stories on time; it stops with the server.
	@$(PY) manage.py desk_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

install: $(INSTALLED)

$(INSTALLED): requirements.lock
	@python=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV) || exit 1; fi
	@echo "Installing locked dependencies into $(VENV)"
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

# Test tools outside PyPI: Debian's chromium for Playwright, Java for the Nu HTML checker,
# and vnu-jar/axe-core from npm (package-lock.json pins them).
browser: $(NODE_INSTALLED)
	@scripts/ensure-test-tools

$(NODE_INSTALLED): package.json package-lock.json
	@scripts/ensure-test-tools
	@npm ci --silent --no-audit --no-fund
	@touch $@

lint: install
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .

check: install
	@$(PY) manage.py check --fail-level WARNING
	@$(PY) manage.py makemigrations --check --dry-run > /dev/null || (echo "Model changes without migrations: run manage.py makemigrations" && exit 1)

test: install browser lint check
	@$(PY) -m pytest

bench: install
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) -m bench
	@$(PY) -m bench.lateness
	@$(PY) -m bench.imports
	@$(PY) -m bench.read_also
	@$(PY) -m bench.search
	@scripts/ensure-bench-tools && $(PY) -m bench.http

# A million articles on PostgreSQL: hours to import, so not part of `make bench`; a stopped run
# continues where it stopped (bench/scale.py).
bench-scale: install
	@$(PY) -m bench.scale

# Several web servers and workers behind Varnish, with PostgreSQL and Redis, all on loopback
# (bench/cluster.py); Ctrl-C stops every process.
cluster: install
	@scripts/ensure-bench-tools && $(PY) -m bench.cluster

# The cluster under 500 readers for 60 s while the desk publishes and parts of it fail
# (bench/soak.py): heavy, not part of `make bench`.
soak: install
	@scripts/ensure-bench-tools && $(PY) -m bench.soak

# MDN HTTP Observatory's grade for the production settings, served on loopback (bench/observatory.py;
# as root: the scanner knows only ports 80 and 443).
observatory: install
	@cd bench/tools/observatory && npm ci --ignore-scripts --silent --no-audit --no-fund
	@$(PY) -m bench.observatory

# Known vulnerabilities in requirements.lock (pip-audit, from a venv of its own).
audit:
	@scripts/audit-dependencies

lock: install
	@$(VENV)/bin/pip install --quiet uv && $(VENV)/bin/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.12 --quiet

clean:
	rm -rf $(VENV) node_modules var
