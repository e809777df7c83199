"""Bass: the style's rhythm on the chord roots. On a strong beat the bass always plays the root
(or its octave), so the harmony is clear; fifths and octaves colour the weak steps."""

from __future__ import annotations

from musia.core.generators.context import PartContext, held_notes, note, without_overlaps
from musia.core.model import Note

GATE = 0.92  # a little air between notes so repeated roots re-attack


def generate_bass(ctx: PartContext) -> list[Note]:
    if ctx.energy == 0:
        return []
    pattern = ctx.style.bass_patterns[ctx.energy - 1]
    strong = ctx.meter.strong_steps()
    notes: list[Note] = []
    for bar in range(ctx.section.bars):
        bar_start = bar * ctx.bar_beats
        for start, length, symbol in held_notes(ctx, pattern, bar_start):
            step = round((start - bar_start) / 0.25)
            pitch = _pitch(ctx, start, "R" if step in strong and symbol == "F" else symbol)
            accent = 8 if step in strong else 0
            notes.append(note(start, pitch, length * GATE, ctx.velocity(100, accent)))
    return without_overlaps(notes)


def _pitch(ctx: PartContext, at_beats: float, symbol: str) -> int:
    chord = ctx.chord_at(at_beats).chord
    root_pc = chord.root_pc(ctx.key)
    root = ctx.style.bass_low + (root_pc - ctx.style.bass_low) % 12
    if symbol == "O":
        return root + 12
    if symbol == "F":
        fifth_pc = ctx.key.degree_pc(chord.degree + 4)
        return root + (fifth_pc - root_pc) % 12
    return root
