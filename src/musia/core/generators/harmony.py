"""Chords and pad: the progression voiced with smooth voice leading (each chord takes the inversion
nearest the last one), struck in the style's rhythm; the pad holds each chord, wide and soft."""

from __future__ import annotations

from musia.core.generators.context import ChordSpan, PartContext, held_notes, note, without_overlaps
from musia.core.model import Note
from musia.core.theory.chord import Chord
from musia.core.theory.key import Key

GATE = 0.95
PAD_GAP_BEATS = 0.0625  # re-articulate between held chords


def voicing(
    chord: Chord, key: Key, center: int, previous: tuple[int, ...] | None
) -> tuple[int, ...]:
    """The inversion of `chord` (within an octave of `center`) closest to `previous`."""
    base = chord.notes(key, octave_base=center - center % 12 - 12)
    candidates = []
    for inversion in range(len(base)):
        for shift in (-12, 0, 12, 24):
            notes = tuple(sorted(n + 12 if i < inversion else n for i, n in enumerate(base)))
            shifted = tuple(n + shift for n in notes)
            if abs(sum(shifted) / len(shifted) - center) <= 7:
                candidates.append(shifted)
    target = previous or (center,) * len(base)

    def distance(v: tuple[int, ...]) -> float:
        return sum(min(abs(n - t) for t in target) for n in v) + abs(sum(v) / len(v) - center) / 4

    return min(candidates, key=distance)


def generate_chords(ctx: PartContext) -> list[Note]:
    if ctx.energy == 0:
        return []
    rhythm = ctx.style.chord_rhythms[ctx.energy - 1] or ctx.style.chord_rhythms[-1]
    voicings = _voicings(ctx, ctx.style.chord_center)
    notes: list[Note] = []
    for bar in range(ctx.section.bars):
        bar_start = bar * ctx.bar_beats
        for start, length, _ in held_notes(ctx, rhythm, bar_start):
            span = ctx.chord_at(start)
            end = min(start + length, span.start_beats + span.length_beats)
            velocity = ctx.velocity(86, 6 if start == span.start_beats else 0)
            for pitch in voicings[span.start_beats]:
                notes.append(note(start, pitch, (end - start) * GATE, velocity))
    return without_overlaps(notes)


def generate_pad(ctx: PartContext) -> list[Note]:
    voicings = _voicings(ctx, ctx.style.pad_low + 12)
    notes: list[Note] = []
    for span in ctx.chords:
        root = ctx.style.pad_low + (span.chord.root_pc(ctx.key) - ctx.style.pad_low) % 12
        pitches = sorted({root, *voicings[span.start_beats]})
        velocity = ctx.velocity(64)
        for pitch in pitches:
            notes.append(note(span.start_beats, pitch, span.length_beats - PAD_GAP_BEATS, velocity))
    return without_overlaps(notes)


def _voicings(ctx: PartContext, center: int) -> dict[float, tuple[int, ...]]:
    result: dict[float, tuple[int, ...]] = {}
    previous: tuple[int, ...] | None = None
    for span in ctx.chords:
        previous = voicing(span.chord, ctx.key, center, previous)
        result[span.start_beats] = previous
    return result


__all__ = ["ChordSpan", "generate_chords", "generate_pad", "voicing"]
