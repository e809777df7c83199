"""The chat's replies as data (replies.toml): templates per language, and which language a
message is in (by the letters and words only one of en, es, uk, ru uses)."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "es", "uk", "ru")
DEFAULT = "en"
_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@cache
def _table() -> dict[str, Any]:
    text = (resources.files("musia.chat") / "replies.toml").read_text("utf-8")
    return tomllib.loads(text)


def detect_language(text: str) -> str:
    cues = _table()["cues"]
    lowered = text.lower()
    words = set(_WORD.findall(lowered))
    if _CYRILLIC.search(lowered):
        if any(c in lowered for c in cues["uk_letters"]):
            return "uk"
        if any(c in lowered for c in cues["ru_letters"]):
            return "ru"
        uk, ru = len(words & set(cues["uk_words"])), len(words & set(cues["ru_words"]))
        return "uk" if uk > ru else "ru"
    if any(c in lowered for c in cues["es_letters"]) or words & set(cues["es_words"]):
        return "es"
    return DEFAULT


def say(language: str, name: str, /, **values: Any) -> str:
    table = _table()
    templates = table.get(language if language in LANGUAGES else DEFAULT, table[DEFAULT])
    template = templates.get(name) or table[DEFAULT][name]
    return str(template).format(**values)


def stage_template(message: str | None) -> str:
    """The template for a job's progress message ("rendering Bass" → stage_sounds)."""
    first = (message or "").split(" ", 1)[0].lower()
    return str(_table()["stages"].get(first, "stage_other"))
