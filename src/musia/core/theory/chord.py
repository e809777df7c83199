"""Chords written as Roman numerals ("i", "VI7", "iv9", "bVII", "IVadd9"), relative to the key.

A numeral whose case matches the key's own chord on that degree (minor "iv" in A minor, major "IV"
in C major) is stacked in thirds inside the scale, so the key decides its quality and every note
belongs to the key. A numeral with a flat or sharp ("bVII", "bVI") or with the other case ("IV"
in a minor key, "iv" in a major one) is a chord borrowed from the parallel key: a major (upper
case) or minor (lower case) triad on that root, with the extension in semitones. Borrowed chords
colour a progression; the melody over them follows their notes (`chord_scale`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from musia.core.theory.key import Key

_ROMAN = {"i": 0, "ii": 1, "iii": 2, "iv": 3, "v": 4, "vi": 5, "vii": 6}
_NUMERAL = re.compile(
    r"^(?P<accidental>[b#]?)(?P<roman>[ivIV]+)(?P<ext>maj7|add9|7sus4|sus2|sus4|7|9|6)?$"
)
# Scale-degree offsets from the root for each chord shape (in scale steps, not semitones).
_DIATONIC: dict[str, tuple[int, ...]] = {
    "": (0, 2, 4),
    "7": (0, 2, 4, 6),
    "maj7": (0, 2, 4, 6),
    "9": (0, 2, 4, 6, 8),
    "add9": (0, 2, 4, 8),
    "6": (0, 2, 4, 5),
    "sus2": (0, 1, 4),
    "sus4": (0, 3, 4),
    "7sus4": (0, 3, 4, 6),
}
# Borrowed chords: semitones above the root, by (shape, major third).
_THIRD = {True: 4, False: 3}
_ADDED: dict[str, tuple[int, ...]] = {
    "": (),
    "7": (10,),
    "maj7": (11,),
    "9": (10, 14),
    "add9": (14,),
    "6": (9,),
}
_SUSPENDED = {"sus2": (0, 2, 7), "sus4": (0, 5, 7), "7sus4": (0, 5, 7, 10)}


@dataclass(frozen=True, slots=True)
class Chord:
    degree: int  # 0-based scale degree of the root
    shape: str  # "", "7", "9", "add9", "6", "maj7", "sus2", "sus4", "7sus4"
    alteration: int = 0  # semitones the root moves off the scale: -1 for "bVII"
    upper: bool = False  # written in upper case: a major chord when borrowed

    def borrowed(self, key: Key) -> bool:
        if self.alteration:
            return True
        if self.shape in _SUSPENDED:
            return False
        third = key.degree_note(self.degree + 2, 0) - key.degree_note(self.degree, 0)
        return (third == 4) != self.upper

    def intervals(self, key: Key) -> tuple[int, ...]:
        """Semitones above the root, ascending from 0."""
        if not self.borrowed(key):
            base = key.degree_note(self.degree, 0)
            return tuple(key.degree_note(self.degree + s, 0) - base for s in _DIATONIC[self.shape])
        if self.shape in _SUSPENDED:
            return _SUSPENDED[self.shape]
        return (0, _THIRD[self.upper], 7, *_ADDED[self.shape])

    def root_pc(self, key: Key) -> int:
        return (key.degree_pc(self.degree) + self.alteration) % 12

    def pitch_classes(self, key: Key) -> tuple[int, ...]:
        root = self.root_pc(key)
        return tuple((root + i) % 12 for i in self.intervals(key))

    def fifth_pc(self, key: Key) -> int:
        """The chord's fifth (the note a bass plays beside the root)."""
        intervals = self.intervals(key)
        fifth = next((i for i in intervals if i in (6, 7, 8)), 7)
        return (self.root_pc(key) + fifth) % 12

    def notes(self, key: Key, octave_base: int) -> tuple[int, ...]:
        """Close position, root first, above the C at `octave_base`."""
        root = octave_base + key.degree_note(self.degree, 0) % 12 + self.alteration
        return tuple(root + i for i in self.intervals(key))


def chord_scale(key: Key, chord: Chord) -> dict[int, int]:
    """How a melody over `chord` bends the key's scale: {scale pitch class: the chord's note a
    semitone away}, so a line over a borrowed "bVII" plays its flat seventh, not a clash."""
    if not chord.borrowed(key):
        return {}
    tones = set(chord.pitch_classes(key))
    bent = {}
    for pc in key.scale_pcs:
        if pc in tones:
            continue
        for near in ((pc - 1) % 12, (pc + 1) % 12):
            if near in tones and near not in key.scale_pcs:
                bent[pc] = near
    return bent


def parse_numeral(numeral: str) -> Chord:
    match = _NUMERAL.match(numeral.strip())
    if not match or match["roman"].lower() not in _ROMAN:
        raise ValueError(f"not a Roman-numeral chord: {numeral!r}")
    roman = match["roman"]
    if roman not in (roman.lower(), roman.upper()):
        raise ValueError(f"a numeral is all upper or all lower case: {numeral!r}")
    alteration = {"b": -1, "#": 1}.get(match["accidental"], 0)
    return Chord(_ROMAN[roman.lower()], match["ext"] or "", alteration, roman.isupper())


def parse_progression(text: str) -> tuple[Chord, ...]:
    """'i VI III VII' → four chords."""
    return tuple(parse_numeral(token) for token in text.split())
