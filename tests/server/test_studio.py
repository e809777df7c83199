"""The web studio's endpoints: a version as its set reads back, piano rolls and waveforms as
PNG, stems, the music list, the admin area and the page itself."""

from __future__ import annotations

import io
import wave
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import select

from musia.db.models import User
from musia.formats.pictures import NOTE_LOUD, NOTE_SOFT, WAVE
from musia.formats.png import decode_rgb
from musia.production.render import TAIL_S
from musia.runtime import Runtime
from musia.server.security import hash_password
from musia.services.accounts import create_account
from tests.conftest import REPO
from tests.server.conftest import Headers, register, wait_for_job
from tests.server.media_data import wav_bytes

PROMPT = "house 124 bpm A minor, 8 bars"


def _generate(client: TestClient, headers: Headers, audio: bool = True) -> dict[str, Any]:
    body = {"prompt": PROMPT, "audio": audio, "seed": 7}
    started = client.post("/api/v1/projects/generate", json=body, headers=headers)
    assert started.status_code == 202, started.text
    job = wait_for_job(client, headers, started.json()["job"]["id"])
    assert job["status"] == "COMPLETED", job
    return dict(started.json()["project"])


def _wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as reader:
        return reader.getnframes() / reader.getframerate()


def _note_pixels(png: bytes) -> int:
    pixels = decode_rgb(png).astype(int)
    soft, loud = np.array(NOTE_SOFT), np.array(NOTE_LOUD)
    # a note's colour lies between the soft and the loud colour, channel by channel
    inside = (pixels >= np.minimum(soft, loud)) & (pixels <= np.maximum(soft, loud))
    return int(inside.all(axis=2).sum())


def test_a_version_reads_back_with_parts_sections_stems_and_pictures(
    client: TestClient, alice: Headers
) -> None:
    project = _generate(client, alice)
    base = f"/api/v1/projects/{project['id']}"
    view = client.get(f"{base}/view", headers=alice)
    assert view.status_code == 200, view.text
    shown = view.json()
    assert shown["tempo"] == 124 and shown["time_signature"] == "4/4"
    assert abs(shown["duration_s"] - 8 * 4 * 60 / 124) < 0.01
    assert [p["name"] for p in shown["parts"]][:2] == ["Drums", "Bass"]
    assert all(p["notes"] > 0 for p in shown["parts"])
    assert shown["sections"] and shown["sections"][0]["time_beats"] == 0
    assert set(shown["stems"]) == {p["name"] for p in shown["parts"]}
    assert shown["formats"] == ["als", "mid", "wav"]

    roll = client.get(f"{base}/pianoroll.png?part=1&width=480", headers=alice)
    assert roll.status_code == 200 and roll.headers["content-type"] == "image/png"
    assert decode_rgb(roll.content).shape[1] == 480
    assert _note_pixels(roll.content) > 100  # the bass line is drawn

    mix = client.get(f"{base}/download?format=wav", headers=alice).content
    stem = client.get(f"{base}/stems/Bass", headers=alice)
    assert stem.status_code == 200 and stem.headers["content-type"] == "audio/wav"
    assert stem.content[:4] == b"RIFF" and stem.content != mix
    # format=wav is the mix: the song and its releases ringing out (it was the last stem before)
    assert abs(_wav_seconds(mix) - shown["preview_s"]) < 0.01
    assert shown["duration_s"] <= shown["preview_s"] <= shown["duration_s"] + TAIL_S + 0.5
    assert all(
        client.get(f"{base}/stems/{name}", headers=alice).content != mix for name in shown["stems"]
    )


def test_studio_endpoints_answer_bad_input_with_json(
    client: TestClient, alice: Headers, bob: Headers
) -> None:
    project = _generate(client, alice, audio=False)
    base = f"/api/v1/projects/{project['id']}"
    missing_part = client.get(f"{base}/pianoroll.png?part=99", headers=alice)
    assert missing_part.status_code == 404 and missing_part.json()["field"] == "part"
    no_stem = client.get(f"{base}/stems/Bass", headers=alice)
    assert no_stem.status_code == 404 and "no stem" in no_stem.json()["message"]
    narrow = client.get(f"{base}/pianoroll.png?width=3", headers=alice)
    assert narrow.status_code == 422 and narrow.json()["field"] == "width"
    assert client.get(f"{base}/view", headers=bob).status_code == 404  # someone else's
    assert client.get(f"{base}/view").status_code == 401
    assert client.get(f"{base}/view?version=9", headers=alice).status_code == 404
    assert client.get("/api/v1/music/nope/waveform.png", headers=alice).status_code == 404


