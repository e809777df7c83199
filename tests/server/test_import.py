"""Importing a Live set: sniffed, stored unchanged, read by a job, inspected."""

from __future__ import annotations

import gzip

import pytest
from fastapi.testclient import TestClient

from musia.runtime import Runtime
from tests.conftest import shared_path
from tests.server.conftest import Headers, wait_for_job

SET_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<Ableton MajorVersion="5" MinorVersion="11.0_11300" Creator="Ableton Live 11.3.2">'
    b"<LiveSet /></Ableton>\n"
)


def upload(client: TestClient, headers: Headers, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/projects/import", files={"file": (name, data)}, headers=headers)


def _generated_set(client: TestClient, headers: Headers) -> bytes:
    started = client.post(
        "/api/v1/projects/generate", json={"prompt": "house, 124 bpm, 8 bars"}, headers=headers
    ).json()
    wait_for_job(client, headers, started["job"]["id"])
    project_id = started["project"]["id"]
    return client.get(f"/api/v1/projects/{project_id}/download", headers=headers).content


def test_an_imported_set_is_kept_unchanged_inspected_and_edited(
    client: TestClient, alice: Headers
) -> None:
    data = _generated_set(client, alice)
    answer = upload(client, alice, "My Song.als", data)
    assert answer.status_code == 202, answer.text
    started = answer.json()
    assert started["project"]["source"] == "imported"
    assert started["project"]["name"] == "My Song"
    project_id = started["project"]["id"]
    assert wait_for_job(client, alice, started["job"]["id"])["status"] == "COMPLETED"
    download = client.get(f"/api/v1/projects/{project_id}/download?format=als", headers=alice)
    assert download.content == data
    inspected = client.get(f"/api/v1/projects/{project_id}/inspect", headers=alice).json()
    assert inspected["summary"]["tempo"] == 124
    assert {t["name"] for t in inspected["summary"]["tracks"]} >= {"Drums", "Bass"}
    edit = client.post(
        f"/api/v1/projects/{project_id}/modify",
        json={"instruction": "make it 128 bpm"},
        headers=alice,
    )
    assert edit.status_code == 202, edit.text
    job = wait_for_job(client, alice, edit.json()["job"]["id"])
    assert job["status"] == "COMPLETED", job
    versions = client.get(f"/api/v1/projects/{project_id}/versions", headers=alice).json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[1]["parent_id"] == versions[0]["id"]
    second = client.get(f"/api/v1/projects/{project_id}/inspect?version=2", headers=alice).json()
    assert second["summary"]["tempo"] == 128
    first = client.get(f"/api/v1/projects/{project_id}/download?version=1", headers=alice)
    assert first.content == data  # the original is never touched
    assert gzip.decompress(
        client.get(f"/api/v1/projects/{project_id}/download?version=2", headers=alice).content
    ) != gzip.decompress(data)


def test_an_edit_a_set_cannot_take_is_422(client: TestClient, alice: Headers) -> None:
    started = upload(client, alice, "s.als", _generated_set(client, alice)).json()
    wait_for_job(client, alice, started["job"]["id"])
    answer = client.post(
        f"/api/v1/projects/{started['project']['id']}/modify",
        json={"instruction": "change the style to ambient"},
        headers=alice,
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "instruction"
    versions = client.get(f"/api/v1/projects/{started['project']['id']}/versions", headers=alice)
    assert len(versions.json()) == 1


@pytest.mark.shared
def test_a_set_saved_by_live_is_read(client: TestClient, alice: Headers) -> None:
    path = shared_path("als-corpus", "Bludwarf__als-player__resources__All_I_Want.als")
    started = upload(client, alice, path.name, path.read_bytes()).json()
    assert wait_for_job(client, alice, started["job"]["id"])["status"] == "COMPLETED"
    inspected = client.get(f"/api/v1/projects/{started['project']['id']}/inspect", headers=alice)
    summary = inspected.json()["summary"]
    assert summary["tempo"] == 122
    assert summary["live_version"].startswith("8.1")
    assert [t["name"] for t in summary["tracks"]][:2] == ["Structure", "Basse"]


def test_a_set_the_reader_refuses_is_a_failed_job_not_a_crash(
    client: TestClient, alice: Headers
) -> None:
    hostile = gzip.compress(
        b'<?xml version="1.0"?>\n<!DOCTYPE Ableton [<!ENTITY lol "lol">]>\n'
        b"<Ableton><LiveSet>&lol;</LiveSet></Ableton>"
    )
    started = upload(client, alice, "hostile.als", hostile).json()
    job = wait_for_job(client, alice, started["job"]["id"])
    assert job["status"] == "FAILED"
    assert job["error"]
    project_id = started["project"]["id"]
    assert client.get(f"/api/v1/projects/{project_id}/inspect", headers=alice).status_code == 404
    kept = client.get(f"/api/v1/projects/{project_id}/download", headers=alice)
    assert kept.content == hostile  # stored as it came, for its owner to fetch back


def test_uncompressed_xml_is_a_set_too(client: TestClient, alice: Headers) -> None:
    answer = upload(client, alice, "plain.xml", SET_XML)
    assert answer.status_code == 202, answer.text
    assert answer.json()["version"]["formats"] == ["als", "zip"]


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 a zip",
        gzip.compress(b"not xml at all", mtime=0),
        b"\x1f\x8b broken gzip",
        b"hello",
    ],
)
def test_what_is_not_a_set_is_415(client: TestClient, alice: Headers, data: bytes) -> None:
    answer = upload(client, alice, "x.als", data)
    assert answer.status_code == 415, answer.text
    assert answer.json()["field"] == "file"
    assert client.get("/api/v1/projects", headers=alice).json()["total"] == 0


