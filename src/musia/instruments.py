"""The instruments of a project's Live set: Musia's own multi-sampled instruments, written as
sample files of the project, and the devices that play them.

Each track plays the instrument the preview plays (`musia.audio.multisample`: the style's patch
for the part, rendered by Musia's engine every few semitones over the keys the part plays, or
the style's kit piece per drum key). Drums get a Drum Rack with a pad per drum key, each a
one-shot Simpler playing that piece; every other part gets all its zones in one multi-sampled
instrument (Live's Sampler in a Live 12 set, an Instrument Rack of key-zoned Simplers in a Live
11 set: `formats.als.instruments`), with the envelope and level of its kind of part. The zones
are unfiltered (the set's EQ Eight high-passes, as the preview's desk does).

A sustained zone (pads, sub, 808s, risers) carries its seamless sustain loop: the file holds
the sound's attack and then its loop repeated for as long as the part holds a note (and its
release), so a Simpler, which plays a file through, sustains too; the loop points stay on the
sample for Live's Sampler. Files are `Samples/Instruments/<Track> <Sound>.wav`, mono 16-bit
44.1 kHz; the zones are rendered once (cached in the process and on disk by the engine).

`render_instruments` (the audio extra) renders what a song needs; `instruments_for` turns the
written files into the set's devices.
"""

from __future__ import annotations

import io
import math
import wave
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from musia.core.model import Song, Track
from musia.files import safe_name
from musia.formats.als.audio import SampleFile
from musia.formats.als.drumrack import SENDING_NOTE
from musia.formats.als.instruments import DrumKit, Instrument, MultiSampled, SampleZone
from musia.formats.als.simpler import SimplerSound

if TYPE_CHECKING:  # numpy and the engine come with the audio extra
    from musia.audio.engine import Mono
    from musia.audio.multisample import Zone

INSTRUMENTS_FOLDER = Path("Samples", "Instruments")
SAMPLE_RATE = 44_100
MAX_HOLD_S = 32.0  # a sustained file covers notes up to this long; Live's Sampler loops on
HOLD_MARGIN_S = 0.5

