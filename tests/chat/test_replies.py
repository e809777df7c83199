"""Replies as data: the language of a message, every template in every language, progress
stages mapped from the render job's own messages."""

from __future__ import annotations

import string

import pytest

from musia.chat.present import present
from musia.chat.replies import LANGUAGES, _table, detect_language, say, stage_template


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Genera un track de house a 124 BPM en La menor", "es"),
        ("quita la batería", "es"),
        ("make it faster", "en"),
        ("transpose to C minor", "en"),
        ("додай бас", "uk"),
        ("зроби хаус трек 124 bpm", "uk"),
        ("сделай темп 140", "ru"),
        ("добавь бас", "ru"),
        ("128 bpm", "en"),
    ],
)
def test_the_language_of_a_message(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_every_language_has_every_template_with_the_same_fields() -> None:
    table = _table()
    names = set(table["en"])
    for language in LANGUAGES:
        assert set(table[language]) == names, language
        for name in names:
            fields = {f for _, f, _, _ in string.Formatter().parse(table[language][name]) if f}
            english = {f for _, f, _, _ in string.Formatter().parse(table["en"][name]) if f}
            assert fields == english, (language, name)


def test_progress_is_shown_by_stage() -> None:
    assert stage_template("composing") == "stage_structure"
    assert stage_template("rendering Bass") == "stage_sounds"
    assert stage_template("storing 3/40") == "stage_store"
    assert stage_template("something new") == "stage_other"
    event = {"type": "progress", "job_id": "j", "fraction": 0.05, "message": "composing"}
    assert present(event, "es") == {
        "type": "progress",
        "job_id": "j",
        "fraction": 0.05,
        "stage": "composing",
        "text": "🎼 Componiendo el tema… 5 %",
    }
    # a part and its count; the fraction rounded (0.1 + 0.8 * 1 is 0.9000000000000001)
    event = {
        "type": "progress",
        "job_id": "j",
        "fraction": 0.1 + 0.8,
        "message": "rendering Bass 2/6",
    }
    shown = present(event, "ru")
    assert shown is not None and shown["fraction"] == 0.9
    assert shown["text"] == "🔊 Рендерю Bass (2/6)… 90 %"
    assert say("xx", "stage_set") == "⚙️ Writing the Live set and the MIDI file…"


def test_a_finished_job_is_a_result_with_links_or_an_error() -> None:
    # the formats that exist: the instruments' Samples/Instruments/*.wav are not a preview
    files = ["als", "mid", "plan", "file:Samples/Instruments/Kick.wav"]
    result = {"project_id": "p1", "version": 2, "files": files, "formats": ["als", "mid", "zip"]}
    done = present(
        {"type": "finished", "job_id": "j", "status": "COMPLETED", "result": result}, "uk"
    )
    assert done is not None and done["type"] == "result"
    assert done["links"]["als"] == "/api/v1/projects/p1/download?version=2&format=als"
    assert list(done["links"]) == ["als", "zip", "mid"]
    assert done["text"].startswith("✅ Версія 2 готова")
    failed = present({"type": "finished", "job_id": "j", "status": "FAILED", "error": "x"}, "ru")
    assert failed == {
        "type": "error",
        "code": "job_failed",
        "job_id": "j",
        "message": "❌ Задание не удалось: x",
    }
    assert present({"type": "other"}, "en") is None


def test_the_sample_librarys_own_jobs_stay_out_of_the_chat() -> None:
    """An upload analysed in the background finished while a song rendered: the chat showed it
    as the song's result. The library's page shows those jobs; the chat does not."""
    analysed = {"job_id": "s", "kind": "samples.analyze"}
    assert (
        present({"type": "progress", "fraction": 0.1, "message": "analysing"} | analysed, "es")
        is None
    )
    assert (
        present({"type": "finished", "status": "COMPLETED", "result": {}} | analysed, "es") is None
    )
    song = {"type": "finished", "job_id": "p", "kind": "render", "status": "COMPLETED"}
    assert present(song | {"result": {}}, "es") == {"type": "result", "job_id": "p", "result": {}}
