"""What plays a MIDI track in the set: a Simpler (one sampled note) or a Drum Rack (a pad per note).

The project writer decides the sounds (`musia.instruments`); this module only says which device
each becomes.
"""

from __future__ import annotations

from dataclasses import dataclass

from musia.core.model import Song
from musia.formats.als.drumrack import drum_rack
from musia.formats.als.node import Node
from musia.formats.als.params import Build
from musia.formats.als.simpler import SimplerSound, simpler


@dataclass(frozen=True, slots=True)
class DrumKit:
    """One-shot sounds by the MIDI note they play on."""

    pads: tuple[tuple[int, SimplerSound], ...]


Instrument = SimplerSound | DrumKit


def instrument_device(b: Build, instrument: Instrument, song: Song) -> Node:
    if isinstance(instrument, DrumKit):
        return drum_rack(b, instrument.pads, song.meter, song.bpm)
    return simpler(b, instrument, song.meter, song.bpm)
