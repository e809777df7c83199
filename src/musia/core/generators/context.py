"""What every part generator receives, and the helpers they share.

A generator is a pure function of its context: the same context (and so the same seed) gives the
same notes. Times are section-local beats.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from musia.core.model import Note, Section, on_grid
from musia.core.plan import Plan
from musia.core.styles import Style
from musia.core.theory.chord import Chord
from musia.core.theory.key import Key
from musia.core.theory.meter import SIXTEENTH_BEATS, Meter

STEP_BEATS = SIXTEENTH_BEATS
# Mood nudges velocity (loudness of playing) on top of the section's energy.
MOOD_VELOCITY = {
    "aggressive": 8,
    "energetic": 6,
    "dark": 2,
    "chill": -8,
    "relaxing": -10,
    "dreamy": -6,
    "sad": -6,
}


@dataclass(frozen=True, slots=True)
class ChordSpan:
    start_beats: float
    length_beats: float
    chord: Chord


@dataclass(frozen=True, slots=True)
class PartContext:
    plan: Plan
    style: Style
    key: Key
    meter: Meter
    section: Section
    section_index: int
    next_energy: int | None  # energy of the next section, None at the end of the song
    chords: tuple[ChordSpan, ...]
    rng: random.Random

    @property
    def bar_beats(self) -> float:
        return self.meter.bar_beats

    @property
    def length_beats(self) -> float:
        return self.section.bars * self.bar_beats

    @property
    def energy(self) -> int:
        return self.section.energy

    def chord_at(self, beats: float) -> ChordSpan:
        for span in reversed(self.chords):
            if span.start_beats <= beats + 1e-9:
                return span
        return self.chords[0]

    def velocity(self, base: int, accent: int = 0) -> int:
        """A humanised velocity: style base, accent, section energy and mood, ± a little chance."""
        spread = self.style.humanize_velocity
        energy_lift = (self.energy - 2) * 4
        mood = MOOD_VELOCITY.get(self.plan.mood or "", 0)
        jitter = int(self.rng.random() * (2 * spread + 1)) - spread  # randint, at a third the cost
        value = base + accent + energy_lift + mood + jitter
        return max(1, min(127, value))

    def swung(self, step: int) -> float:
        """Beat time of a sixteenth step, off-beat sixteenths pushed late by the style's swing."""
        late = (self.style.swing - 0.5) * 2 * STEP_BEATS if step % 2 else 0.0
        return on_grid(step * STEP_BEATS + late)

    def bar_steps(self, pattern: str) -> Iterator[tuple[int, str]]:
        """(bar step, symbol) for a 16-step 4/4 pattern laid into this meter, in time order."""
        if not pattern:
            return
        for source, target in self.meter.step_map():
            yield target, pattern[source]


def without_overlaps(notes: Iterable[Note]) -> list[Note]:
    """Sorted notes where no two of one pitch overlap: a later onset cuts the earlier note short,
    and a second onset at the same time is dropped (the louder one stays)."""
    ordered = sorted(notes, key=lambda n: (n.pitch, n.start_beats, -n.velocity))
    kept: list[Note] = []
    for note in ordered:
        previous = kept[-1] if kept and kept[-1].pitch == note.pitch else None
        if previous is not None:
            if note.start_beats - previous.start_beats < 1e-9:
                continue
            if previous.end_beats > note.start_beats:
                kept[-1] = Note(
                    previous.start_beats,
                    previous.pitch,
                    on_grid(note.start_beats - previous.start_beats),
                    previous.velocity,
                )
        kept.append(note)
    kept.sort(key=lambda n: (n.start_beats, n.pitch))
    return kept


def note(start_beats: float, pitch: int, duration_beats: float, velocity: int) -> Note:
    """A note snapped to the model's tick grid, never shorter than one tick."""
    start = on_grid(start_beats)
    return Note(start, pitch, max(on_grid(duration_beats), 1 / 960), velocity)


def held_notes(
    ctx: PartContext, pattern: str, bar_start: float
) -> Iterator[tuple[float, float, str]]:
    """(start, length, symbol) of each onset in a pattern with '-' holds, within one bar.

    Steps the meter leaves unmapped continue whatever sounded before them.
    """
    steps = dict(ctx.bar_steps(pattern))
    total = ctx.meter.steps_per_bar
    onsets = [s for s in range(total) if steps.get(s, "-") not in "-."]
    for step in onsets:
        end = step + 1
        while end < total and steps.get(end, "-") == "-":
            end += 1
        start = bar_start + step * STEP_BEATS
        yield start, (end - step) * STEP_BEATS, steps[step]
