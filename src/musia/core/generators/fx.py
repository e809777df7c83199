"""FX: a riser over the bars before a section that lifts the energy (up to a build's last 8), and
a low impact on the first beat of each peak (a loop, all peak, opens with one)."""

from __future__ import annotations

from musia.core.generators.context import PartContext, Written, note
from musia.core.model import Note

RISER_MAX_BARS = 8
IMPACT_BEATS = 2.0
FX_OCTAVE_BASE = 48  # the C the riser and impact sit above


def generate_fx(ctx: PartContext) -> Written:
    notes: list[Note] = []
    tonic = FX_OCTAVE_BASE + ctx.key.tonic_pc
    if ctx.energy == ctx.peak_energy:
        notes.append(note(0.0, tonic - 12, min(IMPACT_BEATS, ctx.length_beats), ctx.velocity(110)))
    if ctx.rising:  # the tonic in two octaves: a sweep that names no chord but the key's home
        bars = min(RISER_MAX_BARS, ctx.section.bars)
        start = ctx.length_beats - bars * ctx.bar_beats
        notes.append(note(start, tonic + 12, bars * ctx.bar_beats, ctx.velocity(80)))
        notes.append(note(start, tonic + 24, bars * ctx.bar_beats, ctx.velocity(70)))
    return Written(sorted(notes, key=lambda n: (n.start_beats, n.pitch)))
