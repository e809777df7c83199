"""Key and mode: letter names (A, F#, Bb, "B flat", "Am", "F#m", "Cmin"), solfège (La menor, Mi
bemol mayor) and Cyrillic note names with their inflected mode words ("у ля мінорі").

A tonic counts when a mode word or mode suffix follows it, or when it stands in a key position
(after "key of", "in", "en", "в", "на"). What is not a key: the English article ("a pad"), Spanish
"la"/"mi" in prose ("Quita la batería", "en mi canción"), chord symbols ("G6", "F/A", "E7") and
chords listed in a sentence about chords ("progression of Abm, B6 and C#m").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from musia.core.prompt.doc import Doc
from musia.core.prompt.reading import Mode
from musia.core.theory.key import FLAT_NAMES, Key

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
# A capital letter that is no note name, alone or with an accidental: "H major", "key of X".
# ("I" is left out: it is the English pronoun far more often than a key.)
_NOT_A_NOTE_RE = re.compile(r"[HJ-Z](?:b|#|♯|♭)?")
# A letter with an optional flat and mode suffix, as written: "A", "Bb", "Am", "Ebm", "Cmin".
_LETTER_RE = re.compile(r"([A-Ga-g])(b?)(m|min|maj|minor|major)?")
# A word that looks like a chord symbol, for spotting lists of chords.
_CHORDISH_RE = re.compile(r"[A-G]b?(?:m|min|maj|dim|aug|sus|add)?")
KEY_NOUN, PREPOSITION, NONE = 2, 1, 0
_LINK_STEPS = 3
_LIST_MARKS = frozenset({",", "/", "|"})
_LETTER_HEADS = frozenset("abcdefg")
_LONGEST_LETTER_KEY = len("Ebminor")


class KeyReading(NamedTuple):
    tonic_pc: int | None
    mode: Mode | None
    warnings: tuple[str, ...]
    unread: str | None = None  # key words as written that name no key Musia can read ("H major")


class _Tonic(NamedTuple):
    pc: int
    end: int  # the token after the tonic, its accidental and any glued mode suffix
    mode: Mode | None  # from a suffix: "Am", "F#m", "Cmin"
    accidental: bool
    letter: bool  # a letter name (case matters) rather than a solfège syllable
    upper: bool
    flat: bool = False  # spelled with a flat ("Db", "re bemol"): named so in messages


class _Hit(NamedTuple):
    priority: int
    at: int  # token index
    pc: int
    mode: Mode | None
    flat: bool = False

    @property
    def name(self) -> str:
        tonic = FLAT_NAMES[self.pc] if self.flat else NOTE_NAMES[self.pc]
        return f"{tonic} {self.mode}" if self.mode else tonic


def read_key(doc: Doc) -> KeyReading:
    chordy = _chord_sentences(doc)
    solfege = doc.lex.solfege
    # Only short words that start like a letter name or are a syllable can be a tonic.
    maybe = [
        i
        for i, n in enumerate(doc.norms)
        if (n[:1] in _LETTER_HEADS and len(n) <= _LONGEST_LETTER_KEY) or n in solfege
    ]
    hits = [hit for i in maybe if (hit := _hit_at(doc, i, chordy)) is not None]
    unread = _unread_key(doc)
    if not hits:
        return KeyReading(None, _mode_alone(doc), (), unread)
    hits.sort(key=lambda h: (-h.priority, h.at))
    best, warnings = hits[0], []
    others = list(dict.fromkeys(h.name for h in hits if h.priority >= 2 and h.name != best.name))
    if others:
        warnings.append(
            f"several keys named ({best.name}, {', '.join(others[:3])}); using {best.name}"
        )
    if best.mode is None:
        warnings.append(f"the key of {best.name} is stated without major or minor")
    return KeyReading(best.pc, best.mode, tuple(warnings), unread)


def _hit_at(doc: Doc, i: int, chordy: set[int]) -> _Hit | None:
    token = doc.tokens[i]
    if token.kind != "w" or doc.owner[i] is not None:
        return None
    tonic = _letter(doc, i) or _solfege(doc, i)
    if tonic is None or (tonic.letter and _is_chord_symbol(doc, i, tonic.end)):
        return None
    mode, full, end = tonic.mode, False, tonic.end
    if mode is None:
        mode, full = _mode_word(doc, end, tonic)
        end += mode is not None
    position = _position(doc, i)
    in_chords = position < KEY_NOUN and (doc.sentence(i) in chordy or _listed(doc, i, end))
    if not _accepted(doc, tonic, mode, full, position, end, in_chords, i):
        return None
    priority = 3 if position == KEY_NOUN else 2 if mode else 1
    return _Hit(priority, i, tonic.pc, mode, tonic.flat)


def _accepted(
    doc: Doc, tonic: _Tonic, mode: Mode | None, full: bool, position: int, end: int,
    in_chords: bool, i: int,
) -> bool:  # fmt: skip
    if tonic.letter and doc.norms[i] == "a" and mode and _adjective_a(doc, i, end):
        return False  # "a minor change", "in a minor key"
    if mode is not None:
        return full or not in_chords
    if in_chords or (tonic.letter and not tonic.upper):
        return False
    if position == NONE:  # "techno, 128 bpm, F#": a sharp or flat alone in its field
        return tonic.accidental and _alone(doc, i, end)
    return position == KEY_NOUN or _follow_ok(doc, end)


def _letter(doc: Doc, i: int) -> _Tonic | None:
    match = _LETTER_RE.fullmatch(doc.tokens[i].raw)
    if match is None:
        return None
    letter, flat, suffix = match.groups()
    if suffix and (letter.islower() or not suffix.islower()):
        return None  # "am" is a verb, "AM" a time of day
    pc, end = doc.lex.letters[letter.lower()] - bool(flat), i + 1
    shift = 0
    if not flat:
        shift, end = _accidental(doc, end)
    mode = _suffix_mode(doc, suffix) if suffix else None
    if mode is None and shift and _glued_word(doc, end):
        mode = _suffix_mode(doc, doc.tokens[end].raw)  # "F#m", "C#min"
        end += mode is not None
    flat_spelled = bool(flat) or shift < 0
    return _Tonic(
        (pc + shift) % 12, end, mode, bool(flat or shift), True, letter.isupper(), flat_spelled
    )


def _solfege(doc: Doc, i: int) -> _Tonic | None:
    pc = doc.lex.solfege.get(doc.norms[i])
    if pc is None:
        return None
    shift, end = _accidental(doc, i + 1)
    upper = doc.tokens[i].raw[:1].isupper()
    return _Tonic((pc + shift) % 12, end, None, shift != 0, False, upper, shift < 0)


def _accidental(doc: Doc, j: int) -> tuple[int, int]:
    """A sharp or flat after a tonic: "#" or "♭" glued, or a word ("sharp", "bemol", "дієз")."""
    token = doc.tok(j)
    if token is None or (token.kind == "s" and not token.glued):
        return 0, j
    if doc.word_in(j, "key.sharp"):
        return 1, j + 1
    if doc.word_in(j, "key.flat"):
        return -1, j + 1
    return 0, j


def _suffix_mode(doc: Doc, suffix: str) -> Mode | None:
    if doc.lex.has("key.suffix_minor", suffix, ""):
        return "minor"
    if doc.lex.has("key.suffix_major", suffix, ""):
        return "major"
    return None


def _glued_word(doc: Doc, j: int) -> bool:
    token = doc.tok(j)
    return token is not None and token.kind == "w" and token.glued


def _mode_word(doc: Doc, j: int, tonic: _Tonic) -> tuple[Mode | None, bool]:
    """The mode word after a tonic and whether it is a full word ("minor", not "min")."""
    token = doc.tok(j)
    if token is None or token.kind != "w" or token.glued:
        return None, False
    short = doc.word_in(j, "key.abbreviation")
    if short and not (tonic.letter and tonic.upper):
        return None, False  # "2 min" is minutes; "A min" is a key
    mode: Mode | None = None
    if doc.word_in(j, "key.minor"):
        mode = "minor"
    elif doc.word_in(j, "key.major"):
        mode = "major"
    return mode, mode is not None and not short


def _is_chord_symbol(doc: Doc, i: int, end: int) -> bool:
    """ "G6", "E7", "Cmaj7", "F/A", "C7/E": a chord, never a key."""
    after, before = doc.tok(end), doc.tok(i - 1)
    if after is not None and after.glued and (after.kind in ("n", "w") or after.raw == "/"):
        return True
    return doc.tokens[i].glued and before is not None and (before.raw == "/" or before.kind == "n")


def _position(doc: Doc, i: int) -> int:
    """KEY_NOUN after "key of"/"tonalidad de"/"тональність на"; PREPOSITION after in/en/в/на."""
    k = i - 1
    for _ in range(_LINK_STEPS):
        span = doc.owner[k] if k >= 0 else None
        if span is not None and span.has("key_noun"):
            return KEY_NOUN
        if not (
            doc.word_in(k, "key.links") or doc.word_in(k, "key.preps") or doc.func(k, "determiner")
        ):
            break
        k -= 1
    return PREPOSITION if doc.word_in(i - 1, "key.preps") else NONE


def _follow_ok(doc: Doc, end: int) -> bool:
    """A bare tonic must end its phrase: "en Mi, 120" is a key, "en mi canción" is not."""
    token = doc.tok(end)
    return token is None or token.kind in ("s", "n") or doc.word_in(end, "key.follow")


def _alone(doc: Doc, i: int, end: int) -> bool:
    before = i == 0 or doc.is_punct(i - 1)
    return before and (end >= len(doc) or doc.is_punct(end))


def _adjective_a(doc: Doc, i: int, end: int) -> bool:
    """ "a minor change" is no key; "in a minor key" is a mode without a tonic."""
    if doc.func(end, "not_key_after"):
        return True
    return doc.tokens[i].raw == "a" and bool(doc.func(end, "mode_noun"))


def _chord_sentences(doc: Doc) -> set[int]:
    """Sentences that talk about chords: their letter names are chords unless a full mode word or
    "key of" says otherwise ("The chords Eb, F6 and G" vs "in the key of F major")."""
    return {doc.sentence(span.start) for span in doc.cat("chord_word")}


def _listed(doc: Doc, i: int, end: int) -> bool:
    """Part of a list of chords: "A, E7, A7, D", "C and G", "Am-F-C-G"."""
    if doc.tokens[i].joined and i > 0 and _chordish(doc, i - 1):
        return True
    nxt = doc.tok(end)
    if nxt is not None and nxt.joined and _chordish(doc, end):
        return True
    for sep, other in ((i - 1, i - 2), (end, end + 1)):
        separated = doc.is_punct(sep, _LIST_MARKS) or doc.func(sep, "connector") == 1
        if separated and 0 <= other < len(doc) and _chordish(doc, other):
            return True
    return False


def _chordish(doc: Doc, k: int) -> bool:
    for j in range(k, max(-1, k - 4), -1):  # walk back over glued pieces: "A7", "F#m", "C7/E"
        token = doc.tokens[j]
        if token.kind == "w" and _CHORDISH_RE.fullmatch(token.raw):
            return True
        if not token.glued:
            return False
    return False


def _mode_alone(doc: Doc) -> Mode | None:
    """A mode with no tonic: "in a minor key", "make it minor", "en modo menor", "минорный"."""
    modes = doc.lex.words["key.major"] | doc.lex.words["key.minor"]
    for i, token in enumerate(doc.tokens):
        if doc.norms[i] not in modes and doc.stems[i] not in modes:
            continue
        if token.kind != "w" or doc.word_in(i, "key.abbreviation"):
            continue
        mode: Mode | None = "minor" if doc.word_in(i, "key.minor") else None
        mode = mode or ("major" if doc.word_in(i, "key.major") else None)
        if mode and _states_mode(doc, i):
            return mode
    return None


def _states_mode(doc: Doc, i: int) -> bool:
    if (
        doc.word_in(i, "key.adjective")
        or doc.func(i + 1, "mode_noun")
        or doc.func(i - 1, "mode_noun")
    ):
        return True
    before = doc.owner[i - 1] if i > 0 else None
    prep = doc.word_in(i - 1, "key.preps") and doc.norms[i - 1] != "a"
    return (
        prep or bool(doc.func(i - 1, "deictic")) or (before is not None and before.has("make_verb"))
    )


def _unread_key(doc: Doc) -> str | None:
    """Key words naming no note Musia reads, as written: a capital letter that is no note name
    before a mode word ("H major", "X minor") or after "key of" ("the key of Z")."""
    for i, token in enumerate(doc.tokens):
        if token.kind != "w" or not _NOT_A_NOTE_RE.fullmatch(_with_accidental(doc, i)):
            continue
        end = i + 1 + (doc.tok(i + 1) is not None and doc.tokens[i + 1].raw in "#♯♭")
        mode, _ = _mode_word(doc, end, _Tonic(0, end, None, False, True, True))
        if mode is not None:
            return _written(doc, i, end + 1)
        if _position(doc, i) == KEY_NOUN:
            return _written(doc, i, end)
    return None


def _with_accidental(doc: Doc, i: int) -> str:
    after = doc.tok(i + 1)
    glued_sign = after is not None and after.glued and after.raw in "#♯♭"
    return doc.tokens[i].raw + (after.raw if glued_sign and after is not None else "")


def _written(doc: Doc, start: int, end: int) -> str:
    tokens = doc.tokens[start:end]
    return tokens[0].raw + "".join(t.gap + t.raw for t in tokens[1:])


class KeyName(NamedTuple):
    """A key written on its own: a tonic and, when stated, a mode (a bare tonic names both)."""

    tonic_pc: int
    mode: Mode | None

    @property
    def name(self) -> str:
        """ "A minor", "Bb major"; a bare tonic as its letter ("F#")."""
        if self.mode is None:
            return NOTE_NAMES[self.tonic_pc]
        return Key(self.tonic_pc, self.mode).name

    def key(self, default_mode: Mode = "major") -> Key:
        return Key(self.tonic_pc, self.mode or default_mode)


@lru_cache(maxsize=1024)  # a library's rows hold a few dozen spellings, read again per search
def read_key_name(text: str) -> KeyName | None:
    """A key written alone, as in a search field, a form or a file's tag, in every spelling the
    prompt reader takes: "Am", "A minor", "a-moll", "F#m", "B♭ major", "la menor", "Mi bemol
    mayor", "ля мінор", "фа-диез минор". The whole text must be the key (None otherwise). Case
    does not matter here: in a key field "am" can only be A minor."""
    if not isinstance(text, str) or not text.strip():
        return None
    doc = Doc(text)
    if doc.truncated or not doc.tokens or doc.tokens[0].kind != "w":
        return None
    tonic = _field_letter(doc) or _solfege(doc, 0)
    if tonic is None:
        return None
    mode, end = tonic.mode, tonic.end
    if mode is None and end < len(doc) and doc.tokens[end].kind == "w":
        if doc.word_in(end, "key.minor"):
            mode, end = "minor", end + 1
        elif doc.word_in(end, "key.major"):
            mode, end = "major", end + 1
    return KeyName(tonic.pc, mode) if end == len(doc) else None


def _field_letter(doc: Doc) -> _Tonic | None:
    raw = doc.tokens[0].raw
    match = _LETTER_RE.fullmatch(raw.lower())
    if match is None:
        return None
    letter, flat, suffix = match.groups()
    pc, end, shift = doc.lex.letters[letter] - bool(flat), 1, 0
    if not flat:
        shift, end = _accidental(doc, 1)
    mode = _field_suffix(doc, raw[1 + len(flat) :]) if suffix else None
    if mode is None and shift and _glued_word(doc, end):
        mode = _field_suffix(doc, doc.tokens[end].raw)  # "F#m", "B♭min"
        if mode is None:
            return None
        end += 1
    flat_spelled = bool(flat) or shift < 0
    return _Tonic((pc + shift) % 12, end, mode, bool(flat or shift), True, True, flat_spelled)


def _field_suffix(doc: Doc, suffix: str) -> Mode | None:
    """A mode glued to a letter: "m", "min", "maj"; a capital "M" alone is major ("CM")."""
    return "major" if suffix == "M" else _suffix_mode(doc, suffix.lower())
