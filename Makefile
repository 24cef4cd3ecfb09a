# The two commands: `make demo` (run the product) and `make test` (run the tests).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The test suite runs on PostgreSQL with Celery tasks on a real worker over Redis,
# as CI does; override both to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/recall
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: demo test install install-dev assets browser pdf-libs lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python assets pdf-libs
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python assets pdf-libs
	$(BIN)/pip install --quiet -e '.[dev]'

assets: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# WeasyPrint's native libraries (Pango, HarfBuzz) and the owner letters' font, from Debian.
pdf-libs:
	@(ldconfig -p | grep -q libpangoft2-1.0 && ldconfig -p | grep -q libharfbuzz-subset && fc-list | grep -qi "DejaVu Sans") || \
		(apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null)

# DEBUG is off unless asked for; the demo asks (and so gets the demo secret key).
demo: export DJANGO_DEBUG = 1
# Owner e-mails and texts the demo sends land as files under sent-messages/ (README: Deployment).
demo: export DJANGO_EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
demo: export SMS_BACKEND ?= notifications.sms.FileSmsBackend
demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-dev browser
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true \
		$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-dev
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3* sent-messages
