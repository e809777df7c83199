"""Shared test helpers. Tests that need ../shared skip on a developer machine without it and
fail loudly under CI=true, as the project rules require."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing: the tests read ../shared beside the repository"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session", autouse=True)
def _one_shot_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The instruments' rendered one-shots are cached on disk: in the tests, in a folder of the
    run (the CLI subprocesses inherit it), never in the user's home."""
    os.environ["MUSIA_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