def test_uploaded_music_is_listed_and_drawn_as_a_waveform(
    client: TestClient, alice: Headers, bob: Headers
) -> None:
    files = {"file": ("tone.wav", wav_bytes(seconds=1.0), "audio/wav")}
    started = client.post("/api/v1/music/upload", files=files, headers=alice).json()
    wait_for_job(client, alice, started["job"]["id"])
    listed = client.get("/api/v1/music", headers=alice).json()
    assert [m["name"] for m in listed] == ["tone.wav"] and listed[0]["processed"]
    assert client.get("/api/v1/music", headers=bob).json() == []
    picture = client.get(
        f"/api/v1/music/{started['music']['id']}/waveform.png?width=200&height=64", headers=alice
    )
    assert picture.status_code == 200
    pixels = decode_rgb(picture.content)
    assert pixels.shape == (64, 200, 3)
    wave_columns = (pixels == np.array(WAVE)).all(axis=2).any(axis=0)
    assert wave_columns.mean() > 0.9  # a steady tone fills every column
    refused = client.get(f"/api/v1/music/{started['music']['id']}/waveform.png", headers=bob)
    assert refused.status_code == 404


def test_a_chat_message_may_ask_for_the_preview(client: TestClient, alice: Headers) -> None:
    reply = client.post(
        "/api/v1/chat/message", json={"message": PROMPT, "audio": True}, headers=alice
    ).json()
    job = wait_for_job(client, alice, reply["job"]["id"])
    assert "wav" in job["result"]["files"]
    bad = client.post(
        "/api/v1/chat/message", json={"message": PROMPT, "audio": "maybe"}, headers=alice
    )
    assert bad.status_code == 422 and bad.json()["field"] == "audio"


def test_the_socket_refuses_a_non_boolean_audio(client: TestClient, alice: Headers) -> None:
    token = alice["Authorization"].split(" ", 1)[1]
    with client.websocket_connect(f"/ws/chat?token={token}") as socket:
        socket.send_json({"type": "message", "text": PROMPT, "audio": "yes"})
        answer = socket.receive_json()
    assert answer["type"] == "error" and "audio" in answer["message"]


def test_the_page_and_its_files_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<script type="module" src="/static/app.js"' in page.text
    script = client.get("/static/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/nope.js").status_code == 404


def test_the_admin_area_is_for_admins_only(client: TestClient, runtime: Runtime) -> None:
    register(client, "carol")
    create_account(runtime, "root", hash_password("admin password"), None, admin=True)
    anonymous = client.get("/admin/", follow_redirects=False)
    assert anonymous.status_code in {302, 303, 307}
    assert "/admin/login" in anonymous.headers["location"]
    refused = client.post("/admin/login", data={"username": "carol", "password": "correct horse"})
    assert "/admin/login" in str(refused.url)  # a user who is not an admin stays outside
    assert client.get("/admin/user/list", follow_redirects=False).status_code in {302, 303, 307}
    client.post("/admin/login", data={"username": "root", "password": "admin password"})
    for page in ("user", "ai-provider", "ai-model", "job"):
        listed = client.get(f"/admin/{page}/list", follow_redirects=False)
        assert listed.status_code == 200, page
    users = client.get("/admin/user/list").text
    assert "carol" in users and "argon2" not in users  # never a password hash
    user_id = runtime.sessions().scalar(select(User.id).where(User.username == "carol"))
    details = client.get(f"/admin/user/details/{user_id}")
    assert details.status_code == 200 and "carol" in details.text and "argon2" not in details.text
    assert client.get("/admin/user/export/csv").status_code in {403, 404}
    me = client.get("/api/v1/auth/me", headers=register(client, "dave"))
    assert me.json()["is_admin"] is False


def test_every_studio_file_ships_in_the_package() -> None:
    """A non-editable install has the page: every file under server/web matches package-data."""
    import fnmatch
    import tomllib
    from pathlib import Path

    import musia

    root = Path(musia.__file__).parent
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["musia"]
    shipped = [
        path.relative_to(root).as_posix()
        for path in (root / "server" / "web").rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"}
    ]
    assert "server/web/static/app.js" in shipped
    missing = [f for f in shipped if not any(fnmatch.fnmatch(f, p) for p in patterns)]
    assert missing == []
