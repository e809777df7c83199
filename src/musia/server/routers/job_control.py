"""Canceling a job: PENDING or PROCESSING → CANCELED; a running one stops at its next progress
report. A finished job stays as it was (the answer says which)."""

from __future__ import annotations

from fastapi import APIRouter

from musia.db.repos.jobs import Jobs
from musia.jobs.leases import cancel
from musia.server import schemas
from musia.server.deps import CurrentUser, Work

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.post("/{job_id}/cancel", response_model=schemas.JobOut)
def cancel_job(job_id: str, user: CurrentUser, uow: Work) -> schemas.JobOut:
    Jobs(uow.session).get(user.id, job_id)  # 404 for someone else's job
    cancel(uow.runtime, user.id, job_id)
    uow.session.expire_all()
    return schemas.JobOut.model_validate(Jobs(uow.session).get(user.id, job_id))
