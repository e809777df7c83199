"""How the chat says the key and tempo of an upload: the runner-up when the estimate is not a safe
bet, "none" for drums, and analyses stored before the runner-up existed read as before."""

from __future__ import annotations

from musia.chat.analysis import key_text


def test_a_sure_key_is_said_alone() -> None:
    found = {"key_name": "A minor", "key_confidence": 0.93, "key_runner_up_name": "C major"}
    assert key_text(found, "en") == "A minor"


def test_an_unsure_key_names_the_runner_up_and_how_sure() -> None:
    found = {"key_name": "A minor", "key_confidence": 0.61, "key_runner_up_name": "C major"}
    assert key_text(found, "en") == "A minor (or C major; 61 % sure)"
    assert key_text(found, "es") == "A minor (o C major; 61 % de certeza)"
    assert "C major" in key_text(found, "uk") and "61" in key_text(found, "ru")


def test_drums_have_no_key_and_say_so() -> None:
    found = {"key_name": None, "key_confidence": 0.0, "key_tonality": 0.3}
    assert key_text(found, "en") == "none (no tonal content: drums or noise)"


def test_an_analysis_stored_before_the_runner_up_reads_as_before() -> None:
    assert key_text({"key_name": "F minor", "key_confidence": 0.4}, "en") == "F minor"
    assert key_text({"key_name": None}, "en") == "unknown"
