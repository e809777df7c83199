"""What a handler sees: its job's id, owner and input, the runtime, and a progress reporter
that commits on its own (a watcher sees progress while the job's work is still open)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from musia.db.engine import transaction
from musia.db.models import JobStatus
from musia.db.repos.jobs import Jobs
from musia.errors import JobCanceled
from musia.runtime import Runtime

PROGRESS_DIGITS = 3


@dataclass(frozen=True)
class JobContext:
    job_id: str
    owner_id: str
    kind: str
    input: dict[str, Any]
    attempt: int
    runtime: Runtime

    def progress(self, fraction: float, message: str | None = None) -> None:
        """Record and publish progress, rounded to a tenth of a percent (never
        0.9000000000000001); raises JobCanceled when the job was canceled."""
        from musia.events import publish_job

        fraction = round(min(1.0, max(0.0, fraction)), PROGRESS_DIGITS)
        with transaction(self.runtime.sessions) as session:
            jobs = Jobs(session)
            jobs.progress(self.job_id, fraction, message)
            job = jobs.get_any(self.job_id)
            canceled = job is not None and job.status == JobStatus.CANCELED
        if canceled:
            raise JobCanceled("the job was canceled")
        publish_job(
            self.runtime.settings,
            self.job_id,
            status="PROCESSING",
            progress=fraction,
            message=message,
        )
        from musia.events import publish_owner  # the chat's websockets of this owner

        event: dict[str, Any] = {"type": "progress", "job_id": self.job_id, "kind": self.kind}
        event |= {"fraction": fraction, "message": message}
        publish_owner(self.runtime.settings, self.owner_id, event)
