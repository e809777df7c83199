"""The song model: immutable values in beats (quarter notes) that every reader and writer shares.

Times are kept on a grid of 1/960 beat (`TICKS_PER_BEAT`) so that every writer can turn them into
integer ticks exactly; `on_grid` rounds a time onto it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from musia.core.theory.key import Key
from musia.core.theory.meter import Meter

TICKS_PER_BEAT = 960
DRUM_CHANNEL = 9  # 0-based; "channel 10" in General MIDI


def on_grid(beats: float) -> float:
    """Round a time in beats to the model's tick grid."""
    return round(beats * TICKS_PER_BEAT) / TICKS_PER_BEAT


@dataclass(frozen=True, slots=True, order=True)
class Note:
    start_beats: float
    pitch: int  # MIDI note number 0-127
    duration_beats: float
    velocity: int  # 1-127

    def __post_init__(self) -> None:
        if not 0 <= self.pitch <= 127 or not 1 <= self.velocity <= 127:
            raise ValueError(
                f"note out of MIDI range: pitch {self.pitch}, velocity {self.velocity}"
            )
        if self.duration_beats <= 0 or self.start_beats < 0:
            raise ValueError(f"note needs a start >= 0 and a positive length: {self}")

    @property
    def end_beats(self) -> float:
        return self.start_beats + self.duration_beats


# What an envelope moves, and the unit of its values:
# - "cutoff": the part's low-pass filter, 0 (closed, ~80 Hz) … 1 (open); MIDI CC 74.
# - "pitch_bend": semitones from the written pitch (808 glides, acid slides); MIDI pitch bend,
#   with the channel's bend range set to `PITCH_BEND_RANGE_SEMITONES`.
ENVELOPE_PARAMETERS = ("cutoff", "pitch_bend")
PITCH_BEND_RANGE_SEMITONES = 12


@dataclass(frozen=True, slots=True)
class EnvelopePoint:
    time_beats: float  # relative to the clip start, like note times
    value: float


@dataclass(frozen=True, slots=True)
class Envelope:
    """Automation of one parameter within a clip: values between points move in a straight line,
    before the first point the value is the first point's, after the last the last's."""

    parameter: str  # one of ENVELOPE_PARAMETERS
    points: tuple[EnvelopePoint, ...]

    def __post_init__(self) -> None:
        if self.parameter not in ENVELOPE_PARAMETERS:
            raise ValueError(f"unknown envelope parameter {self.parameter!r}")
        if not self.points:
            raise ValueError("an envelope needs at least one point")
        times = [p.time_beats for p in self.points]
        if times != sorted(times) or times[0] < 0:
            raise ValueError("envelope points must be sorted in time, from 0 on")

    def value_at(self, beats: float) -> float:
        """The envelope's value at a time relative to the clip start."""
        points = self.points
        if beats <= points[0].time_beats:
            return points[0].value
        for a, b in pairwise(points):
            if beats <= b.time_beats:
                span = b.time_beats - a.time_beats
                return (
                    b.value
                    if span <= 0
                    else a.value + (b.value - a.value) * ((beats - a.time_beats) / span)
                )
        return points[-1].value


@dataclass(frozen=True, slots=True)
class Clip:
    """Notes of one part in one section. Note and envelope times are relative to the clip
    start."""

    name: str
    start_beats: float  # position in the arrangement
    length_beats: float
    notes: tuple[Note, ...]
    envelopes: tuple[Envelope, ...] = ()

    def envelope(self, parameter: str) -> Envelope | None:
        return next((e for e in self.envelopes if e.parameter == parameter), None)


@dataclass(frozen=True, slots=True)
class Track:
    name: str
    part: str  # drums, bass, chords, pad, lead, fx
    program: int  # General MIDI program 0-127 (ignored on the drum channel)
    channel: int  # 0-based MIDI channel; DRUM_CHANNEL for drums
    color_index: int  # index into Live's clip colour palette
    clips: tuple[Clip, ...]
    volume_db: float = 0.0
    pan: float = 0.0  # -1 left … +1 right

    @property
    def is_drums(self) -> bool:
        return self.channel == DRUM_CHANNEL

    def absolute_notes(self) -> list[Note]:
        """Every note of every clip at its place in the arrangement, sorted."""
        notes = [
            Note(on_grid(clip.start_beats + n.start_beats), n.pitch, n.duration_beats, n.velocity)
            for clip in self.clips
            for n in clip.notes
        ]
        notes.sort()
        return notes


@dataclass(frozen=True, slots=True)
class Section:
    name: str  # intro, build, drop, break, verse, chorus, outro …
    start_bar: int
    bars: int
    energy: int  # 0 (sparse) … 3 (full)
    parts: tuple[str, ...]  # parts that play in it


@dataclass(frozen=True, slots=True)
class Song:
    title: str
    style: str
    bpm: float
    key: Key
    meter: Meter
    bars: int
    sections: tuple[Section, ...]
    tracks: tuple[Track, ...]
    seed: int
    metadata: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def bar_beats(self) -> float:
        return self.meter.bar_beats

    @property
    def length_beats(self) -> float:
        return self.bars * self.bar_beats

    @property
    def duration_s(self) -> float:
        return self.length_beats * 60.0 / self.bpm

    def track(self, part: str) -> Track | None:
        return next((t for t in self.tracks if t.part == part), None)
