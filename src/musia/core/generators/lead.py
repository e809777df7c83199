"""Lead melody: a short motif (rhythm + melodic contour) stated, repeated, varied and answered —
A A A' B per four phrases — so the line is memorable rather than random.

Pitches walk the scale by the contour; every note that lands on a beat snaps to the nearest chord
tone, and the end of each answer resolves to the chord root.
"""

from __future__ import annotations

import random

from musia.core.generators.context import STEP_BEATS, PartContext, note, without_overlaps
from musia.core.model import Note
from musia.core.theory.chord import Chord

GATE = 0.9
MAX_NOTE_BEATS = 2.0
RANGE_DEGREES = 5  # how far (in scale steps) the line may wander from its centre
_STEP_WEIGHT = {0: 1.8, 2: 1.0, 1: 0.45, 3: 0.45}  # by position inside the beat (sixteenths)
_CONTOUR_MOVES = (-2, -1, -1, 0, 1, 1, 2, 3)


def generate_lead(ctx: PartContext) -> list[Note]:
    if ctx.energy == 0:
        return []
    phrase_bars = 2 if ctx.bar_beats <= 4 else 1
    phrase_steps = phrase_bars * ctx.meter.steps_per_bar
    density = ctx.style.lead_density * (0.7 + 0.15 * ctx.energy)
    call = _motif(ctx.rng, phrase_steps, density)
    answer = _motif(ctx.rng, phrase_steps, density)
    center = _degree_near(ctx, ctx.style.lead_center)
    notes: list[Note] = []
    degree = center
    for index, phrase_bar in enumerate(range(0, ctx.section.bars, phrase_bars)):
        rhythm, contour = answer if index % 4 == 3 else call
        if index % 4 == 2:  # A': the call with its ending turned around
            contour = (*contour[:-1], -contour[-1])
        start = phrase_bar * ctx.bar_beats
        notes.extend(_phrase(ctx, start, rhythm, contour, degree, center, resolve=index % 4 == 3))
        degree = center
    end = ctx.length_beats
    return without_overlaps(n for n in notes if n.start_beats < end)


def _motif(
    rng: random.Random, steps: int, density: float
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    onsets = [s for s in range(steps) if s == 0 or rng.random() < density * _STEP_WEIGHT[s % 4]]
    contour = tuple(rng.choice(_CONTOUR_MOVES) for _ in onsets)
    return tuple(onsets), contour


def _phrase(
    ctx: PartContext,
    start_beats: float,
    onsets: tuple[int, ...],
    contour: tuple[int, ...],
    degree: int,
    center: int,
    *,
    resolve: bool,
) -> list[Note]:
    phrase_end = start_beats + _phrase_beats(ctx)
    notes = []
    for i, (step, move) in enumerate(zip(onsets, contour, strict=True)):
        at = start_beats + step * STEP_BEATS
        if at >= ctx.length_beats:
            break
        degree = _bounded(degree + move, center)
        chord = ctx.chord_at(at).chord
        last = i == len(onsets) - 1
        if last and resolve:
            degree = _nearest_chord_degree(degree, Chord(chord.degree, ""), root_only=True)
        elif step % 4 == 0:
            degree = _nearest_chord_degree(degree, chord, root_only=False)
        following = start_beats + onsets[i + 1] * STEP_BEATS if not last else phrase_end
        length = min(following - at, MAX_NOTE_BEATS) * GATE
        pitch = ctx.key.degree_note(degree, octave_base=0)
        notes.append(note(at, pitch, length, ctx.velocity(96, 6 if step % 4 == 0 else 0)))
    return notes


def _phrase_beats(ctx: PartContext) -> float:
    return (2 if ctx.bar_beats <= 4 else 1) * ctx.bar_beats


def _degree_near(ctx: PartContext, midi_note: int) -> int:
    """Scale degree (counted from MIDI 0) whose note is closest to `midi_note`."""
    return min(range(90), key=lambda d: abs(ctx.key.degree_note(d, octave_base=0) - midi_note))


def _bounded(degree: int, center: int) -> int:
    """Fold a degree that wandered out of range back toward the centre."""
    if degree > center + RANGE_DEGREES:
        return center + RANGE_DEGREES - (degree - center - RANGE_DEGREES)
    if degree < center - RANGE_DEGREES:
        return center - RANGE_DEGREES + (center - RANGE_DEGREES - degree)
    return degree


def _nearest_chord_degree(degree: int, chord: Chord, *, root_only: bool) -> int:
    tones = {chord.degree % 7} if root_only else {(chord.degree + s) % 7 for s in (0, 2, 4)}
    for distance in range(7):
        for candidate in (degree - distance, degree + distance):
            if candidate % 7 in tones:
                return candidate
    return degree
