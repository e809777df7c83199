"""The preview streams: a listening ticket plays it without the Authorization header, byte
ranges are answered (206 with Content-Range; 416 with a JSON body outside the file or for a
range that is not one), the web copy is Ogg Vorbis beside the WAV and stays out of the zip,
and a render publishes its first bars before the rest."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import soundfile
from fastapi.testclient import TestClient

from tests.chat.conftest import receive_until
from tests.server.conftest import Headers, wait_for_job

PROMPT = "house 124 bpm A minor, 16 bars"  # 31 s: longer than the 20 s head


def _generate(client: TestClient, headers: Headers) -> dict[str, Any]:
    body = {"prompt": PROMPT, "audio": True, "seed": 5}
    started = client.post("/api/v1/projects/generate", json=body, headers=headers)
    assert started.status_code == 202, started.text
    job = wait_for_job(client, headers, started.json()["job"]["id"])
    assert job["status"] == "COMPLETED", job
    return dict(started.json()["project"])


def _refused(answer: Any, size: int) -> None:
    assert answer.status_code == 416, answer.text
    assert answer.json()["error"] == "range_not_satisfiable"
    assert answer.json()["field"] == "Range"
    assert answer.headers["content-range"] == f"bytes */{size}"


def test_the_preview_streams_by_byte_range(
    client: TestClient, alice: Headers, bob: Headers
) -> None:
    project = _generate(client, alice)
    base = f"/api/v1/projects/{project['id']}"
    listen = client.get(f"{base}/listen", headers=alice)
    assert listen.status_code == 200, listen.text
    assert listen.json()["format"] == "web" and listen.json()["media_type"] == "audio/ogg"
    url = listen.json()["url"]
    whole = client.get(url)  # no Authorization: the ticket is the credential
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
    assert whole.content[:4] == b"OggS"
    size = len(whole.content)
    wav = client.get(f"{base}/download?format=wav", headers=alice).content
    assert size < len(wav) / 5  # compressed
    decoded, rate = soundfile.read(io.BytesIO(whole.content))
    assert abs(len(decoded) / rate - (len(wav) - 44) / 4 / 44_100) < 0.1  # the same length

    middle = client.get(url, headers={"Range": "bytes=100-199"})
    assert middle.status_code == 206
    assert middle.headers["content-range"] == f"bytes 100-199/{size}"
    assert middle.headers["content-length"] == "100" and middle.content == whole.content[100:200]
    rest = client.get(url, headers={"Range": "bytes=1000-"})
    assert rest.status_code == 206 and rest.content == whole.content[1000:]
    last = client.get(url, headers={"Range": "bytes=-50"})
    assert last.headers["content-range"] == f"bytes {size - 50}-{size - 1}/{size}"
    assert last.content == whole.content[-50:]
    beyond = client.get(url, headers={"Range": f"bytes={size - 10}-{size + 500}"})
    assert beyond.status_code == 206 and beyond.content == whole.content[-10:]
    for bad in (
        f"bytes={size}-",
        "bytes=5-2",
        "bytes=abc",
        "items=0-1",
        "bytes=0-1,5-6",
        "bytes=-0",
    ):
        _refused(client.get(url, headers={"Range": bad}), size)

    head = client.get(f"{base}/download?format=wav", headers={**alice, "Range": "bytes=0-11"})
    assert head.status_code == 206 and head.content[:4] == b"RIFF" and len(head.content) == 12
    stems = client.get(f"{base}/view", headers=alice).json()["stems"]
    stem = client.get(f"{base}/stems/{stems[0]}", headers={**alice, "Range": "bytes=8-11"})
    assert stem.status_code == 206 and stem.content == b"WAVE"

    # the ticket opens that file only, for no one who changes it
    assert client.get(url[:-3] + "abc").status_code == 401
    assert client.get(url[:-3] + "abc").json()["error"] == "unauthorized"
    assert client.get(f"{base}/listen", headers=bob).status_code == 404
    assert client.get(f"{base}/listen?format=flac", headers=alice).status_code == 422
    wav_ticket = client.get(f"{base}/listen?format=wav", headers=alice).json()
    assert wav_ticket["media_type"] == "audio/wav"
    assert client.get(wav_ticket["url"], headers={"Range": "bytes=0-3"}).content == b"RIFF"

    archive = client.get(f"{base}/download?format=zip", headers=alice).content
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert any(n.endswith("preview.wav") for n in names)
    assert not [n for n in names if n.endswith(".ogg")]  # the web copy is the studio's

    picture = client.get(f"{base}/waveform.png?width=300&height=64", headers=alice)
    assert picture.status_code == 200 and picture.content[:4] == b"\x89PNG"
    assert client.get(f"{base}/waveform.png?width=3", headers=alice).status_code == 422


def test_a_render_publishes_its_first_bars_before_the_rest(
    client: TestClient, alice: Headers
) -> None:
    token = alice["Authorization"].removeprefix("Bearer ")
    with client.websocket_connect(f"/ws/chat?token={token}") as ws:
        ws.send_json({"type": "message", "text": PROMPT, "audio": True})
        events = receive_until(ws, "result")
    kinds = [e["type"] for e in events]
    assert "preview" in kinds and kinds.index("preview") < kinds.index("result")
    preview = next(e for e in events if e["type"] == "preview")
    result = events[-1]
    assert preview["project_id"] == result["project_id"] and preview["complete"] is False
    # 124 bpm: a bar lasts 1.94 s, so a 20 s head holds 11 of the 16 bars
    assert preview["bars"] == 11 and abs(preview["duration_s"] - 11 * 4 * 60 / 124) < 0.01
    said = [e["text"] for e in events if e.get("stage") == "previewing"]
    assert said == ["▶️ The first bars play while the rest renders… 6 %"]
    head = client.get(preview["url"], headers={"Range": "bytes=0-"})
    assert head.status_code == 206
    audio, rate = soundfile.read(io.BytesIO(head.content))
    assert abs(len(audio) / rate - preview["duration_s"]) < 0.05
