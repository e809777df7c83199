"""The instruments of a project's Live set: what each MIDI track plays, and the samples they load.

Drums get a Drum Rack with one pad per General MIDI drum note the part uses, each pad a Simpler
in one-shot mode playing that drum as the project's SoundFont sounds it. Every other part gets a
Simpler in Classic mode playing one note of the part's General MIDI program, rendered at the C
or F# nearest the part's median pitch (its root key: no note of the part's middle is shifted by
more than a tritone), with an envelope for the kind of part. The samples are
`Samples/Instruments/<Track> <Sound>.wav` in the project: short (seconds), mono 16-bit,
peak-normalised, rendered once per sound (cached in the process and on disk).

`plan_instruments` (pure) says which one-shots a song needs; `render_one_shot` renders one (the
audio extra); `instruments_for` turns the written files into the set's devices.
"""

from __future__ import annotations

import hashlib
import io
import statistics
import wave
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from musia.core.model import Song, Track
from musia.files import cache_folder, safe_name, write_bytes_atomic
from musia.formats.als.audio import SampleFile
from musia.formats.als.drumrack import SENDING_NOTE
from musia.formats.als.instruments import DrumKit, Instrument
from musia.formats.als.simpler import SimplerSound
from musia.memo import bytes_lru

INSTRUMENTS_FOLDER = Path("Samples", "Instruments")
SAMPLE_RATE = 44_100
DRUM_HIT_S = 0.25  # the note length a drum is struck with (one-shot regions play to their end)
MAX_TAIL_S = 3.0  # a release tail is cut after this long
SILENCE_DB = -60.0  # the sample ends where it falls this far under its peak
PEAK = 0.89  # -1 dBFS
FADE_S = 0.01
VELOCITY = 100
ROOT_STEP = 6  # semitones between the pitches one-shots are rendered at (every C and F#)
RENDER_VERSION = 1  # part of the cache key: bump when the rendering changes
# One-shot WAVs kept in a process's memory (a song's instruments take a few MB); older ones are
# read again from the disk cache, so a long-running render process does not grow with every
# SoundFont program it has ever rendered.
ONE_SHOTS_MEMORY_BYTES = 32 * 2**20

# General MIDI percussion (channel 10) names, for the pads and file names.
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
    """How a kind of part is played: the note length rendered (s), the Simpler's envelope (ms)
    and its volume (dB)."""

    note_s: float
    attack_ms: float
    release_ms: float
    volume_db: float


VOICES: dict[str, Voice] = {
    "bass": Voice(2.0, 0.1, 80.0, -6.0),
    "chords": Voice(3.0, 0.1, 300.0, -12.0),
    "pad": Voice(6.0, 5.0, 800.0, -12.0),
    "lead": Voice(2.0, 0.1, 150.0, -9.0),
    "fx": Voice(4.0, 0.1, 500.0, -9.0),
}
DEFAULT_VOICE = Voice(3.0, 0.1, 200.0, -12.0)
DRUM_VOLUME_DB = -6.0


@dataclass(frozen=True, slots=True)
class OneShot:
    """One note to render into a sample file."""

    file_name: str  # in INSTRUMENTS_FOLDER
    sound_name: str
    program: int
    drums: bool
    pitch: int
    note_s: float


@dataclass(frozen=True, slots=True)
class TrackInstrument:
    """The instrument of the track at `index` of `song.tracks`: pads (note → one-shot) for drums,
    else one one-shot and the voice that plays it."""

    index: int
    pads: tuple[tuple[int, OneShot], ...] = ()
    shot: OneShot | None = None
    voice: Voice = DEFAULT_VOICE

    @property
    def shots(self) -> tuple[OneShot, ...]:
        return tuple(shot for _, shot in self.pads) + ((self.shot,) if self.shot else ())


def plan_instruments(song: Song) -> list[TrackInstrument]:
    """One instrument per track that has notes; file names unique within the project."""
    planned = []
    used: set[str] = set()
    for index, track in enumerate(song.tracks):
        pitches = [note.pitch for clip in track.clips for note in clip.notes]
        if not pitches:
            continue
        label = _unique(safe_name(track.name, track.part.title() or "Part"), used)
        if track.is_drums:
            pads = tuple((p, _drum_shot(label, track, p)) for p in sorted(set(pitches)))
            planned.append(TrackInstrument(index, pads=pads))
            continue
        voice = VOICES.get(track.part, DEFAULT_VOICE)
        root = root_key(pitches)
        shot = OneShot(f"{label}.wav", track.name, track.program, False, root, voice.note_s)
        planned.append(TrackInstrument(index, shot=shot, voice=voice))
    return planned


