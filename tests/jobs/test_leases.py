"""Leases, the sweeper, cancel and events on the in-process engine (no Redis needed)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from musia.db.base import utcnow
from musia.db.engine import transaction
from musia.db.models import JobStatus
from musia.db.repos.jobs import Jobs
from musia.errors import InvalidInput, NotFound
from musia.events import LocalBus, bus_for, job_channel
from musia.jobs.check import check_worker, submit, system_user_id, wait_final
from musia.jobs.engines import make_queue
from musia.jobs.handlers.noop import NOOP_KIND
from musia.jobs.inprocess import InProcessQueue
from musia.jobs.leases import Sweeper, cancel, reclaim
from musia.runtime import Runtime, open_runtime
from musia.settings import JobSettings, load_settings
from tests.jobs.conftest import wait_for
from tests.server.conftest import make_settings


class Clock:
    """The runtime's "now", moved by the test instead of sleeping through a lease."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def runtime(tmp_path: Path, database_url: str, clock: Clock) -> Iterator[Runtime]:
    settings = make_settings(
        tmp_path, database_url, jobs=JobSettings(lease_s=0.5, max_attempts=2, workers=2)
    )
    current = open_runtime(settings, migrate=False)
    current.clock = clock
    current.queue = make_queue(current)
    yield current
    current.close()


def _claimed(runtime: Runtime, job_id: str) -> None:
    with transaction(runtime.sessions) as session:
        assert Jobs(session).claim(job_id, runtime.settings.jobs.lease_s, runtime.clock())


def _status(runtime: Runtime, job_id: str) -> tuple[str, str | None, int]:
    with transaction(runtime.sessions) as session:
        job = Jobs(session).get_any(job_id)
        assert job is not None
        return job.status, job.error, job.attempts


def test_an_expired_lease_is_retried_then_failed_after_the_last_attempt(
    runtime: Runtime, clock: Clock
) -> None:
    owner = system_user_id(runtime)
    with transaction(runtime.sessions) as session:
        job_id = Jobs(session).create(owner, NOOP_KIND, {}).id
    _claimed(runtime, job_id)  # a worker that then died: nobody renews the lease
    clock.advance(0.4)
    assert reclaim(runtime) == []  # the 0.5 s lease still runs
    clock.advance(0.2)
    assert reclaim(runtime) == [job_id]
    assert _status(runtime, job_id) == (JobStatus.PENDING, None, 1)
    _claimed(runtime, job_id)
    clock.advance(0.6)
    assert reclaim(runtime) == []
    reason = "the worker stopped 2 times while running this job"
    assert _status(runtime, job_id) == (JobStatus.FAILED, reason, 2)


def _lease_ends(runtime: Runtime, job_id: str) -> datetime | None:
    with transaction(runtime.sessions) as session:
        job = Jobs(session).get_any(job_id)
        assert job is not None
        return job.lease_expires_at


def test_a_running_job_renews_its_lease(runtime: Runtime, clock: Clock) -> None:
    """Three lease lengths pass while the job runs; its heartbeat pushes the lease past each new
    "now", so the sweeper never takes the job away."""
    job_id = submit(runtime, NOOP_KIND, {"sleep_s": 3})
    wait_for(lambda: _lease_ends(runtime, job_id) is not None, 30, "the job to start")
    found: list[str] = []
    sweeper = Sweeper(runtime, found.append)
    lease = timedelta(seconds=runtime.settings.jobs.lease_s)

    def renewed_since(moment: datetime) -> bool:
        ends = _lease_ends(runtime, job_id)
        return ends is not None and ends >= moment + lease

    for _ in range(4):
        clock.advance(0.4)  # under one lease (0.5 s) since the last renewal
        wait_for(lambda moment=clock.now: renewed_since(moment), 30, "a renewal")
        sweeper.sweep()
    assert found == []
    assert wait_final(runtime, job_id, 30).status == JobStatus.COMPLETED


