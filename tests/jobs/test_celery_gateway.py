"""Every shipped preset end to end through the Celery engine: a real worker process runs the
`provider_generation` job from the database against a fake vendor and keeps the results."""

from __future__ import annotations

import pytest

from musia.db.models import JobStatus
from musia.gateway.generation import KIND
from musia.jobs.check import submit, wait_final
from musia.providers import ModelType, load_presets
from tests.gateway.conftest import install
from tests.jobs.conftest import CeleryFactory
from tests.providers.fakes import DIALECTS, FakeVendor

SHIPPED = [(p.provider.name, m.name, m.type) for p in load_presets() for m in p.models]


def test_every_preset_runs_through_a_celery_worker(
    celery_world: CeleryFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUSIA_HTTP_ALLOW_PRIVATE_URLS", "true")  # the fakes live on 127.0.0.1
    world = celery_world()
    world.workers.start()
    for provider, model, kind in SHIPPED:
        with FakeVendor(DIALECTS[(provider, model)](), processing_polls=1) as fake:
            ids = install(world.runtime, fake, provider)
            job_id = submit(
                world.runtime, KIND, {"model_id": ids[model], "params": {"prompt": "x"}}
            )
            job = wait_final(world.runtime, job_id, timeout_s=60)
        assert job.status == JobStatus.COMPLETED, f"{provider}/{model}: {job.error}"
        assert job.result is not None
        if kind is ModelType.TEXT:
            assert "says" in job.result["text"]
        else:
            files = job.result["files"]
            assert files, f"{provider}/{model} stored nothing"
            for file in files:
                assert world.runtime.storage.size(file["key"]) == file["size_bytes"] > 100
