"""Chat through HTTP: a description starts a generation, an edit with a project makes a version,
anything else gets help; the history pages backwards."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.server.conftest import Headers, wait_for_job


def say(client: TestClient, headers: Headers, message: str, **extra: str) -> dict:  # type: ignore[type-arg]
    answer = client.post(
        "/api/v1/chat/message", json={"message": message, **extra}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_a_description_starts_a_generation(client: TestClient, alice: Headers) -> None:
    answer = say(client, alice, "Genera un track de house a 124 BPM en La menor, 8 compases")
    assert answer["plan"]["bpm"] == 124
    assert answer["plan"]["tonic_pc"] == 9
    assert "House 124 A minor" in answer["reply"]["content"]
    job = wait_for_job(client, alice, answer["job"]["id"])
    assert job["status"] == "COMPLETED"
    project_id = answer["reply"]["project_id"]
    assert (
        client.get(f"/api/v1/projects/{project_id}", headers=alice).json()["version"]["status"]
        == "ready"
    )


def test_an_edit_of_a_project_makes_a_version(client: TestClient, alice: Headers) -> None:
    first = say(client, alice, "techno 130 bpm F minor, 8 bars")
    wait_for_job(client, alice, first["job"]["id"])
    project_id = first["reply"]["project_id"]
    edit = say(client, alice, "make it 135 bpm", project_id=project_id)
    assert edit["plan"]["bpm"] == 135
    assert edit["plan"]["seed"] == first["plan"]["seed"]
    assert wait_for_job(client, alice, edit["job"]["id"])["status"] == "COMPLETED"
    versions = client.get(f"/api/v1/projects/{project_id}/versions", headers=alice).json()
    assert [v["plan"]["bpm"] for v in versions] == [130, 135]


def test_small_talk_gets_help_and_no_job(client: TestClient, alice: Headers) -> None:
    answer = say(client, alice, "hello there")
    assert answer["job"] is None
    assert "I make music projects" in answer["reply"]["content"]


def test_history_pages_backwards(client: TestClient, alice: Headers, bob: Headers) -> None:
    for text in ("hello", "how are you", "what can you do"):
        say(client, alice, text)
    say(client, bob, "bob's secret")
    history = client.get("/api/v1/chat/history", headers=alice).json()
    assert [m["role"] for m in history] == ["user", "assistant"] * 3
    assert [m["content"] for m in history[::2]] == ["hello", "how are you", "what can you do"]
    last_two = client.get("/api/v1/chat/history?limit=2", headers=alice).json()
    assert last_two == history[-2:]
    before = client.get(
        f"/api/v1/chat/history?limit=2&before={last_two[0]['id']}", headers=alice
    ).json()
    assert before == history[-4:-2]
    assert "bob's secret" not in str(history)


def test_bad_chat_input(client: TestClient, alice: Headers) -> None:
    assert client.post("/api/v1/chat/message", json={}, headers=alice).status_code == 422
    assert (
        client.post("/api/v1/chat/message", json={"message": ""}, headers=alice).status_code == 422
    )
    assert (
        client.post("/api/v1/chat/message", json={"message": 3}, headers=alice).status_code == 422
    )
    unknown = client.post(
        "/api/v1/chat/message", json={"message": "faster", "project_id": "nope"}, headers=alice
    )
    assert unknown.status_code == 404
    assert client.get("/api/v1/chat/history?limit=0", headers=alice).status_code == 422
    assert client.get("/api/v1/chat/history?before=x", headers=alice).status_code == 422


def test_a_message_over_4000_characters_is_refused_not_cut(
    client: TestClient, alice: Headers
) -> None:
    long = "house " * 700  # 4,200 characters
    answer = client.post("/api/v1/chat/message", json={"message": long}, headers=alice)
    assert answer.status_code == 422
    assert answer.json()["field"].endswith("message") and "4000" in answer.json()["message"]
    assert client.get("/api/v1/chat/history", headers=alice).json() == []  # nothing was kept
    generate = client.post("/api/v1/projects/generate", json={"prompt": long}, headers=alice)
    assert generate.status_code == 422
