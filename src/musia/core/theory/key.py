"""Keys and their diatonic scales. Pitch classes: C=0 … B=11; MIDI note 60 is middle C (C4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mode = Literal["major", "minor"]

SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
# Steps of the diatonic modes, in semitones from the tonic. Minor is natural (Aeolian).
SCALE_STEPS: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
}
# Keys conventionally spelled with flats (by pitch class of the tonic), per mode.
_FLAT_TONICS = {"major": {5, 10, 3, 8, 1, 6}, "minor": {2, 7, 0, 5, 10, 3}}
# Key signature as sharps (+) or flats (-), for MIDI key-signature events.
_MAJOR_SIGNATURE = {0: 0, 7: 1, 2: 2, 9: 3, 4: 4, 11: 5, 6: 6, 1: -5, 8: -4, 3: -3, 10: -2, 5: -1}


@dataclass(frozen=True, slots=True)
class Key:
    tonic_pc: int
    mode: Mode

    def __post_init__(self) -> None:
        if not 0 <= self.tonic_pc <= 11:
            raise ValueError(f"tonic pitch class must be 0-11, got {self.tonic_pc}")

    @property
    def scale_pcs(self) -> tuple[int, ...]:
        return _SCALES[self.tonic_pc, self.mode]

    @property
    def name(self) -> str:
        names = FLAT_NAMES if self.tonic_pc in _FLAT_TONICS[self.mode] else SHARP_NAMES
        return f"{names[self.tonic_pc]} {self.mode}"

    @property
    def signature(self) -> int:
        """Sharps (positive) or flats (negative) in the key signature."""
        relative_major = self.tonic_pc if self.mode == "major" else (self.tonic_pc + 3) % 12
        return _MAJOR_SIGNATURE[relative_major]

    def contains(self, midi_note: int) -> bool:
        return midi_note % 12 in self.scale_pcs

    def degree_pc(self, degree: int) -> int:
        """Pitch class of a scale degree counted from 0 (tonic); wraps past the octave."""
        return self.scale_pcs[degree % 7]

    def degree_note(self, degree: int, octave_base: int) -> int:
        """MIDI note of scale degree `degree` (0 = tonic; may be < 0 or > 6) above `octave_base`,
        where `octave_base` is the MIDI note of a C."""
        octave, step = divmod(degree, 7)
        return octave_base + 12 * octave + self.tonic_pc + SCALE_STEPS[self.mode][step]

    def transposed(self, semitones: int) -> Key:
        return Key((self.tonic_pc + semitones) % 12, self.mode)


# Every key's scale, computed once: composing asks for them tens of thousands of times a song.
_SCALES = {
    (tonic, mode): tuple((tonic + step) % 12 for step in steps)
    for mode, steps in SCALE_STEPS.items()
    for tonic in range(12)
}


def nearest_in_scale(key: Key, midi_note: int) -> int:
    """The scale note closest to `midi_note` (ties go down), so a melody never leaves the key."""
    for distance in range(7):
        for candidate in (midi_note - distance, midi_note + distance):
            if key.contains(candidate):
                return candidate
    raise AssertionError("every octave holds seven scale notes")
