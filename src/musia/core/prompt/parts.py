"""Parts asked for and refused, and the instruments named for them.

Every part named is asked for unless a refusal covers it. A refusal ("no", "without", "sin", "без",
"remove", "quita", "убери") reaches forward over a list of parts and a few adjectives ("no heavy
drums", "sin batería ni bajo") and ends at a positive word ("with", "con", "add", "but"), at the
end of a clause, or at anything that is not about parts (a number, a style, a verb).
"""

from __future__ import annotations

from typing import NamedTuple

from musia.core.prompt.doc import SENTENCE_END, Doc, Span
from musia.core.prompt.reading import PARTS

REACH = 2  # unknown words a refusal reaches across
ENDS_REFUSAL = frozenset(
    {"style", "related", "song_noun", "generate_verb", "make_verb", "edit_verb_strong",
     "bpm_unit", "tempo_noun", "bar_unit", "minute_unit", "second_unit", "key_noun", "meter",
     "analyze_verb", "faster", "slower", "semitone_unit", "octave_unit"}
)  # fmt: skip
ACCEPTS = frozenset({"includer", "add_verb", "contrast"})
_STOPS = SENTENCE_END | {":", "(", ")", "|"}


class PartsReading(NamedTuple):
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    sounds: dict[str, int]
    beat: bool  # "a hip-hop beat": drums, when the song is new
    warnings: tuple[str, ...]


class _State:
    """Where the reader is: inside a refusal or not, and what was said about each part."""

    def __init__(self) -> None:
        self.refusing = False
        self.reach = 0
        self.said: dict[str, bool] = {}  # part -> asked for (True) or refused (False)
        self.sounds: dict[str, int] = {}
        self.warnings: list[str] = []
        self.replacing = False  # after "replace"/"swap": the next instrument is the one going

    def refuse(self) -> None:
        self.refusing, self.reach = True, REACH

    def accept(self) -> None:
        self.refusing = False

    def name(self, part: str, program: int | None) -> None:
        wanted = not self.refusing
        if part in self.said and self.said[part] != wanted:
            verb = "asked for" if self.said[part] else "refused"
            self.warnings.append(
                f"'{part}' is both asked for and refused; it stays {verb} as first said"
            )
        self.said.setdefault(part, wanted)
        if wanted and program is not None and part in PARTS:
            self.sounds.setdefault(part, program)
        if self.refusing:
            self.reach = REACH

    def pass_word(self) -> None:
        if self.refusing:
            self.reach -= 1
            self.refusing = self.reach >= 0


def read_parts(doc: Doc) -> PartsReading:
    state, position = _State(), 0
    for span in doc.spans:
        if span.start < position:
            continue  # taken with the span before it ("piano chords", "less hats")
        for i in range(position, span.start):  # the words between matter only to a refusal
            if not state.refusing:
                break
            _on_token(doc, i, state)
        position = _on_span(doc, span, state)
    include = tuple(p for p, wanted in state.said.items() if wanted)
    exclude = tuple(p for p, wanted in state.said.items() if not wanted)
    beat = bool(doc.cat("beat_noun"))
    return PartsReading(include, exclude, state.sounds, beat, tuple(dict.fromkeys(state.warnings)))


def _on_token(doc: Doc, i: int, state: _State) -> None:
    """A word between spans inside a refusal: a clause end or a number ends it, an unknown word
    uses up some of its reach, articles and "and"/"or" do not."""
    token = doc.tokens[i]
    ends = token.kind == "n" or doc.is_punct(i, _STOPS)
    if ends or (token.raw == "," and not _lists_on(doc, i)):
        state.accept()
    elif token.kind == "w" and not _glue_word(doc, i):
        state.pass_word()


def _glue_word(doc: Doc, i: int) -> bool:
    """Articles and "and"/"or" keep a refusal going: "no drums and the bass"."""
    return bool(doc.func(i, "determiner") or doc.func(i, "connector"))


def _lists_on(doc: Doc, comma: int) -> bool:
    """ "no drums, bass or pads" goes on listing parts; "no melody, just chords" does not."""
    j = comma + 1
    while j < len(doc) and j - comma <= REACH and _glue_word(doc, j):
        j += 1
    span = doc.span_at(j)
    return span is not None and (span.has("part") or span.has("instrument") or span.has("negator"))


def _on_span(doc: Doc, span: Span, state: _State) -> int:
    if span.has("negator") or _removes(doc, span):
        state.refuse()
    elif span.has_any(ACCEPTS):
        state.accept()
    elif span.has("instrument"):
        return _on_instrument(doc, span, state)
    elif span.has("replace_verb"):
        state.replacing = True
    elif span.has("reducer"):
        return _skip_reduced(doc, span)
    elif span.value("part") is not None:
        state.replacing = False
        state.name(span.value("part") or "", None)
    elif span.has_any(ENDS_REFUSAL):
        state.accept()
    else:
        state.pass_word()
    return span.end


def _skip_reduced(doc: Doc, span: Span) -> int:
    """ "less hats", "menos bajo": fewer of a part is neither asking for it nor refusing it."""
    after = doc.span_at(span.end)
    if after is not None and (after.has("part") or after.has("instrument")):
        return after.end
    return span.end


def _removes(doc: Doc, span: Span) -> bool:
    if span.has("remove_verb_strong"):
        return True
    return span.has("remove_verb_weak") and doc.at_clause_start(span.start)


def _on_instrument(doc: Doc, span: Span, state: _State) -> int:
    """ "piano chords" plays the chords on a piano; "piano" alone plays its usual part."""
    program, usual = doc.lex.instruments[span.value("instrument") or ""]
    if state.replacing:  # "swap the piano for an organ": the organ is the sound
        state.replacing = False
        return span.end
    after = doc.span_at(span.end)
    part = after.value("part") if after is not None else None
    if after is not None and part is not None:
        state.name(part, program)
        return after.end
    if not state.refusing:  # "no piano" refuses an instrument, not the whole part
        state.name(usual, program)
    else:
        state.pass_word()
    return span.end
