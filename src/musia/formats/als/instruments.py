"""What plays a MIDI track in the set: a Simpler (one sample), a multi-sampled instrument (a
sample per zone of keys) or a Drum Rack (a pad per note).

The project writer decides the sounds (`musia.instruments`); this module only says which device
each becomes. A multi-sampled instrument is Live's Sampler holding every zone in a Live 12 set,
and an Instrument Rack with a key-zoned Simpler per zone in a Live 11 set (the checker's profile
holds no Sampler saved by Live 11.3: see `sampler.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from musia.core.model import Song
from musia.files import safe_name
from musia.formats.als.audio import SampleFile
from musia.formats.als.drumrack import drum_rack
from musia.formats.als.node import Node
from musia.formats.als.params import Build
from musia.formats.als.presets import PresetFile, write_preset
from musia.formats.als.racks import instrument_rack
from musia.formats.als.sampler import multi_sampler
from musia.formats.als.simpler import Part, SimplerSound, simpler
from musia.formats.als.versions import LiveFormat


@dataclass(frozen=True, slots=True)
class DrumKit:
    """One-shot sounds by the MIDI note they play on."""

    pads: tuple[tuple[int, SimplerSound], ...]


@dataclass(frozen=True, slots=True)
class SampleZone:
    """One sample of a multi-sampled instrument: the keys it plays and, for a sustained sound, the
    frames its sustain loop runs between (None: the sample plays once to its end)."""

    sample: SampleFile
    root_key: int
    low_key: int
    high_key: int
    loop_start_frame: int | None = None
    loop_end_frame: int | None = None


@dataclass(frozen=True, slots=True)
class MultiSampled:
    """An instrument sampled every few semitones (zones side by side over the keyboard), with the
    amplitude envelope and gain of the device that plays it (milliseconds, dB)."""

    name: str
    zones: tuple[SampleZone, ...]
    attack_ms: float = 0.1000000015
    release_ms: float = 50.0
    volume_db: float = -12.0
    rack_preset: PresetFile | None = None  # Live 11: the Instrument Rack's file (`rack_presets`)

    def parts(self) -> list[Part]:
        return [
            Part(f"{self.name} {zone.root_key}", zone.sample, zone.root_key, zone.low_key,
                 zone.high_key, _loop(zone))
            for zone in self.zones
        ]  # fmt: skip

    def zone_sound(self, zone: SampleZone) -> SimplerSound:
        """One zone as a Simpler plays it, its sustain loop on."""
        return SimplerSound(f"{self.name} {zone.root_key}", zone.sample, zone.root_key, False,
                            self.attack_ms, self.release_ms, self.volume_db,
                            zone.loop_start_frame, zone.loop_end_frame)  # fmt: skip


def _loop(zone: SampleZone) -> tuple[int, int] | None:
    start, end = zone.loop_start_frame, zone.loop_end_frame
    if start is None or end is None or not 0 <= start < end <= zone.sample.frames:
        return None
    return start, end


Instrument = SimplerSound | DrumKit | MultiSampled


def instrument_device(b: Build, instrument: Instrument, song: Song) -> Node:
    if isinstance(instrument, DrumKit):
        return drum_rack(b, instrument.pads, song.meter, song.bpm)
    if isinstance(instrument, MultiSampled):
        return _multi_sampled(b, instrument, song)
    return simpler(b, instrument, song.meter, song.bpm)


def _multi_sampled(b: Build, instrument: MultiSampled, song: Song) -> Node:
    if b.fmt.is12:
        return multi_sampler(
            b,
            instrument.parts(),
            song.meter,
            song.bpm,
            attack_ms=instrument.attack_ms,
            release_ms=instrument.release_ms,
            volume_db=instrument.volume_db,
        )
    chains = [
        (
            f"{instrument.name} {zone.root_key}",
            zone.low_key,
            zone.high_key,
            simpler(b, instrument.zone_sound(zone), song.meter, song.bpm),
        )
        for zone in instrument.zones
    ]
    return instrument_rack(b, instrument.name, chains, instrument.rack_preset)


RACK_PRESETS_FOLDER = "Presets/Instruments/Instrument Rack"  # where Live's browser keeps racks


def rack_presets(
    instruments: Mapping[int, Instrument], song: Song, fmt: LiveFormat, staging: Path, folder: Path
) -> dict[int, Instrument]:
    """For a Live 11 set, each multi-sampled instrument's Instrument Rack saved as a preset file
    of the project (`<Track>.adg` in `RACK_PRESETS_FOLDER`), which the rack on the track names as
    Live names the preset a rack was loaded from. `staging` becomes `folder`."""
    if fmt.is12:
        return dict(instruments)
    out: dict[int, Instrument] = {}
    used: set[str] = set()
    for index, instrument in sorted(instruments.items()):
        if isinstance(instrument, MultiSampled):
            node = _multi_sampled(Build(fmt), instrument, song)
            name = safe_name(song.tracks[index].name, "Instrument")
            if name.lower() in used:
                name = f"{name} {index + 1}"
            used.add(name.lower())
            relative = f"{RACK_PRESETS_FOLDER}/{name}.adg"
            preset = write_preset(fmt, "InstrumentGroupDevice", node, relative, staging, folder)
            out[index] = replace(instrument, rack_preset=preset)
        else:
            out[index] = instrument
    return out
