"""The chat's websocket: authentication, typed events with the job's real progress, several
clients per user, other users' jobs unseen, and bad input answered or closed while everyone
else is still served."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from musia.runtime import Runtime
from musia.settings import ChatSettings
from tests.chat.conftest import expired_token, receive_until, token_of

SONG = "house track, 124 bpm, A minor, 8 bars"


def test_a_generation_reports_real_progress_then_the_result(client: TestClient) -> None:
    token = token_of(client, "alice")
    with client.websocket_connect(f"/ws/chat?token={token}") as ws:
        ws.send_json({"type": "message", "text": SONG, "request_id": "r1"})
        events = receive_until(ws, "result")
    kinds = [e["type"] for e in events]
    assert kinds[0] == "message" and kinds[-1] == "result"
    message, result = events[0], events[-1]
    assert message["request_id"] == "r1" and message["intent"] == "generate"
    assert message["plan"]["bpm"] == 124 and message["job_id"] == result["job_id"]
    progress = [e for e in events if e["type"] == "progress"]
    stages = [p["stage"] for p in progress]
    # without audio: compose, write the set, store the files (a handful of steps, not one per file)
    assert stages[:2] == ["composing", "writing"] and set(stages[2:]) == {"storing"}
    assert 2 <= len(stages[2:]) <= 11
    assert progress[0]["text"] == "🎼 Composing the song… 2 %"
    assert progress[1]["text"] == "⚙️ Writing the Live set and the MIDI file… 80 %"
    assert progress[2]["text"] == "💾 Saving the files… 85 %"
    fractions = [p["fraction"] for p in progress]
    assert fractions == sorted(fractions) and fractions[0] > 0 and fractions[-1] < 1
    assert all(f == round(f, 3) for f in fractions)  # never 0.9000000000000001
    assert result["text"] == (
        "✅ Project ready: open it in Ableton Live, download the files or listen below."
    )
    # audio was off: the set, the zip and the MIDI file, and no preview to link to
    assert list(result["links"]) == ["als", "zip", "mid"] and result["formats"] == list(
        result["links"]
    )
    answer = client.get(result["links"]["als"], headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.content[:2] == b"\x1f\x8b"


def test_auth_in_the_first_frame_and_several_clients_see_the_users_jobs(
    client: TestClient,
) -> None:
    alice, bob = token_of(client, "alice"), token_of(client, "bob")
    with (
        client.websocket_connect("/ws/chat") as first,
        client.websocket_connect(f"/ws/chat?token={alice}") as second,
        client.websocket_connect(f"/ws/chat?token={bob}") as other,
    ):
        first.send_json({"type": "auth", "token": alice})
        first.send_json({"type": "ping"})
        assert first.receive_json() == {"type": "pong"}
        first.send_json({"type": "message", "text": SONG})
        seen_first = receive_until(first, "result")
        seen_second = receive_until(second, "result")
        assert seen_first == seen_second
        other.send_json({"type": "ping"})
        assert other.receive_json() == {"type": "pong"}  # nothing of alice's came first


@pytest.mark.parametrize("how", ["none", "garbage", "expired", "first-frame-garbage"])
def test_unauthenticated_connections_are_closed_4401(client: TestClient, how: str) -> None:
    url = {
        "none": "/ws/chat",
        "garbage": "/ws/chat?token=abc",
        "expired": f"/ws/chat?token={expired_token()}",
        "first-frame-garbage": "/ws/chat",
    }[how]
    with client.websocket_connect(url) as ws:
        if how == "none":
            ws.send_json({"type": "message", "text": SONG})
        if how == "first-frame-garbage":
            ws.send_text("{not json")
        error = ws.receive_json()
        assert error["type"] == "error" and error["code"] == "unauthorized"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 4401


def test_malformed_frames_get_error_events(client: TestClient) -> None:
    token = token_of(client, "alice")
    with client.websocket_connect(f"/ws/chat?token={token}") as ws:
        for frame in ("{", "[1]", '{"type": "dance"}', '"text"'):
            ws.send_text(frame)
            assert ws.receive_json()["code"] == "malformed"
        for body in (
            {"type": "message"},
            {"type": "message", "text": 3},
            {"type": "message", "text": "x", "project_id": 5},
        ):
            ws.send_json(body)
            assert ws.receive_json()["code"] == "invalid_input"
        ws.send_json({"type": "message", "text": "make it faster", "project_id": "nope"})
        assert ws.receive_json()["code"] == "not_found"
        ws.send_bytes(b"\xff\xfe")
        assert ws.receive_json()["code"] == "malformed"
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}  # still served


def test_a_one_megabyte_message_closes_1009_and_others_are_served(client: TestClient) -> None:
    token = token_of(client, "alice")
    with client.websocket_connect(f"/ws/chat?token={token}") as calm:
        with client.websocket_connect(f"/ws/chat?token={token}") as big:
            big.send_text(json.dumps({"type": "message", "text": "x" * (1024 * 1024)}))
            with pytest.raises(WebSocketDisconnect) as closed:
                big.receive_json()
            assert closed.value.code == 1009
        calm.send_json({"type": "ping"})
        assert calm.receive_json() == {"type": "pong"}


def test_floods_get_rate_limit_errors_then_a_1008_close(client: TestClient) -> None:
    token = token_of(client, "alice")
    limit = ChatSettings().ws_messages_per_10s
    with client.websocket_connect(f"/ws/chat?token={token}") as calm:
        with client.websocket_connect(f"/ws/chat?token={token}") as flood:
            codes = []
            with pytest.raises(WebSocketDisconnect) as closed:
                for _ in range(4 * limit):
                    flood.send_json({"type": "ping"})
                    codes.append(flood.receive_json().get("code", "pong"))
            assert closed.value.code == 1008
            assert codes[:limit] == ["pong"] * limit and "rate_limited" in codes
        calm.send_json({"type": "ping"})
        assert calm.receive_json() == {"type": "pong"}


def test_a_slow_client_is_dropped_without_blocking_the_others(
    client: TestClient, runtime: Runtime
) -> None:
    from musia.hub import HUB

    token = token_of(client, "alice")
    user_id = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()[
        "id"
    ]
    queue_events = runtime.settings.chat.ws_queue_events
    with client.websocket_connect(f"/ws/chat?token={token}") as slow:
        slow.send_json({"type": "ping"})
        assert slow.receive_json() == {"type": "pong"}
        # The test client's reader never reads while we publish: far more than its queue holds.
        for n in range(queue_events * 4):
            HUB.publish(
                user_id, {"type": "progress", "job_id": "j", "fraction": 0.5, "message": f"x{n}"}
            )
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(queue_events * 4 + 1):
                slow.receive_json()
        assert closed.value.code == 1008
    with client.websocket_connect(f"/ws/chat?token={token}") as fresh:
        fresh.send_json({"type": "ping"})
        assert fresh.receive_json() == {"type": "pong"}


def test_with_a_sample_library_the_progress_says_samples_are_selected(client: TestClient) -> None:
    from tests.server.media_data import wav_bytes

    token = token_of(client, "alice")
    headers = {"Authorization": f"Bearer {token}"}
    files = {"file": ("Kick 1.wav", wav_bytes(0.3, 55.0), "audio/wav")}
    assert client.post("/api/v1/samples/upload", files=files, headers=headers).status_code == 201
    with client.websocket_connect(f"/ws/chat?token={token}") as ws:
        ws.send_json(
            {"type": "message", "text": "genera un house a 124 bpm en la menor, 8 compases"}
        )
        events = receive_until(ws, "result")
    texts = [e["text"] for e in events if e["type"] == "progress"]
    assert texts[:3] == [
        "🎼 Componiendo el tema… 2 %",
        "🥁 Eligiendo samples de tu biblioteca… 4 %",
        "⚙️ Escribiendo el set de Live y el archivo MIDI… 80 %",
    ]
    project = client.get(f"/api/v1/projects/{events[-1]['project_id']}", headers=headers).json()
    assert [s["name"] for s in project["version"]["samples"]] == ["Kick 1.wav"]
