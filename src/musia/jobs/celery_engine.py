"""The Celery engine (`MUSIA_JOBS=celery`): Redis carries only "look at job N now"; the job row
stays the truth, so no result backend. The worker runs the same `run_job` as the in-process
engine, in threads of one process (`--pool threads`), with late acknowledgement: a message is
acked after its job ran, and one whose worker died goes back to the broker. Jobs whose worker
died are also found by their expired lease (musia.jobs.leases), whichever comes first; claiming
is one conditional UPDATE, so a job redelivered twice still runs once at a time."""

from __future__ import annotations

import logging
import os
import socket
from typing import TYPE_CHECKING, Any

from musia.runtime import Runtime
from musia.settings import Settings

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger("musia.jobs")
TASK = "musia.run_job"


def make_celery(settings: Settings) -> Celery:
    from celery import Celery

    app = Celery("musia", broker=settings.jobs.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        task_ignore_result=True,
        task_default_queue=settings.jobs.queue,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=5,
        # Unacked messages come back after this long; the lease sweeper is usually faster.
        broker_transport_options={"visibility_timeout": max(60, int(settings.jobs.lease_s * 2))},
    )
    return app


class CeleryQueue:
    """The service's side: sends job ids to the workers. Nothing to start or stop here."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.app = make_celery(runtime.settings)

    def enqueue(self, job_id: str) -> None:
        self.app.send_task(TASK, args=[job_id], queue=self.runtime.settings.jobs.queue)

    def start(self) -> None:
        return None

    def stop(self) -> None:
        self.app.close()


def worker_app(runtime: Runtime) -> Celery:
    """The worker's app: the run_job task bound to this process's runtime."""
    from musia.jobs.runner import run_job

    queue = CeleryQueue(runtime)
    app = queue.app

    def run(job_id: str) -> str | None:
        status = run_job(runtime, job_id)
        return None if status is None else str(status)

    app.task(name=TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)(run)

    runtime.queue = queue
    return app


def run_worker(
    settings: Settings, *, concurrency: int | None = None, loglevel: str = "INFO"
) -> None:
    """Blocks: recover what dead workers left, start the sweeper, then consume the queue."""
    from musia.jobs.leases import Sweeper
    from musia.jobs.runner import recover
    from musia.malloc import tune_for_service
    from musia.runtime import open_runtime

    tune_for_service()  # a worker runs for days: freed buffers go back to the system
    runtime = open_runtime(settings)
    app = worker_app(runtime)
    assert runtime.queue is not None
    for job_id in recover(runtime):
        runtime.queue.enqueue(job_id)
    sweeper = Sweeper(runtime, runtime.queue.enqueue).start()
    name = f"musia-{os.getpid()}@{socket.gethostname()}"
    argv: list[Any] = ["worker", "--pool", "threads", "--concurrency"]
    argv += [str(concurrency or settings.jobs.workers), "--queues", settings.jobs.queue]
    argv += ["--hostname", name, "--loglevel", loglevel, "--without-gossip", "--without-mingle"]
    try:
        app.worker_main(argv)
    finally:
        sweeper.stop()
        runtime.close()
