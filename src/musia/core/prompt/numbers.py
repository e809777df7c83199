"""Numbers as written: digits ("128", "1.5") or words ("thirty two", "treinta y dos", "дві",
"півтори"), with "and a half" forms. Only counts with a unit use the word forms."""

from __future__ import annotations

import math
from typing import NamedTuple

from musia.core.prompt.doc import Doc


class Number(NamedTuple):
    value: float
    start: int
    end: int  # one past the last token
    is_word: bool


def number_at(doc: Doc, i: int) -> Number | None:
    """The number that starts at token i, if any."""
    token = doc.tok(i)
    if token is None:
        return None
    if token.kind == "n":
        if not math.isfinite(token.value):
            return None
        value = -token.value if token.negative else token.value
        return _with_half(doc, Number(value, i, i + 1, is_word=False))
    word = _word_value(doc, i)
    if word is None:
        return None
    return _with_half(doc, _compound(doc, word))


def _word_value(doc: Doc, i: int) -> Number | None:
    span = doc.span_at(i)
    value = span.value("number") if span else None
    if span is None or value is None:
        return None
    return Number(float(value), span.start, span.end, is_word=True)


def _compound(doc: Doc, tens: Number) -> Number:
    """ "thirty two", "thirty-two", "treinta y dos", "тридцять два": tens then a unit."""
    if tens.value < 20 or tens.value % 10:
        return tens
    after = tens.end + (1 if doc.func(tens.end, "connector") == 1 else 0)
    unit = _word_value(doc, after)
    if unit is None or not 1 <= unit.value <= 9 or not unit.value.is_integer():
        return tens
    return Number(tens.value + unit.value, tens.start, unit.end, is_word=True)


def _with_half(doc: Doc, number: Number) -> Number:
    span = doc.span_at(number.end)
    if span is None or not span.has("half_after"):
        return number
    return Number(number.value + 0.5, number.start, span.end, number.is_word)


def number_ending(doc: Doc, end: int) -> Number | None:
    """The number whose last token is just before token `end` ("32" in "32 bars"); the earliest
    start wins so "thirty two bars" is 32, not 2."""
    for start in range(max(0, end - 5), end):
        number = number_at(doc, start)
        if number is not None and number.end == end:
            return number
    return None
