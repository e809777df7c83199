"""The service's allocator settings (musia.malloc): set on glibc, and an environment variable
that sets one of them wins. Each case runs in a fresh process, as `musia serve` does."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CALL = (
    "import json; from musia.malloc import tune_for_service; print(json.dumps(tune_for_service()))"
)


def _tuned(**env: str) -> dict[str, int]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    run = subprocess.run(
        [sys.executable, "-c", CALL],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(run.stdout))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_the_threshold_is_fixed_and_the_arenas_capped_unless_the_environment_says() -> None:
    assert _tuned() == {
        "MALLOC_MMAP_THRESHOLD_": 128 * 1024,
        "MALLOC_ARENA_MAX": 2 * (os.cpu_count() or 1),
    }
    assert _tuned(MALLOC_ARENA_MAX="1") == {"MALLOC_MMAP_THRESHOLD_": 128 * 1024}
