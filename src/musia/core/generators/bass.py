"""Bass lines of the style: its rhythm family on the chords, or the kick's rhythm for 808s.

Pitches: on a strong beat the bass plays the chord root (or its octave), so the harmony is clear;
the weak steps may take the octave, the fifth, the third, or an approach note a scale step below
the next chord's root. A song picks its main bar from the family and plays a variation on the
4th and 8th bar of each phrase. Expression is automation: 808 glides and reese bends (a new note
starts at the old pitch and bends into its own), acid slides between sixteenths, and a dubstep
bass's filter wobbling at a rate that changes bar by bar.
"""

from __future__ import annotations

from itertools import pairwise

from musia.core.generators.context import (
    STEP_BEATS,
    PartContext,
    Written,
    family_member,
    held_notes,
    note,
    song_choice,
    without_overlaps,
)
from musia.core.generators.drums import bar_plans, kick_steps
from musia.core.generators.dynamics import playing_bars
from musia.core.model import PITCH_BEND_RANGE_SEMITONES, Envelope, EnvelopePoint, Note
from musia.core.theory.chord import chord_scale

ACCENT_STRONG = 8
SLIDE_BEATS = 0.125  # an acid slide: a 32nd note
LEGATO_GAP_BEATS = 0.3  # notes closer than this may glide into each other
OCTAVE_CHANCE_808 = 0.25
WOBBLE_LOW, WOBBLE_HIGH = 0.12, 0.9


def generate_bass(ctx: PartContext) -> Written:
    if ctx.energy == 0:
        return Written([])
    notes: list[Note] = []
    lock = ctx.style.bass.lock_to_kick and "drums" in ctx.section.parts
    drummer = bar_plans(ctx) if lock else []
    for bar in playing_bars(ctx, "bass"):
        steps = kick_steps(ctx, bar, drummer[bar]) if lock else []
        onsets = _locked(ctx, bar, steps) if steps else _patterned(ctx, bar)
        notes += [_bass_note(ctx, at, length, symbol) for at, length, symbol in onsets]
    notes = without_overlaps(notes)
    envelopes = [e for e in (_bends(ctx, notes), _wobble(ctx)) if e is not None]
    return Written(notes, tuple(envelopes))


def _patterned(ctx: PartContext, bar: int) -> list[tuple[float, float, str]]:
    family = ctx.style.bass.patterns[ctx.energy - 1]
    main = song_choice(ctx.song_seed, f"bass:{ctx.energy}", len(family))
    index = main + 1 + ctx.rng.randrange(max(1, len(family) - 1))
    pattern = family_member(family, index if bar % 4 == 3 else main)
    return list(held_notes(ctx, pattern, bar * ctx.bar_beats))


def _locked(ctx: PartContext, bar: int, steps: list[int]) -> list[tuple[float, float, str]]:
    """808s: a note on every kick, held to the next one; an octave now and then off the beat."""
    rng = ctx.rng
    bar_start = bar * ctx.bar_beats
    ends = [*steps[1:], ctx.meter.steps_per_bar]
    strong = ctx.meter.strong_steps()
    onsets = []
    for step, end in zip(steps, ends, strict=True):
        symbol = "O" if step not in strong and rng.random() < OCTAVE_CHANCE_808 else "R"
        onsets.append((bar_start + step * STEP_BEATS, (end - step) * STEP_BEATS, symbol))
    return onsets


def _bass_note(ctx: PartContext, at: float, length: float, symbol: str) -> Note:
    step = round((at % ctx.bar_beats) / STEP_BEATS)
    strong = step in ctx.meter.strong_steps()
    pitch = _pitch(ctx, at, "R" if strong and symbol not in "RO" else symbol)
    velocity = ctx.velocity(100, ACCENT_STRONG if strong else 0)
    return note(at, pitch, length * ctx.style.bass.gate, velocity)


def _pitch(ctx: PartContext, at_beats: float, symbol: str) -> int:
    chord = ctx.chord_at(at_beats).chord
    low = ctx.style.bass.low_note
    root_pc = chord.root_pc(ctx.key)
    root = low + (root_pc - low) % 12
    if symbol == "O":
        return root + 12
    if symbol == "F":
        return root + (chord.fifth_pc(ctx.key) - root_pc) % 12
    if symbol == "T":
        return root + chord.intervals(ctx.key)[1]
    if symbol == "A":
        return _approach(ctx, at_beats, root)
    return root


def _approach(ctx: PartContext, at_beats: float, root: int) -> int:
    """A step below the root the line is heading for (the next chord's, or this one's), on the
    scale as the sounding chord bends it: it passes through the harmony, never against it."""
    span = ctx.chord_at(at_beats)
    following = ctx.chord_at(span.start_beats + span.length_beats).chord
    low = ctx.style.bass.low_note
    target = low + (following.root_pc(ctx.key) - low) % 12 if following != span.chord else root
    bent = chord_scale(ctx.key, span.chord)
    below = target - 1
    while not ctx.key.contains(below) and below % 12 not in bent.values():
        below -= 1
    below += (bent.get(below % 12, below % 12) - below % 12 + 6) % 12 - 6
    return below if below >= low - 2 else target + 2


def _bends(ctx: PartContext, notes: list[Note]) -> Envelope | None:
    """Glides and slides as pitch bend: each new note starts at the pitch of the one before and
    bends into its own."""
    bass = ctx.style.bass
    if bass.glide <= 0 and bass.slide <= 0:
        return None
    line = sorted(notes, key=lambda n: n.start_beats)
    points = [EnvelopePoint(0.0, 0.0)]
    for before, after in pairwise(line):
        interval = before.pitch - after.pitch
        close = after.start_beats - before.end_beats < LEGATO_GAP_BEATS
        if not interval or abs(interval) > PITCH_BEND_RANGE_SEMITONES or not close:
            continue
        sixteenths = after.duration_beats <= STEP_BEATS * 1.5
        chance, length = (bass.slide, SLIDE_BEATS) if sixteenths else (bass.glide, bass.glide_beats)
        start = after.start_beats
        if ctx.rng.random() >= chance or start < points[-1].time_beats:
            continue
        end = start + min(length, after.duration_beats)
        points += [EnvelopePoint(start, 0.0), EnvelopePoint(start, float(interval))]
        points.append(EnvelopePoint(end, 0.0))
    return Envelope("pitch_bend", tuple(points)) if len(points) > 1 else None


def _wobble(ctx: PartContext) -> Envelope | None:
    """The filter swinging open and shut, at a rate chosen bar by bar, in the peaks."""
    rates = ctx.style.bass.wobble
    if not rates or ctx.energy != ctx.peak_energy:
        return None
    points = []
    for bar in playing_bars(ctx, "bass"):
        rate = ctx.rng.choice(rates)
        half_cycle = 0.5 / rate
        halves = round(ctx.bar_beats / half_cycle)
        start = bar * ctx.bar_beats
        for k in range(halves):
            value = WOBBLE_HIGH if k % 2 == 0 else WOBBLE_LOW
            points.append(EnvelopePoint(start + k * half_cycle, value))
    return Envelope("cutoff", tuple(points)) if points else None
