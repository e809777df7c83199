"""Meter, length and transposition: numbers that come with their unit.

"3/4", "in 7/8", "compás de 3/4" and named meters ("waltz", "common time") when no signature is
written; "32 bars", "16 тактів", "2 минуты", "1.5 minutes", "90 seconds", "two and a half
minutes"; "transpose up 2 semitones", "+3 semitones", "sube 2 semitonos", "на 2 півтони вище",
"an octave down".
"""

from __future__ import annotations

from typing import NamedTuple

from musia.core.prompt.doc import Doc, Span
from musia.core.prompt.numbers import Number, number_at, number_ending
from musia.core.prompt.reading import Form

DENOMINATORS = frozenset({2, 4, 8, 16})
MAX_NUMERATOR = 32
SECONDS_PER_MINUTE = 60.0
STEP_SEMITONES = {"semitone_unit": 1, "tone_unit": 2, "octave_unit": 12}
_DIRECTION_WINDOW = 4
MAX_STEPS = 1e4  # larger counts are not a transposition anyone meant
MAX_COUNT = 1e6  # nor are lengths beyond this


class StructureReading(NamedTuple):
    time_signature: tuple[int, int] | None
    bars: int | None
    minutes: float | None
    transpose_semitones: int | None
    warnings: tuple[str, ...]
    form: Form | None = None


def read_structure(doc: Doc) -> StructureReading:
    warnings: list[str] = []
    meter = _time_signature(doc, warnings)
    bars, minutes = _length(doc, warnings)
    transpose = _transpose(doc, warnings)
    return StructureReading(meter, bars, minutes, transpose, tuple(warnings), _form(doc))


def _form(doc: Doc) -> Form | None:
    """A loop ("a house loop", "un bucle") or a sketch ("a quick sketch", "something short")."""
    if doc.cat("form_loop"):
        return "loop"
    return "sketch" if doc.cat("form_sketch") else None


# ---- time signature -------------------------------------------------------------------------
def _time_signature(doc: Doc, warnings: list[str]) -> tuple[int, int] | None:
    found: list[tuple[int, int]] = []
    for i, token in enumerate(doc.tokens):
        if token.kind == "n" and doc.tok(i + 1) is not None and doc.tokens[i + 1].raw == "/":
            meter = _fraction(doc, i)
            if meter is not None:
                found.append(meter)
    if not found:
        named = doc.cat("meter")
        return _meter_value(named[0].value("meter") or "") if named else None
    distinct = list(dict.fromkeys(found))
    if len(distinct) > 1:
        others = ", ".join(f"{n}/{d}" for n, d in distinct[1:4])
        warnings.append(
            f"several time signatures ({found[0][0]}/{found[0][1]}, {others}); using the first"
        )
    return found[0]


def _meter_value(text: str) -> tuple[int, int] | None:
    top, _, bottom = text.partition("/")
    return (int(top), int(bottom)) if top.isdigit() and bottom.isdigit() else None


def _fraction(doc: Doc, i: int) -> tuple[int, int] | None:
    """ "6/8" but not "1/4 notes", "24/7", "12/8/2024" or "C7/E"."""
    low = doc.tok(i + 2)
    if low is None or low.kind != "n" or (doc.tokens[i].glued and doc.tokens[i - 1].kind == "w"):
        return None
    top, bottom = doc.tokens[i].value, low.value
    if not (top.is_integer() and bottom.is_integer() and 2 <= top <= MAX_NUMERATOR):
        return None
    after = doc.tok(i + 3)
    if int(bottom) not in DENOMINATORS or (after is not None and after.raw == "/"):
        return None
    if doc.func(i + 3, "not_meter_after"):
        return None
    return int(top), int(bottom)


