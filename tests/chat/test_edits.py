"""Edits in the chat say what they changed, and the ones that would change nothing — a part the
song already has, a sound Musia has no style for, a wish it cannot read — are said in the user's
language instead of making an identical (or silently different) version."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.chat.conftest import receive_until, token_of

SONG = "deep house track, 124 bpm, A minor, 8 bars"


def _say(ws: Any, text: str, until: str = "message") -> list[dict[str, Any]]:
    ws.send_json({"type": "message", "text": text})
    return receive_until(ws, until)


def _versions(client: TestClient, token: str, project_id: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.get(f"/api/v1/projects/{project_id}/versions", headers=headers)
    assert answer.status_code == 200
    return list(answer.json())


def test_an_edit_names_its_changes_in_one_line(client: TestClient) -> None:
    token = token_of(client, "alice")
    with client.websocket_connect(f"/ws/chat?token={token}") as ws:
        first = _say(ws, SONG, "result")
        project_id = first[-1]["project_id"]
        assert first[0]["project_name"] and first[0]["changes"] is None
        tempo = _say(ws, "make it 128 bpm", "result")
        hats = _say(ws, "remove the hats", "result")
    assert tempo[0]["changes"] == "tempo 124 → 128"
    assert tempo[0]["text"].splitlines()[-1] == "Changes: tempo 124 → 128"
    # "remove the hats" confirms what it took out
    assert hats[0]["changes"] == "removed: hats" and hats[-1]["version"] == 3
    assert len(_versions(client, token, project_id)) == 3


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("add a pad", "Deep House"),  # checked below: the reply names the song and what it has
        ("añade un pad", "ya tiene pad"),
        ("додай пед", "вже є pad"),
        ("добавь пэд", "уже есть pad"),
    ],
)
def test_adding_a_part_the_song_has_is_said_not_made(
    client: TestClient, text: str, said: str
) -> None:
    token = token_of(client, "bob")
    with client.websocket_connect(f"/ws/chat?token={token}") as ws:
        project_id = _say(ws, SONG, "result")[-1]["project_id"]
        reply = _say(ws, text)[-1]
    assert reply["job_id"] is None and reply["project_id"] == project_id
    assert said in reply["text"] and "1" in reply["text"]  # version 1 stays current
    assert len(_versions(client, token, project_id)) == 1


def test_removing_what_is_already_gone_is_said(client: TestClient) -> None:
    token = token_of(client, "carol")
    with client.websocket_connect(f"/ws/chat?token={token}") as ws:
        _say(ws, SONG + ", no hats", "result")
        reply = _say(ws, "quita los hats")[-1]
    assert reply["job_id"] is None and "ya no tiene hats" in reply["text"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("make it sound like Daft Punk", "I don't know how to sound like “Punk”"),
        ("haz que suene como Daft Punk", "No sé cómo sonar como «Punk»"),
    ],
)
def test_a_sound_musia_has_no_style_for_keeps_the_song(
    client: TestClient, text: str, said: str
) -> None:
    token = token_of(client, "dave")
    with client.websocket_connect(f"/ws/chat?token={token}") as ws:
        project_id = _say(ws, SONG, "result")[-1]["project_id"]
        reply = _say(ws, text)[-1]
    assert reply["job_id"] is None and reply["text"].startswith(said)
    assert "deep house" in reply["text"]  # the style it kept
    versions = _versions(client, token, project_id)
    assert [v["plan"]["style"] for v in versions] == ["deep house"]


def test_an_unknown_sound_with_a_real_change_applies_the_change_and_says_the_rest(
    client: TestClient,
) -> None:
    token = token_of(client, "erin")
    with client.websocket_connect(f"/ws/chat?token={token}") as ws:
        _say(ws, SONG, "result")
        events = _say(ws, "make it sound like Daft Punk, 126 bpm", "result")
    message = events[0]
    assert message["changes"] == "tempo 124 → 126" and message["plan"]["style"] == "deep house"
    assert message["text"].splitlines()[-1] == (
        "I don't know how to sound like “Punk”; the style stays deep house."
    )


def test_a_wish_with_nothing_to_change_is_answered(client: TestClient) -> None:
    token = token_of(client, "fay")
    with client.websocket_connect(f"/ws/chat?token={token}") as ws:
        _say(ws, SONG, "result")
        reply = _say(ws, "make it sound like a rainy day")[-1]
    assert reply["job_id"] is None
    assert reply["text"].startswith("I found nothing to change in that")


def test_with_audio_the_progress_names_each_part_as_it_renders(client: TestClient) -> None:
    token = token_of(client, "gus")
    with client.websocket_connect(f"/ws/chat?token={token}") as ws:
        ws.send_json({"type": "message", "text": "house, 124 bpm, A minor, 4 bars", "audio": True})
        events = receive_until(ws, "result")
    progress = [e for e in events if e["type"] == "progress"]
    rendering = [e["text"] for e in progress if e["stage"] == "rendering"]
    assert rendering[0] == "🔊 Rendering Drums (1/6)… 8 %"
    assert rendering[-1].startswith("🔊 Rendering FX (6/6)…")
    fractions = [e["fraction"] for e in progress]
    assert fractions == sorted(fractions) and len(set(fractions)) == len(fractions)
    assert events[-1]["formats"] == ["als", "zip", "mid", "wav"]
