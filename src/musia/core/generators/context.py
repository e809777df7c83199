"""What every part generator receives, and the helpers they share.

A generator is a pure function of its context: the same context (and so the same seed) gives the
same notes. Times are section-local beats. Besides its own seeded chance (`rng`, for this part in
this section), a generator may draw choices that must agree across parts or sections from
`song_random` (the song's hook, its main groove) or `section_random` (what the drummer does bar
by bar, which the 808 follows).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from musia.core.model import Envelope, Note, Section, on_grid
from musia.core.plan import Plan
from musia.core.styles import Style
from musia.core.theory.chord import Chord
from musia.core.theory.key import Key
from musia.core.theory.meter import SIXTEENTH_BEATS, Meter

STEP_BEATS = SIXTEENTH_BEATS
BLOCK_BARS = 8  # a phrase: something changes every block
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
class Written:
    """What a generator writes for one part in one section."""

    notes: list[Note]
    envelopes: tuple[Envelope, ...] = ()


@dataclass(frozen=True, slots=True)
class PartContext:
    """One part in one section. Facts about the section's place in the song (`next_energy`,
    `peak_energy` …) are fields, worked out once: generators ask them thousands of times."""

    plan: Plan
    style: Style
    key: Key
    meter: Meter
    sections: tuple[Section, ...]
    section_index: int
    chords: tuple[ChordSpan, ...]
    rng: random.Random
    section: Section = field(init=False)
    energy: int = field(init=False)
    next_energy: int | None = field(init=False)  # None at the end of the song
    peak_energy: int = field(init=False)
    length_beats: float = field(init=False)

    def __post_init__(self) -> None:
        section = self.sections[self.section_index]
        following = self.section_index + 1
        facts = {
            "section": section,
            "energy": section.energy,
            "next_energy": self.sections[following].energy
            if following < len(self.sections) else None,
            "peak_energy": max(s.energy for s in self.sections),
            "length_beats": section.bars * self.meter.bar_beats,
        }  # fmt: skip
        for name, value in facts.items():
            object.__setattr__(self, name, value)

    @property
    def rising(self) -> bool:
        """The section leads into a more energetic one: it builds."""
        return self.next_energy is not None and self.next_energy > self.energy

    @property
    def into_peak(self) -> bool:
        """The next section is one of the song's peaks (a drop, a chorus): air before it."""
        return self.rising and self.next_energy == self.peak_energy

    @property
    def peak_number(self) -> int | None:
        """Which peak this is (0 for the first drop or chorus), None when it is none."""
        if self.energy != self.peak_energy:
            return None
        return sum(s.energy == self.peak_energy for s in self.sections[: self.section_index])

    @property
    def bar_beats(self) -> float:
        return self.meter.bar_beats

    @property
    def beats_per_ms(self) -> float:
        return self.plan.bpm / 60_000.0

    @property
    def song_seed(self) -> str:
        """The seed of what the whole song shares: another style is another song, even with the
        same seed; an edit (tempo, key, parts) keeps it, and so keeps its hook and grooves."""
        return song_seed(self.plan)

    def song_random(self, topic: str) -> random.Random:
        """Chance shared by the whole song (its hook, its main groove)."""
        return random.Random(f"{self.song_seed}:{topic}")

    def section_random(self, topic: str) -> random.Random:
        """Chance for this section that any part can draw again (the drummer's bars)."""
        return random.Random(f"{self.song_seed}:{topic}:{self.section_index}")

    def chord_at(self, beats: float) -> ChordSpan:
        for span in reversed(self.chords):
            if span.start_beats <= beats + 1e-9:
                return span
        return self.chords[0]

    def velocity(self, base: int, accent: int = 0, spread: int | None = None) -> int:
        """A humanised velocity: style base, accent, section energy and mood, ± a little chance."""
        spread = self.style.groove.velocity_spread if spread is None else spread
        energy_lift = (self.energy - 2) * 4
        mood = MOOD_VELOCITY.get(self.plan.mood or "", 0)
        jitter = int(self.rng.random() * (2 * spread + 1)) - spread  # randint, at a third the cost
        return max(1, min(127, base + accent + energy_lift + mood + jitter))

    def swung(self, step: int) -> float:
        """Beat time of a sixteenth step, off-beat sixteenths pushed late by the style's swing."""
        late = (self.style.groove.swing - 0.5) * 2 * STEP_BEATS if step % 2 else 0.0
        return on_grid(step * STEP_BEATS + late)

    def hits(self, pattern: str) -> tuple[tuple[int, str], ...]:
        """(bar step, symbol) of a drum pattern's hits (x, X, g) in this meter, in time order."""
        return _hits(self.meter, pattern)

    def bar_steps(self, pattern: str) -> Iterator[tuple[int, str]]:
        """(bar step, symbol) for a 16-step 4/4 pattern laid into this meter, in time order."""
        if not pattern:
            return
        for source, target in self.meter.step_map():
            yield target, pattern[source]


@lru_cache(maxsize=4096)
def _hits(meter: Meter, pattern: str) -> tuple[tuple[int, str], ...]:
    if not pattern:
        return ()
    return tuple((t, pattern[s]) for s, t in meter.step_map() if pattern[s] in "xXg")


def song_seed(plan: Plan) -> str:
    return f"{plan.seed}:{plan.style}"


@lru_cache(maxsize=8192)
def song_choice(seed: str, topic: str, size: int) -> int:
    """A song-wide choice among `size` (its main groove, its bass line, its progression): the
    same every time the song asks, for any part and section."""
    return random.Random(f"{seed}:{topic}").randrange(size) if size > 1 else 0


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


def family_member(family: tuple[str, ...], index: int) -> str:
    return family[index % len(family)] if family else ""


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
