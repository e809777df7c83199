"""Redis and PostgreSQL restarted under a Celery worker while its jobs run (the services of this
machine, 127.0.0.1): every job still ends COMPLETED, each with the result of the attempt that
finished it. Other test runs share these services: the outage is kept short and a `finally`
starts them again whatever happens here."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import redis

from musia.db.engine import transaction
from musia.db.models import Job, JobStatus
from musia.db.repos.jobs import Jobs
from musia.jobs.check import submit
from musia.jobs.handlers.noop import NOOP_KIND
from musia.runtime import Runtime
from tests.conftest import REDIS_URL
from tests.jobs.conftest import CeleryFactory, celery_world, wait_for
from tests.service_fixtures import database_url, postgres_url

__all__ = ["celery_world", "database_url", "postgres_url"]  # fixtures used here

REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip


def _cluster() -> str:
    (version,) = [p.name for p in Path("/etc/postgresql").iterdir()]
    return version


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _postgres_up() -> bool:
    ready = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432"], check=False)
    return ready.returncode == 0


def _restart_services() -> None:
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], check=False)
    subprocess.run(REDIS_START, check=True, timeout=30)
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", "restart"],
        check=True,
        timeout=120,
    )


def _ensure_up() -> None:
    if not _redis_up():
        subprocess.run(REDIS_START, check=False, timeout=30)
    if not _postgres_up():
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", "start"],
            check=False,
            timeout=120,
        )
    wait_for(lambda: _redis_up() and _postgres_up(), 60, "Redis and PostgreSQL to be back")


def _job(runtime: Runtime, job_id: str) -> Job | None:
    try:
        with transaction(runtime.sessions) as session:
            return Jobs(session).get_any(job_id)
    except Exception:  # the database is restarting: ask again
        return None


def _final(runtime: Runtime, job_id: str) -> bool:
    job = _job(runtime, job_id)
    return job is not None and job.status in {JobStatus.COMPLETED, JobStatus.FAILED}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_jobs_finish_after_redis_and_postgresql_restart(celery_world: CeleryFactory) -> None:
    world = celery_world(lease_s=3)
    world.workers.start()
    ids = [submit(world.runtime, NOOP_KIND, {"sleep_s": 2}) for _ in range(6)]

    def one_running() -> bool:
        jobs = [_job(world.runtime, i) for i in ids]
        return any(j is not None and j.status == JobStatus.PROCESSING for j in jobs)

    wait_for(one_running, 60, "a job to run")
    outage_started = time.monotonic()
    try:
        _restart_services()
    finally:
        _ensure_up()
    outage_s = time.monotonic() - outage_started
    for job_id in ids:
        wait_for(lambda job_id=job_id: _final(world.runtime, job_id), 240, f"job {job_id}")
    jobs = [_job(world.runtime, i) for i in ids]
    assert all(j is not None for j in jobs)
    outcomes = [(j.status, j.error, j.result, j.attempts) for j in jobs if j is not None]
    assert all(status == JobStatus.COMPLETED for status, *_ in outcomes), (outage_s, outcomes)
    for _, _, result, attempts in outcomes:  # one result each: the attempt that finished it
        assert result == {"slept_s": 2.0, "attempt": attempts}, outcomes
