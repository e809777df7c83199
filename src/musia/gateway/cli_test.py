"""`musia models test`: one generation as a job on the configured engine, each status change
printed as the job's row shows it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from musia.db.engine import transaction
from musia.db.models import FINISHED, JobStatus
from musia.db.repos.jobs import Jobs
from musia.errors import ProviderError, Unavailable
from musia.gateway.generation import KIND
from musia.gateway.store import LOCAL, active_model, model_spec
from musia.jobs.check import submit
from musia.jobs.engines import make_queue
from musia.runtime import Runtime


def run_model_test(
    runtime: Runtime,
    model_id: str,
    prompt: str,
    params: dict[str, Any],
    timeout_s: float,
    echo: Callable[[str], None],
) -> dict[str, Any]:
    values = {**params, "prompt": prompt}
    with transaction(runtime.sessions) as session:
        model_row, provider_row = active_model(session, model_id)
        if provider_row.name != LOCAL:
            from musia.providers.templating import build_request

            build_request(model_spec(model_row, provider_row.name), values)
    runtime.queue = make_queue(runtime)
    runtime.queue.start()
    job_id = submit(runtime, KIND, {"model_id": model_id, "params": values})
    echo(f"job {job_id}: {provider_row.name}/{model_row.name}")
    return _follow(runtime, job_id, timeout_s, echo)


def _follow(
    runtime: Runtime, job_id: str, timeout_s: float, echo: Callable[[str], None]
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    last: tuple[str, str | None] | None = None
    while time.monotonic() < deadline:
        with transaction(runtime.sessions) as session:
            job = Jobs(session).get_any(job_id)
            assert job is not None
            now = (str(job.status), job.message)
            if now != last:
                echo(f"{job.status:<10} {job.progress:4.0%}  {job.message or ''}".rstrip())
                last = now
            if job.status in FINISHED:
                return _outcome(job.status, job.error, job.result, echo)
        time.sleep(0.2)
    raise Unavailable(f"job {job_id} did not finish within {timeout_s:g} s: is a worker running?")


def _outcome(
    status: str, error: str | None, result: dict[str, Any] | None, echo: Callable[[str], None]
) -> dict[str, Any]:
    if status != JobStatus.COMPLETED:
        raise ProviderError(f"the generation ended {status}: {error or 'no reason given'}")
    outcome = result or {}
    for stored in outcome.get("files", []):
        key = stored["key"] if isinstance(stored, dict) else stored
        echo(f"stored {key}")
    if outcome.get("text"):
        echo(str(outcome["text"]))
    return outcome
