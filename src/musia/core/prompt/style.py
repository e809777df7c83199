"""Style and mood: the first style named, or else the nearest style to a genre Musia lacks.

"electronic techno track" is techno (explicit beats related); "trance" becomes progressive house
with style_source "related" and a warning naming both. The first mood word wins.
"""

from __future__ import annotations

from typing import NamedTuple

from musia.core.prompt.doc import Doc, Span
from musia.core.prompt.reading import StyleSource


class StyleReading(NamedTuple):
    style: str | None
    source: StyleSource | None
    genre_words: tuple[str, ...]
    mood: str | None
    warnings: tuple[str, ...]


def read_style(doc: Doc) -> StyleReading:
    explicit, related, moods = doc.cat("style"), doc.cat("related"), doc.cat("mood")
    mood = moods[0].value("mood") if moods else None
    if explicit:
        return _explicit(doc, explicit, mood)
    if related:
        return _related(doc, related[0], mood)
    return StyleReading(None, None, (), mood, ())


def _explicit(doc: Doc, spans: list[Span], mood: str | None) -> StyleReading:
    style = spans[0].value("style")
    warnings: list[str] = []
    others = list(dict.fromkeys(s.value("style") for s in spans if s.value("style") != style))
    if others:
        listed = ", ".join(str(o) for o in others[:3])
        warnings.append(f"several styles named ({style}, {listed}); using {style}")
    return StyleReading(style, "explicit", (doc.raw(spans[0]),), mood, tuple(warnings))


def _related(doc: Doc, span: Span, mood: str | None) -> StyleReading:
    style, genre = span.value("related"), doc.raw(span)
    warning = f"Musia has no '{genre}' style; using the related style '{style}'"
    return StyleReading(style, "related", (genre,), mood, (warning,))