# ---- length ---------------------------------------------------------------------------------
def _length(doc: Doc, warnings: list[str]) -> tuple[int | None, float | None]:
    bars: list[int] = []
    minutes: list[float] = []
    for span in doc.cat("bar_unit"):
        number = number_ending(doc, span.start)
        if number is not None and 0 <= number.value < MAX_COUNT:
            bars.append(round(number.value))
    durations = sorted(doc.cat("minute_unit") + doc.cat("second_unit"), key=lambda s: s.start)
    for span in durations:
        value = _duration(doc, span)
        if value is not None:
            minutes.append(value)
    _warn_several(warnings, "lengths in bars", bars)
    _warn_several(warnings, "lengths in minutes", minutes)
    return (bars[0] if bars else None), (minutes[0] if minutes else None)


def _duration(doc: Doc, unit: Span) -> float | None:
    """Minutes for "2 minutes", "a minute", "90 seconds", "2 minutes and a half"; a seconds part
    right after minutes ("1 min 30 sec") is read with its minutes, not on its own."""
    number = _count_before(doc, unit.start)
    if number is None or not 0 <= number.value < MAX_COUNT:
        return None
    if unit.has("second_unit"):
        previous = doc.span_ending(number.start - 1) or doc.span_ending(number.start - 2)
        if previous is not None and previous.has("minute_unit"):
            return None
        return number.value / SECONDS_PER_MINUTE
    value = number.value
    half = doc.span_at(unit.end)
    if half is not None and half.has("half_after"):
        value += 0.5
    seconds = _seconds_after(doc, half.end if half and half.has("half_after") else unit.end)
    return value + seconds


def _seconds_after(doc: Doc, j: int) -> float:
    j += doc.func(j, "connector")
    number = number_at(doc, j)
    if number is None:
        return 0.0
    unit = doc.span_at(number.end)
    if unit is None or not unit.has("second_unit"):
        return 0.0
    return number.value / SECONDS_PER_MINUTE


def _count_before(doc: Doc, start: int) -> Number | None:
    number = number_ending(doc, start)
    if number is not None:
        return number
    article = doc.func_ending(start - 1, "article_one")
    if article < 0 or not doc.tokens[article].raw.islower():
        return None  # "a minute", but "A min" is the key of A minor
    return Number(1.0, article, start, is_word=True)


def _warn_several(warnings: list[str], what: str, values: list[int] | list[float]) -> None:
    distinct = list(dict.fromkeys(values))
    if len(distinct) > 1:
        warnings.append(
            f"several {what} ({', '.join(f'{v:g}' for v in distinct[:4])}); using {distinct[0]:g}"
        )


# ---- transposition --------------------------------------------------------------------------
def _transpose(doc: Doc, warnings: list[str]) -> int | None:
    units = sorted((s for cat in STEP_SEMITONES for s in doc.cat(cat)), key=lambda s: s.start)
    for span in units:
        step = next((n for cat, n in STEP_SEMITONES.items() if span.has(cat)), 0)
        number = _count_before(doc, span.start) if step else None
        if number is None and span.has("octave_unit"):
            number = Number(1.0, span.start, span.start, is_word=True)  # "octave up"
        if number is None or not abs(number.value) <= MAX_STEPS:
            continue
        sign = _sign(doc, number, span)
        if sign == 0 and span.has("tone_unit"):
            continue  # "a warm tone" is timbre; "sube un tono" has its direction
        if sign == 0:
            warnings.append("transposition without a direction; transposing up")
        return (sign or 1) * round(abs(number.value) * step)
    return None


def _sign(doc: Doc, number: Number, unit: Span) -> int:
    """+1 or -1 from a sign or a direction word near the number ("up", "ниже", "sube"), else 0."""
    if number.value < 0:
        return -1
    before = doc.tok(number.start - 1)
    if before is not None and before.raw == "+" and doc.tokens[number.start].glued:
        return 1
    lo, hi = max(0, number.start - _DIRECTION_WINDOW), min(len(doc), unit.end + _DIRECTION_WINDOW)
    for span in doc.spans_between(lo, hi):
        if span.has("up_word"):
            return 1
        if span.has("down_word"):
            return -1
    return 0
