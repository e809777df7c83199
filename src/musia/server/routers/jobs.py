"""Job status: what a client polls after a 202."""

from __future__ import annotations

from fastapi import APIRouter

from musia.db.repos.jobs import Jobs
from musia.server import schemas
from musia.server.deps import CurrentUser, Work

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("/{job_id}", response_model=schemas.JobOut)
def get_job(job_id: str, user: CurrentUser, uow: Work) -> schemas.JobOut:
    return schemas.JobOut.model_validate(Jobs(uow.session).get(user.id, job_id))
