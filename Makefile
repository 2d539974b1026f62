# The two commands of the README: `make run` and `make test`. Both idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup translations messages lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Compiled message catalogs are build products, not committed.
translations: $(VENV)/.runtime
	$(BIN)/pybabel compile --use-fuzzy -d migratory/translations >/dev/null

## setup: virtual environment, dependencies, database schema, seed data
setup: $(VENV)/.runtime translations
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) search check

## run: set up, then serve on http://127.0.0.1:5000 with the job consumer beside
## gunicorn (mail, reminders, retries); Ctrl-C stops both.
run: setup
	@export MIGRATORY_ENV=development; \
	$(BIN)/huey_consumer wsgi.huey --workers 2 --worker-type thread & consumer=$$!; \
	trap 'kill $$consumer 2>/dev/null; wait $$consumer' EXIT INT TERM; \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --access-logfile - wsgi:app

## test: set up the test environment and run the whole suite (SQLite and PostgreSQL)
test: $(VENV)/.dev translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n auto  # one worker per core (pytest-xdist)

## messages: refresh the catalogs after changing translatable text
messages: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
		--sort-output --project migratory -o migratory/translations/messages.pot .
	$(BIN)/pybabel update -i migratory/translations/messages.pot -d migratory/translations

lint: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.dev translations
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/map_bench.py
	$(BIN)/python bench/nearby_bench.py
	$(BIN)/python bench/dashboard_bench.py
	$(BIN)/python bench/load_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
