"""Job status: what a client polls after a 202."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query

from musia.db.models import FINISHED
from musia.db.repos.jobs import Jobs
from musia.server import schemas
from musia.server.deps import CurrentUser, Work

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("/{job_id}", response_model=schemas.JobOut)
def get_job(
    job_id: str,
    user: CurrentUser,
    uow: Work,
    wait: Annotated[
        float, Query(ge=0, le=30, description="Long poll: seconds to wait for the job to end.")
    ] = 0,
) -> schemas.JobOut:
    jobs = Jobs(uow.session)
    job = jobs.get(user.id, job_id)
    deadline = time.monotonic() + wait
    while job.status not in FINISHED and (remaining := deadline - time.monotonic()) > 0:
        uow.session.commit()  # end the read, so the next one sees the worker's commit
        uow.runtime.events.wait(remaining)
        job = jobs.get(user.id, job_id)
        uow.session.refresh(job)
    return schemas.JobOut.model_validate(job)
