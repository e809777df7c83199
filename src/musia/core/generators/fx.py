"""FX: a riser over the last bars before a section that lifts the energy, and a low impact on the
first beat of each full-energy section."""

from __future__ import annotations

from musia.core.generators.context import PartContext, note
from musia.core.model import Note

RISER_MAX_BARS = 4
IMPACT_BEATS = 2.0
FX_OCTAVE_BASE = 48  # the C the riser and impact sit above


def generate_fx(ctx: PartContext) -> list[Note]:
    notes: list[Note] = []
    tonic = FX_OCTAVE_BASE + ctx.key.tonic_pc
    if ctx.energy == 3 and ctx.section_index > 0:
        notes.append(note(0.0, tonic - 12, min(IMPACT_BEATS, ctx.length_beats), ctx.velocity(110)))
    if ctx.next_energy is not None and ctx.next_energy > ctx.energy:
        bars = min(RISER_MAX_BARS, ctx.section.bars)
        start = ctx.length_beats - bars * ctx.bar_beats
        fifth = FX_OCTAVE_BASE + ctx.key.degree_pc(4)
        notes.append(note(start, tonic + 12, bars * ctx.bar_beats, ctx.velocity(80)))
        notes.append(
            note(
                start,
                fifth + 12 if fifth < tonic else fifth,
                bars * ctx.bar_beats,
                ctx.velocity(70),
            )
        )
    return sorted(notes, key=lambda n: (n.start_beats, n.pitch))
