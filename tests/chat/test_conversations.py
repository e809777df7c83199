"""Scripted conversations in four languages through the real websocket: generate → change the
tempo → add a part → transpose → download. Every step is a new version of the same project whose
Live set passes ../shared/tools/als_check.py and shows the change when read back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from musia.formats.als.export import set_key
from musia.formats.als.reader import read_set
from tests.chat.conftest import receive_until, token_of
from tests.conftest import shared_path

ALL_PARTS = ["Drums", "Bass", "Chords", "Pad", "Lead", "FX"]
NO_LEAD = [p for p in ALL_PARTS if p != "Lead"]
# (message, expected reply start, tempo, tracks, key) per step.
SCRIPTS: dict[str, list[tuple[str, str, float, list[str], str]]] = {
    "en": [
        ("house track, 124 bpm, A minor, 8 bars, no lead", "🎶 Composing", 124, NO_LEAD, "A minor"),
        ("make it 128 bpm", "🛠️ Making version 2", 128, NO_LEAD, "A minor"),
        ("add a lead", "🛠️ Making version 3", 128, ALL_PARTS, "A minor"),
        ("transpose to C minor", "🛠️ Making version 4", 128, ALL_PARTS, "C minor"),
    ],
    "es": [
        (
            "Genera un track de house a 124 BPM en La menor, 8 compases, sin melodía",
            "🎶 Componiendo",
            124,
            NO_LEAD,
            "A minor",
        ),
        ("ponlo a 128 bpm", "🛠️ Creando la versión 2", 128, NO_LEAD, "A minor"),
        ("añade una melodía", "🛠️ Creando la versión 3", 128, ALL_PARTS, "A minor"),
        ("transpón a Do menor", "🛠️ Creando la versión 4", 128, ALL_PARTS, "C minor"),
    ],
    "uk": [
        (
            "зроби хаус трек 124 bpm ля мінор, 8 тактів, без мелодії",
            "🎶 Створюю",
            124,
            NO_LEAD,
            "A minor",
        ),
        ("зроби темп 128", "🛠️ Створюю версію 2", 128, NO_LEAD, "A minor"),
        ("додай мелодію", "🛠️ Створюю версію 3", 128, ALL_PARTS, "A minor"),
        ("транспонуй в до мінор", "🛠️ Створюю версію 4", 128, ALL_PARTS, "C minor"),
    ],
    "ru": [
        (
            "сделай хаус трек 124 bpm ля минор, 8 тактов, без мелодии",
            "🎶 Сочиняю",
            124,
            NO_LEAD,
            "A minor",
        ),
        ("сделай темп 128", "🛠️ Делаю версию 2", 128, NO_LEAD, "A minor"),
        ("добавь мелодию", "🛠️ Делаю версию 3", 128, ALL_PARTS, "A minor"),
        ("транспонируй в до минор", "🛠️ Делаю версию 4", 128, ALL_PARTS, "C minor"),
    ],
}
DONE = {
    "en": "✅ Project ready",
    "es": "✅ Proyecto listo",
    "uk": "✅ Проєкт готовий",
    "ru": "✅ Проект готов",
}


@pytest.mark.shared
@pytest.mark.parametrize("language", list(SCRIPTS))
def test_a_conversation(client: TestClient, tmp_path: Path, language: str) -> None:
    checker = shared_path("tools", "als_check.py")
    token = token_of(client, f"user_{language}")
    headers = {"Authorization": f"Bearer {token}"}
    sets: list[Path] = []
    project_ids = set()
    with client.websocket_connect(f"/ws/chat?token={token}") as ws:
        for number, (text, reply, tempo, tracks, key) in enumerate(SCRIPTS[language], 1):
            events = receive_until(_send(ws, text), "result")
            message, result = events[0], events[-1]
            assert message["type"] == "message" and message["language"] == language
            assert message["text"].startswith(reply), message["text"]
            assert result["version"] == number
            assert any(e["type"] == "progress" for e in events)
            project_ids.add(result["project_id"])
            if number == 1:
                assert result["text"].startswith(DONE[language])
            path = tmp_path / f"v{number}.als"
            answer = client.get(result["links"]["als"], headers=headers)
            assert answer.status_code == 200
            path.write_bytes(answer.content)
            _read_back(path, tempo, tracks, key)
            sets.append(path)
        zipped = client.get(result["links"]["zip"], headers=headers)
        assert zipped.status_code == 200 and zipped.content[:2] == b"PK"
    assert len(project_ids) == 1  # every step was a version of the same project
    check = subprocess.run(
        [sys.executable, str(checker), *map(str, sets)], check=False, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout[-2000:]


def _send(ws: Any, text: str) -> Any:
    ws.send_json({"type": "message", "text": text})
    return ws


def _read_back(path: Path, tempo: float, tracks: list[str], key: str) -> None:
    info = read_set(path).info
    assert info.tempo == pytest.approx(tempo)
    assert [t.name for t in info.tracks if t.type == "midi"] == tracks
    found = set_key(info)
    assert found is not None and found.name == key
