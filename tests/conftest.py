"""Shared test helpers. A test that needs something this machine lacks (../shared, PostgreSQL,
Redis, Chromium, docker-compose) skips on a developer machine and fails loudly under CI=true, as
the project rules require: `unavailable` is that one rule."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REDIS_URL = os.environ.get("MUSIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")

# librosa's JIT (numba) caches what it compiles on disk. On a fresh cache two xdist workers
# compiling the same gufuncs at once can pair files of two compilations and crash with a
# segmentation fault (numba issue 10128, seen here in `estimate_tempo` on a fresh clone).
# Musia's own calls into librosa take `musia.audio.jit`'s compile lock; tests may reach librosa
# directly, so each worker, and what it starts, also keeps its own cache.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER:
    os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO / ".pytest_cache" / "numba" / _WORKER))


def _unavailable(message: str) -> NoReturn:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def unavailable() -> Callable[[str], NoReturn]:
    """Call it with what is missing and why: CI fails (it must never pass by skipping), a
    developer's machine skips."""
    return _unavailable


@pytest.fixture(scope="session")
def redis_url(unavailable: Callable[[str], NoReturn]) -> str:
    """The Redis on this machine (database 9, kept for the tests)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        unavailable(f"Redis at {REDIS_URL} is not reachable: {exc}")
    return REDIS_URL


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        _unavailable(f"{path} is missing: the tests read ../shared beside the repository")
    return path


@pytest.fixture(scope="session", autouse=True)
def _one_shot_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """What Musia caches on disk (the instruments' rendered zones, the classifier's training
    table and fitted model) is cached, in the tests, in one folder of the run that every xdist
    worker and every process they start shares (each is written under a temporary name and
    renamed, so workers never see half a file), never in the user's home: made once per run,
    not once per worker. Not numba's: see `_WORKER` above."""
    base = tmp_path_factory.getbasetemp()
    run = base.parent if _WORKER else base  # xdist: <run>/popen-gw0, <run>/popen-gw1, …
    folder = run / "musia-cache"
    folder.mkdir(exist_ok=True)
    os.environ["MUSIA_CACHE_DIR"] = str(folder)


@pytest.fixture(scope="session", autouse=True)
def _bundled_soundfont() -> None:
    """Audio is rendered with the SoundFont the audio extra ships (TimGM6mb), whatever General
    MIDI SoundFonts this machine has installed (Debian's FluidR3_GM is 141 MB and sounds
    otherwise): the tests hear what every fresh install hears. The CLI subprocesses inherit it;
    the tests of the discovery order remove it."""
    from musia.audio.gm_soundfont import bundled_soundfont

    bundled = bundled_soundfont()
    if bundled is not None and "MUSIA_SOUNDFONT" not in os.environ:
        os.environ["MUSIA_SOUNDFONT"] = str(bundled)


# What `make test-fast` leaves out, so that the inner loop answers in about a minute:
# - `services`: tests that need PostgreSQL, Redis, Chromium, a fake S3 or a server, worker or
#   browser process, or that drive the service through its API (found by the fixtures they use,
#   their parameters and their folder; tests/faults/ kills and restarts real servers);
# - `slow`: corpus and prompt sweeps, the benches' smoke runs, the README session, whole
#   projects written and rendered, the sound model's training sets, the fault tests.
SERVICE_FIXTURES = frozenset({"postgres_url", "redis_url", "chromium", "celery_world"})
SERVICE_FOLDERS = (
    "tests/web/",
    "tests/jobs/",
    "tests/deploy/",
    "tests/server/",
    "tests/chat/",
    "tests/gateway/",
    "tests/storage/",
    "tests/db/",
    "tests/faults/",
)
SLOW_FILES = (
    "tests/bench/",
    "tests/faults/",
    "tests/formats/als/test_checker.py",
    "tests/formats/als_reader/test_manifest.py",
    "tests/formats/als_reader/test_roundtrip.py",
    "tests/formats/als_reader/test_edits.py",
    "tests/formats/als_reader/test_fuzz.py",
    "tests/cli/test_cli.py::test_every_readme_example_runs",
    "tests/cli/test_cli.py::test_the_readme_sample_searches",
    "tests/cli/test_cli.py::test_generate_with_a_sample_index",
    "tests/audio/test_samples_cli.py",
    "tests/audio/test_samples.py",
    "tests/audio/test_samples_search.py",
    "tests/audio/test_sample_classes.py",
    "tests/audio/test_jit_cache.py",
    "tests/production/test_assemble.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("database_url") == "postgresql"
        in_folder = item.nodeid.startswith(SERVICE_FOLDERS)
        if fixtures & SERVICE_FIXTURES or on_postgres or in_folder:
            item.add_marker(pytest.mark.services)
        if item.nodeid.startswith(SLOW_FILES):
            item.add_marker(pytest.mark.slow)
