# vanthu: `make run` (set up and serve on 127.0.0.1:8000; `make run PORT=8001 HOST=0.0.0.0`) and
# `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages the tests check our output with (pdfsig, pdftotext, certutil), the fonts we
# render with, PostgreSQL for the second test pass, SoftHSM2 (a PKCS#11 token) with OpenSC's
# pkcs11-tool for office keys on a token, and Chromium for the browser tests.
DEBS := poppler-utils libnss3-tools fonts-liberation2 openssl postgresql postgresql-contrib \
	softhsm2 opensc chromium chromium-driver

.PHONY: install tools migrate demo run test test-sqlite test-postgres bench lint typecheck clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,postgres,pkcs11]'
	touch $(STAMP)

install: $(STAMP)

tools:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

migrate: install tools
	$(BIN)/vanthu migrate

demo: migrate
	$(BIN)/vanthu demo

run: demo
	$(BIN)/vanthu serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),8000)

test: install tools test-sqlite test-postgres

test-sqlite:
	VANTHU_TEST_ENGINE=sqlite $(BIN)/pytest -q -n 2 --dist loadgroup -p no:cacheprovider

test-postgres:
	VANTHU_TEST_ENGINE=postgresql $(BIN)/pytest -q -p no:cacheprovider

bench: install tools
	$(BIN)/python bench/run_all.py

lint: install
	$(BIN)/ruff check app signing tests bench migrations
	$(BIN)/mypy app signing

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
