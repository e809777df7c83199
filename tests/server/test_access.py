"""Two users: every resource endpoint of one, tried by the other with the first one's ids,
answers 404 — the same answer as an id that never existed — and leaks nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.server.conftest import Headers, wait_for_job
from tests.server.media_data import wav_bytes


def alices_things(client: TestClient, alice: Headers) -> dict[str, Any]:
    started = client.post(
        "/api/v1/projects/generate", json={"prompt": "house, 8 bars"}, headers=alice
    ).json()
    wait_for_job(client, alice, started["job"]["id"])
    sample = client.post(
        "/api/v1/samples/upload", files={"file": ("k.wav", wav_bytes(0.1))}, headers=alice
    ).json()
    music = client.post(
        "/api/v1/music/upload", files={"file": ("m.wav", wav_bytes(0.1))}, headers=alice
    ).json()
    token = client.post("/api/v1/auth/tokens", json={"name": "t"}, headers=alice).json()
    client.post("/api/v1/chat/message", json={"message": "hello"}, headers=alice)
    return {
        "project": started["project"]["id"],
        "job": started["job"]["id"],
        "sample": sample["id"],
        "music": music["music"]["id"],
        "token": token["id"],
    }


def resource_requests(ids: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    project, sample, music = ids["project"], ids["sample"], ids["music"]
    return [
        ("GET", f"/api/v1/projects/{project}", {}),
        ("GET", f"/api/v1/projects/{project}/versions", {}),
        ("GET", f"/api/v1/projects/{project}/download?format=als", {}),
        ("GET", f"/api/v1/projects/{project}/download?format=zip&version=1", {}),
        ("GET", f"/api/v1/projects/{project}/inspect", {}),
        ("POST", f"/api/v1/projects/{project}/modify", {"json": {"instruction": "faster"}}),
        ("DELETE", f"/api/v1/projects/{project}", {}),
        ("POST", "/api/v1/chat/message", {"json": {"message": "faster", "project_id": project}}),
        ("GET", f"/api/v1/jobs/{ids['job']}", {}),
        ("GET", f"/api/v1/samples/{sample}/audio", {}),
        ("GET", f"/api/v1/music/{music}", {}),
        ("GET", f"/api/v1/music/{music}/download", {}),
        ("POST", "/api/v1/music/modify", {"json": {"music_id": music, "instruction": "slower"}}),
        ("DELETE", f"/api/v1/auth/tokens/{ids['token']}", {}),
    ]


def test_another_users_ids_answer_404_everywhere(
    client: TestClient, alice: Headers, bob: Headers
) -> None:
    ids = alices_things(client, alice)
    never = dict.fromkeys(ids, "0" * 32)
    for (method, path, extra), (_, unknown_path, unknown_extra) in zip(
        resource_requests(ids), resource_requests(never), strict=True
    ):
        answer = client.request(method, path, headers=bob, **extra)
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.json()["error"] == "not_found"
        unknown = client.request(method, unknown_path, headers=bob, **unknown_extra)
        assert unknown.status_code == 404
        assert answer.json()["message"].replace(ids[_kind(path)], "ID") == unknown.json()[
            "message"
        ].replace("0" * 32, "ID"), path
    # Bob's lists hold none of it; Alice still has all of it.
    assert client.get("/api/v1/projects", headers=bob).json()["total"] == 0
    assert client.get("/api/v1/samples", headers=bob).json()["total"] == 0
    assert client.get("/api/v1/chat/history", headers=bob).json() == []
    assert client.get("/api/v1/auth/tokens", headers=bob).json() == []
    assert client.get(f"/api/v1/projects/{ids['project']}", headers=alice).status_code == 200
    assert len(client.get("/api/v1/auth/tokens", headers=alice).json()) == 1


def _kind(path: str) -> str:
    for kind in ("project", "job", "sample", "music", "token"):
        if f"/{kind}s/" in path or f"/{kind}/" in path:
            return kind
    return "project"  # chat carries the project id in its body
