# The two set-up commands of the README: `make run` and `make test`. Both create the virtualenv
# and install what they need on a fresh machine; nothing else is assumed but python3 (>= 3.11).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.musia-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The web service on its embedded defaults: SQLite and storage under ./data, the in-process
# worker; OpenAPI docs at http://127.0.0.1:8000/docs.
# Projects are composed and written in worker processes, one per core, so concurrent requests
# use every core (threads share one interpreter lock): bench/api.py measures both.
RENDER_PROCESSES ?= $(shell nproc 2>/dev/null || echo 2)

run: $(STAMP)
	MUSIA_JOBS_RENDER_PROCESSES=$(RENDER_PROCESSES) $(BIN)/musia serve --host $(HOST) --port $(PORT)

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/adherence.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/analysis_accuracy.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/sample_classes.py
	$(BIN)/python bench/jobs.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache out
