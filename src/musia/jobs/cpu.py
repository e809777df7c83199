"""CPU-bound job work in worker processes, so that renders use every core instead of sharing
the server process's GIL with the requests. `MUSIA_JOBS_RENDER_PROCESSES=0` (the default)
renders in the worker thread itself."""

from __future__ import annotations

import json
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from musia.malloc import tune_for_service

if TYPE_CHECKING:
    from musia.production.library import ChosenSamples

_pools: dict[str, ProcessPoolExecutor] = {}  # one per process, made on first use
_lock = threading.Lock()


def pool(processes: int) -> ProcessPoolExecutor:
    with _lock:
        if "render" not in _pools:
            # forkserver: a clean child, never a fork of a process that runs threads
            context = multiprocessing.get_context("forkserver")
            executor = ProcessPoolExecutor(
                processes, mp_context=context, initializer=tune_for_service
            )
            # The executor starts a process only when none is idle, so a quiet start would
            # bring the second one in at the first burst, minutes later. One loading task per
            # process, submitted at once, starts them all now: the first burst does not wait
            # for imports, and the server's memory is all there from its first render on.
            for _ in range(processes):
                executor.submit(_load_writers)
            _pools["render"] = executor
        return _pools["render"]


def _load_writers() -> None:
    """In the child: import what every render needs."""
    import musia.production.assemble  # noqa: F401


def shutdown() -> None:
    with _lock:
        for executor in _pools.values():
            executor.shutdown(wait=True, cancel_futures=True)
        _pools.clear()


def write_project_files(
    plan_json: str,
    folder: str,
    live_version: int,
    audio: bool,
    library: ChosenSamples | None = None,
) -> tuple[str, list[str], dict[str, Any]]:
    """In the child: compose and write; returns (project folder, files, summary) as plain data."""
    from musia.core.plan import Plan
    from musia.production.assemble import write_project

    project = write_project(
        Plan.model_validate(json.loads(plan_json)),
        Path(folder),
        live_version=live_version,
        audio=audio,
        library=library,
    )
    return str(project.folder), [str(p) for p in project.files], project.summary()
