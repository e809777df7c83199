"""The chat processor through REST: the current project is the last one made, analysis reads its
set back, help and 'nothing yet' answers come in the user's language, history is kept."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.audio.signals import RATE, cadence, clicks
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


def _upload_music(client: TestClient, headers: Headers, name: str, samples: object) -> str:
    import io

    import soundfile

    buffer = io.BytesIO()
    soundfile.write(buffer, samples, RATE, format="WAV")
    files = {"file": (name, buffer.getvalue(), "audio/wav")}
    started = client.post("/api/v1/music/upload", files=files, headers=headers)
    assert started.status_code == 202, started.text
    wait_for_job(client, headers, started.json()["job"]["id"])
    return str(started.json()["music"]["id"])


def test_analyse_reads_the_last_upload_or_the_set_whichever_came_last(client: TestClient) -> None:
    alice = {"Authorization": f"Bearer {token_of(client, 'alice')}"}
    assert _say(client, alice, "analyze my audio")["reply"]["content"].startswith(
        "There is no uploaded audio yet"
    )
    first = _say(client, alice, "techno 130 bpm F minor, 8 bars")
    wait_for_job(client, alice, first["job"]["id"])
    _upload_music(client, alice, "groove.wav", clicks(120, 12.0))
    # Nothing named: the upload is newer than the project.
    latest = _say(client, alice, "analiza esto")["reply"]["content"]
    assert latest.startswith("🔎 groove.wav: 12.0 s, 120.0 BPM"), latest
    assert "LUFS" in latest
    # Named: the set, although the upload is newer.
    assert _say(client, alice, "analyse the set")["reply"]["content"].startswith(
        "🔎 Techno 130 F minor: 130 BPM, 4/4"
    )
    _upload_music(client, alice, "chords.wav", cadence(57, "minor", repeats=4))
    chords = _say(client, alice, "проаналізуй аудіо")["reply"]["content"]
    assert chords.startswith("🔎 chords.wav:") and "тональність A minor" in chords, chords
    again = _say(client, alice, "techno 126 bpm C minor, 8 bars")
    wait_for_job(client, alice, again["job"]["id"])
    assert _say(client, alice, "analyze it")["reply"]["content"].startswith(
        "🔎 Techno 126 C minor: 126 BPM"
    )
