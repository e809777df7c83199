"""Which engine runs the jobs, from the settings (`MUSIA_JOBS`)."""

from __future__ import annotations

from musia.jobs import JobQueue
from musia.runtime import Runtime


def make_queue(runtime: Runtime) -> JobQueue:
    if runtime.settings.jobs.engine == "celery":
        from musia.jobs.celery_engine import CeleryQueue

        return CeleryQueue(runtime)
    from musia.jobs.inprocess import InProcessQueue

    return InProcessQueue(runtime)
