"""Tempo: a BPM number, a tempo word ("allegro", "fast"), or a direction ("make it faster").

A number is a tempo when a unit says so ("124 BPM", "123 удара в минуту"), a tempo noun leads to
it ("tempo 120", "Сделай темп 140", "tempo of 123"), a tempo preposition does ("at 95", "a 128",
"на 128") or it stands in a tempo position (after a style: "dnb 174"; alone between commas). A
number that counts something else ("32 bars", "3 хвилини", "808 bass", "3/4", "1980s") is not.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from musia.core.prompt.doc import Doc, Span
from musia.core.prompt.numbers import number_at

EXPLICIT, PREPOSITION, POSITION = 3, 2, 1
MIN_BARE, MAX_BARE = 40.0, 300.0  # an unmarked number is a tempo only in this range
NOT_TEMPO_AFTER = frozenset(
    {"bar_unit", "minute_unit", "second_unit", "semitone_unit", "tone_unit", "octave_unit",
     "other_unit", "part", "instrument", "half_after", "not_meter_after"}
)  # fmt: skip
FIELD_EDGES = frozenset({",", ";", "|", "(", ")", ":", ".", "!", "?"})
TEMPO_LEADERS = frozenset({"style", "related", "song_noun"})  # "dnb 174", "house track 124"
STYLE_CATS = frozenset({"style", "related"})
_FILLER_STEPS = 4

Direction = Literal["faster", "slower"]


class TempoReading(NamedTuple):
    bpm: float | None
    word: str | None
    marking: bool  # the word is an Italian marking (an absolute tempo), not a plain "fast"
    direction: Direction | None
    warnings: tuple[str, ...]


class _Hit(NamedTuple):
    priority: int
    at: int  # token index
    bpm: float
    note: str = ""  # a warning that goes with this reading


def read_tempo(doc: Doc) -> TempoReading:
    hits = sorted(_number_hits(doc) + _noun_hits(doc), key=lambda h: (-h.priority, h.at))
    warnings: list[str] = []
    bpm = hits[0].bpm if hits else None
    if hits and hits[0].note:
        warnings.append(hits[0].note)
    others = sorted({h.bpm for h in hits if h.priority >= PREPOSITION and h.bpm != bpm})
    if bpm is not None and others:
        listed = ", ".join(f"{v:g}" for v in others[:3])
        warnings.append(
            f"several tempos stated ({bpm:g} and {listed} BPM); using the first, {bpm:g}"
        )
    direction = None if bpm is not None else _direction(doc)
    word = tempo_word(doc)
    marking = word is not None and word[1]
    return TempoReading(bpm, word[0] if word else None, marking, direction, tuple(warnings))


def _number_hits(doc: Doc) -> list[_Hit]:
    hits: list[_Hit] = []
    for i, token in enumerate(doc.tokens):
        if token.kind != "n" or doc.owner[i] is not None or counts_something(doc, i):
            continue
        hit = _number_hit(doc, i)
        if hit is not None:
            hits.append(hit)
    return hits


def _number_hit(doc: Doc, i: int) -> _Hit | None:
    value, first, note = _value(doc, i)
    if value is None:
        return None
    after = doc.span_at(i + 1)
    if after is not None and after.has("bpm_unit"):
        return _Hit(EXPLICIT, i, value, note)
    if not MIN_BARE <= value <= MAX_BARE:
        return None
    if doc.func_ending(first - 1, "tempo_prep") >= 0:
        return _Hit(PREPOSITION, i, value, note)
    if (
        _after_style_or_key(doc, first)
        or (first == 0 and _leads_style(doc, i + 1))
        or doc.func(first - 1, "deictic")
    ):
        return _Hit(POSITION, i, value, note)
    alone_before = first == 0 or doc.is_punct(first - 1, FIELD_EDGES)
    alone_after = i + 1 == len(doc) or doc.is_punct(i + 1, FIELD_EDGES)
    return _Hit(POSITION, i, value, note) if alone_before and alone_after else None


def _value(doc: Doc, i: int) -> tuple[float | None, int, str]:
    """The number at token i, the token its phrase starts at, and a note: a range written
    "120-125" is read at its end token as its middle."""
    number = number_at(doc, i)
    if number is None:
        return None, i, ""
    token, prev = doc.tokens[i], doc.tok(i - 1)
    if not (token.joined and prev is not None and prev.kind == "n" and prev.value < number.value):
        return number.value, i, ""
    middle = (prev.value + number.value) / 2
    return middle, i - 1, f"a tempo range ({prev.raw}-{token.raw}); using {middle:g} BPM"


def _after_style_or_key(doc: Doc, i: int) -> bool:
    """ "dnb 174", "house track 124", "F#m 140", "ля мінор 128"."""
    leader = doc.span_ending(i - 1)
    if leader is not None and leader.has_any(TEMPO_LEADERS):
        return True
    mode_word = doc.word_in(i - 1, "key.minor") or doc.word_in(i - 1, "key.major")
    return mode_word or (doc.word_in(i - 1, "key.suffix_minor") and doc.tokens[i - 1].glued)


def _leads_style(doc: Doc, j: int) -> bool:
    """ "140 trap beat": a number opening the prompt right before a style."""
    span = doc.span_at(j)
    return span is not None and span.has_any(STYLE_CATS)


def counts_something(doc: Doc, i: int) -> bool:
    """Whether the number at token i is part of a meter, a name, a range start or a count."""
    nxt, prev = doc.tok(i + 1), doc.tok(i - 1)
    if (nxt is not None and nxt.raw == "/") or (prev is not None and prev.raw == "/"):
        return True  # "3/4", "6/8"
    if nxt is not None and nxt.glued and nxt.kind == "w":
        unit = doc.span_at(i + 1)
        return unit is None or not unit.has("bpm_unit")  # "1980s", "16th", but "140bpm"
    if doc.tokens[i].glued and prev is not None and prev.kind == "w":
        owner = doc.owner[i - 1]
        return owner is None or not owner.has("tempo_noun")  # "G6", "E7", "TR808", not "bpm120"
    if nxt is not None and nxt.kind == "n" and nxt.joined:
        return True  # the start of "120-125": the end is read
    after = doc.span_at(i + 1)
    return after is not None and after.has_any(NOT_TEMPO_AFTER)


def _noun_hits(doc: Doc) -> list[_Hit]:
    """ "tempo 120", "the tempo is 140", "BPM: 128", "tempo of 123", "tempo from 120 to 128"."""
    hits: list[_Hit] = []
    for span in doc.cat("tempo_noun"):
        if _is_unit_after_number(doc, span):
            continue
        hit = _number_after_noun(doc, span)
        if hit is not None:
            hits.append(hit)
    return hits


def _is_unit_after_number(doc: Doc, span: Span) -> bool:
    prev = doc.tok(span.start - 1)
    return span.has("bpm_unit") and prev is not None and prev.kind == "n"


def _number_after_noun(doc: Doc, span: Span) -> _Hit | None:
    j, ranged = span.end, False
    for _ in range(_FILLER_STEPS):
        token = doc.tok(j)
        if token is None:
            return None
        if token.kind == "n":
            break
        step = doc.func(j, "range_from") or doc.func(j, "tempo_filler")
        if not step:
            return None
        ranged = ranged or doc.func(j, "range_from") > 0
        j += step
    token = doc.tok(j)
    if token is None or token.kind != "n" or doc.owner[j] is not None:
        return None
    nxt = doc.tok(j + 1)
    if nxt is not None and nxt.kind == "n" and nxt.joined:
        j += 1  # "tempo 120-125": read the range at its end
    if counts_something(doc, j):
        return None
    if ranged:
        return _range_target(doc, j)
    value, _, note = _value(doc, j)
    return _Hit(EXPLICIT, j, value, note) if value is not None else None


def _range_target(doc: Doc, j: int) -> _Hit | None:
    """ "from 120 to 128": the tempo asked for is the second number."""
    step = doc.func(j + 1, "range_to")
    token = doc.tok(j + 1 + step)
    if step and token is not None and token.kind == "n" and not counts_something(doc, j + 1 + step):
        return _Hit(EXPLICIT, j, token.value)
    return None


def _direction(doc: Doc) -> Direction | None:
    faster, slower = doc.cat("faster"), doc.cat("slower")
    if faster and (not slower or faster[0].start < slower[0].start):
        return "faster"
    return "slower" if slower else None


def tempo_word(doc: Doc) -> tuple[str, bool] | None:
    """The first tempo word of the highest rank: an Italian marking beats a plain word, and a word
    beside a tempo noun ("a fast tempo") beats a bare adjective ("This fast piece is in a
    Prestissimo tempo" -> prestissimo; "a brisk Vivace pace" -> vivace). Returns the word and
    whether it is an Italian marking."""
    best: tuple[int, str, bool] | None = None
    spanish: bool | None = None
    spans = sorted(doc.cat("tempo_word") + doc.cat("tempo_word_ctx"), key=lambda s: s.start)
    for span in spans:
        word = span.value("tempo_word") or span.value("tempo_word_ctx")
        if word is None:
            continue
        if span.phrase in doc.lex.spanish_tempo:
            spanish = is_spanish(doc) if spanish is None else spanish
            word = doc.lex.spanish_tempo[span.phrase] if spanish else word
        context = _beside_tempo_noun(doc, span)
        if not word or (span.has("tempo_word_ctx") and not context):
            continue
        italian = span.has("italian") and not spanish
        rank = 2 * italian + context
        if best is None or rank > best[0]:
            best = (rank, word, italian)
    return (best[1], best[2]) if best else None


def _beside_tempo_noun(doc: Doc, span: Span) -> bool:
    for i in (span.start - 2, span.start - 1, span.end, span.end + 1):
        near = doc.owner[i] if 0 <= i < len(doc) else None
        if near is not None and near is not span and near.has("tempo_context"):
            return True
    return False


def is_spanish(doc: Doc) -> bool:
    """A rough guess from function words (the first 300 tokens are plenty)."""
    spanish = english = 0
    for i in range(min(len(doc), 300)):
        spanish += doc.word_in(i, "language.es")
        english += doc.word_in(i, "language.en")
    return spanish > english
