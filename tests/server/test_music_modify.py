"""POST /music/modify: by id or by URL; URLs are checked before any job exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from musia.db.models import MusicFile
from musia.runtime import open_runtime
from musia.server.app import create_app
from musia.settings import HttpSettings
from tests.server.conftest import Headers, make_settings, register, wait_for_job
from tests.server.media_data import wav_bytes
from tests.test_fetch import file_server

__all__ = ["file_server"]


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/x.wav", "file:///etc/passwd", "http://169.254.169.254/", "ftp://a/b"],
)
def test_unsafe_music_urls_are_422_and_start_nothing(
    client: TestClient, alice: Headers, url: str
) -> None:
    answer = client.post(
        "/api/v1/music/modify", json={"music_url": url, "instruction": "slower"}, headers=alice
    )
    assert answer.status_code == 422
    assert answer.json()["error"] == "unsafe_url"
    assert answer.json()["field"] == "music_url"


@pytest.mark.parametrize(
    "body",
    [
        {"instruction": "slower"},
        {"music_id": "a", "music_url": "http://8.8.8.8/x", "instruction": "slower"},
        {"music_id": "a"},
        {"music_id": 5, "instruction": "slower"},
        {"music_id": "a", "instruction": ""},
    ],
)
def test_bad_modify_bodies(client: TestClient, alice: Headers, body: dict[str, object]) -> None:
    assert client.post("/api/v1/music/modify", json=body, headers=alice).status_code == 422


def test_modify_a_stored_file(client: TestClient, alice: Headers) -> None:
    upload = client.post(
        "/api/v1/music/upload", files={"file": ("a.wav", wav_bytes(1.0))}, headers=alice
    )
    music_id = upload.json()["music"]["id"]
    answer = client.post(
        "/api/v1/music/modify",
        json={"music_id": music_id, "instruction": "pitch up 2 semitones"},
        headers=alice,
    )
    assert answer.status_code == 202, answer.text
    job = wait_for_job(client, alice, answer.json()["job"]["id"])
    assert job["status"] == "COMPLETED", job
    produced = client.get(f"/api/v1/music/{job['result']['music_id']}", headers=alice).json()
    assert produced["source_id"] == music_id
    assert produced["instruction"] == "pitch up 2 semitones"
    assert produced["processed"] is True
    assert produced["result_data"]["duration_s"] == pytest.approx(1.0, abs=0.01)
    assert job["result"]["steps"] == ["transpose +2 semitones"]
    edited = client.get(f"/api/v1/music/{produced['id']}/download", headers=alice)
    assert edited.content[:4] == b"RIFF"
    original = client.get(f"/api/v1/music/{music_id}/download", headers=alice)
    assert original.content == wav_bytes(1.0)


def test_an_instruction_audio_cannot_follow_is_422(client: TestClient, alice: Headers) -> None:
    upload = client.post(
        "/api/v1/music/upload", files={"file": ("a.wav", wav_bytes(0.2))}, headers=alice
    )
    body = {"music_id": upload.json()["music"]["id"], "instruction": "make it sound happier"}
    answer = client.post("/api/v1/music/modify", json=body, headers=alice)
    assert answer.status_code == 422
    assert answer.json()["field"] == "instruction"


def test_a_url_is_fetched_when_private_addresses_are_allowed(
    tmp_path: Path, database_url: str, file_server: str
) -> None:
    settings = make_settings(
        tmp_path, database_url, http=HttpSettings(allow_private_urls=True, log_json=False)
    )
    runtime = open_runtime(settings, migrate=False)
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as client:
        headers = register(client, "finn")
        url = f"{file_server}/takes/Take%201.wav"
        answer = client.post(
            "/api/v1/music/modify",
            json={"music_url": url, "instruction": "slower"},
            headers=headers,
        )
        assert answer.status_code == 202, answer.text
        job = wait_for_job(client, headers, answer.json()["job"]["id"])
        assert job["status"] == "COMPLETED", job
        assert job["result"]["steps"] == ["ratio 0.952"]
        with runtime.sessions() as session:
            fetched = session.scalars(select(MusicFile).where(MusicFile.source_url == url)).one()
        assert fetched.name == "Take 1.wav"
        assert fetched.content_type == "audio/wav"
        stored = client.get(f"/api/v1/music/{fetched.id}/download", headers=headers)
        assert stored.content[:4] == b"RIFF"
    runtime.close()
