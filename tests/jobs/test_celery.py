"""The Celery engine with real worker processes, the Redis on this machine and a database both
share: jobs complete, survive a SIGKILLed worker (or fail with the reason after their last
attempt), cancel, publish progress over Redis, and a thousand queued jobs all finish."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import func, select

from musia.db.engine import transaction
from musia.db.models import FINISHED, Job, JobStatus
from musia.db.repos.jobs import Jobs
from musia.events import bus_for, job_channel
from musia.jobs.check import check_worker, submit, system_user_id, wait_final
from musia.jobs.handlers.noop import NOOP_KIND
from musia.jobs.leases import cancel
from musia.runtime import Runtime
from tests.jobs.conftest import CeleryFactory, wait_for


def _job(runtime: Runtime, job_id: str) -> Job:
    with transaction(runtime.sessions) as session:
        job = Jobs(session).get_any(job_id)
        assert job is not None
        return job


def _running(runtime: Runtime, job_id: str) -> bool:
    job = _job(runtime, job_id)
    return job.status == JobStatus.PROCESSING and job.progress > 0


def test_a_killed_worker_s_job_completes_on_the_next_worker(celery_world: CeleryFactory) -> None:
    world = celery_world(lease_s=2)
    first = world.workers.start()
    job_id = submit(world.runtime, NOOP_KIND, {"sleep_s": 3})
    wait_for(lambda: _running(world.runtime, job_id), 60, "the job to run")
    world.workers.kill(first)
    assert _job(world.runtime, job_id).status == JobStatus.PROCESSING  # nobody else ran it
    world.workers.start()
    job = wait_final(world.runtime, job_id, timeout_s=60)
    assert job.status == JobStatus.COMPLETED, job.error
    assert job.attempts == 2
    assert job.result == {"slept_s": 3.0, "attempt": 2}


def test_a_job_killed_on_its_last_attempt_fails_with_the_reason(
    celery_world: CeleryFactory,
) -> None:
    world = celery_world(lease_s=1.5, max_attempts=1)
    first = world.workers.start()
    job_id = submit(world.runtime, NOOP_KIND, {"sleep_s": 5})
    wait_for(lambda: _running(world.runtime, job_id), 60, "the job to run")
    world.workers.kill(first)
    world.workers.start()
    job = wait_final(world.runtime, job_id, timeout_s=60)
    assert job.status == JobStatus.FAILED
    assert job.error == "the worker stopped 1 times while running this job"


def test_cancel_stops_a_running_job_and_progress_is_published(
    celery_world: CeleryFactory,
) -> None:
    world = celery_world()
    world.workers.start()
    owner = system_user_id(world.runtime)
    with transaction(world.runtime.sessions) as session:
        job_id = Jobs(session).create(owner, NOOP_KIND, {"sleep_s": 20}).id
    events = bus_for(world.settings).subscribe(job_channel(job_id))
    world.runtime.queue.enqueue(job_id)  # type: ignore[union-attr]
    first = events.get(timeout_s=60)
    assert first is not None, "no progress event came over Redis"
    assert first["job_id"] == job_id
    assert first["status"] == "PROCESSING"
    assert 0 < first["progress"] < 1
    assert cancel(world.runtime, owner, job_id) == "CANCELED"
    statuses = set()
    while (event := events.get(timeout_s=5)) is not None and "CANCELED" not in statuses:
        statuses.add(event["status"])
    events.close()
    assert "CANCELED" in statuses
    # The worker saw it at its next report and let the row be: still CANCELED later.
    check_worker(world.runtime, timeout_s=30)  # the worker is free again
    job = _job(world.runtime, job_id)
    assert job.status == JobStatus.CANCELED
    assert job.progress < 0.5


def test_a_thousand_queued_jobs_all_reach_a_final_status(celery_world: CeleryFactory) -> None:
    world = celery_world(workers=4)
    owner = system_user_id(world.runtime)
    with transaction(world.runtime.sessions) as session:
        jobs = Jobs(session)
        ids = [jobs.create(owner, NOOP_KIND, {}).id for _ in range(1000)]
    for job_id in ids:  # all queued before any worker listens
        world.runtime.queue.enqueue(job_id)  # type: ignore[union-attr]
    world.workers.start(concurrency=4)

    def finished() -> int:
        with transaction(world.runtime.sessions) as session:
            query = select(func.count()).select_from(Job).where(Job.status.in_(FINISHED))
            return int(session.scalar(query) or 0)

    wait_for(lambda: finished() == 1000, 240, "1000 jobs to finish")
    with transaction(world.runtime.sessions) as session:
        rows = session.execute(select(Job.status, Job.error).where(Job.id.in_(ids)))
        outcomes = {(status, error) for status, error in rows}
    assert outcomes == {(JobStatus.COMPLETED, None)}


def test_jobs_check_answers_with_a_worker_and_fails_without(
    celery_world: CeleryFactory,
) -> None:
    world = celery_world()
    command = [sys.executable, "-m", "musia.cli", "jobs", "check", "--timeout-s"]
    alone = subprocess.run(
        [*command, "1"], env=world.workers.env, capture_output=True, text=True, check=False
    )
    assert alone.returncode == 2
    assert "is a worker running" in alone.stderr
    assert "Traceback" not in alone.stderr
    world.workers.start()
    answered = subprocess.run(
        [*command, "60"], env=world.workers.env, capture_output=True, text=True, check=False
    )
    assert answered.returncode == 0, answered.stderr
    assert answered.stdout.startswith("ok: a no-op job completed on the celery engine")
