# The two commands of the README: `make run` and `make test`. Both idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup lint bench clean

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

## setup: virtual environment, dependencies, database schema, seed data
setup: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) seed

## run: set up, then serve on http://127.0.0.1:5000
run: setup
	MIGRATORY_ENV=development $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 \
		--access-logfile - wsgi:app

## test: set up the test environment and run the whole suite (SQLite and PostgreSQL)
test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.dev
	$(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