def test_inspect_a_generated_project(client: TestClient, alice: Headers) -> None:
    started = client.post(
        "/api/v1/projects/generate", json={"prompt": "house, 8 bars"}, headers=alice
    ).json()
    wait_for_job(client, alice, started["job"]["id"])
    inspected = client.get(
        f"/api/v1/projects/{started['project']['id']}/inspect", headers=alice
    ).json()
    assert inspected["source"] == "generated"
    assert {t["part"] for t in inspected["summary"]["tracks"]} >= {"drums", "bass"}


def test_a_failed_import_is_answered_from_memory_never_read_again(
    client: TestClient, alice: Headers, runtime: Runtime
) -> None:
    """Issue 23: every view of a refused gzip bomb inflated it again (up to 512 MB) before
    answering 422. The failure is kept with the version: with the original gone from storage,
    the view, the piano roll and an edit still answer the same 422 at once (before the fix the
    view read storage and answered 404)."""
    hostile = gzip.compress(
        b'<?xml version="1.0"?>\n<!DOCTYPE Ableton [<!ENTITY lol "lol">]>\n'
        b"<Ableton><LiveSet>&lol;</LiveSet></Ableton>"
    )
    started = upload(client, alice, "hostile.als", hostile).json()
    job = wait_for_job(client, alice, started["job"]["id"])
    assert job["status"] == "FAILED" and job["error"]
    project_id = started["project"]["id"]
    runtime.storage.delete_prefix(f"projects/{project_id}")
    expected = {
        "error": "bad_live_set",
        "message": f"version 1 cannot be shown: {job['error']}",
    }
    for path in ("view", "pianoroll.png"):
        answer = client.get(f"/api/v1/projects/{project_id}/{path}", headers=alice)
        assert answer.status_code == 422, (path, answer.text)
        assert answer.json() == expected
    edit = client.post(
        f"/api/v1/projects/{project_id}/modify",
        json={"instruction": "make it 128 bpm"},
        headers=alice,
    )
    assert edit.status_code == 422, edit.text  # refused up front, not 202 then a failed job
    assert edit.json()["message"] == f"version 1 cannot be edited: {job['error']}"
    versions = client.get(f"/api/v1/projects/{project_id}/versions", headers=alice).json()
    assert len(versions) == 1
