# Two commands for a newcomer on a fresh Debian machine: `make run` and `make test`.
# Each installs what is missing (Debian packages when root, the virtualenv, the
# Python requirements), then does its job. `make bench` prints the benchmarks (every
# page at 100 and 10,000 cases beside a trivial view, the documents, the aggregation,
# the NRTA package); `make bench BENCH_SHORT=1` is CI's quick run (100 and 500 cases),
# `make bench BENCH_LARGE=1` goes on to 100,000 cases.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_PASSWORD ?= jilin2024
export DEMO_PASSWORD

# Fonts for Chinese in pages and PDFs; HarfBuzz's subsetter keeps WeasyPrint fast;
# gettext compiles the English translation.
DEBS_RUN := fonts-noto-cjk libharfbuzz-subset0 gettext
# Tests also drive a real browser and render PDFs to PNG.
DEBS_TEST := $(DEBS_RUN) chromium poppler-utils

.PHONY: run test bench messages check-debs-run check-debs-test

run: check-debs-run $(VENV)/.installed-run messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: check-debs-test $(VENV)/.installed-dev messages
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest $(PYTEST_ARGS)

bench: check-debs-run $(VENV)/.installed-dev
	BENCH_SHORT=$(BENCH_SHORT) BENCH_LARGE=$(BENCH_LARGE) $(PY) -m tests.benchmarks.run

messages: $(VENV)/.installed-run
	$(PY) manage.py compilemessages --ignore=.venv -v 0

check-debs-run:
	@sh .ci/ensure-debs $(DEBS_RUN)

check-debs-test:
	@sh .ci/ensure-debs $(DEBS_TEST)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run
