# Two commands for a newcomer on a fresh Debian machine: `make run` and `make test`.
# Each installs what is missing (Debian packages when root, the virtualenv, the
# Python requirements), then does its job. `make run` serves what production runs
# (gunicorn, WhiteNoise, the background worker, DEBUG off) on 127.0.0.1; `make dev` the
# reloading development server. `make loadtest` the deadline
# rush (PostgreSQL).
# `make bench` prints the benchmarks (every page at 100 and 10,000 cases beside a
# trivial view, the documents, the aggregation, the NRTA package, the last `make
# loadtest`'s figures, a summary against the targets); `make bench BENCH_SHORT=1` is
# CI's quick run (100 and 500 cases), `BENCH_LARGE=1` goes to 100,000; `make bench-pg`
# the same on a throw-away PostgreSQL. Figures also land in var/bench/.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEMO_PASSWORD ?= jilin2024
export DEMO_PASSWORD

# Fonts for Chinese and emoji in pages and PDFs; HarfBuzz's subsetter keeps WeasyPrint fast;
# gettext compiles the English translation.
DEBS_RUN := fonts-noto-cjk fonts-noto-color-emoji fontconfig libharfbuzz-subset0 gettext
# Tests also drive a real browser and render PDFs to PNG.
DEBS_TEST := $(DEBS_RUN) chromium poppler-utils

# What `make run` sets: production settings, less HTTPS (plain HTTP on 127.0.0.1), with
# a secret key made once for this machine (var/secret-key) and the worker for tasks.
# The demo signs in with passwords alone unless SIGNIN_OTP_REQUIRED=true is given (README).
RUN_ENV = DEBUG=false HTTPS=false ALLOWED_HOSTS=127.0.0.1,localhost TASK_BACKEND=database \
	SIGNIN_OTP_REQUIRED=$${SIGNIN_OTP_REQUIRED:-false} \
	SITE_URL=http://127.0.0.1:$(PORT) SECRET_KEY="$$(cat var/secret-key)"
DEV_ENV = DEBUG=true TASK_BACKEND=immediate
# Build steps that serve nothing (compilemessages, makemigrations --check) need no secret.
TOOL_ENV = DEBUG=true

# The load test: simulated applicants, seconds, application workers.
LOADTEST_USERS ?= 300
LOADTEST_SECONDS ?= 180
LOADTEST_RAMP ?= 30
LOADTEST_WORKERS ?= 4

.PHONY: run dev test bench bench-pg loadtest messages prepare check-debs-run check-debs-test

run: check-debs-run $(VENV)/.installed-run messages var/secret-key
	$(RUN_ENV) $(MAKE) --no-print-directory prepare
	$(RUN_ENV) PY=$(PY) PORT=$(PORT) sh deploy/run-local

dev: check-debs-run $(VENV)/.installed-run messages
	$(DEV_ENV) $(MAKE) --no-print-directory prepare
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The steps every start shares: schema, the shared cache's table, static files, and the
# demo (asked for here by name: seed_demo refuses a DEBUG-off database unless forced).
prepare:
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo --force
	$(PY) manage.py collectstatic --noinput -v 0

var/secret-key: | $(VENV)/bin/python
	mkdir -p var
	umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

test: check-debs-test $(VENV)/.installed-dev messages
	$(TOOL_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest $(PYTEST_ARGS)

bench: check-debs-run $(VENV)/.installed-dev
	BENCH_SHORT=$(BENCH_SHORT) BENCH_LARGE=$(BENCH_LARGE) $(PY) -m tests.benchmarks.run

bench-pg: check-debs-run $(VENV)/.installed-dev
	BENCH_SHORT=$(BENCH_SHORT) BENCH_LARGE=$(BENCH_LARGE) bash .ci/with-postgres $(PY) -m tests.benchmarks.run

# 300 applicants arriving over 30 s, then all autosaving for 3 minutes, against gunicorn
# + the worker on a throw-away PostgreSQL, 127.0.0.1 only; stops by itself. Shorter:
# LOADTEST_USERS=50 LOADTEST_SECONDS=30 LOADTEST_RAMP=5.
# Its output is kept in var/bench/loadtest.txt, which `make bench` prints; its exit status
# is the load test's.
loadtest: check-debs-run $(VENV)/.installed-dev messages
	@mkdir -p var/bench
	{ bash .ci/with-postgres $(PY) -m tests.loadtest.run --users $(LOADTEST_USERS) \
		--seconds $(LOADTEST_SECONDS) --ramp-seconds $(LOADTEST_RAMP) --workers $(LOADTEST_WORKERS); echo $$? > var/bench/loadtest.status; } \
		| tee var/bench/loadtest.txt; exit "$$(cat var/bench/loadtest.status)"

messages: $(VENV)/.installed-run
	$(TOOL_ENV) $(PY) manage.py compilemessages --ignore=.venv -v 0

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
