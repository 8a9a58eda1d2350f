# The two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEV_INSTALLED := $(VENV)/.installed-dev
DEMO_ACCOUNTS ?= 50
DEMO_MONTHS ?= 12

.PHONY: run test lint format bench bench-rebuild bench-relay install clean openapi schemas

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(INSTALLED) $@

install: $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/colledger init
	$(BIN)/colledger demo --if-empty --accounts $(DEMO_ACCOUNTS) --months $(DEMO_MONTHS)
	$(BIN)/colledger serve --demo-keys

lint: $(DEV_INSTALLED)
	$(BIN)/ruff check ledger api consumers infra colledger tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

format: $(DEV_INSTALLED)
	$(BIN)/ruff format ledger api consumers infra colledger tests bench

openapi: $(INSTALLED)
	$(BIN)/python -m api.openapi_export

schemas: $(INSTALLED)
	$(BIN)/python -m ledger.event_schemas

bench: $(DEV_INSTALLED)
	$(BIN)/python -m bench.append

bench-rebuild: $(DEV_INSTALLED)
	$(BIN)/python -m bench.rebuild

bench-relay: $(DEV_INSTALLED)
	$(BIN)/python -m bench.relay

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
