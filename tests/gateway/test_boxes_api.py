"""Boxes and assets through the API, every shipped preset end to end on the in-process engine
via the database job, vendor failures, owner checks, and resuming a vendor task."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from musia.db.engine import transaction
from musia.db.models import AiProvider, Job, JobStatus
from musia.jobs.runner import run_job
from musia.providers import ModelType, load_presets
from musia.runtime import Runtime
from tests.gateway.conftest import install, wait_asset
from tests.providers.fakes import DIALECTS, FILES, FakeVendor
from tests.server.media_data import wav_bytes

SHIPPED = [(p.provider.name, m.name, m.type) for p in load_presets() for m in p.models]
MEDIA = {ModelType.MUSIC: "audio/", ModelType.AUDIO: "audio/", ModelType.IMAGE: "image/"}
MEDIA |= {ModelType.VIDEO: "video/"}
Headers = dict[str, str]


def _box(api: TestClient, headers: Headers, name: str = "ideas") -> str:
    answer = api.post("/api/v1/boxes", json={"name": name}, headers=headers)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _generate(api: TestClient, headers: Headers, box_id: str, **body: Any) -> Any:
    return api.post(f"/api/v1/boxes/{box_id}/generate", json=body, headers=headers)


@pytest.mark.parametrize(("provider", "model", "kind"), SHIPPED)
def test_every_preset_makes_an_asset_end_to_end(
    api: TestClient, runtime: Runtime, alice: Headers, provider: str, model: str, kind: ModelType
) -> None:
    with FakeVendor(DIALECTS[(provider, model)](), processing_polls=2) as fake:
        ids = install(runtime, fake, provider)
        listed = api.get("/api/v1/providers/models", headers=alice).json()
        assert {m["id"] for m in listed} == set(ids.values())
        assert fake.api_key not in json.dumps(listed)
        box_id = _box(api, alice)
        started = _generate(api, alice, box_id, prompt="warm house groove", ai_model_id=ids[model])
        assert started.status_code == 202, started.text
        assert started.json()["status"] == "PENDING"
        asset = wait_asset(api, alice, started.json()["id"])
    assert asset["status"] == "COMPLETED", asset["error_message"]
    if fake.dialect.poll_path is not None:
        assert asset["external_task_id"] == "task-1"
    if kind is ModelType.TEXT:
        with transaction(runtime.sessions) as session:
            job = session.get(Job, asset["job_id"])
            assert job is not None and job.result is not None
            assert "says" in job.result["text"]
        return
    assert asset["content_type"].startswith(MEDIA[kind])
    file = api.get(asset["file_url"], headers=alice)
    assert file.status_code == 200
    assert len(file.content) == asset["size_bytes"] > 100


def test_a_vendor_refusal_fails_the_asset_with_the_vendor_s_message(
    api: TestClient, runtime: Runtime, alice: Headers
) -> None:
    with FakeVendor(DIALECTS[("kie", "suno")](), reject=(402, "Insufficient credits")) as fake:
        ids = install(runtime, fake, "kie")
        box_id = _box(api, alice)
        started = _generate(api, alice, box_id, prompt="rain", ai_model_id=ids["suno"])
        asset = wait_asset(api, alice, started.json()["id"])
    assert asset["status"] == "FAILED"
    assert "Insufficient credits" in asset["error_message"]


def test_a_failed_vendor_task_fails_the_asset(
    api: TestClient, runtime: Runtime, alice: Headers
) -> None:
    with FakeVendor(DIALECTS[("kie", "veo3")](), fail_task="content policy") as fake:
        ids = install(runtime, fake, "kie")
        started = _generate(api, alice, _box(api, alice), prompt="x", ai_model_id=ids["veo3"])
        asset = wait_asset(api, alice, started.json()["id"])
    assert asset["status"] == "FAILED"
    assert "content policy" in asset["error_message"]


def test_out_of_schema_parameters_are_refused_before_any_job(
    api: TestClient, runtime: Runtime, alice: Headers
) -> None:
    with FakeVendor(DIALECTS[("kie", "suno")]()) as fake:
        ids = install(runtime, fake, "kie")
        box_id = _box(api, alice)
        answer = _generate(
            api,
            alice,
            box_id,
            prompt="x",
            ai_model_id=ids["suno"],
            generation_config={"model": "V99"},
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"] == "provider_request_invalid"
        assert fake.requests == []
    with transaction(runtime.sessions) as session:
        assert list(session.scalars(select(Job.id))) == []


def test_a_parent_image_fills_image_url(api: TestClient, runtime: Runtime, alice: Headers) -> None:
    box_id = _box(api, alice)
    png = FILES[".png"][0]
    uploaded = api.post(
        f"/api/v1/boxes/{box_id}/upload",
        files={"file": ("cover.png", png, "image/png")},
        data={"prompt_text": "a cover"},
        headers=alice,
    )
    assert uploaded.status_code == 201, uploaded.text
    parent = uploaded.json()
    assert parent["status"] == "COMPLETED" and parent["kind"] == "image"
    assert api.get(parent["file_url"], headers=alice).content == png
    with FakeVendor(DIALECTS[("kie", "flux-kontext")]()) as fake:
        ids = install(runtime, fake, "kie")
        started = _generate(
            api,
            alice,
            box_id,
            prompt="make it blue",
            ai_model_id=ids["flux-kontext"],
            parent_asset_id=parent["id"],
        )
        assert started.status_code == 202, started.text
        asset = wait_asset(api, alice, started.json()["id"])
    assert asset["status"] == "COMPLETED", asset["error_message"]
    assert asset["parent_asset_id"] == parent["id"]
    sent = json.dumps(fake.api_requests()[0].body)
    assert f"/api/v1/assets/{parent['id']}/file" in sent


def test_an_upload_that_is_not_media_is_refused(api: TestClient, alice: Headers) -> None:
    box_id = _box(api, alice)
    answer = api.post(
        f"/api/v1/boxes/{box_id}/upload",
        files={"file": ("x.png", b"<html>nope</html>", "image/png")},
        headers=alice,
    )
    assert answer.status_code == 415, answer.text


def test_another_user_s_box_and_asset_answer_404(
    api: TestClient, runtime: Runtime, alice: Headers, bob: Headers
) -> None:
    box_id = _box(api, alice)
    uploaded = api.post(
        f"/api/v1/boxes/{box_id}/upload",
        files={"file": ("a.png", FILES[".png"][0], "image/png")},
        headers=alice,
    ).json()
    assert api.get("/api/v1/boxes", headers=bob).json() == []
    assert [b["id"] for b in api.get("/api/v1/boxes", headers=alice).json()] == [box_id]
    assert api.get(f"/api/v1/assets/{uploaded['id']}", headers=bob).status_code == 404
    assert api.get(f"/api/v1/assets/{uploaded['id']}/file", headers=bob).status_code == 404
    assert api.get(f"/api/v1/boxes/{box_id}/assets", headers=bob).status_code == 404
    upload = api.post(
        f"/api/v1/boxes/{box_id}/upload",
        files={"file": ("a.png", FILES[".png"][0], "image/png")},
        headers=bob,
    )
    assert upload.status_code == 404
    with FakeVendor(DIALECTS[("kie", "suno")]()) as fake:
        ids = install(runtime, fake, "kie")
        theirs = _generate(api, bob, box_id, prompt="x", ai_model_id=ids["suno"])
        assert theirs.status_code == 404
        bobs_box = _box(api, bob)
        with_parent = _generate(
            api,
            bob,
            bobs_box,
            prompt="x",
            ai_model_id=ids["suno"],
            parent_asset_id=uploaded["id"],
        )
        assert with_parent.status_code == 404


def test_a_retried_job_follows_the_vendor_task_instead_of_creating_another(
    api: TestClient, runtime: Runtime, alice: Headers
) -> None:
    with FakeVendor(DIALECTS[("kie", "suno")](), processing_polls=1) as fake:
        ids = install(runtime, fake, "kie")
        started = _generate(api, alice, _box(api, alice), prompt="x", ai_model_id=ids["suno"])
        asset = wait_asset(api, alice, started.json()["id"])
        assert asset["status"] == "COMPLETED"
        # As if the worker died after the vendor accepted the task: the row is run again.
        with transaction(runtime.sessions) as session:
            session.execute(
                update(Job).where(Job.id == asset["job_id"]).values(status=JobStatus.PENDING)
            )
        assert run_job(runtime, asset["job_id"]) == JobStatus.COMPLETED
    creates = [r for r in fake.api_requests() if r.method == "POST"]
    assert len(creates) == 1
    with transaction(runtime.sessions) as session:
        job = session.get(Job, asset["job_id"])
        assert job is not None and job.attempts == 2


def test_the_key_is_stored_encrypted(runtime: Runtime) -> None:
    with FakeVendor(DIALECTS[("kie", "suno")]()) as fake:
        install(runtime, fake, "kie")
    with transaction(runtime.sessions) as session:
        stored = session.scalar(select(AiProvider.api_key).where(AiProvider.name == "kie"))
    assert stored and fake.api_key not in stored
    assert (runtime.settings.data_dir / "provider-key").stat().st_mode & 0o077 == 0


def test_a_box_upload_gets_the_audio_limit_not_the_json_one(
    api: TestClient, runtime: Runtime, alice: Headers
) -> None:
    """Issue 23: limits were looked up by exact path, so `/boxes/{box_id}/upload` fell back to the
    1 MiB JSON limit and a 1.3 MB WAV was refused with 413."""
    box_id = _box(api, alice)
    wav = wav_bytes(30.0)  # 30 s of 16-bit mono at 22,050 Hz
    assert len(wav) > runtime.settings.upload.max_json_bytes
    uploaded = api.post(
        f"/api/v1/boxes/{box_id}/upload",
        files={"file": ("take.wav", wav, "audio/wav")},
        headers=alice,
    )
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["size_bytes"] == len(wav)
