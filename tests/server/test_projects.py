"""Projects through HTTP: generate (202 + job), poll, get, versions, modify, download, delete."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import mido
import pytest
from fastapi.testclient import TestClient

from tests.server.conftest import Headers, wait_for_job

PROMPT = "techno, 130 bpm, F minor, 16 bars"


def generate(client: TestClient, headers: Headers, **body: Any) -> dict[str, Any]:
    answer = client.post(
        "/api/v1/projects/generate", json={"prompt": PROMPT, **body}, headers=headers
    )
    assert answer.status_code == 202, answer.text
    started = answer.json()
    job = wait_for_job(client, headers, started["job"]["id"])
    assert job["status"] == "COMPLETED", job
    return dict(started)


def test_generate_poll_and_download_every_format(client: TestClient, alice: Headers) -> None:
    started = generate(client, alice, seed=7)
    assert started["version"]["number"] == 1
    assert started["job"]["status"] == "PENDING"
    project_id = started["project"]["id"]
    detail = client.get(f"/api/v1/projects/{project_id}", headers=alice).json()
    assert detail["name"] == "Techno 130 F minor"
    assert detail["version"]["status"] == "ready"
    assert detail["version"]["plan"]["bpm"] == 130
    assert detail["version"]["formats"] == ["als", "mid", "zip"]
    als = client.get(f"/api/v1/projects/{project_id}/download?format=als", headers=alice)
    assert als.status_code == 200
    assert b"<Ableton" in gzip.decompress(als.content)[:200]
    assert "Techno%20130%20F%20minor.als" in als.headers["content-disposition"]
    mid = client.get(f"/api/v1/projects/{project_id}/download?format=mid", headers=alice)
    song = mido.MidiFile(file=io.BytesIO(mid.content))
    assert (
        round(mido.tempo2bpm(next(m.tempo for m in song.tracks[0] if m.type == "set_tempo"))) == 130
    )
    archive = zipfile.ZipFile(
        io.BytesIO(
            client.get(f"/api/v1/projects/{project_id}/download?format=zip", headers=alice).content
        )
    )
    names = sorted(archive.namelist())
    samples = [n for n in names if n.startswith("Techno 130 F minor v1/Samples/Instruments/")]
    assert samples and all(n.endswith(".wav") for n in samples)  # the instruments' one-shots
    presets = [n for n in names if n.startswith("Techno 130 F minor v1/Presets/")]
    # The set's effects' presets (.adv), and a Live 11 set's Instrument Racks' (.adg).
    assert presets and all(n.endswith((".adv", ".adg")) for n in presets)
    assert any(n.endswith(".adg") for n in presets)
    # An empty folder is kept in a zip only as an entry of its own: Live's project marker.
    info = archive.getinfo("Techno 130 F minor v1/Ableton Project Info/")
    assert info.is_dir() and info.file_size == 0
    assert [n for n in names if n not in samples and n not in presets] == [
        "Techno 130 F minor v1/Ableton Project Info/",
        "Techno 130 F minor v1/Techno 130 F minor.als",
        "Techno 130 F minor v1/Techno 130 F minor.mid",
        "Techno 130 F minor v1/plan.json",
    ]
    assert json.loads(archive.read("Techno 130 F minor v1/plan.json"))["seed"] == 7
    wav = client.get(f"/api/v1/projects/{project_id}/download?format=wav", headers=alice)
    assert wav.status_code == 404
    assert wav.json()["field"] == "format"
    job = client.get(f"/api/v1/jobs/{started['job']['id']}", headers=alice).json()
    assert job["progress"] == 1.0
    files = job["result"]["files"]
    kept = ("file:Samples/Instruments/", "file:Presets/")
    assert [f for f in files if not f.startswith(kept)] == [
        "als",
        "mid",
        "plan",
    ]
    assert len(files) == 3 + len(samples) + len(presets)


def test_generate_with_audio_gives_a_wav(client: TestClient, alice: Headers) -> None:
    started = client.post(
        "/api/v1/projects/generate",
        json={"prompt": "house with drums and bass, 4 bars", "audio": True},
        headers=alice,
    ).json()
    job = wait_for_job(client, alice, started["job"]["id"], timeout_s=120)
    assert job["status"] == "COMPLETED", job
    project_id = started["project"]["id"]
    wav = client.get(f"/api/v1/projects/{project_id}/download?format=wav", headers=alice)
    assert wav.status_code == 200
    assert wav.content[:4] == b"RIFF" and wav.content[8:12] == b"WAVE"
    versions = client.get(f"/api/v1/projects/{project_id}/versions", headers=alice).json()
    assert "wav" in versions[0]["formats"]


def test_generate_from_a_plan(client: TestClient, alice: Headers) -> None:
    plan = {"style": "house", "bpm": 124, "tonic_pc": 9, "mode": "minor", "time_signature": "4/4",
            "bars": 8, "parts": ["drums", "bass"], "seed": 3}  # fmt: skip
    started = generate(client, alice, prompt=None, plan=plan)
    assert started["version"]["plan"]["bpm"] == 124
    assert started["project"]["name"] == "House 124 A minor"


def test_modify_makes_a_new_version_from_the_current_plan(
    client: TestClient, alice: Headers
) -> None:
    started = generate(client, alice, seed=11)
    project_id = started["project"]["id"]
    answer = client.post(
        f"/api/v1/projects/{project_id}/modify",
        json={"instruction": "make it 140 bpm"},
        headers=alice,
    )
    assert answer.status_code == 202, answer.text
    modified = answer.json()
    assert wait_for_job(client, alice, modified["job"]["id"])["status"] == "COMPLETED"
    versions = client.get(f"/api/v1/projects/{project_id}/versions", headers=alice).json()
    assert [v["number"] for v in versions] == [1, 2]
    first, second = versions
    assert second["parent_id"] == first["id"]
    assert second["instruction"] == "make it 140 bpm"
    assert second["plan"]["bpm"] == 140
    assert second["plan"]["seed"] == first["plan"]["seed"] == 11  # an edit keeps the seed
    assert second["plan"]["tonic_pc"] == first["plan"]["tonic_pc"]
    assert second["plan"]["style"] == "techno"
    old = client.get(f"/api/v1/projects/{project_id}/download?format=mid&version=1", headers=alice)
    new = client.get(f"/api/v1/projects/{project_id}/download?format=mid", headers=alice)
    assert old.content != new.content
    assert (
        client.get(f"/api/v1/projects/{project_id}", headers=alice).json()["current_version"] == 2
    )
    missing = client.get(f"/api/v1/projects/{project_id}/download?version=9", headers=alice)
    assert missing.status_code == 404


def test_list_and_delete(client: TestClient, alice: Headers) -> None:
    first = generate(client, alice)["project"]["id"]
    second = generate(client, alice, seed=5)["project"]["id"]
    page = client.get("/api/v1/projects?page_size=1", headers=alice).json()
    assert page["total"] == 2
    assert len(page["items"]) == 1
    storage = client.app.state.runtime.settings.storage_dir  # type: ignore[attr-defined]
    assert (storage / "projects" / first).is_dir()
    assert client.delete(f"/api/v1/projects/{first}", headers=alice).status_code == 204
    assert not (storage / "projects" / first).exists()
    assert client.get(f"/api/v1/projects/{first}", headers=alice).status_code == 404
    assert [p["id"] for p in client.get("/api/v1/projects", headers=alice).json()["items"]] == [
        second
    ]
    assert client.delete(f"/api/v1/projects/{first}", headers=alice).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, None),
        ({"prompt": ""}, "prompt"),
        ({"prompt": 42}, "prompt"),
        ({"prompt": "house", "seed": -1}, "seed"),
        ({"prompt": "house", "seed": "x"}, "seed"),
        ({"prompt": "house", "live_version": 10}, "live_version"),
        ({"prompt": "house", "colour": "red"}, "colour"),
        ({"prompt": "x" * 5000}, "prompt"),
        ({"prompt": "house", "plan": {"style": "house"}}, "plan.bpm"),
        ({"plan": {"style": "polka", "bpm": 1, "tonic_pc": 0, "mode": "minor",
                   "time_signature": "4/4", "bars": 8, "parts": ["drums"], "seed": 1}}, "plan.bpm"),
    ],
)  # fmt: skip
def test_bad_generate_bodies_are_422(
    client: TestClient, alice: Headers, body: dict[str, Any], field: str | None
) -> None:
    answer = client.post("/api/v1/projects/generate", json=body, headers=alice)
    assert answer.status_code == 422, answer.text
    error = answer.json()
    assert error["error"] in {"invalid_input", "not_understood"}
    assert error["message"]
    if field:
        assert any(p["field"] == field for p in error["problems"]), error


def test_a_prompt_that_is_not_music_is_refused(client: TestClient, alice: Headers) -> None:
    answer = client.post(
        "/api/v1/projects/generate", json={"prompt": "what is the weather?"}, headers=alice
    )
    assert answer.status_code == 422
    assert answer.json()["error"] == "not_understood"


def test_malformed_json_and_wrong_content(client: TestClient, alice: Headers) -> None:
    broken = client.post(
        "/api/v1/projects/generate",
        content=b'{"prompt": "house',
        headers={**alice, "Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    assert broken.json()["message"].endswith("the body is not valid JSON")
    array = client.post("/api/v1/projects/generate", json=["house"], headers=alice)
    assert array.status_code == 422
    big = client.post(
        "/api/v1/projects/generate",
        content=b'{"prompt": "' + b"a" * (2 * 1024 * 1024) + b'"}',
        headers={**alice, "Content-Type": "application/json"},
    )
    assert big.status_code == 413
    assert big.json()["error"] == "too_large"


def test_bad_query_values(client: TestClient, alice: Headers) -> None:
    project_id = generate(client, alice)["project"]["id"]
    for query in ("format=exe", "version=0", "version=abc"):
        answer = client.get(f"/api/v1/projects/{project_id}/download?{query}", headers=alice)
        assert answer.status_code == 422, query
    assert client.get("/api/v1/projects?page=0", headers=alice).status_code == 422
    assert client.get("/api/v1/projects/nope", headers=alice).json()["error"] == "not_found"
    assert client.get("/api/v1/jobs/nope", headers=alice).status_code == 404


def test_audio_previews_are_bounded_in_length(client: TestClient, alice: Headers) -> None:
    long_song = {"prompt": "ambient, 60 bpm, 1024 bars", "audio": True}
    answer = client.post("/api/v1/projects/generate", json=long_song, headers=alice)
    assert answer.status_code == 422
    assert answer.json()["field"] == "audio"
    assert client.get("/api/v1/projects", headers=alice).json()["total"] == 0


def test_a_long_poll_returns_when_the_job_ends(client: TestClient, alice: Headers) -> None:
    started = client.post(
        "/api/v1/projects/generate", json={"prompt": PROMPT}, headers=alice
    ).json()
    job = client.get(f"/api/v1/jobs/{started['job']['id']}?wait=30", headers=alice).json()
    assert job["status"] == "COMPLETED"
    assert job["finished_at"] is not None
    assert client.get(f"/api/v1/jobs/{job['id']}?wait=31", headers=alice).status_code == 422


def test_renders_in_worker_processes(tmp_path: Path) -> None:
    from musia.db.engine import make_engine
    from musia.db.migrate import upgrade
    from musia.runtime import open_runtime
    from musia.server.app import create_app
    from musia.settings import JobSettings
    from tests.server.conftest import make_settings, register

    url = f"sqlite:///{tmp_path / 'musia.db'}"
    upgrade(make_engine(url))
    settings = make_settings(tmp_path, url, jobs=JobSettings(workers=2, render_processes=1))
    runtime = open_runtime(settings, migrate=False)
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as client:
        headers = register(client, "gus")
        started = generate(client, headers, seed=3)
        project_id = started["project"]["id"]
        mid = client.get(f"/api/v1/projects/{project_id}/download?format=mid", headers=headers)
        assert mid.content[:4] == b"MThd"
        summary = client.get(f"/api/v1/projects/{project_id}/inspect", headers=headers).json()
        assert summary["summary"]["plan"]["seed"] == 3
    runtime.close()


@pytest.mark.parametrize("time_signature", ["0/4", "99/16"])
def test_a_plan_the_composer_cannot_play_is_refused_up_front(
    client: TestClient, alice: Headers, time_signature: str
) -> None:
    """Issue 23: answered 202, then the job failed with `internal error (ValueError)`."""
    from musia.core.plan_builder import plan_from_text

    plan = plan_from_text("techno, 8 bars", seed=1).model_dump(mode="json")
    answer = client.post(
        "/api/v1/projects/generate",
        json={"plan": {**plan, "time_signature": time_signature}},
        headers=alice,
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "plan.time_signature"
    assert f"unsupported time signature {time_signature}" in answer.json()["message"]
    assert client.get("/api/v1/projects", headers=alice).json()["total"] == 0


def test_a_downloaded_set_holds_no_machine_path(client: TestClient, alice: Headers) -> None:
    """Issue 23: each FileRef's fallback `Path` was the server's temporary render folder."""
    import re
    import xml.etree.ElementTree as ET

    started = generate(client, alice, seed=5)
    project_id = started["project"]["id"]
    als = client.get(f"/api/v1/projects/{project_id}/download?format=als", headers=alice)
    root = ET.fromstring(gzip.decompress(als.content))
    refs = list(root.iter("FileRef"))
    assert refs  # the instruments' one-shots are referenced from Samples/Instruments/
    for ref in refs:
        relative = ref.find("RelativePath").get("Value")  # type: ignore[union-attr]
        assert ref.find("Path").get("Value") == relative  # type: ignore[union-attr]
    machine = re.compile(r"^(/|[A-Za-z]:[\\/]|\\\\)")
    leaks = [
        (node.tag, value)
        for node in root.iter()
        for value in [node.get("Value", "")]
        if machine.match(value) or "musia-render" in value or "/tmp" in value
    ]
    assert leaks == []


def test_an_audio_preview_too_long_says_its_unit(client: TestClient, alice: Headers) -> None:
    """Issue 23: the message said "this song lasts 204.8", in no unit."""
    from musia.core.plan_builder import plan_from_text

    plan = plan_from_text("techno, 8 bars", seed=1).model_dump(mode="json")
    plan |= {"bpm": 20.0, "bars": 1024, "sections": []}
    answer = client.post(
        "/api/v1/projects/generate", json={"plan": plan, "audio": True}, headers=alice
    )
    assert answer.status_code == 422, answer.text
    assert "this song lasts 204.8 minutes" in answer.json()["message"], answer.text
