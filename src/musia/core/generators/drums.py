"""Drums on the General MIDI drum map: the style's grid per energy, a crash at the top of every
section after the first, and a snare fill into a section that lifts the energy."""

from __future__ import annotations

from musia.core.generators.context import STEP_BEATS, PartContext, note, without_overlaps
from musia.core.model import Note
from musia.core.styles import DrumVoice

HIT_BEATS = STEP_BEATS / 2  # one-shots: short enough never to reach the next swung step
_ACCENTS = {"X": 14, "x": 0, "g": -38}
FILL_STEPS = 8  # the last two beats of a bar


def generate_drums(ctx: PartContext) -> list[Note]:
    if ctx.energy == 0:
        return []
    removed = ctx.plan.removed_drum_elements
    voices = [v for v in ctx.style.drums if v.element not in removed]
    notes: list[Note] = []
    for bar in range(ctx.section.bars):
        bar_start = bar * ctx.bar_beats
        fill = _wants_fill(ctx, bar) and "snare" not in removed
        for voice in voices:
            notes.extend(
                _voice_bar(ctx, voice, bar_start, skip_from=_fill_start(ctx) if fill else None)
            )
        if fill:
            notes.extend(_fill(ctx, bar_start))
    if ctx.section_index > 0 and ctx.energy >= 2 and "crash" not in removed:
        notes.append(note(0.0, ctx.style.crash_note, ctx.bar_beats, ctx.velocity(104)))
    return without_overlaps(notes)


def _voice_bar(
    ctx: PartContext, voice: DrumVoice, bar_start: float, skip_from: int | None
) -> list[Note]:
    pattern = voice.patterns[ctx.energy - 1]
    hits = []
    for step, symbol in ctx.bar_steps(pattern):
        if symbol not in _ACCENTS or (
            skip_from is not None and step >= skip_from and voice.element != "kick"
        ):
            continue
        downbeat = 6 if step % 4 == 0 else 0
        velocity = ctx.velocity(voice.velocity, _ACCENTS[symbol] + downbeat)
        hits.append(note(bar_start + ctx.swung(step), voice.note, HIT_BEATS, velocity))
    return hits


def _wants_fill(ctx: PartContext, bar: int) -> bool:
    last_bar = bar == ctx.section.bars - 1
    lifts = ctx.next_energy is not None and ctx.next_energy > ctx.energy
    return last_bar and lifts and ctx.section.bars >= 2


def _fill_start(ctx: PartContext) -> int:
    return max(0, ctx.meter.steps_per_bar - FILL_STEPS)


def _fill(ctx: PartContext, bar_start: float) -> list[Note]:
    """Straight sixteenths on the snare, rising in velocity into the next section."""
    first = _fill_start(ctx)
    span = ctx.meter.steps_per_bar - first
    return [
        note(
            bar_start + ctx.swung(step),
            ctx.style.fill_note,
            HIT_BEATS,
            ctx.velocity(70 + 40 * (step - first) // max(1, span)),
        )
        for step in range(first, ctx.meter.steps_per_bar)
    ]
