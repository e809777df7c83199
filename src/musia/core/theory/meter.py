"""Time signatures and the grid the drums and basslines sit on.

Patterns in style files are written for one 4/4 bar of sixteenths (16 steps). `Meter.step_map`
lays such a pattern onto any other meter: simple meters keep beat for beat, compound meters
(6/8, 9/8, 12/8) put each written beat on a dotted-quarter pulse so they keep their lilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

SIXTEENTH_BEATS = 0.25  # beats are quarter notes, as in MIDI and Live
STEPS_PER_PATTERN_BEAT = 4
# Where each sixteenth of a written beat lands inside a compound pulse (in sixteenths of 6).
_COMPOUND_OFFSETS = (0, 2, 3, 4)


@dataclass(frozen=True, slots=True)
class Meter:
    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if not 1 <= self.numerator <= 32 or self.denominator not in (1, 2, 4, 8, 16):
            raise ValueError(f"unsupported time signature {self.numerator}/{self.denominator}")

    @classmethod
    def parse(cls, text: str) -> Meter:
        numerator, _, denominator = text.partition("/")
        return cls(int(numerator), int(denominator))

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    @property
    def bar_beats(self) -> float:
        """Length of one bar in quarter-note beats (exact: denominators are powers of two)."""
        return 4 * self.numerator / self.denominator

    @property
    def is_compound(self) -> bool:
        return self.denominator == 8 and self.numerator % 3 == 0 and self.numerator > 3

    @property
    def pulses(self) -> int:
        """Felt beats per bar: dotted quarters in compound meters, else the written beats."""
        return self.numerator // 3 if self.is_compound else self.numerator

    @property
    def steps_per_bar(self) -> int:
        return 16 * self.numerator // self.denominator

    def strong_steps(self) -> frozenset[int]:
        """Sixteenth steps that carry a strong beat: the downbeat and every other pulse after."""
        pulse_steps = self.steps_per_bar // self.pulses
        return frozenset(p * pulse_steps for p in range(0, self.pulses, 2))

    def step_map(self) -> tuple[tuple[int, int], ...]:
        """(pattern step, bar step) pairs placing a 16-step 4/4 pattern into a bar of this meter."""
        return _step_map(self)


@cache
def _step_map(meter: Meter) -> tuple[tuple[int, int], ...]:
    placed: dict[int, int] = {}  # bar step -> pattern step; the first pattern step wins
    for pulse in range(meter.pulses):
        source_beat = _source_beat(pulse)
        for offset in range(STEPS_PER_PATTERN_BEAT):
            target = _target_step(meter, pulse, offset)
            if target is not None and target < meter.steps_per_bar:
                placed.setdefault(target, source_beat * STEPS_PER_PATTERN_BEAT + offset)
    return tuple((source, target) for target, source in sorted(placed.items()))


def _target_step(meter: Meter, pulse: int, offset: int) -> int | None:
    """Bar step for sixteenth `offset` of a written beat played on `pulse`."""
    if meter.is_compound:
        return pulse * 6 + _COMPOUND_OFFSETS[offset]
    if meter.denominator == 8:  # odd eighths (5/8, 7/8): each beat is two sixteenths
        return None if offset % 2 else pulse * 2 + offset // 2
    steps_per_beat = 16 // meter.denominator
    return pulse * steps_per_beat + offset * steps_per_beat // STEPS_PER_PATTERN_BEAT


def _source_beat(pulse: int) -> int:
    """Which written 4/4 beat plays on this pulse: the first four as written, then alternate
    beats 3 and 4 so a long bar keeps its backbeat."""
    if pulse < 4:
        return pulse
    return 2 + pulse % 2
