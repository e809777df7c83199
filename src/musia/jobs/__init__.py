"""Jobs: a row in the `job` table is the truth; a queue only says "look at job N now".

`JobQueue` is the seam between the service and a backend: the in-process thread pool here, or
Celery later. Both run `musia.jobs.runner.run_job`, which reloads the row by id.
"""

from __future__ import annotations

from typing import Protocol


class JobQueue(Protocol):
    def enqueue(self, job_id: str) -> None:
        """Called after the job's row is committed."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...
