"""What a style file holds, as validated values. `load_style` (in `__init__`) reads the files.

Patterns are one 4/4 bar of sixteenths (16 steps), laid into other meters by `Meter.step_map`.
A pattern family lists the bars a part may play at one energy: the first is its main bar, the
others its variations (chosen bar by bar, seeded).
"""

from __future__ import annotations

from dataclasses import dataclass

from musia.core.theory.chord import Chord
from musia.core.theory.key import Mode
from musia.core.theory.meter import Meter

PATTERN_STEPS = 16
ENERGY_LEVELS = 3  # patterns are given for energies 1, 2 and 3; energy 0 is silence
DRUM_SYMBOLS = frozenset(".xXg")  # rest, hit, accent, ghost
CHANCE_SYMBOLS = frozenset(".123456789")  # a ghost hit with a chance of n × 10 %
BASS_SYMBOLS = frozenset(".-ROFTA")  # rest, hold, root, octave up, fifth, third, approach
CHORD_SYMBOLS = frozenset(".-x")  # rest, hold, strike
FILL_SYMBOLS = frozenset(".xXg")
VOICINGS = ("close", "drop2", "open")

Family = tuple[str, ...]  # a main pattern and its variations; () is silence


@dataclass(frozen=True, slots=True)
class DrumVoice:
    name: str
    element: str  # one of DRUM_ELEMENTS: what "no hats" removes
    note: int  # General MIDI drum key
    velocity: int
    patterns: tuple[Family, ...]  # one family per energy 1..3
    chances: str  # probabilistic ghost hits ("" none), at energies 2 and 3
    layer: int  # 1 plays first in an intro and last in an outro; the top layer alternates
    rolls: float  # expected rolls (ratchets) per bar at energy 3 (0: this voice never rolls)


@dataclass(frozen=True, slots=True)
class Fill:
    """The last `beats` of a bar, played instead of the groove (the kick keeps its own)."""

    name: str
    beats: int
    hits: tuple[tuple[int, str], ...]  # (drum note, pattern of beats × 4 sixteenths)


@dataclass(frozen=True, slots=True)
class Groove:
    """How a drummer of the style plays the grid: swing, who sits late, how loose, accents."""

    swing: float  # MPC-style: 0.5 straight, 0.66 triplet feel, on off-beat sixteenths
    timing_ms: dict[str, float]  # per drum element: + late (laid back), - early (pushed)
    jitter_ms: float  # standard deviation of each onset around its place
    accents: tuple[int, ...]  # velocity added to the hats at each sixteenth of a beat
    velocity_spread: int  # ± random velocity on every hit


@dataclass(frozen=True, slots=True)
class Rolls:
    divisions: tuple[int, ...]  # notes per beat a roll may use: 8 (32nds), 6 or 12 (triplets)
    beats: tuple[float, ...]  # how long a roll may last


@dataclass(frozen=True, slots=True)
class Build:
    """How the bars before a drop rise: a roll speeding up, the kick and bass out at the end,
    the filter opening, and a beat of silence before the drop."""

    roll_note: int
    roll_bars: int  # the roll's length, at most: a club build rolls for 8 bars, a song for 1-2
    kick_out_bars: int
    cutoff: tuple[float, float]
    air_beats: float
    stripped: tuple[str, ...] = ("bass", "pad")  # the parts that stop with the kick


@dataclass(frozen=True, slots=True)
class Bass:
    low_note: int  # lowest MIDI note for the root
    patterns: tuple[Family, ...]
    gate: float  # share of each note's span it sounds
    lock_to_kick: bool  # play where the kick plays (808s)
    glide: float  # chance a change of note glides into the new one (pitch bend)
    glide_beats: float
    slide: float  # chance a sixteenth slides into the next (acid)
    wobble: tuple[float, ...]  # filter LFO rates in cycles per beat, chosen per bar (dubstep)


@dataclass(frozen=True, slots=True)
class Harmony:
    progressions: dict[str, tuple[tuple[Chord, ...], ...]]  # by mode
    bars_per_chord: int
    center_note: int
    voicing: str  # one of VOICINGS
    rhythms: tuple[Family, ...]
    gate: float
    pad_low: int


@dataclass(frozen=True, slots=True)
class Lead:
    density: float  # chance a sixteenth starts a note, before rests and cells
    center_note: int
    hook_bars: tuple[int, ...]  # lengths a hook may have
    gate: float


@dataclass(frozen=True, slots=True)
class SectionTemplate:
    name: str
    bars: int
    energy: int
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PartMix:
    """How one part sits in the mix: the same figures drive the preview's desk and the Live set's
    devices (mixer volume, EQ Eight high-pass, send levels, sidechain compressor)."""

    gain_db: float  # fader, relative to the part's level after gain staging
    highpass_hz: float  # 0: no high-pass (the kick and the bass own the low end)
    reverb: float  # send to the reverb return, 0..1
    delay: float  # send to the delay return, 0..1
    duck_db: float  # how far the kick ducks this part (sidechain), 0: not at all


@dataclass(frozen=True, slots=True)
class Mix:
    """A style's mix and master: per-part settings, the returns, the loudness it is mastered to."""

    parts: dict[str, PartMix]  # by part name (drums, bass, chords, pad, lead, fx)
    reverb_s: float  # the reverb return's decay time
    delay_beats: float  # the delay return's time, synced to the tempo (0.75: dotted eighth)
    delay_feedback: float  # 0..1
    duck_release_beats: float  # how long a ducked part takes to come back after the kick
    glue_db: float  # gain reduction the master bus compressor aims at on the loudest section
    loudness_lufs: float  # integrated loudness the master is brought to
    true_peak_dbtp: float  # the limiter's ceiling (4x oversampled true peak)


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    tempo_min: float
    tempo_default: float
    tempo_max: float
    tonic_pc: int
    mode: Mode
    meter: Meter
    minutes: tuple[float, float]  # the length of a whole track when none is asked
    parts: tuple[str, ...]
    sounds: dict[str, int]
    sections: tuple[SectionTemplate, ...]
    groove: Groove
    drums: tuple[DrumVoice, ...]
    drum_notes: dict[str, int]  # names fills and builds use
    small_fills: tuple[Fill, ...]  # at the end of 8-bar phrases
    big_fills: tuple[Fill, ...]  # into a section that lifts the energy
    rolls: Rolls
    build: Build
    crash_note: int
    bass: Bass
    harmony: Harmony
    lead: Lead
    mix: Mix

    @property
    def drum_keys(self) -> tuple[int, ...]:
        """Every drum key the style may play: its voices, fills, build roll and crash."""
        keys = {v.note for v in self.drums} | {self.crash_note, self.build.roll_note}
        keys |= {note for fill in (*self.small_fills, *self.big_fills) for note, _ in fill.hits}
        return tuple(sorted(keys))
