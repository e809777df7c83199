"""The job table: created by a request, claimed and finished by a worker (DESIGN.md §5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from musia.db.base import utcnow
from musia.db.models import Job, JobStatus
from musia.errors import NotFound


class Jobs:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, owner_id: str, kind: str, payload: dict[str, Any]) -> Job:
        job = Job(owner_id=owner_id, kind=kind, input=payload, status=JobStatus.PENDING)
        self.session.add(job)
        self.session.flush()
        return job

    def get(self, owner_id: str, job_id: str) -> Job:
        job = self.session.get(Job, job_id)
        if job is None or job.owner_id != owner_id:
            raise NotFound(f"no job {job_id}")
        return job

    def get_any(self, job_id: str) -> Job | None:
        return self.session.get(Job, job_id)

    def claim(self, job_id: str, lease_s: float, now: datetime | None = None) -> bool:
        """PENDING → PROCESSING in one statement, so two workers never run the same job."""
        now = now or utcnow()
        claimed = self.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.PENDING)
            .values(
                status=JobStatus.PROCESSING,
                attempts=Job.attempts + 1,
                started_at=now,
                updated_at=now,
                lease_expires_at=now + timedelta(seconds=lease_s),
            )
        )
        return bool(getattr(claimed, "rowcount", 0))

    def progress(self, job_id: str, fraction: float, message: str | None) -> None:
        self.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.PROCESSING)
            .values(progress=min(1.0, max(0.0, fraction)), message=message, updated_at=utcnow())
        )

    def finish(
        self,
        job_id: str,
        status: JobStatus,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        now = utcnow()
        values: dict[str, Any] = {
            "status": status,
            "finished_at": now,
            "updated_at": now,
            "lease_expires_at": None,
            "result": result,
            "error": error,
        }
        if status == JobStatus.COMPLETED:
            values |= {"progress": 1.0, "message": "done"}
        # A job canceled while it ran stays CANCELED whatever its handler returned.
        unfinished = Job.status != JobStatus.CANCELED
        self.session.execute(update(Job).where(Job.id == job_id, unfinished).values(**values))

    def expired(self, now: datetime | None = None) -> list[Job]:
        """Jobs whose worker died: still PROCESSING after their lease ran out."""
        moment = now or utcnow()
        query = select(Job).where(Job.status == JobStatus.PROCESSING, Job.lease_expires_at < moment)
        return list(self.session.scalars(query))

    def pending_ids(self) -> list[str]:
        query = select(Job.id).where(Job.status == JobStatus.PENDING).order_by(Job.created_at)
        return list(self.session.scalars(query))

    def release(self, job: Job) -> None:
        """Back to PENDING for another attempt."""
        job.status = JobStatus.PENDING
        job.lease_expires_at = None
