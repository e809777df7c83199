"""The job runner on a real database: a job is claimed once, its result or error is recorded,
and a job whose worker died is retried up to a bound, then FAILED with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from musia.db.base import utcnow
from musia.db.engine import transaction
from musia.db.models import Job, JobStatus
from musia.db.repos.accounts import Users
from musia.db.repos.jobs import Jobs
from musia.errors import InvalidInput
from musia.jobs.context import JobContext
from musia.jobs.registry import JobKind, register
from musia.jobs.runner import recover, run_job
from musia.runtime import Runtime, open_runtime
from tests.server.conftest import make_settings


def _echo(context: JobContext) -> dict[str, Any]:
    context.progress(0.5, "half way")
    return {"echo": context.input["value"], "attempt": context.attempt}


def _refuse(context: JobContext) -> dict[str, Any]:
    raise InvalidInput("this input cannot be used")


def _crash(context: JobContext) -> dict[str, Any]:
    return {"x": 1 / 0}


register(JobKind("test.echo", _echo))
register(JobKind("test.refuse", _refuse))
register(JobKind("test.crash", _crash))


@pytest.fixture
def runtime(tmp_path: Path, database_url: str) -> Iterator[Runtime]:
    current = open_runtime(make_settings(tmp_path, database_url), migrate=False)
    yield current
    current.close()


def _job(runtime: Runtime, kind: str, **values: Any) -> str:
    with transaction(runtime.sessions) as session:
        user = Users(session).by_username("worker") or Users(session).create("worker", "x")
        job = Jobs(session).create(user.id, kind, {"value": 7})
        for name, value in values.items():
            setattr(job, name, value)
        return job.id


def _row(runtime: Runtime, job_id: str) -> Job:
    with runtime.sessions() as session:
        job = Jobs(session).get_any(job_id)
        assert job is not None
        return job


def test_a_job_runs_once_and_records_its_result(runtime: Runtime) -> None:
    job_id = _job(runtime, "test.echo")
    assert run_job(runtime, job_id) == JobStatus.COMPLETED
    assert run_job(runtime, job_id) is None  # already claimed: not run again
    job = _row(runtime, job_id)
    assert job.status == JobStatus.COMPLETED
    assert job.result == {"echo": 7, "attempt": 1}
    assert job.progress == 1.0
    assert job.attempts == 1
    assert job.started_at is not None and job.finished_at is not None
    assert job.lease_expires_at is None


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("test.refuse", "this input cannot be used"),
        ("test.crash", "internal error (ZeroDivisionError)"),
        ("test.nothing", "unknown job kind 'test.nothing'"),
    ],
)
def test_failures_are_recorded_with_their_reason(runtime: Runtime, kind: str, error: str) -> None:
    job_id = _job(runtime, kind)
    assert run_job(runtime, job_id) == JobStatus.FAILED
    job = _row(runtime, job_id)
    assert (job.status, job.error, job.result) == (JobStatus.FAILED, error, None)


def test_a_dead_workers_jobs_are_retried_then_failed(runtime: Runtime) -> None:
    expired = utcnow() - timedelta(seconds=1)
    retry = _job(
        runtime, "test.echo", status=JobStatus.PROCESSING, attempts=1, lease_expires_at=expired
    )
    spent = _job(
        runtime, "test.echo", status=JobStatus.PROCESSING, attempts=3, lease_expires_at=expired
    )
    alive = _job(
        runtime, "test.echo", status=JobStatus.PROCESSING, attempts=1,
        lease_expires_at=utcnow() + timedelta(minutes=5),
    )  # fmt: skip
    waiting = _job(runtime, "test.echo")
    assert set(recover(runtime)) == {retry, waiting}
    assert _row(runtime, spent).status == JobStatus.FAILED
    assert "stopped 3 times" in (_row(runtime, spent).error or "")
    assert _row(runtime, alive).status == JobStatus.PROCESSING
    assert run_job(runtime, retry) == JobStatus.COMPLETED
    assert _row(runtime, retry).result == {"echo": 7, "attempt": 2}
