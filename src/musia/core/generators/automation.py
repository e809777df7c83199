"""Automation every style shares: the filter opening through a build (slowly, then fast into the
drop) on the parts that carry the harmony, and the bass and pad coming in filtered in a drum-led
intro and opening up as it goes. A generator's own envelopes (a wobbling bass) come first."""

from __future__ import annotations

from musia.core.generators.context import PartContext
from musia.core.generators.dynamics import playing_bars
from musia.core.model import Envelope, EnvelopePoint

SWEPT_IN_BUILDS = frozenset({"chords", "pad", "lead", "fx"})
OPENED_IN_INTROS = frozenset({"bass", "chords", "pad"})
INTRO_CUTOFF = 0.3
# Through a build the filter opens slowly, then fast: (share of the build, share of the sweep).
BUILD_CURVE = ((0.0, 0.0), (0.5, 0.25), (0.8, 0.6), (1.0, 1.0))


def section_envelopes(
    ctx: PartContext, part: str, own: tuple[Envelope, ...]
) -> tuple[Envelope, ...]:
    if any(e.parameter == "cutoff" for e in own):
        return own
    cutoff = None
    if ctx.rising and part in SWEPT_IN_BUILDS:
        cutoff = _build_sweep(ctx)
    elif ctx.section.name == "intro" and part in OPENED_IN_INTROS:
        cutoff = _intro_opening(ctx, part)
    return own if cutoff is None else (*own, cutoff)


def _build_sweep(ctx: PartContext) -> Envelope:
    low, high = ctx.style.build.cutoff
    span = ctx.length_beats - ctx.style.build.air_beats
    points = [EnvelopePoint(span * at, low + (high - low) * share) for at, share in BUILD_CURVE]
    return Envelope("cutoff", tuple(points))


def _intro_opening(ctx: PartContext, part: str) -> Envelope | None:
    bars = playing_bars(ctx, part)
    if len(bars) < 2:
        return None
    start, end = bars.start * ctx.bar_beats, bars.stop * ctx.bar_beats
    return Envelope("cutoff", (EnvelopePoint(start, INTRO_CUTOFF), EnvelopePoint(end, 1.0)))
