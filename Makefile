# The two set-up commands of the README: `make run` and `make test`. Both create the virtualenv
# and install exactly what uv.lock pins (with hashes) on a fresh machine; nothing else is assumed
# but python3 (>= 3.11). `make run` installs only what the service needs (the audio and server
# extras); `make test` adds the bench extra and the test and lint tools.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers: one per core, each taking whole test files (--dist loadfile: a module's
# fixtures, such as a checked corpus, are built once). The tests that share a service isolate
# themselves (a PostgreSQL database per worker, a Celery queue per test, free ports).
TEST_WORKERS ?= auto

# uv sync installs into our virtualenv; --inexact keeps uv itself (and what the other target
# added) in it, --locked refuses a uv.lock that no longer matches pyproject.toml.
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
SYNC := $(UV) sync --locked --inexact --no-default-groups --extra audio --extra server
RUN_STAMP := $(VENV)/.musia-run
TEST_STAMP := $(VENV)/.musia-test

.PHONY: run test test-fast lint typecheck unit bench lock outdated clean

$(UV): requirements-uv.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
		-r requirements-uv.txt
	touch $(UV)

$(RUN_STAMP): uv.lock pyproject.toml $(UV)
	$(SYNC)
	touch $(RUN_STAMP)

$(TEST_STAMP): uv.lock pyproject.toml $(UV)
	$(SYNC) --extra bench --group dev
	touch $(TEST_STAMP)

# The web service on its embedded defaults: SQLite and storage under ./data, the in-process
# worker; OpenAPI docs at http://127.0.0.1:8000/docs.
# Projects are composed and written in worker processes, one per core, so concurrent requests
# use every core (threads share one interpreter lock): bench/api.py measures both.
RENDER_PROCESSES ?= $(shell nproc 2>/dev/null || echo 2)

run: $(RUN_STAMP)
	MUSIA_JOBS_RENDER_PROCESSES=$(RENDER_PROCESSES) $(BIN)/musia serve --host $(HOST) --port $(PORT)

test: lint typecheck unit

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

unit: $(TEST_STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --durations=15

# The inner loop: the pure and unit tests, no PostgreSQL, Redis, browser, worker processes or
# corpus sweeps (tests marked `slow` or `services`).
test-fast: $(TEST_STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "not slow and not services" --durations=10

bench: $(TEST_STAMP)
	$(BIN)/python bench/generate.py
	$(BIN)/python bench/adherence.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/analysis_accuracy.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/sample_classes.py
	$(BIN)/python bench/jobs.py
	$(BIN)/python bench/checker_sweep.py
	$(BIN)/python bench/corpus_sweep.py
	$(BIN)/python bench/robustness.py

# After editing the dependencies in pyproject.toml: resolve uv.lock again (pins that still fit
# stay). `make lock UPGRADE=1` takes the newest releases instead: an upgrade is a deliberate
# commit, tried first with `make outdated`.
UV_VERSION := 0.13.10
lock: $(UV)
	$(UV) lock $(if $(UPGRADE),--upgrade,)
	echo "uv==$(UV_VERSION)" | $(UV) pip compile - --universal --generate-hashes \
		--custom-compile-command "make lock" --quiet --output-file requirements-uv.txt

# Not in CI: the newest releases of everything into a scratch virtualenv, and the whole suite
# on them, to see what an upgrade would break before `make lock UPGRADE=1`.
OUTDATED_VENV ?= $(abspath .venv-outdated)
outdated: $(UV)
	rm -rf $(OUTDATED_VENV)
	$(UV) venv --quiet --python $(PYTHON) $(OUTDATED_VENV)
	VIRTUAL_ENV=$(OUTDATED_VENV) $(UV) pip install --quiet --upgrade --no-config \
		-e '.[audio,server,bench]' --group dev
	@echo "Newer than uv.lock:"; $(UV) tree --outdated --frozen --all-groups | grep -o "[a-z0-9_.-]* v[^ ]* ([^)]*latest[^)]*)" | sort -u || echo "  nothing"
	$(OUTDATED_VENV)/bin/ruff check src tests bench
	$(OUTDATED_VENV)/bin/mypy
	$(OUTDATED_VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile --durations=15

clean:
	rm -rf $(VENV) .venv-outdated .pytest_cache .mypy_cache .ruff_cache out
