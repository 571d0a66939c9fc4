# Thi đua — the two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Where `make run` and `make dev` listen, and the address documents and e-mails print (SITE_URL).
HOST ?= 127.0.0.1
PORT ?= 8000
SITE_URL ?= http://$(HOST):$(PORT)
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
SYSTEM_PACKAGES := fonts-liberation2 gettext chromium poppler-utils libnss3-tools
# Only the tests need these: Java runs the Nu HTML Checker (vnu) of tests/e2e/test_html_valid.py.
TEST_SYSTEM_PACKAGES := default-jre-headless
PYTHON_BIN := $(shell scripts/find_python.sh)
# Two workers (one per core); a module's tests stay together so module-scoped worlds build once.
PYTEST_ARGS ?= -n 2 --dist loadfile
# The tests' client and live server speak plain HTTP: production settings, without the redirect.
TEST_ENV := DEBUG=0 SECRET_KEY=test-only-not-a-secret STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0 DJANGO_ALLOW_ASYNC_UNSAFE=true
# `make run` serves the demo as production does (DEBUG off, static files by whitenoise from
# collectstatic's hashed copies, gunicorn), over plain HTTP on loopback: no HTTPS redirect, secure
# cookies or HSTS. E-mails are printed on the console.
RUN_ENV := DEBUG=0 SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0 EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
# A secret key of this checkout's demo, made once (var/ is never committed).
DEMO_SECRET_KEY := var/demo-secret-key
SITE_HOST = $(firstword $(subst :, ,$(firstword $(subst /, ,$(word 2,$(subst //, ,$(SITE_URL)))))))
SERVE_ENV = $(RUN_ENV) SECRET_KEY="$$(cat $(DEMO_SECRET_KEY))" SITE_URL=$(SITE_URL) \
  ALLOWED_HOSTS=$(SITE_HOST),$(HOST),127.0.0.1,localhost
# The demo's data is loaded with DEBUG on (seed_demo refuses otherwise): the same database.
SEED_ENV := DEBUG=1 EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend

.PHONY: help setup system-packages run dev demo-database test a11y lint format messages demo clean

help:
	@echo "make run    set up, migrate SQLite, load the demo, serve it as production does on $(SITE_URL)"
	@echo "make dev    the same demo with Django's debug mode (for developers), on $(SITE_URL)"
	@echo "make test   set up, run the whole suite (browser tests included) on PostgreSQL"
	@echo "make a11y  axe on every page every demo user reaches (over 20 min; not in make test)"
	@echo "make lint   ruff check and format check"

setup: system-packages $(VENV)/.synced static/vendor/.copied static/vendor/.maps locale/.compiled var/dev-keys/.made

system-packages:
	@scripts/install_system_packages.sh $(SYSTEM_PACKAGES)

$(UV):
	$(PYTHON_BIN) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.*"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON_BIN) --quiet
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/vendor/.copied: node_modules/.package-lock.json
	mkdir -p static/vendor
	cp node_modules/bootstrap/dist/css/bootstrap.min.css static/vendor/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
	cp node_modules/signature_pad/dist/signature_pad.umd.min.js static/vendor/
	@touch $@

locale/.compiled: $(VENV)/.synced $(wildcard locale/*/LC_MESSAGES/django.po)
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=.tools -v 0
	@touch $@

var/dev-keys/.made: $(VENV)/.synced demo/pki/config.py demo/pki/generate.py demo/management/commands/make_dev_keys.py
	DEBUG=1 $(PY) manage.py make_dev_keys
	@touch $@

# The demo database (embedded SQLite) is made again when the migrations changed since it was made.
DEMO_DB_MARK := var/demo-db-migrations

$(DEMO_SECRET_KEY):
	@mkdir -p var; $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@; chmod 600 $@

demo-database: setup
	@mkdir -p var; if [ -z "$${DATABASE_URL:-}" ] && [ -f db.sqlite3 ] && \
	  [ "$$(cat $(DEMO_DB_MARK) 2>/dev/null)" != "$(MIGRATIONS_SUM)" ]; then \
	  echo "Migrations changed: the demo database is made again."; rm -f db.sqlite3; fi
	$(SEED_ENV) $(PY) manage.py migrate --no-input -v 0
	@echo "$(MIGRATIONS_SUM)" > $(DEMO_DB_MARK)

# The demo PKI's OCSP, CRL and timestamp services and the demo remote signing provider run
# beside the demo (digital signatures are checked against them), and stop with it.
WITH_DEMO_SERVICES = $(SEED_ENV) $(PY) manage.py demo_pki > var/demo-pki.log 2>&1 & pki=$$!; \
  $(SEED_ENV) $(PY) manage.py csc_emulator > var/csc-emulator.log 2>&1 & csc=$$!; \
  trap 'kill $$pki $$csc 2>/dev/null' EXIT INT TERM; sleep 3; \
  $(SEED_ENV) SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo &&

run: demo-database $(DEMO_SECRET_KEY)
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input -v 0
	@$(WITH_DEMO_SERVICES) \
	  GUNICORN_BIND=$(HOST):$(PORT) GUNICORN_WORKERS=2 GUNICORN_ACCESS_LOG= \
	  $(SERVE_ENV) $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py config.wsgi

dev: demo-database
	@$(WITH_DEMO_SERVICES) \
	  $(SEED_ENV) SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

# The test databases are kept between runs (--reuse-db) and made again when the migrations
# changed since they were made (and on a fresh clone, which has no record of them).
MIGRATIONS_SUM := $(shell cat $$(ls */migrations/0*.py 2>/dev/null | sort) 2>/dev/null | sha256sum | cut -c1-16)
TEST_DB_MARK := var/test-db-migrations

test: setup
	@scripts/install_system_packages.sh $(TEST_SYSTEM_PACKAGES)
	@mkdir -p var; if [ "$$(cat $(TEST_DB_MARK) 2>/dev/null)" != "$(MIGRATIONS_SUM)" ]; then \
	  echo "Migrations changed: the test databases are made again."; create_db=--create-db; fi; \
	  source scripts/ensure_postgres.sh && \
	  $(TEST_ENV) $(VENV)/bin/pytest $$create_db $(PYTEST_ARGS) && \
	  echo "$(MIGRATIONS_SUM)" > $(TEST_DB_MARK)

# axe-core on every page every demo user reaches, both sizes (long: not part of `make test`).
a11y: setup
	@source scripts/ensure_postgres.sh && \
	  $(TEST_ENV) $(VENV)/bin/pytest -p no:randomly -n 0 -s tests/e2e/a11y_crawl.py

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(VENV)/.synced
	DEBUG=1 $(PY) manage.py makemessages -l vi -l en --no-obsolete --ignore=.venv --ignore=.tools --ignore=node_modules --ignore=staticfiles
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=.tools -v 0

clean:
	rm -rf $(VENV) .tools node_modules static/vendor staticfiles var db.sqlite3

# collectstatic with the manifest storage (production) follows each vendored file's
# sourceMappingURL: their source maps must be there too, or it fails.
static/vendor/.maps: static/vendor/.copied
	cp node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/
	cp node_modules/signature_pad/dist/signature_pad.umd.min.js.map static/vendor/
	@touch $@

# Benchmarks (docs/benchmarks.md): seed demo and national dataset on PostgreSQL, gunicorn with
# 2 workers on loopback, wrk. BENCH_REUSE=1 keeps the databases of an earlier run.
.PHONY: bench
bench: setup
	@scripts/install_system_packages.sh wrk
	@source scripts/ensure_postgres.sh && $(PY) bench/run.py
