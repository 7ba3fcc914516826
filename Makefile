# civic — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in mail and open data name the address `make run` serves on (any HOST/PORT).
CIVIC_PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
# Petitions are signed through the development identity provider or by e-mail (docs/identity.md);
# the development provider runs only on a loopback address (civic refuses to start with it
# elsewhere), so when CIVIC_PUBLIC_BASE_URL is another address they sign by e-mail only.
DEV_PROVIDERS := ["dev", "email"]
LOOPBACK_URLS := http://127.% http://localhost:%
CIVIC_IDENTITY_PROVIDERS ?= $(if $(filter $(LOOPBACK_URLS),$(CIVIC_PUBLIC_BASE_URL)),$(DEV_PROVIDERS),["email"])

.PHONY: run test lint format bench load demo clean-venv

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "civic needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

## make run: install, migrate the SQLite database in instance/, load the demo once, serve.
run: $(VENV)/.installed
	$(BIN)/civic db upgrade
	CIVIC_PUBLIC_BASE_URL=$(CIVIC_PUBLIC_BASE_URL) $(BIN)/civic demo
	@echo "civic: http://$(HOST):$(PORT)/  (staff: http://$(HOST):$(PORT)/login)"
	CIVIC_PUBLIC_BASE_URL=$(CIVIC_PUBLIC_BASE_URL) CIVIC_IDENTITY_PROVIDERS='$(CIVIC_IDENTITY_PROVIDERS)' \
	  $(BIN)/civic run --host $(HOST) --port $(PORT)

## make test: install the test extra, check the machine (tests/support/preflight.py: as root on
## Debian it installs chromium and postgresql, otherwise it stops naming what to install), then
## run the whole suite (SQLite and PostgreSQL) on TEST_WORKERS processes (pytest-xdist; each
## with its own PostgreSQL server and Chromium), listing the 15 slowest tests.
TEST_WORKERS ?= 2
test: $(VENV)/.installed-test
	$(BIN)/python -m tests.support.preflight
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --durations=15

lint: $(VENV)/.installed-test
	$(BIN)/ruff check civic tests benchmarks
	$(BIN)/ruff format --check civic tests benchmarks

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix civic tests benchmarks
	$(BIN)/ruff format civic tests benchmarks

## make bench: speed and memory on real and generated data (not run by CI).
bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

## make load: bounded load test against gunicorn -w 2 on SQLite and PostgreSQL (not run by CI).
load: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.load
	$(BIN)/python -m benchmarks.voting_load

clean-venv:
	rm -rf $(VENV)
