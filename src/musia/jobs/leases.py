"""Leases, the sweeper and cancel: how a job survives its worker dying.

A claimed job holds a lease (`lease_expires_at`) that its worker renews every third of
`lease_s` while the handler runs (a heartbeat thread). A worker that dies stops renewing; the
sweeper of any live worker then finds the expired lease and puts the job back to PENDING (and
on the queue again), or FAILED with the reason once it used its attempts. Every change is one
conditional UPDATE, so two sweepers or a sweeper and a late worker never both win."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select, update

from musia.db.engine import transaction
from musia.db.models import Job, JobStatus
from musia.errors import NotFound
from musia.runtime import Runtime

log = logging.getLogger("musia.jobs")
ACTIVE = (JobStatus.PENDING, JobStatus.PROCESSING)


def renew(runtime: Runtime, job_id: str) -> bool:
    """Push the lease forward; False when the job is no longer running here."""
    now = runtime.clock()
    with transaction(runtime.sessions) as session:
        renewed = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.PROCESSING)
            .values(lease_expires_at=now + timedelta(seconds=runtime.settings.jobs.lease_s))
        )
    return bool(getattr(renewed, "rowcount", 0))


@contextmanager
def heartbeat(runtime: Runtime, job_id: str) -> Iterator[None]:
    """Renew the job's lease in the background while the block runs."""
    stop = threading.Event()
    period_s = runtime.settings.jobs.lease_s / 3

    def beat() -> None:
        while not stop.wait(period_s):
            try:
                if not renew(runtime, job_id):
                    return
            except Exception:  # a database hiccup: the next beat tries again
                log.warning("lease renewal failed", extra={"job_id": job_id}, exc_info=True)

    thread = threading.Thread(target=beat, name=f"lease-{job_id[:8]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def reclaim(runtime: Runtime) -> list[str]:
    """Expired leases: back to PENDING (returned, to enqueue again) or FAILED after the last
    attempt."""
    now = runtime.clock()
    limit = runtime.settings.jobs.max_attempts
    expired = (Job.status == JobStatus.PROCESSING, Job.lease_expires_at < now)
    with transaction(runtime.sessions) as session:
        dead = list(session.execute(select(Job.id, Job.attempts).where(*expired)))
        again: list[str] = []
        given_up: list[str] = []
        for job_id, attempts in dead:
            values: dict[str, object] = {"lease_expires_at": None, "updated_at": now}
            if attempts >= limit:
                reason = f"the worker stopped {attempts} times while running this job"
                values |= {"status": JobStatus.FAILED, "error": reason, "finished_at": now}
            else:
                values |= {"status": JobStatus.PENDING}
            changed = session.execute(update(Job).where(Job.id == job_id, *expired).values(values))
            if getattr(changed, "rowcount", 0):
                (again if attempts < limit else given_up).append(job_id)
    for job_id in again:
        log.warning("job reclaimed after its worker stopped", extra={"job_id": job_id})
    clean_up_given_up(runtime, given_up)
    return again


def clean_up_given_up(runtime: Runtime, job_ids: list[str]) -> None:
    """Jobs failed because their workers kept dying: each kind's failure hook runs, as when
    its handler raises (a render's version is marked failed and what it stored is removed)."""
    from musia.jobs import registry
    from musia.jobs.context import JobContext

    for job_id in job_ids:
        with transaction(runtime.sessions) as session:
            job = session.get(Job, job_id)
            if job is None:
                continue
            context = JobContext(
                job.id, job.owner_id, job.kind, dict(job.input), job.attempts, runtime
            )
            error = job.error or ""
        kind = registry.kind(context.kind)
        if kind is None or kind.on_failure is None:
            continue
        try:
            kind.on_failure(context, error)
        except Exception:  # the next start must not fail on one job's clean-up
            log.exception("job failure hook crashed", extra={"job_id": job_id})


def stale_pending(runtime: Runtime, older_than_s: float) -> list[str]:
    """PENDING jobs nobody touched for a while: their message may have been lost."""
    moment = runtime.clock() - timedelta(seconds=older_than_s)
    with transaction(runtime.sessions) as session:
        query = select(Job.id).where(Job.status == JobStatus.PENDING, Job.updated_at < moment)
        return list(session.scalars(query.order_by(Job.created_at).limit(1000)))


class Sweeper:
    """A thread that reclaims dead workers' jobs every `sweep_s` and re-enqueues them."""

    def __init__(self, runtime: Runtime, enqueue: Callable[[str], None]) -> None:
        self.runtime, self.enqueue = runtime, enqueue
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="musia-sweeper", daemon=True)

    def start(self) -> Sweeper:
        self._thread.start()
        return self

    def sweep(self) -> list[str]:
        found = reclaim(self.runtime)
        found += stale_pending(self.runtime, max(60.0, self.runtime.settings.jobs.lease_s))
        for job_id in dict.fromkeys(found):
            self.enqueue(job_id)
        return found

    def _loop(self) -> None:
        while not self._stop.wait(self.runtime.settings.jobs.sweep_s):
            try:
                self.sweep()
            except Exception:  # the database or broker is away: try again next round
                log.warning("sweep failed", exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def cancel(runtime: Runtime, owner_id: str, job_id: str) -> str:
    """PENDING or PROCESSING → CANCELED; a running handler sees it at its next progress
    report. Returns the job's status afterwards (a finished job stays as it was)."""
    from musia.events import publish_job

    now = runtime.clock()
    with transaction(runtime.sessions) as session:
        job = session.get(Job, job_id)
        if job is None or job.owner_id != owner_id:
            raise NotFound(f"no job {job_id}")
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_(ACTIVE))
            .values(
                status=JobStatus.CANCELED, finished_at=now, updated_at=now, lease_expires_at=None
            )
        )
        session.refresh(job)
        status = str(job.status)
    publish_job(runtime.settings, job_id, status=status)
    return status
