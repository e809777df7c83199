"""Jobs submitted from the shell (`musia jobs check`, `musia models test`, the benches): they
belong to a system account that cannot log in, created on first use."""

from __future__ import annotations

import time
from typing import Any

from musia.db.engine import transaction
from musia.db.models import FINISHED, Job, JobStatus
from musia.db.repos.accounts import Users
from musia.db.repos.jobs import Jobs
from musia.errors import Conflict, Unavailable
from musia.jobs.handlers.noop import NOOP_KIND
from musia.runtime import Runtime

SYSTEM_USER = "musia-system"
UNUSABLE_PASSWORD = "!"  # no argon2 hash matches it: the account cannot log in


def system_user_id(runtime: Runtime) -> str:
    with transaction(runtime.sessions) as session:
        user = Users(session).by_username(SYSTEM_USER)
        if user is not None:
            return user.id
    try:
        with transaction(runtime.sessions) as session:
            return Users(session).create(SYSTEM_USER, UNUSABLE_PASSWORD).id
    except Conflict:  # another process created it first
        return system_user_id(runtime)


def submit(
    runtime: Runtime, kind: str, payload: dict[str, Any], owner_id: str | None = None
) -> str:
    """Create the row, commit, then enqueue (a worker must find the row)."""
    owner = owner_id or system_user_id(runtime)
    with transaction(runtime.sessions) as session:
        job_id = Jobs(session).create(owner, kind, payload).id
    assert runtime.queue is not None
    runtime.queue.enqueue(job_id)
    return job_id


def wait_final(runtime: Runtime, job_id: str, timeout_s: float, poll_s: float = 0.1) -> Job:
    """The job's row once it is COMPLETED, FAILED or CANCELED; Unavailable after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while True:
        with transaction(runtime.sessions) as session:
            job = Jobs(session).get_any(job_id)
            if job is not None and job.status in FINISHED:
                return job
        if time.monotonic() > deadline:
            status = job.status if job is not None else "gone"
            raise Unavailable(
                f"job {job_id} is still {status} after {timeout_s:g} s: is a worker running "
                "(`musia worker`) on the same database and broker?"
            )
        time.sleep(poll_s)


def check_worker(runtime: Runtime, timeout_s: float) -> float:
    """Run one no-op job through the configured engine; returns its round trip in seconds."""
    started = time.monotonic()
    job = wait_final(runtime, submit(runtime, NOOP_KIND, {}), timeout_s)
    if job.status != JobStatus.COMPLETED:
        raise Unavailable(f"the no-op job ended {job.status}: {job.error or 'no reason given'}")
    return time.monotonic() - started
