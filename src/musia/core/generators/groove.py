"""A drummer's feel on the grid: where each hit lands and how hard, from the style's groove.

Timing: the swung sixteenth, then the element's place in the pocket (a laid-back snare sits a
few milliseconds late, pushed hats a little early) and a human spread around it, never more than
three spreads away. Velocity: the pattern's accent, the downbeat, the hats' accent map over the
four sixteenths of a beat, the section's energy and the mood, and chance. A `Feel` holds what
stays the same through a section, so that the thousands of hits of a club track cost little.
"""

from __future__ import annotations

from musia.core.generators.context import MOOD_VELOCITY, STEP_BEATS, PartContext
from musia.core.model import TICKS_PER_BEAT, Note

HIT_BEATS = STEP_BEATS / 2  # one-shots: short enough never to reach the next swung step
SYMBOL_ACCENTS = {"X": 14, "x": 0, "g": -36}
DOWNBEAT_ACCENT = 6
MAX_SPREADS = 3.0
# General MIDI drum keys by the element "no hats", "no kick"… removes.
ELEMENT_OF_NOTE = {35: "kick", 36: "kick", 37: "snare", 38: "snare", 40: "snare", 39: "clap",
                   42: "hats", 44: "hats", 46: "hats", 49: "crash", 57: "crash"}  # fmt: skip


def element_of(note: int) -> str:
    return ELEMENT_OF_NOTE.get(note, "perc")


class Feel:
    """The groove of one section: timing and velocity of every hit a drummer plays in it."""

    def __init__(self, ctx: PartContext) -> None:
        groove = ctx.style.groove
        self.rng = ctx.rng
        self.spread_beats = groove.jitter_ms * ctx.beats_per_ms
        self.pocket = {k: v * ctx.beats_per_ms for k, v in groove.timing_ms.items()}
        self.swing_late = (groove.swing - 0.5) * 2 * STEP_BEATS
        self.latest = ctx.length_beats - HIT_BEATS
        self.hat_accents = groove.accents
        self.lift = (ctx.energy - 2) * 4 + MOOD_VELOCITY.get(ctx.plan.mood or "", 0)
        self.velocity_spread = groove.velocity_spread

    def time(self, at_beats: float, element: str, human: bool = True) -> float:
        """Where a hit meant at `at_beats` lands: the element's pocket and a human spread."""
        offset = self.pocket.get(element, 0.0)
        if human:
            jitter = self.rng.gauss(0.0, 1.0)
            offset += max(-MAX_SPREADS, min(MAX_SPREADS, jitter)) * self.spread_beats
        at = max(0.0, min(self.latest, at_beats + offset))
        return round(at * TICKS_PER_BEAT) / TICKS_PER_BEAT

    def swung(self, step: int) -> float:
        return step * STEP_BEATS + (self.swing_late if step % 2 else 0.0)

    def velocity(self, base: int, accent: int = 0) -> int:
        spread = self.velocity_spread
        jitter = int(self.rng.random() * (2 * spread + 1)) - spread
        return max(1, min(127, base + accent + self.lift + jitter))

    def hit(self, at_beats: float, drum: int, base: int, accent: int, element: str) -> Note:
        return Note(self.time(at_beats, element), drum, HIT_BEATS, self.velocity(base, accent))

    def step_hits(
        self,
        bar_start: float,
        steps: list[tuple[int, str]],
        drum: int,
        base: int,
        element: str,
    ) -> list[Note]:
        """A pattern's hits on the sixteenths of a bar, with their accents: `time` and `velocity`
        written out in one loop, the hot path of a whole club track's drums."""
        gauss, chance = self.rng.gauss, self.rng.random
        start = bar_start + self.pocket.get(element, 0.0)
        spread, late, latest = self.spread_beats, self.swing_late, self.latest
        accents = self.hat_accents if element == "hats" else (0, 0, 0, 0)
        loudness, width = base + self.lift, self.velocity_spread
        hits = []
        for step, symbol in steps:
            jitter = min(MAX_SPREADS, max(-MAX_SPREADS, gauss(0.0, 1.0))) * spread
            at = start + step * STEP_BEATS + (late if step % 2 else 0.0) + jitter
            at = round(min(latest, max(0.0, at)) * TICKS_PER_BEAT) / TICKS_PER_BEAT
            accent = SYMBOL_ACCENTS[symbol] + accents[step % 4]
            accent += DOWNBEAT_ACCENT if step % 4 == 0 else 0
            velocity = loudness + accent + int(chance() * (2 * width + 1)) - width
            hits.append(Note(at, drum, HIT_BEATS, min(127, max(1, velocity))))
        return hits
