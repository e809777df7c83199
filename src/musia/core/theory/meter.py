"""Time signatures and the grid the drums and basslines sit on.

Patterns in style files are written for one 4/4 bar of sixteenths (16 steps). `Meter.step_map`
lays such a pattern onto any other meter: simple meters keep beat for beat, compound meters
(6/8, 9/8, 12/8) put each written beat on a dotted-quarter pulse so they keep their lilt.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

SIXTEENTH_BEATS = Fraction(1, 4)  # beats are quarter notes, as in MIDI and Live
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
    def bar_beats(self) -> Fraction:
        """Length of one bar in quarter-note beats."""
        return Fraction(4 * self.numerator, self.denominator)

    @property
    def is_compound(self) -> bool:
        return self.denominator == 8 and self.numerator % 3 == 0 and self.numerator > 3

    @property
    def pulses(self) -> int:
        """Felt beats per bar: dotted quarters in compound meters, else the written beats."""
        return self.numerator // 3 if self.is_compound else self.numerator

    @property
    def steps_per_bar(self) -> int:
        return int(self.bar_beats / SIXTEENTH_BEATS)

    def strong_steps(self) -> frozenset[int]:
        """Sixteenth steps that carry a strong beat: the downbeat and every other pulse after."""
        pulse_steps = self.steps_per_bar // self.pulses
        return frozenset(p * pulse_steps for p in range(0, self.pulses, 2))

    def step_map(self) -> tuple[tuple[int, int], ...]:
        """(pattern step, bar step) pairs placing a 16-step 4/4 pattern into one bar of this meter."""
        pairs: list[tuple[int, int]] = []
        for pulse in range(self.pulses):
            source_beat = _source_beat(pulse, self.pulses)
            for offset in range(STEPS_PER_PATTERN_BEAT):
                source = source_beat * STEPS_PER_PATTERN_BEAT + offset
                if self.is_compound:
                    target = pulse * 6 + _COMPOUND_OFFSETS[offset]
                elif self.denominator == 8:  # odd eighths (5/8, 7/8): beats of two sixteenths
                    if offset % 2:
                        continue
                    target = pulse * 2 + offset // 2
                else:
                    target = pulse * (16 // self.denominator) + offset * 4 // self.denominator
                if target < self.steps_per_bar:
                    pairs.append((source, target))
        return tuple(pairs)


def _source_beat(pulse: int, pulses: int) -> int:
    """Which written 4/4 beat plays on this pulse: the first four as written, then alternate
    beats 3 and 4 so a long bar keeps its backbeat; a short bar ends on a backbeat."""
    if pulse < 4:
        return pulse
    return 2 + pulse % 2
