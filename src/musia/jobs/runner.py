"""Run one job by id: claim the row, run its handler, record the result or the error. Used by
every backend; the row, not the message, is the truth."""

from __future__ import annotations

import logging

from musia.db.engine import transaction
from musia.db.models import JobStatus
from musia.db.repos.jobs import Jobs
from musia.errors import JobCanceled, MusiaError
from musia.events import publish_job
from musia.jobs import registry
from musia.jobs.context import JobContext
from musia.jobs.leases import clean_up_given_up, heartbeat
from musia.runtime import Runtime

log = logging.getLogger("musia.jobs")


def run_job(runtime: Runtime, job_id: str) -> JobStatus | None:
    """Returns the final status, or None when the job was not ours to run (gone, or claimed)."""
    context = _claim(runtime, job_id)
    if context is None:
        return None
    kind = registry.kind(context.kind)
    if kind is None:
        return _fail(runtime, context, f"unknown job kind {context.kind!r}")
    log.info("job started", extra={"job_id": job_id, "kind": context.kind})
    try:
        with heartbeat(runtime, job_id):
            result = kind.handler(context)
    except JobCanceled:
        log.info("job canceled", extra={"job_id": job_id, "kind": context.kind})
        return JobStatus.CANCELED
    except MusiaError as exc:
        return _fail(runtime, context, exc.message)
    except Exception as exc:  # a bug must not leave the row PROCESSING forever
        log.exception("job crashed", extra={"job_id": job_id, "kind": context.kind})
        return _fail(runtime, context, f"internal error ({type(exc).__name__})")
    with transaction(runtime.sessions) as session:
        Jobs(session).finish(job_id, JobStatus.COMPLETED, result=result)
    runtime.events.notify(job_id)
    _announce(context, JobStatus.COMPLETED, result=result)
    publish_job(runtime.settings, job_id, status="COMPLETED", progress=1.0)
    log.info("job completed", extra={"job_id": job_id, "kind": context.kind})
    return JobStatus.COMPLETED


def _claim(runtime: Runtime, job_id: str) -> JobContext | None:
    with transaction(runtime.sessions) as session:
        jobs = Jobs(session)
        if not jobs.claim(job_id, runtime.settings.jobs.lease_s, runtime.clock()):
            return None
        job = jobs.get_any(job_id)
        assert job is not None
        session.refresh(job)
        return JobContext(job.id, job.owner_id, job.kind, dict(job.input), job.attempts, runtime)


def _fail(runtime: Runtime, context: JobContext, error: str) -> JobStatus:
    kind = registry.kind(context.kind)
    if kind is not None and kind.on_failure is not None:
        try:
            kind.on_failure(context, error)
        except Exception:
            log.exception("job failure hook crashed", extra={"job_id": context.job_id})
    with transaction(runtime.sessions) as session:
        Jobs(session).finish(context.job_id, JobStatus.FAILED, error=error)
    runtime.events.notify(context.job_id)
    _announce(context, JobStatus.FAILED, error=error)
    publish_job(runtime.settings, context.job_id, status="FAILED", error=error)
    log.warning("job failed", extra={"job_id": context.job_id, "error": error})
    return JobStatus.FAILED


def _announce(context: JobContext, status: JobStatus, **outcome: object) -> None:
    from musia.events import publish_owner

    event = {"type": "finished", "job_id": context.job_id, "kind": context.kind}
    publish_owner(
        context.runtime.settings, context.owner_id, event | {"status": status.value, **outcome}
    )


def recover(runtime: Runtime) -> list[str]:
    """At start: jobs whose worker died (lease expired) go back to PENDING, or FAILED once they
    used their attempts; returns every PENDING job id, to enqueue again."""
    given_up: list[str] = []
    with transaction(runtime.sessions) as session:
        jobs = Jobs(session)
        for job in jobs.expired():
            if job.attempts >= runtime.settings.jobs.max_attempts:
                reason = f"the worker stopped {job.attempts} times while running this job"
                jobs.finish(job.id, JobStatus.FAILED, error=reason)
                given_up.append(job.id)
            else:
                jobs.release(job)
        session.flush()
        pending = jobs.pending_ids()
    clean_up_given_up(runtime, given_up)
    return pending
