"""Diatonic chords written as Roman numerals ("i", "VI7", "iv9"), stacked in thirds inside the key.

Stacking inside the scale means every chord tone belongs to the key; the numeral's case is for
readers of the style files, the key decides each chord's quality.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from musia.core.theory.key import Key

_ROMAN = {"i": 0, "ii": 1, "iii": 2, "iv": 3, "v": 4, "vi": 5, "vii": 6}
_NUMERAL = re.compile(r"^(?P<roman>[ivIV]+)(?P<ext>7|9|sus2|sus4)?$")
# Scale-degree offsets from the root for each chord shape (in scale steps, not semitones).
_SHAPES: dict[str, tuple[int, ...]] = {
    "": (0, 2, 4),
    "7": (0, 2, 4, 6),
    "9": (0, 2, 4, 6, 8),
    "sus2": (0, 1, 4),
    "sus4": (0, 3, 4),
}


@dataclass(frozen=True, slots=True)
class Chord:
    degree: int  # 0-based scale degree of the root
    shape: str  # key of _SHAPES

    def pitch_classes(self, key: Key) -> tuple[int, ...]:
        return tuple(key.degree_pc(self.degree + step) for step in _SHAPES[self.shape])

    def root_pc(self, key: Key) -> int:
        return key.degree_pc(self.degree)

    def notes(self, key: Key, octave_base: int) -> tuple[int, ...]:
        """Close position, root first, above the C at `octave_base`."""
        return tuple(key.degree_note(self.degree + s, octave_base) for s in _SHAPES[self.shape])


def parse_numeral(numeral: str) -> Chord:
    match = _NUMERAL.match(numeral.strip())
    if not match or match["roman"].lower() not in _ROMAN:
        raise ValueError(f"not a Roman-numeral chord: {numeral!r}")
    return Chord(degree=_ROMAN[match["roman"].lower()], shape=match["ext"] or "")


def parse_progression(text: str) -> tuple[Chord, ...]:
    """'i VI III VII' → four chords."""
    return tuple(parse_numeral(token) for token in text.split())
