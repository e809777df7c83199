"""The embedded backend: a thread pool in the server's own process."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from musia.jobs.runner import recover, run_job
from musia.runtime import Runtime

log = logging.getLogger("musia.jobs")


class InProcessQueue:
    def __init__(self, runtime: Runtime, workers: int | None = None) -> None:
        self.runtime = runtime
        self.workers = workers or runtime.settings.jobs.workers
        self._pool: ThreadPoolExecutor | None = None
        self._futures: set[Future[object]] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="musia-job")
            for job_id in recover(self.runtime):
                self.enqueue(job_id)

    def enqueue(self, job_id: str) -> None:
        if self._pool is None:
            self.start()
        assert self._pool is not None
        future: Future[object] = self._pool.submit(run_job, self.runtime, job_id)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[object]) -> None:
        with self._lock:
            self._futures.discard(future)

    def wait_idle(self, timeout_s: float = 60.0) -> bool:
        """For tests and shutdown: wait until every submitted job has run."""
        with self._lock:
            pending = list(self._futures)
        for future in pending:
            try:
                future.result(timeout=timeout_s)
            except TimeoutError:
                return False
        return True

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=False)
            self._pool = None
        from musia.jobs import cpu

        cpu.shutdown()
