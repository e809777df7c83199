"""A render that fails half-way through storing its files leaves none of them behind: no file
that no version lists, no temporary in the storage, no working folder of the job."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest
from fastapi import UploadFile
from fastapi.testclient import TestClient

from musia.runtime import Runtime
from musia.server import uploads
from musia.services.uow import UnitOfWork
from musia.sniff import sniff_audio
from tests.server.conftest import Headers, wait_for_job
from tests.server.test_projects import generate


def test_a_render_that_fails_while_storing_leaves_no_partial_version(
    client: TestClient, alice: Headers, runtime: Runtime
) -> None:
    project_id = generate(client, alice, seed=4)["project"]["id"]
    storage = runtime.settings.storage_dir
    first = storage / "projects" / project_id / "v1"
    kept = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert any(p.parts[0] == "Samples" for p in kept), kept  # stored after the set and MIDI
    # The next version's instrument samples cannot be stored: a plain file sits where their
    # folder goes. The set, the MIDI file and the plan are stored first, then the job fails.
    second = storage / "projects" / project_id / "v2"
    second.mkdir(parents=True)
    (second / "Samples").write_bytes(b"in the way")

    answer = client.post(
        f"/api/v1/projects/{project_id}/modify",
        json={"instruction": "make it 128 bpm"},
        headers=alice,
    )
    assert answer.status_code == 202, answer.text
    job = wait_for_job(client, alice, answer.json()["job"]["id"])

    assert job["status"] == "FAILED" and job["error"], job
    left = sorted(p.relative_to(storage) for p in second.rglob("*")) if second.exists() else []
    assert left == [], left  # before: the set, the MIDI file and plan.json of a failed version
    versions = client.get(f"/api/v1/projects/{project_id}/versions", headers=alice).json()
    assert [v["status"] for v in versions] == ["ready", "failed"]
    assert sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file()) == kept
    assert _temporaries(storage) == []
    assert _working_folders(runtime.scratch.root) == []


def _temporaries(storage: Path) -> list[Path]:
    return [p for p in storage.rglob("*") if p.is_file() and p.name.endswith(".tmp")]


def _working_folders(scratch: Path) -> list[Path]:
    """Folders a request or job made in a process's scratch folder and did not remove."""
    if not scratch.exists():
        return []
    return [p for owner in scratch.iterdir() for p in owner.iterdir() if p.is_dir()]


def test_an_upload_whose_rows_are_not_saved_is_removed_from_storage(runtime: Runtime) -> None:
    """The file goes into storage before the request's rows commit; a request that fails after
    it (or a commit that fails) must not leave a file that no row names."""
    wav = _tone_wav()
    kind = sniff_audio(wav[:64])
    kept, dropped = "samples/u/1/kept.wav", "samples/u/2/dropped.wav"
    with UnitOfWork(runtime) as uow:
        uploads.store(uow, UploadFile(io.BytesIO(wav), filename="kept.wav"), kept, kind)
    with pytest.raises(RuntimeError), UnitOfWork(runtime) as uow:
        uploads.store(uow, UploadFile(io.BytesIO(wav), filename="x.wav"), dropped, kind)
        raise RuntimeError("the request failed after the file was stored")

    assert runtime.storage.exists(kept)
    assert not runtime.storage.exists(dropped)


def _tone_wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(8000)
        file.writeframes(bytes(1600))
    return buffer.getvalue()