# General MIDI percussion (channel 10) names: the pads' and files' names (the kits' keys).
GM_DRUMS: dict[int, str] = {
    35: "Kick 2", 36: "Kick", 37: "Side Stick", 38: "Snare", 39: "Clap", 40: "Snare 2",
    41: "Low Floor Tom", 42: "Closed Hat", 43: "High Floor Tom", 44: "Pedal Hat",
    45: "Low Tom", 46: "Open Hat", 47: "Low Mid Tom", 48: "High Mid Tom", 49: "Crash",
    50: "High Tom", 51: "Ride", 52: "China", 53: "Ride Bell", 54: "Tambourine", 55: "Splash",
    56: "Cowbell", 57: "Crash 2", 58: "Vibraslap", 59: "Ride 2", 60: "High Bongo",
    61: "Low Bongo", 62: "Mute High Conga", 63: "Open High Conga", 64: "Low Conga",
    65: "High Timbale", 66: "Low Timbale", 67: "High Agogo", 68: "Low Agogo", 69: "Cabasa",
    70: "Maracas", 71: "Short Whistle", 72: "Long Whistle", 73: "Short Guiro", 74: "Long Guiro",
    75: "Claves", 76: "High Wood Block", 77: "Low Wood Block", 78: "Mute Cuica",
    79: "Open Cuica", 80: "Mute Triangle", 81: "Open Triangle", 82: "Shaker",
    83: "Jingle Bell", 84: "Bell Tree", 85: "Castanets", 86: "Mute Surdo", 87: "Open Surdo",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Voice:
    """How a kind of part is played: the device's envelope (ms) and its volume (dB)."""

    attack_ms: float
    release_ms: float
    volume_db: float


VOICES: dict[str, Voice] = {
    "bass": Voice(0.1, 80.0, -6.0),
    "chords": Voice(0.1, 300.0, -12.0),
    "pad": Voice(5.0, 800.0, -12.0),
    "lead": Voice(0.1, 150.0, -9.0),
    "fx": Voice(0.1, 500.0, -9.0),
}
DEFAULT_VOICE = Voice(0.1, 200.0, -12.0)


DRUM_VOLUME_DB = -6.0


@dataclass(frozen=True, slots=True)
class ZoneFile:
    """One sample file of an instrument: its name in `INSTRUMENTS_FOLDER`, the WAV bytes, the
    keys it plays, its root, and its sustain loop (frames) when it has one."""

    file_name: str
    sound_name: str
    data: bytes
    root_key: int
    low_key: int
    high_key: int
    loop: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class TrackInstrument:
    """The instrument of the track at `index` of `song.tracks`: a drum kit (a zone per key) or
    a multi-sampled instrument, and the voice that plays it."""

    index: int
    name: str
    drums: bool
    zones: tuple[ZoneFile, ...]
    voice: Voice = DEFAULT_VOICE

    @property
    def shots(self) -> tuple[ZoneFile, ...]:
        return self.zones


def render_instruments(song: Song) -> list[TrackInstrument]:
    """Every track's instrument, rendered (needs numpy and scipy: the audio extra)."""
    from musia.audio.multisample import instrument_for

    planned = []
    used: set[str] = set()
    for index, track in enumerate(song.tracks):
        keys = [note.pitch for clip in track.clips for note in clip.notes]
        if not keys:
            continue
        label = _unique(safe_name(track.name, track.part.title() or "Part"), used)
        played = instrument_for(song.style, track.part, keys, drums=track.is_drums)
        hold_s = min(MAX_HOLD_S, _longest_note_s(track, song.bpm)) + HOLD_MARGIN_S
        voice = VOICES.get(track.part, DEFAULT_VOICE)
        zones = tuple(
            _zone_file(label, zone, track.is_drums, hold_s + voice.release_ms / 1000)
            for zone in played.zones
        )
        planned.append(TrackInstrument(index, played.name, track.is_drums, zones, voice))
    return planned


def _longest_note_s(track: Track, bpm: float) -> float:
    beats = max(note.duration_beats for clip in track.clips for note in clip.notes)
    return beats * 60.0 / bpm


def _unique(label: str, used: set[str]) -> str:
    name, number = label, 1
    while name.lower() in used:
        number += 1
        name = f"{label} {number}"
    used.add(name.lower())
    return name


def _zone_file(label: str, zone: Zone, drums: bool, hold_s: float) -> ZoneFile:
    if drums:
        sound = GM_DRUMS.get(zone.root_key, f"Drum {zone.root_key}")
        name = f"{label} {zone.root_key} {sound}.wav"
    else:
        sound = zone.patch
        name = f"{label} {zone.patch} {zone.root_key}.wav"
    audio = zone.audio if drums else _held(zone.audio, zone.loop, hold_s)
    loop = None if drums else zone.loop
    return ZoneFile(name, sound, _wav(audio), zone.root_key, zone.low_key, zone.high_key, loop)


def _held(audio: Mono, loop: tuple[int, int] | None, hold_s: float) -> Mono:
    """The sound with its loop repeated until it lasts `hold_s` (a Simpler plays it through)."""
    import numpy as np

    if loop is None:
        return audio
    start, end = loop
    frames = round(hold_s * SAMPLE_RATE)
    samples = np.asarray(audio, dtype=np.float32)
    if frames <= len(samples) or end <= start:
        return samples
    repeats = math.ceil((frames - end) / (end - start))
    return np.concatenate([samples[:end], np.tile(samples[start:end], repeats)])


def _wav(audio: Mono) -> bytes:
    import numpy as np

    pcm = np.clip(np.rint(np.asarray(audio, dtype=np.float32) * 32767.0), -32768, 32767)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        writer.writeframes(pcm.astype("<i2").tobytes())
    return buffer.getvalue()


def instruments_for(
    planned: list[TrackInstrument], samples: Mapping[ZoneFile, SampleFile]
) -> dict[int, Instrument]:
    """The set's devices (by track index) for the zones written as `samples`."""
    devices: dict[int, Instrument] = {}
    for item in planned:
        written = [zone for zone in item.zones if zone in samples]
        if not written:
            continue
        if item.drums:
            devices[item.index] = DrumKit(
                tuple((zone.root_key, _pad_sound(zone, samples[zone])) for zone in written)
            )
            continue
        zones = tuple(
            SampleZone(samples[zone], zone.root_key, zone.low_key, zone.high_key,
                       *(zone.loop or (None, None)))
            for zone in written
        )  # fmt: skip
        voice = item.voice
        devices[item.index] = MultiSampled(
            item.name, zones, voice.attack_ms, voice.release_ms, voice.volume_db
        )
    return devices


def _pad_sound(zone: ZoneFile, sample: SampleFile) -> SimplerSound:
    # A pad's chain receives note 60 whatever pad was struck: the sample sounds unshifted there.
    return SimplerSound(
        zone.sound_name, sample, root_key=SENDING_NOTE, one_shot=True, volume_db=DRUM_VOLUME_DB
    )


def wav_shape(data: bytes) -> tuple[int, int]:
    """Frames and sample rate of a WAV file's bytes."""
    with wave.open(io.BytesIO(data), "rb") as reader:
        return reader.getnframes(), reader.getframerate()
