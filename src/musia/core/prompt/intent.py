"""What the sentence asks for: a new song, an edit of the current one, an analysis, or a chat.

- analyze: an analysis verb, or a question about a property of "this/my song" ("what key is this").
- chat: a wh-question or "can you…?" that asks for no song ("what genres can you make?").
- modify: an edit of the current song: "make it/the tempo …", an imperative edit verb before any
  new-song words ("Quita la batería", "add a pad"), or a comparison alone ("faster", "more bass").
- generate: a creation verb, a new-song noun ("track", "трек"), or any musical content.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import NamedTuple

from musia.core.prompt.doc import Doc, Span
from musia.core.prompt.reading import Intent

NEW_SONG = frozenset({"song_noun", "style", "related"})
CHANGE_CUES = frozenset(
    {"comparative", "faster", "slower", "semitone_unit", "octave_unit", "same_but"}
)
CHANGES = frozenset({"property_noun", "comparative", "faster", "slower"})


class _Cues(NamedTuple):
    analyze: bool
    question: bool  # a wh-question or a "can you" question
    ability: bool  # "can you", "puedes", "можеш"
    about_song: bool  # a property of this song: "what key is this"
    create: bool  # a creation verb or "make" + a new song
    make_edit: bool  # "make it …", "сделай темп 140"
    edit_first: bool  # an imperative edit before any new-song words
    change: bool  # a comparison or transposition
    new_song: bool  # a song noun without "the/my", or a style


def read_intent(doc: Doc, *, content: bool) -> Intent:
    if not len(doc):
        return "chat"
    cues = _cues(doc)
    if cues.analyze or (cues.question and cues.about_song):
        return "analyze"
    if cues.make_edit or (cues.edit_first and not cues.create):
        return "modify"  # also "can you add a pad?"
    if cues.question and not cues.create and not (cues.ability and cues.new_song):
        return "chat"  # "what is deep house?", but "can you do some house?" asks for a song
    if cues.change and not cues.new_song and not cues.create:
        return "modify"
    if content or cues.create or cues.new_song:
        return "generate"
    return "chat"


def _cues(doc: Doc) -> _Cues:
    new_song = [s for c in NEW_SONG for s in doc.cat(c) if not _definite(doc, s)]
    first_new = min((s.start for s in new_song), default=len(doc))
    makes = doc.cat("make_verb")
    make_edit = any(_make_edits(doc, s) for s in makes)
    create = bool(doc.cat("generate_verb")) or (bool(makes) and bool(new_song) and not make_edit)
    edits = doc.cat("edit_verb_strong") + doc.cat("edit_verb_weak")
    return _Cues(
        analyze=bool(doc.cat("analyze_verb")),
        question=_is_question(doc),
        ability=bool(doc.fn_pos.get("ability")),
        about_song=bool(doc.cat("property_noun")) and bool(doc.fn_pos.get("deictic")),
        create=create,
        make_edit=make_edit,
        edit_first=any(_edits(doc, s) and s.start < first_new for s in edits),
        change=any(doc.cat(c) for c in CHANGE_CUES),
        new_song=bool(new_song),
    )


def _definite(doc: Doc, span: Span) -> bool:
    """ "the track", "my song", "este tema": the current song, not a new one."""
    return span.has("song_noun") and bool(
        doc.func(span.start - 1, "definite") or doc.func(span.start - 1, "deictic")
    )


def _make_edits(doc: Doc, make: Span) -> bool:
    """ "make it faster", "make the tempo 140", "Сделай темп 140", "зроби швидше", "сделай
    минорным", and "Сделай трек быстрее" (a comparison later in the sentence, no style named)."""
    j = make.end
    if doc.func(j, "deictic") or _changes(doc, j) or _compares_later(doc, make):
        return True
    after = j + doc.func(j, "determiner")
    span = doc.span_at(after)
    if span is not None and span.has("property_noun"):
        return True  # "make the tempo 140"
    # "make the chords jazzier": a part of the current song ("make a bassline" is new).
    return span is not None and span.has("part") and bool(doc.func(j, "definite"))


def _changes(doc: Doc, j: int) -> bool:
    span = doc.span_at(j)
    if span is not None and span.has_any(CHANGES):
        return True
    return doc.word_in(j, "key.adjective")


def _compares_later(doc: Doc, make: Span) -> bool:
    def later(category: str) -> bool:
        # Spans are in text order: only the first one after "make" can share its sentence.
        spans = doc.cat(category)
        k = bisect_left(spans, make.end, key=lambda s: s.start)
        return k < len(spans) and doc.sentence(spans[k].start) == doc.sentence(make.start)

    if later("style") or later("related"):
        return False
    return later("comparative") or later("faster") or later("slower")


def _edits(doc: Doc, span: Span) -> bool:
    if span.has("edit_verb_strong"):
        return True
    return span.has("edit_verb_weak") and doc.at_clause_start(span.start)


def _is_question(doc: Doc) -> bool:
    """ "can you"/"puedes"/"вмієш" anywhere, a Spanish "¿", a wh-word opening a clause, or any
    wh-word in a text with a question mark ("В какой тональности этот трек?")."""
    if doc.fn_pos.get("ability"):
        return True
    marks = {t.raw for t in doc.tokens if t.kind == "s"}
    if "¿" in marks:
        return True
    return any("?" in marks or doc.at_clause_start(i) for i in doc.fn_pos.get("wh_word", ()))