def root_key(pitches: Sequence[int]) -> int:
    """The pitch to sample a part at: the C or F# nearest the part's median note. A Simpler then
    shifts no note of the part's middle by more than a tritone, and songs share their samples
    (a cache of a few dozen one-shots serves every song of a style)."""
    median = statistics.median(pitches)
    return max(0, min(127, ROOT_STEP * round(median / ROOT_STEP)))


def _unique(label: str, used: set[str]) -> str:
    name, number = label, 1
    while name.lower() in used:
        number += 1
        name = f"{label} {number}"
    used.add(name.lower())
    return name


def _drum_shot(label: str, track: Track, pitch: int) -> OneShot:
    sound = GM_DRUMS.get(pitch, f"Drum {pitch}")
    return OneShot(f"{label} {pitch} {sound}.wav", sound, track.program, True, pitch, DRUM_HIT_S)


def instruments_for(
    planned: Sequence[TrackInstrument], samples: Mapping[OneShot, SampleFile]
) -> dict[int, Instrument]:
    """The set's devices (by track index) for the one-shots written as `samples`."""
    devices: dict[int, Instrument] = {}
    for item in planned:
        if item.pads:
            pads = tuple(
                (note, _pad_sound(shot, samples[shot]))
                for note, shot in item.pads
                if shot in samples
            )
            devices[item.index] = DrumKit(pads)
        elif item.shot is not None and item.shot in samples:
            voice = item.voice
            devices[item.index] = SimplerSound(
                item.shot.sound_name,
                samples[item.shot],
                root_key=item.shot.pitch,
                attack_ms=voice.attack_ms,
                release_ms=voice.release_ms,
                volume_db=voice.volume_db,
            )
    return devices


def _pad_sound(shot: OneShot, sample: SampleFile) -> SimplerSound:
    # A pad's chain receives note 60 whatever pad was struck: the sample sounds unshifted there.
    return SimplerSound(
        shot.sound_name, sample, root_key=SENDING_NOTE, one_shot=True, volume_db=DRUM_VOLUME_DB
    )


def render_one_shot(font_path: Path, shot: OneShot) -> bytes:
    """The WAV file's bytes for `shot`, rendered with the SoundFont at `font_path`. Cached in
    the process and on disk (`$MUSIA_CACHE_DIR`, else `$XDG_CACHE_HOME/musia` or
    `~/.cache/musia`, in `one-shots/`), so a command run does not render again what an earlier
    one did; a cache that cannot be read or written is skipped."""
    stat = font_path.stat()
    return _cached(
        str(font_path.resolve()),
        stat.st_size,
        stat.st_mtime_ns,
        (shot.program, shot.drums, shot.pitch, shot.note_s),
    )


@bytes_lru(ONE_SHOTS_MEMORY_BYTES, size=len)
def _cached(font_path: str, size: int, mtime_ns: int, sound: tuple[int, bool, int, float]) -> bytes:
    name = f"{RENDER_VERSION}|{font_path}|{size}|{mtime_ns}|{sound}"
    path = cache_folder("one-shots") / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.wav"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = _rendered(font_path, *sound)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, data)
    except OSError:
        pass  # a read-only home: render again next time
    return data


def wav_shape(data: bytes) -> tuple[int, int]:
    """Frames and sample rate of a WAV file's bytes."""
    with wave.open(io.BytesIO(data), "rb") as reader:
        return reader.getnframes(), reader.getframerate()


def _rendered(font_path: str, program: int, drums: bool, pitch: int, note_s: float) -> bytes:
    import numpy as np

    from musia.audio.soundfont import load_soundfont
    from musia.audio.synth import NoteEvent, render_track

    font = load_soundfont(Path(font_path))
    frames = round((note_s + MAX_TAIL_S) * SAMPLE_RATE)
    note = NoteEvent(0.0, note_s, pitch, VELOCITY)
    audio = render_track(
        font, [note], program=program, drums=drums, frames=frames, sample_rate=SAMPLE_RATE
    )
    mono = audio.mean(axis=0)
    peak = float(np.abs(mono).max()) if len(mono) else 0.0
    if peak > 0:
        loud = np.flatnonzero(np.abs(mono) > peak * 10 ** (SILENCE_DB / 20))
        end = min(len(mono), int(loud[-1]) + 1 + round(FADE_S * SAMPLE_RATE))
        mono = mono[:end] * np.float32(PEAK / peak)
        fade = min(len(mono), round(FADE_S * SAMPLE_RATE))
        mono[len(mono) - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    else:
        mono = mono[: round(0.1 * SAMPLE_RATE)]
    pcm = np.clip(np.rint(mono * 32767.0), -32768, 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        writer.writeframes(pcm.tobytes())
    return buffer.getvalue()
