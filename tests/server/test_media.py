"""Samples and music files through HTTP: sniffed types, stored originals, limits, safe names."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from musia.runtime import Runtime
from musia.storage.local import PARTIAL
from tests.server.conftest import Headers, wait_for_job
from tests.server.media_data import HEADS, encoded, wav_bytes, zero_channel_wav


def upload_sample(client: TestClient, headers: Headers, name: str, data: bytes, **form: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/samples/upload", files={"file": (name, data, "application/octet-stream")},
        data=form, headers=headers,
    )  # fmt: skip


def test_sample_upload_list_filter_and_audio(client: TestClient, alice: Headers) -> None:
    data = wav_bytes()
    kick = upload_sample(
        client, alice, "Kick 01.wav", data, type="kick", bpm="124", key="Am", style="house"
    )
    assert kick.status_code == 201, kick.text
    assert kick.json()["content_type"] == "audio/wav"
    assert kick.json()["size_bytes"] == len(data)
    loop = upload_sample(
        client, alice, "loop.flac", encoded("audio/flac"), type="loop", bpm="90", style="lo-fi"
    )
    assert loop.status_code == 201, loop.text
    listed = client.get("/api/v1/samples", headers=alice).json()
    assert listed["total"] == 2
    assert {s["name"] for s in listed["items"]} == {"Kick 01.wav", "loop.flac"}
    by_type = client.get("/api/v1/samples?type=kick", headers=alice).json()["items"]
    assert [s["name"] for s in by_type] == ["Kick 01.wav"]
    by_bpm = client.get("/api/v1/samples?bpm_min=100&bpm_max=130", headers=alice).json()["items"]
    assert [s["name"] for s in by_bpm] == ["Kick 01.wav"]
    assert client.get("/api/v1/samples?key=am", headers=alice).json()["total"] == 1
    assert client.get("/api/v1/samples?style=LO-FI", headers=alice).json()["total"] == 1
    assert client.get("/api/v1/samples?q=kick%2001", headers=alice).json()["total"] == 1
    assert client.get("/api/v1/samples?q=100%25", headers=alice).json()["total"] == 0
    assert client.get("/api/v1/samples?page=2&page_size=1", headers=alice).json()["items"]
    audio = client.get(f"/api/v1/samples/{kick.json()['id']}/audio", headers=alice)
    assert audio.status_code == 200
    assert audio.content == data  # the original, unchanged
    assert audio.headers["content-type"] == "audio/wav"


@pytest.mark.parametrize("content_type", list(HEADS))
def test_every_audio_container_is_recognised_by_content(
    client: TestClient, alice: Headers, content_type: str
) -> None:
    answer = upload_sample(client, alice, "whatever.bin", encoded(content_type))
    assert answer.status_code == 201, answer.text
    assert answer.json()["content_type"] == content_type


@pytest.mark.parametrize("content_type", list(HEADS))
def test_a_file_with_audio_magic_bytes_that_does_not_decode_is_refused(
    client: TestClient, alice: Headers, content_type: str
) -> None:
    """Issue 23: uploads were checked by their first bytes only."""
    answer = upload_sample(client, alice, "head.bin", HEADS[content_type], type="kick")
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "bad_audio"
    assert client.get("/api/v1/samples", headers=alice).json()["total"] == 0


def test_a_wav_that_says_zero_channels_is_refused_before_it_is_stored(
    client: TestClient, alice: Headers, runtime: Runtime, tmp_path: Path
) -> None:
    """Issue 23: it was accepted (201) and then broke every later generation of its owner."""
    sample = upload_sample(client, alice, "Kick 0ch.wav", zero_channel_wav(), type="kick")
    assert sample.status_code == 422, sample.text
    assert sample.json() == {
        "error": "bad_audio",
        "message": "Kick 0ch.wav has no audio channels (its header says 0)",
    }
    music = client.post(
        "/api/v1/music/upload", files={"file": ("take.wav", zero_channel_wav())}, headers=alice
    )
    assert music.status_code == 422 and music.json()["error"] == "bad_audio"
    assert client.get("/api/v1/samples", headers=alice).json()["total"] == 0
    assert not list((tmp_path / "storage").rglob("*.wav"))


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00 not audio",
        b"<html>hello</html>",
        gzip.compress(b"<?xml version='1.0'?>", mtime=0),
    ],
)
def test_a_file_that_is_not_audio_is_415_whatever_its_name(
    client: TestClient, alice: Headers, data: bytes
) -> None:
    answer = upload_sample(client, alice, "song.wav", data)
    assert answer.status_code == 415
    assert answer.json()["error"] == "unsupported_type"
    music = client.post("/api/v1/music/upload", files={"file": ("a.mp3", data)}, headers=alice)
    assert music.status_code == 415


def test_empty_and_missing_files(client: TestClient, alice: Headers) -> None:
    assert upload_sample(client, alice, "a.wav", b"").status_code == 422
    assert client.post("/api/v1/samples/upload", headers=alice).status_code == 422
    assert client.post("/api/v1/music/upload", data={"x": "1"}, headers=alice).status_code == 422
    bad_bpm = upload_sample(client, alice, "a.wav", wav_bytes(), bpm="fast")
    assert bad_bpm.status_code == 422


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("../../etc/passwd.wav", "passwd.wav"),
        ("..\\..\\boot.ini", "boot.wav"),
        ("/abs/path/x.wav", "x.wav"),
        ("a<b>:c|d?.wav", "a b c d.wav"),
        ("....wav", "sample.wav"),
        ("noext", "noext.wav"),
    ],
)
def test_file_names_are_sanitised(
    client: TestClient, alice: Headers, runtime: Runtime, name: str, stored: str
) -> None:
    answer = upload_sample(client, alice, name, wav_bytes(0.05))
    assert answer.status_code == 201, answer.text
    assert answer.json()["name"] == stored
    root = runtime.settings.storage_dir.resolve()
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files and all(p.resolve().is_relative_to(root) for p in files)
    partial = root / PARTIAL  # the storage's own: writes in progress, renamed into place
    assert [p.name for p in files if not p.is_relative_to(partial)] == [stored]


def test_music_upload_is_stored_unchanged_and_analysed(client: TestClient, alice: Headers) -> None:
    data = wav_bytes(1.0)
    answer = client.post(
        "/api/v1/music/upload", files={"file": ("take 1.wav", data)}, headers=alice
    )
    assert answer.status_code == 202, answer.text
    music = answer.json()["music"]
    assert music["processed"] is False
    assert music["name"] == "take 1.wav"
    job = wait_for_job(client, alice, answer.json()["job"]["id"])
    assert job["status"] == "COMPLETED", job
    got = client.get(f"/api/v1/music/{music['id']}", headers=alice).json()
    assert got["processed"] is True
    assert got["result_data"]["duration_s"] == 1.0
    assert got["result_data"]["sample_rate"] == 22050
    assert job["result"]["analysis"]["channels"] == 1
    download = client.get(f"/api/v1/music/{music['id']}/download", headers=alice)
    assert download.content == data
    assert "take%201.wav" in download.headers["content-disposition"]


def test_upload_limits_are_enforced_while_streaming(tmp_path: Path, database_url: str) -> None:
    from musia.runtime import open_runtime
    from musia.server.app import create_app
    from musia.settings import UploadSettings
    from tests.server.conftest import make_settings, register

    limits = UploadSettings(max_audio_bytes=10_000, max_set_bytes=5_000, max_json_bytes=2_000)
    runtime = open_runtime(make_settings(tmp_path, database_url, upload=limits), migrate=False)
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as client:
        headers = register(client, "dora")
        small = upload_sample(client, headers, "a.wav", wav_bytes(0.1))  # 4.4 kB
        assert small.status_code == 201
        over = upload_sample(client, headers, "b.wav", wav_bytes(0.3))  # 13 kB: under the slack
        assert over.status_code == 413
        assert over.json()["error"] == "too_large"
        huge = upload_sample(client, headers, "c.wav", wav_bytes(3.0))  # cut off while streaming
        assert huge.status_code == 413

        def chunks() -> object:
            yield b"x" * 1000
            for _ in range(1000):
                yield b"y" * 1000

        streamed = client.post(
            "/api/v1/projects/generate",
            content=chunks(),  # type: ignore[arg-type]
            headers={**headers, "Content-Type": "application/json"},
        )
        assert streamed.status_code == 413
        assert len(list((tmp_path / "storage").rglob("*.wav"))) == 1
    runtime.close()


def test_every_route_that_takes_a_file_has_a_body_limit(runtime: Runtime) -> None:
    """Issue 23: a route left out of the table (the box upload) answered 413 past the JSON limit."""
    from musia.server.app import create_app
    from musia.server.limits import route_limits

    limits = route_limits(runtime.settings)
    spec = create_app(runtime=runtime).openapi()
    takes_a_file = {
        path
        for path, operations in spec["paths"].items()
        for operation in operations.values()
        if "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
    }
    assert takes_a_file
    assert takes_a_file <= set(limits), takes_a_file - set(limits)
