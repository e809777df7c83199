"""The chat processor through REST: the current project is the last one made, analysis reads its
set back, help and 'nothing yet' answers come in the user's language, history is kept."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.chat.conftest import token_of
from tests.server.conftest import Headers, wait_for_job


def _say(client: TestClient, headers: Headers, text: str) -> dict:  # type: ignore[type-arg]
    answer = client.post("/api/v1/chat/message", json={"message": text}, headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_before_any_project(client: TestClient) -> None:
    alice = {"Authorization": f"Bearer {token_of(client, 'alice')}"}
    assert _say(client, alice, "quita la batería")["reply"]["content"].startswith("Todavía no")
    assert _say(client, alice, "analiza mi set")["reply"]["content"].startswith("Aún no hay")
    help_uk = _say(client, alice, "привіт")["reply"]["content"]
    assert help_uk.startswith("Я створюю") and "додай бас" in help_uk
    assert _say(client, alice, "what can you do?")["job"] is None


def test_the_current_project_is_edited_and_analysed(client: TestClient) -> None:
    alice = {"Authorization": f"Bearer {token_of(client, 'alice')}"}
    bob = {"Authorization": f"Bearer {token_of(client, 'bob')}"}
    first = _say(client, alice, "techno 130 bpm F minor, 8 bars")
    project_id = first["reply"]["project_id"]
    wait_for_job(client, alice, first["job"]["id"])
    assert _say(client, bob, "make it faster")["job"] is None  # bob has no project
    faster = _say(client, alice, "make it faster")  # no project_id: the current one
    assert faster["reply"]["project_id"] == project_id
    assert faster["plan"]["bpm"] > 130 and faster["plan"]["seed"] == first["plan"]["seed"]
    wait_for_job(client, alice, faster["job"]["id"])
    analysis = _say(client, alice, "проанализируй мой сет")["reply"]["content"]
    assert analysis.startswith("🔎 Techno 136 F minor: 136 BPM, 4/4, тональность F minor")
    history = client.get("/api/v1/chat/history", headers=alice).json()
    assert [m["role"] for m in history] == ["user", "assistant"] * 3
    assert history[-1]["data"]["language"] == "ru" and history[-1]["data"]["intent"] == "analyze"
