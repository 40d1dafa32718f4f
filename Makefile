# CIB portal: developer tasks. `make` (or `make help`) lists the targets.
#
#   make run                        set up and run the portal at http://127.0.0.1:8000
#   make test                       set up and run the whole test suite
#   make test PYTEST_ARGS="-k foo"  pass arguments to pytest

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
VENV_PY := $(VENV)/bin/python
# Written after a successful install; the install runs again only when pyproject.toml changes.
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core. `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= auto

# Debian 12 package names. WeasyPrint (PDF reports) needs Pango and HarfBuzz's subsetter plus
# fonts; the browser tests drive the distribution's Chromium through Playwright.
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2
TEST_PACKAGES := chromium

# $(call apt_ensure,PACKAGES): install the missing ones with apt-get when root (apt-get update
# first, only if something is missing); otherwise print the sudo command and carry on.
define apt_ensure
	@missing=""; \
	for p in $(1); do \
	  dpkg-query -W -f='$${Status}\n' "$$p" 2>/dev/null | grep -q ' installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "System packages present: $(strip $(1))"; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "WARNING: no apt-get here. Install the equivalents of:$$missing"; exit 0; \
	fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing system packages:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q && apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends $$missing; \
	else \
	  echo "WARNING: missing system packages. Install them with:"; \
	  echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends$$missing"; \
	  echo "Continuing without them (PDF reports and/or browser tests will fail)."; \
	fi
endef

.PHONY: help run test install system-deps runtime-deps lint fmt bench assets migrate clean-var

help: ## List the targets (the default)
	@echo "CIB portal. Usage: make TARGET"
	@echo
	@awk 'BEGIN {FS = ":.*?## "} /^[a-zA-Z0-9_-]+:.*?## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo "Pass pytest arguments with: make test PYTEST_ARGS=\"-k reports -x\""

run: runtime-deps install ## Set up and run the portal with demo data at http://127.0.0.1:8000
	$(VENV_PY) scripts/run.py

test: system-deps install ## Set up and run the whole test suite (DATABASE_URL/REDIS_URL, else embedded)
	@# The embedded servers (when used) live as long as this wrapper, so pytest and the Celery
	@# workers it starts share them.
	$(VENV_PY) -m cib_portal.embedded $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

install: $(STAMP) ## Create .venv and install the project with its test dependencies

system-deps: ## Install the Debian packages (WeasyPrint libraries, fonts, Chromium)
	$(call apt_ensure,$(RUNTIME_PACKAGES) $(TEST_PACKAGES))

runtime-deps:
	$(call apt_ensure,$(RUNTIME_PACKAGES))

lint: install ## Check code and formatting with ruff, and types with mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# The services, selectors and access rules ([tool.mypy] files in pyproject.toml), with
	@# django-stubs; its settings (cib_portal.settings.typecheck) need no database or Redis.
	$(VENV)/bin/mypy

fmt: install ## Format the code and apply ruff's safe fixes
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install ## Run the benchmarks (bench/run.sh)
	@if [ -f bench/run.sh ]; then bash bench/run.sh; else echo "No bench/run.sh: nothing to run."; fi

assets: ## Rebuild the GOV.UK Frontend assets into static/ (frontend/build.sh)
	@if [ -f frontend/build.sh ]; then cd frontend && bash ./build.sh; \
	else echo "frontend/build.sh not found" >&2; exit 1; fi

migrate: install ## Apply database migrations (embedded servers unless DATABASE_URL is set)
	$(VENV_PY) manage.py migrate

clean-var: ## DELETE var/ (embedded PostgreSQL and Redis data, media, beat schedule)
	@if [ -f var/postgres/postmaster.pid ] && kill -0 "$$(head -1 var/postgres/postmaster.pid)" 2>/dev/null; then \
	  echo "The embedded PostgreSQL in var/postgres is running: stop 'make run' (and tests) first." >&2; \
	  exit 1; \
	fi
	@echo "WARNING: this deletes var/: the embedded database, Redis data and generated reports."
	@echo "Press Ctrl-C within 5 seconds to keep them."
	@sleep 5
	rm -rf var
	@echo "var/ removed. 'make run' recreates it with fresh demo data."

# --- the virtualenv ------------------------------------------------------------------------

# pip, not python, marks a usable venv: without python3-venv, `python3 -m venv` leaves a
# half-made .venv with a python but no pip.
$(VENV)/bin/pip:
	@if ! command -v $(PYTHON) >/dev/null 2>&1; then \
	  echo "ERROR: $(PYTHON) not found. Install Python 3.11 or newer (Debian 12: apt-get install python3)." >&2; \
	  exit 1; \
	fi
	@if ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
	  echo "ERROR: Python 3.11 or newer is required; $(PYTHON) is $$($(PYTHON) -V 2>&1)." >&2; \
	  echo "Install a newer Python, or run: make PYTHON=python3.11 ..." >&2; \
	  exit 1; \
	fi
	@echo "Creating $(VENV) with $$($(PYTHON) -V 2>&1)"
	@if ! $(PYTHON) -m venv $(VENV); then \
	  rm -rf $(VENV); \
	  venv_pkgs="python3-venv python$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"; \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "venv creation failed; installing $$venv_pkgs"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -q && apt-get install -y -q --no-install-recommends $$venv_pkgs && \
	    $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }; \
	  else \
	    echo "ERROR: could not create $(VENV). Install the venv module, then retry:" >&2; \
	    echo "    sudo apt-get install -y $$venv_pkgs" >&2; \
	    exit 1; \
	  fi; \
	fi

$(STAMP): pyproject.toml | $(VENV)/bin/pip
	@if ! $(VENV_PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
	  echo "ERROR: $(VENV) uses $$($(VENV_PY) -V 2>&1); Python 3.11+ is required. Remove $(VENV) and retry." >&2; \
	  exit 1; \
	fi
	$(VENV_PY) -m pip install --disable-pip-version-check -q --upgrade pip
	$(VENV_PY) -m pip install --disable-pip-version-check -e '.[test]'
	@touch $@
