# The two commands (see README.md):
#   make run    set up, then serve on http://127.0.0.1:5000 and run the worker, mails printed to the console
#               (another address: make run PORT=5077 [HOST=0.0.0.0]; the links in mails follow it)
#   make test   the same set-up, then the whole test suite (extra pytest arguments: PYTEST_ARGS=...)
# Every step is keyed on its inputs, so a second run only does what changed.

SHELL := /bin/bash
.DEFAULT_GOAL := run

# The first Python 3.11+ on PATH, unless PYTHON is given.
PYTHON ?= $(firstword $(foreach p,python3 python3.13 python3.12 python3.11,\
  $(shell command -v $(p) >/dev/null 2>&1 && $(p) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo $(p))))
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app ontwikkelbijeenkomsten
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 5000
# The links in mails (also those the demo queues) and on the pages point to where `make run`
# serves, unless BASE_URL is given.
RUN_BASE_URL := $(or $(BASE_URL),http://$(HOST):$(PORT))

PO_FILES := $(wildcard ontwikkelbijeenkomsten/translations/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
# The static files, and where class names are written (the build keeps only the Utrecht
# components that these name).
ASSET_SOURCES := $(wildcard static/css/*.css static/js/*.js scripts/build-assets.mjs) \
  $(shell find templates ontwikkelbijeenkomsten -name '*.html' -o -name '*.py')

.PHONY: run test setup venv assets translations migrate demo clean

# The web server and, beside it, the worker (mail and reminders); Ctrl-C stops both.
run: setup migrate demo
	MAIL_BACKEND=console BASE_URL=$(RUN_BASE_URL) $(FLASK) worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	MAIL_BACKEND=console BASE_URL=$(RUN_BASE_URL) $(FLASK) run --host $(HOST) --port $(PORT)

test: setup migrate demo
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: venv assets translations

# Python: a virtualenv with the package (editable) and the test tools.
venv: $(VENV)/.stamp-install

$(VENV)/.stamp-install: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.11 or newer is needed (none found on PATH; set PYTHON=...)"; exit 1; fi
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

# Front end: npm packages from the lock file, then the minified, hashed static files.
assets: static/dist/manifest.json

node_modules/.stamp-npm: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

static/dist/manifest.json: node_modules/.stamp-npm $(ASSET_SOURCES)
	npm run build
	@touch $@

# Translations: .mo files are built, not committed.
translations: $(MO_FILES)

%.mo: %.po $(VENV)/.stamp-install
	$(BIN)/pybabel compile --statistics -i $< -o $@

# The development database (DATABASE_URL, or instance/ontwikkelbijeenkomsten.db).
migrate: venv
	$(FLASK) db upgrade

demo: migrate
	BASE_URL=$(RUN_BASE_URL) $(FLASK) demo load --if-empty

clean:
	rm -rf $(VENV) node_modules static/dist .pytest_cache $(MO_FILES)
