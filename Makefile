# The two commands of the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Django 6 needs Python 3.12 or newer; take the first one found (pyenv installs count).
PYTHON ?= $(shell for p in python3.13 python3.12 $(HOME)/.pyenv/versions/3.12*/bin/python3 $(HOME)/.pyenv/versions/3.13*/bin/python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; break; fi; done)
HOST ?= 127.0.0.1
PORT ?= 8000
# E-mail links and the DCAT URIs of `make run` follow HOST and PORT unless SITE_URL is given.
SITE_URL ?= http://$(HOST):$(PORT)
export DEBUG ?= true

.PHONY: run test lint lock bench install assets messages extract-messages check-python clean

check-python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (Django 6)."; exit 1; }

# Every package, direct or transitive, at the version and hash that requirements.lock names (`make lock` writes it
# from pyproject.toml). The lock is the whole closure, so nothing is resolved (--no-deps): pip 23's resolver asks for
# a dependency's extra (weasyprint -> fonttools[woff]) at the newest release and refuses it in hash mode. pip check
# then proves the locked set fits together. The project itself is installed without resolving anything either.
$(VENV)/.installed: pyproject.toml requirements.lock | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip check
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed messages
	mkdir -p var  # the SQLite database and collected static files live here

# Compiles the translations (.po -> .mo) with Babel, so no system gettext is needed. Fuzzy entries are left out.
messages: $(VENV)/.installed
	$(PY) -m babel.messages.frontend compile --domain django --directory kommune/locale --statistics

# Collects every translatable string (mapping in babel.cfg) into kommune/locale/django.pot and merges it into
# the German catalogue: existing translations stay, new strings arrive empty (no fuzzy guesses), gone ones go.
# Then translate the empty msgstr in kommune/locale/de/LC_MESSAGES/django.po and run `make messages`.
# Django is set up first: the template mapping loads kommune.core.jinja2, which reaches the models.
extract-messages: $(VENV)/.installed
	mkdir -p kommune/locale
	DEBUG=true DJANGO_SETTINGS_MODULE=config.settings $(PY) -c 'import sys, django; django.setup(); \
		from babel.messages.frontend import main; sys.argv[0] = "pybabel"; main()' \
		extract --mapping-file babel.cfg --output-file kommune/locale/django.pot \
		--ignore-dirs '.* ._ node_modules var' --add-location file --sort-by-file --no-wrap \
		--project 'Offene Kommune' --version 0.1.0 --copyright-holder 'Offene Kommune contributors' .
	$(PY) -m babel.messages.frontend update --input-file kommune/locale/django.pot --output-dir kommune/locale \
		--domain django --locale de --init-missing --no-fuzzy-matching --ignore-obsolete \
		--ignore-pot-creation-date --no-wrap

run: install
	$(PY) manage.py migrate --no-input
	SITE_URL='$(SITE_URL)' $(PY) manage.py seed_demo
	# What the demo's writes set off (activities, search, record sets), without waiting for a worker.
	SITE_URL='$(SITE_URL)' $(PY) manage.py deliver_events
	# The demo's participation records appear in its open-data catalogue (production: a daily cron, see README).
	SITE_URL='$(SITE_URL)' $(PY) manage.py publish_records --all
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-local-demo-only-$$(whoami)} SECURE_COOKIES=false $(PY) manage.py collectstatic --no-input -v0
	# The demo runs background tasks inline (no separate worker); production runs `make worker` beside it.
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-local-demo-only-$$(whoami)} SECURE_COOKIES=false SITE_URL='$(SITE_URL)' \
		TASKS_BACKEND=$${TASKS_BACKEND:-immediate} $(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 3 --access-logfile -

test: install
	$(PY) -m pytest -n auto --dist loadfile  # one process per core; a test file stays on one worker

# The gates CI runs before the tests: ruff, mypy (django-stubs), the import contracts between layers
# (import-linter) and no model change without its migration.
lint: $(VENV)/.installed
	mkdir -p var  # makemigrations opens the (SQLite) database to check its history
	$(VENV)/bin/ruff check .
	DEBUG=true $(VENV)/bin/mypy
	DEBUG=true $(VENV)/bin/lint-imports
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

# Rewrites requirements.lock after a dependency in pyproject.toml changed (pins with hashes, for Python 3.12).
lock: $(VENV)/.installed
	$(VENV)/bin/pip-compile --quiet --extra test --extra lint --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml

# The page benchmark (docs/benchmark.md): generates the city SCALE (dorf, stadt, millionenstadt) once into
# DATABASE_URL, by default a SQLite file of its own per scale, then measures the production server with wrk and
# writes bench/results.json and bench/results.md. The cache is REDIS_URL, else a Redis on 127.0.0.1:6379 (db 15)
# if one answers, else the per-process cache (and so no page cache). BENCH_ARGS go to `manage.py bench`.
SCALE ?= stadt
BENCH_DATABASE_URL = $(or $(DATABASE_URL),sqlite:///$(CURDIR)/var/bench-$(SCALE).sqlite3)
BENCH_REDIS_URL = $(or $(REDIS_URL),$(shell $(PY) -c "import socket; socket.create_connection(('127.0.0.1', 6379), 1)" \
	2>/dev/null && echo redis://127.0.0.1:6379/15))
BENCH_RUN = BENCHMARK=true DEBUG=false SECRET_KEY=$${SECRET_KEY:-bench-only-not-secret} SECURE_COOKIES=false LOG_LEVEL=WARNING \
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) manage.py
bench: install
	@command -v wrk >/dev/null || { echo "Installing wrk (Debian package) for the benchmark"; \
		apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
	$(BENCH_RUN) migrate --no-input -v0
	$(BENCH_RUN) generate_city --scale $(SCALE)
	$(BENCH_RUN) collectstatic --no-input -v0
	$(BENCH_RUN) bench $(BENCH_ARGS)
	$(BENCH_RUN) bench_sensors $(BENCH_SENSORS_ARGS)
	$(BENCH_RUN) bench_report

clean:
	rm -rf $(VENV) node_modules var/static

# The background worker (notification e-mails, digests): runs the queued tasks of the database task backend.
.PHONY: worker
worker: $(VENV)/.installed
	$(PY) manage.py db_worker