def test_cancel_stops_a_running_job_and_events_tell_subscribers(runtime: Runtime) -> None:
    owner = system_user_id(runtime)
    with transaction(runtime.sessions) as session:
        job_id = Jobs(session).create(owner, NOOP_KIND, {"sleep_s": 10}).id
    bus = bus_for(runtime.settings)
    assert isinstance(bus, LocalBus)
    events = bus.subscribe(job_channel(job_id))
    assert runtime.queue is not None
    runtime.queue.enqueue(job_id)
    first = events.get(timeout_s=30)
    assert first is not None
    assert first["status"] == "PROCESSING"
    with pytest.raises(NotFound):
        cancel(runtime, "someone-else", job_id)
    assert cancel(runtime, owner, job_id) == "CANCELED"
    assert isinstance(runtime.queue, InProcessQueue)
    assert runtime.queue.wait_idle(30)
    statuses = set()
    while (event := events.get(timeout_s=0.5)) is not None:
        statuses.add(event["status"])
    events.close()
    assert "CANCELED" in statuses
    assert "COMPLETED" not in statuses
    assert _status(runtime, job_id)[0] == JobStatus.CANCELED
    assert cancel(runtime, owner, job_id) == "CANCELED"  # twice is harmless


def test_a_finished_job_cannot_be_canceled(runtime: Runtime) -> None:
    check_worker(runtime, timeout_s=30)
    job_id = submit(runtime, NOOP_KIND, {})
    wait_for(lambda: _status(runtime, job_id)[0] == JobStatus.COMPLETED, 30, "the job")
    assert cancel(runtime, system_user_id(runtime), job_id) == "COMPLETED"


@pytest.mark.parametrize("sleep_s", [-1, 61, "soon", True])
def test_a_bad_noop_input_fails_the_job_with_a_field_message(
    runtime: Runtime, sleep_s: object
) -> None:
    job = wait_final(runtime, submit(runtime, NOOP_KIND, {"sleep_s": sleep_s}), 30)
    assert job.status == JobStatus.FAILED
    assert job.error is not None
    assert "sleep_s must be" in job.error


def test_the_engine_comes_from_musia_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSIA_JOBS", "celery")
    assert load_settings().jobs.engine == "celery"
    monkeypatch.setenv("MUSIA_JOBS", "threads")
    with pytest.raises(InvalidInput):
        load_settings()
    monkeypatch.setenv("MUSIA_JOBS", "inprocess")
    monkeypatch.setenv("MUSIA_JOBS_BROKER_URL", "amqp://127.0.0.1")
    with pytest.raises(InvalidInput, match="redis://"):
        load_settings()


def test_a_render_given_up_after_its_workers_died_leaves_no_stored_files(
    tmp_path: Path, database_url: str, clock: Clock
) -> None:
    """A worker killed while it stored a version's files, then never run again (its attempts
    used): the version says failed and none of its half-stored files stays in the storage."""
    from musia.core.plan_builder import plan_from_text
    from musia.db.repos.projects import Projects
    from musia.services.projects import RenderOptions, start_generation, version_prefix
    from musia.services.uow import UnitOfWork

    settings = make_settings(tmp_path, database_url, jobs=JobSettings(lease_s=0.5, max_attempts=1))
    runtime = open_runtime(settings, migrate=False)  # no queue: nothing runs the job here
    runtime.clock = clock
    try:
        owner = system_user_id(runtime)
        with UnitOfWork(runtime) as uow:
            started = start_generation(
                uow, owner, plan_from_text("techno, 8 bars", seed=1), RenderOptions(), None
            )
            uow.commit()
            job_id, version_id = started.job.id, started.version.id
            prefix = version_prefix(started.project.id, started.version.number)
        _claimed(runtime, job_id)
        half = runtime.settings.storage_dir / prefix / "Song.als"  # what the dead worker stored
        half.parent.mkdir(parents=True)
        half.write_bytes(b"\x1f\x8b half a set")
        clock.advance(1.0)

        assert reclaim(runtime) == []  # its only attempt is used: given up
        assert _status(runtime, job_id)[0] == JobStatus.FAILED
        with transaction(runtime.sessions) as session:
            version = Projects(session).version_by_id(version_id)
            assert version is not None and version.status == "failed"
        assert not (runtime.settings.storage_dir / prefix).exists()
    finally:
        runtime.close()
