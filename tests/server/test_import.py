"""Importing a Live set: sniffed, stored unchanged, read by a job, inspected."""

from __future__ import annotations

import gzip

import pytest
from fastapi.testclient import TestClient

from tests.server.conftest import Headers, wait_for_job

SET_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<Ableton MajorVersion="5" MinorVersion="11.0_11300" Creator="Ableton Live 11.3.2">'
    b"<LiveSet /></Ableton>\n"
)


def upload(client: TestClient, headers: Headers, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/projects/import", files={"file": (name, data)}, headers=headers)


def test_an_imported_set_is_kept_unchanged(client: TestClient, alice: Headers) -> None:
    data = gzip.compress(SET_XML)
    answer = upload(client, alice, "My Song.als", data)
    assert answer.status_code == 202, answer.text
    started = answer.json()
    assert started["project"]["source"] == "imported"
    assert started["project"]["name"] == "My Song"
    project_id = started["project"]["id"]
    job = wait_for_job(client, alice, started["job"]["id"])
    download = client.get(f"/api/v1/projects/{project_id}/download?format=als", headers=alice)
    assert download.status_code == 200
    assert download.content == data
    inspected = client.get(f"/api/v1/projects/{project_id}/inspect", headers=alice)
    if job["status"] == "COMPLETED":
        assert inspected.status_code == 200
        assert "tracks" in inspected.json()["summary"]
    else:  # the set reader is not in this installation
        assert "musia.formats.als.reader" in job["error"]
        assert inspected.status_code == 404
    modify = client.post(
        f"/api/v1/projects/{project_id}/modify", json={"instruction": "faster"}, headers=alice
    )
    assert modify.status_code in {202, 409}


def test_uncompressed_xml_is_a_set_too(client: TestClient, alice: Headers) -> None:
    answer = upload(client, alice, "plain.xml", SET_XML)
    assert answer.status_code == 202, answer.text
    assert answer.json()["version"]["formats"] == ["als", "zip"]


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 a zip", gzip.compress(b"not xml at all"), b"\x1f\x8b broken gzip", b"hello"],
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
