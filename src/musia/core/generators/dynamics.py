"""How a section moves inside itself, phrase by phrase (8-bar blocks), the same for every style.

- An intro long enough to mix in (two phrases or more) is drum-led: the other parts join in its
  second half, and the drums add a layer each phrase (kick and hats first). An outro mirrors it.
- In a peak section (a drop, a chorus) the drums' top layer plays every other phrase, so
  something changes every 8 bars besides the fills.
- A section that rises into a more energetic one takes its low end out at the end: the kick and
  the style's `build.stripped` parts (the bass and the pad under it) stop for the build's last
  bars, so that the roll and the riser carry the build alone and the drop brings them back.
"""

from __future__ import annotations

from musia.core.generators.context import BLOCK_BARS, PartContext

FIRST_LAYERS = 2  # an intro opens with the kick and the hats


def playing_bars(ctx: PartContext, part: str) -> range:
    """The bars of the section in which `part` plays."""
    bars = ctx.section.bars
    first, last = 0, bars
    drum_led = part != "drums" and "drums" in ctx.section.parts and bars >= 2 * BLOCK_BARS
    half = (bars // 2) // BLOCK_BARS * BLOCK_BARS
    if drum_led and ctx.section.name == "intro":
        first = half
    elif drum_led and ctx.section.name == "outro":
        last = bars - half
    if part in ctx.style.build.stripped and ctx.rising:
        last = min(last, bars - ctx.style.build.kick_out_bars)
    return range(first, max(first, last))


def drum_layers(ctx: PartContext, bar: int, top: int) -> int:
    """The highest drum layer that plays in this bar; `top` is the highest the style has."""
    blocks = -(-ctx.section.bars // BLOCK_BARS)
    block = bar // BLOCK_BARS
    if blocks >= 2 and ctx.section.name == "intro":
        return min(top, FIRST_LAYERS + block)
    if blocks >= 2 and ctx.section.name == "outro":
        return min(top, FIRST_LAYERS + blocks - 1 - block)
    if blocks >= 2 and ctx.energy == ctx.peak_energy and block % 2 == 0:
        return top - 1
    return top


def kick_out(ctx: PartContext, bar: int) -> bool:
    """The build's last bars play without the kick: the low end leaves before the drop."""
    return ctx.rising and bar >= ctx.section.bars - ctx.style.build.kick_out_bars
