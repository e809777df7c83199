"""`POST /api/v1/jobs/{id}/cancel`: the owner cancels a running job; anyone else gets 404."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from musia.db.engine import transaction
from musia.db.models import User
from musia.db.repos.jobs import Jobs
from musia.jobs.handlers.noop import NOOP_KIND
from musia.runtime import Runtime


def test_the_owner_cancels_a_running_job(
    api: TestClient, runtime: Runtime, alice: dict[str, str], bob: dict[str, str]
) -> None:
    with transaction(runtime.sessions) as session:
        owner = session.query(User).filter_by(username="alice").one().id
        job_id = Jobs(session).create(owner, NOOP_KIND, {"sleep_s": 20}).id
    assert runtime.queue is not None
    runtime.queue.enqueue(job_id)
    deadline = time.monotonic() + 30
    while api.get(f"/api/v1/jobs/{job_id}", headers=alice).json()["progress"] == 0:
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.05)
    assert api.post(f"/api/v1/jobs/{job_id}/cancel", headers=bob).status_code == 404
    answer = api.post(f"/api/v1/jobs/{job_id}/cancel", headers=alice)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "CANCELED"
    time.sleep(0.6)  # past the handler's next progress report
    later = api.get(f"/api/v1/jobs/{job_id}", headers=alice).json()
    assert later["status"] == "CANCELED"
    assert later["progress"] < 0.5
