"""How each part appears in a song: track name, MIDI channel, Live colour, mix level and pan."""

from __future__ import annotations

from dataclasses import dataclass

from musia.core.model import DRUM_CHANNEL


@dataclass(frozen=True, slots=True)
class PartLook:
    name: str
    channel: int  # 0-based; drums on General MIDI channel 10
    color_index: int  # Live's clip/track palette (0-69)
    volume_db: float
    pan: float


PART_LOOKS: dict[str, PartLook] = {
    "drums": PartLook("Drums", DRUM_CHANNEL, 69, 0.0, 0.0),
    "bass": PartLook("Bass", 0, 13, -2.0, 0.0),
    "chords": PartLook("Chords", 1, 16, -6.0, -0.15),
    "pad": PartLook("Pad", 2, 23, -9.0, 0.15),
    "lead": PartLook("Lead", 3, 26, -5.0, 0.1),
    "fx": PartLook("FX", 4, 4, -10.0, -0.1),
}
