"""Drums as a drummer plays them, on the General MIDI drum map.

Each voice has a family of bars per energy: the song picks its main groove from it, any member
(so another seed is another drummer), and the 4th and 8th bar of every phrase play a variation.
Ghost notes come and go by chance, the same for four bars so that they make a figure. Every
phrase ends in a short fill, a section in a longer one; a section that rises into a drop builds
instead: its snare (or clap) rolls faster and faster (quarters, eighths, sixteenths,
thirty-seconds), its hats lift, its kick drops out at the end. Trap hats ratchet: rolls of 32nds
or triplets. A crash opens each section and every 16 bars of a peak. Closed hats are never
struck with an open one (the open hat chokes them), and everything lands where the style's
groove puts it (`groove.py`).
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass

from musia.core.generators.context import (
    STEP_BEATS,
    PartContext,
    Written,
    family_member,
    song_choice,
)
from musia.core.generators.dynamics import drum_layers, kick_out
from musia.core.generators.groove import HIT_BEATS, Feel, element_of
from musia.core.model import Note
from musia.core.styles import DrumVoice, Fill

VARIATION_BARS = frozenset({3, 7})  # in each 8-bar phrase
ORNAMENT_BARS = 4  # ghost notes drawn once for four bars
PHRASE_FILL_CHANCE = 0.8
BUILD_RATES = (1, 2, 4, 8)  # roll hits per beat through the four quarters of a build
# The roll's velocity swells from the first to the last hit, less this for each doubling of its
# rate: a drummer plays a faster roll lighter, and it still swells (the hits come denser). At 32nds
# the hits run into each other, so a roll struck as hard as a backbeat outshouts the drop.
BUILD_VELOCITY = (44, 92)
BUILD_VELOCITY_PER_DOUBLING = 6
CRASH_EVERY_BARS = 16
OPEN_HAT, CHOKED = 46, frozenset({42, 44})
CHOKE_BEATS = 1 / 24  # hits this close are struck together
FILL_ACCENTS = {"X": 12, "x": 0, "g": -30}


@dataclass(frozen=True, slots=True)
class BarPlan:
    """What the drummer does in one bar, drawn from the bar's own chance."""

    variants: dict[str, int]  # voice name -> member of its family
    fill: Fill | None
    layers: int
    rolls: tuple[tuple[float, float, int], ...]  # (start beats, length beats, hits per beat)


def generate_drums(ctx: PartContext) -> Written:
    if ctx.energy == 0:
        return Written([])
    removed = ctx.plan.removed_drum_elements
    voices = [v for v in ctx.style.drums if v.element not in removed]
    feel = Feel(ctx)
    ornaments = _ornaments(ctx)
    notes: list[Note] = []
    for bar, plan in enumerate(bar_plans(ctx)):
        notes += _bar(ctx, feel, voices, bar, plan, ornaments)
    notes += _build_roll(ctx, feel)
    notes += _crashes(ctx, feel)
    kept = [n for n in _choke(notes) if element_of(n.pitch) not in removed]
    kept.sort(key=lambda n: (n.start_beats, n.pitch))
    return Written(_one_per_onset(kept))


def bar_plans(ctx: PartContext) -> list[BarPlan]:
    """What the drummer does in each bar of the section, drawn from the section's own chance
    (the same for any part that asks: the 808 follows the kick)."""
    rng = ctx.section_random("drums")
    mains = {
        v.name: song_choice(ctx.song_seed, f"groove:{v.name}:{ctx.energy}", len(family))
        for v in ctx.style.drums
        if (family := v.patterns[ctx.energy - 1]) is not None
    }
    top = max((v.layer for v in ctx.style.drums if v.patterns[ctx.energy - 1]), default=1)
    plans = []
    for bar in range(ctx.section.bars):
        variants = {}
        for voice in ctx.style.drums:
            size, main = len(voice.patterns[ctx.energy - 1]), mains[voice.name]
            other = main + 1 + rng.randrange(size - 1) if size > 1 else main
            variants[voice.name] = other if bar % 8 in VARIATION_BARS else main
        fill = _fill_for(ctx, bar, rng)
        plans.append(BarPlan(variants, fill, drum_layers(ctx, bar, top), _rolls(ctx, rng, fill)))
    return plans


def kick_steps(ctx: PartContext, bar: int, plan: BarPlan) -> list[int]:
    """The sixteenths the kick plays in a bar of this section (what an 808 locks to)."""
    if "kick" in ctx.plan.removed_drum_elements or kick_out(ctx, bar):
        return []
    steps: set[int] = set()
    for voice in ctx.style.drums:
        if voice.element == "kick" and voice.layer <= plan.layers:
            steps |= {step for step, _ in _groove_steps(ctx, voice, bar, plan)}
    if plan.fill is not None:
        fill_from = ctx.meter.steps_per_bar - 4 * plan.fill.beats
        for drum, pattern in plan.fill.hits:
            if element_of(drum) == "kick":
                steps |= {fill_from + i for i, symbol in enumerate(pattern) if symbol in "xXg"}
    return sorted(steps)


def _fill_for(ctx: PartContext, bar: int, rng: random.Random) -> Fill | None:
    last = bar == ctx.section.bars - 1
    if last and ctx.rising and ctx.style.build.roll_bars:
        return None  # the build's roll is the fill
    steps = ctx.meter.steps_per_bar
    small = [f for f in ctx.style.small_fills if 4 * f.beats <= steps]  # a fill fits its bar
    if last and ctx.next_energy is not None:
        big = [f for f in ctx.style.big_fills if 4 * f.beats <= steps]
        fills = big if ctx.energy >= 2 and big else small
        return rng.choice(fills) if fills else None
    if bar % 8 == 7 and not last and rng.random() < PHRASE_FILL_CHANCE and small:
        return rng.choice(small)
    return None


def _rolls(
    ctx: PartContext, rng: random.Random, fill: Fill | None
) -> tuple[tuple[float, float, int], ...]:
    """Hat ratchets: how many this bar (the voice's rate, scaled by energy), where and how fast."""
    rate = max((v.rolls for v in ctx.style.drums), default=0.0) * ctx.energy / 3
    count = int(rate) + (rng.random() < rate - int(rate))
    free_beats = ctx.bar_beats - (fill.beats if fill else 0)
    chosen: list[tuple[float, float, int]] = []
    for _ in range(count):
        length = rng.choice(ctx.style.rolls.beats)
        starts = [b / 2 for b in range(int(2 * (free_beats - length)) + 1)]
        starts = [s for s in starts if all(s + length <= a or s >= a + n for a, n, _ in chosen)]
        if starts:
            chosen.append((rng.choice(starts), length, rng.choice(ctx.style.rolls.divisions)))
    return tuple(sorted(chosen))


def _bar(
    ctx: PartContext,
    feel: Feel,
    voices: list[DrumVoice],
    bar: int,
    plan: BarPlan,
    ornaments: dict[tuple[str, int], list[int]],
) -> list[Note]:
    bar_start = bar * ctx.bar_beats
    fill_from = ctx.meter.steps_per_bar - 4 * plan.fill.beats if plan.fill else None
    notes: list[Note] = []
    for voice in voices:
        if voice.layer > plan.layers or (voice.element == "kick" and kick_out(ctx, bar)):
            continue
        steps = _groove_steps(ctx, voice, bar, plan)
        steps += [
            (step, "g")
            for step in ornaments.get((voice.name, bar // ORNAMENT_BARS), ())
            if fill_from is None or step < fill_from
        ]
        notes += feel.step_hits(bar_start, steps, voice.note, voice.velocity, voice.element)
        if voice.rolls > 0:
            notes += _roll_hits(feel, voice, bar_start, plan.rolls)
    if plan.fill is not None and fill_from is not None:
        notes += _fill_hits(feel, plan.fill, bar_start, fill_from)
    return notes


def _groove_steps(
    ctx: PartContext, voice: DrumVoice, bar: int, plan: BarPlan
) -> list[tuple[int, str]]:
    """The voice's pattern in this bar, less what a fill, a roll or a build takes over."""
    lift = ctx.rising and bar >= ctx.section.bars // 2  # a build's hats lift to the next energy
    energy = min(3, ctx.energy + 1) if lift and voice.element == "hats" else ctx.energy
    pattern = family_member(voice.patterns[energy - 1], plan.variants[voice.name])
    fill_from, fill_notes = ctx.meter.steps_per_bar, frozenset[int]()
    if plan.fill is not None:
        fill_from -= 4 * plan.fill.beats
        fill_notes = frozenset(drum for drum, _ in plan.fill.hits)
    building = voice.note == ctx.style.build.roll_note and _in_build_roll(ctx, bar)
    hits = ctx.hits(pattern)
    if building:
        return []
    if plan.fill is None and not (voice.rolls > 0 and plan.rolls):
        return list(hits)
    fills_here = voice.element != "kick" or voice.note in fill_notes
    steps = []
    for step, symbol in hits:
        at = step * STEP_BEATS
        rolled = voice.rolls > 0 and any(s <= at < s + n for s, n, _ in plan.rolls)
        if not (rolled or (fills_here and step >= fill_from)):
            steps.append((step, symbol))
    return steps


def _in_build_roll(ctx: PartContext, bar: int) -> bool:
    return ctx.rising and bar >= ctx.section.bars - min(ctx.style.build.roll_bars, ctx.section.bars)


def _ornaments(ctx: PartContext) -> dict[tuple[str, int], list[int]]:
    """Ghost notes with a chance each, drawn once for four bars so that they form a figure."""
    if ctx.energy < 2:
        return {}
    rng = ctx.section_random("ornaments")
    groups = range(-(-ctx.section.bars // ORNAMENT_BARS))
    return {
        (voice.name, group): [
            step
            for step, symbol in ctx.bar_steps(voice.chances)
            if symbol.isdigit() and rng.random() < int(symbol) / 10
        ]
        for voice in ctx.style.drums
        if voice.chances
        for group in groups
    }


def _roll_hits(
    feel: Feel, voice: DrumVoice, bar_start: float, rolls: tuple[tuple[float, float, int], ...]
) -> list[Note]:
    """A ratchet: even, machine-tight hits at `rate` a beat, swelling or fading across the roll."""
    hits = []
    for start, length, rate in rolls:
        count = round(length * rate)
        swell = feel.rng.random() < 0.5
        for i in range(count):
            shape = i / max(1, count - 1)
            accent = round(-24 + 30 * (shape if swell else 1 - shape))
            at = feel.time(bar_start + start + i / rate, voice.element, human=False)
            length_beats = min(HIT_BEATS, 0.5 / rate)
            hits.append(Note(at, voice.note, length_beats, feel.velocity(voice.velocity, accent)))
    return hits


def _fill_hits(feel: Feel, fill: Fill, bar_start: float, fill_from: int) -> list[Note]:
    hits = []
    span = 4 * fill.beats
    for drum, pattern in fill.hits:
        for i, symbol in enumerate(pattern):
            if symbol in FILL_ACCENTS:
                rise = 30 * i // max(1, span - 1)
                at = bar_start + feel.swung(fill_from + i)
                hits.append(feel.hit(at, drum, 80 + rise, FILL_ACCENTS[symbol], element_of(drum)))
    return hits


def _build_roll(ctx: PartContext, feel: Feel) -> list[Note]:
    """The snare (or clap) rolling faster and louder through a build's last bars into the drop."""
    build = ctx.style.build
    bars = min(build.roll_bars, ctx.section.bars)
    if not ctx.rising or not bars or element_of(build.roll_note) in ctx.plan.removed_drum_elements:
        return []
    first_beat = ctx.length_beats - bars * ctx.bar_beats
    span = bars * ctx.bar_beats
    hits, at = [], 0.0
    while at < span - 1e-9:
        progress = at / span
        rate = BUILD_RATES[min(len(BUILD_RATES) - 1, int(progress * len(BUILD_RATES)))]
        when = feel.time(first_beat + at, "snare", human=False)
        low, high = BUILD_VELOCITY
        lighter = BUILD_VELOCITY_PER_DOUBLING * int(math.log2(rate))
        velocity = feel.velocity(round(low + (high - low) * progress) - lighter)
        hits.append(Note(when, build.roll_note, min(HIT_BEATS, 0.5 / rate), velocity))
        at += 1 / rate
    return hits


def _crashes(ctx: PartContext, feel: Feel) -> list[Note]:
    """A crash opens each section after the first, and every 16 bars of a peak."""
    if ctx.energy < 2:
        return []
    every = CRASH_EVERY_BARS if ctx.energy == ctx.peak_energy else ctx.section.bars
    bars = [b for b in range(0, ctx.section.bars, every) if b > 0 or ctx.section_index > 0]
    crash = ctx.style.crash_note
    return [Note(b * ctx.bar_beats, crash, ctx.bar_beats, feel.velocity(104)) for b in bars]


def _choke(notes: list[Note]) -> list[Note]:
    """An open hat and a closed one cannot sound at once on one stand: the open hat wins."""
    open_at = sorted(n.start_beats for n in notes if n.pitch == OPEN_HAT)
    if not open_at:
        return notes

    def choked(n: Note) -> bool:
        i = bisect.bisect_left(open_at, n.start_beats - CHOKE_BEATS)
        return i < len(open_at) and open_at[i] <= n.start_beats + CHOKE_BEATS

    return [n for n in notes if n.pitch not in CHOKED or not choked(n)]


def _one_per_onset(notes: list[Note]) -> list[Note]:
    """Sorted hits with one stroke per drum and moment: a fill's snare and the groove's never
    double up (the louder stays), and no hit rings into the next of its drum."""
    kept: list[Note] = []
    last: dict[int, int] = {}  # pitch -> index in kept
    for n in notes:
        i = last.get(n.pitch)
        if i is not None and n.start_beats - kept[i].start_beats < 1e-9:
            if n.velocity > kept[i].velocity:
                kept[i] = n
            continue
        if i is not None and kept[i].end_beats > n.start_beats:
            p = kept[i]
            kept[i] = Note(
                p.start_beats,
                p.pitch,
                round((n.start_beats - p.start_beats) * 960) / 960,
                p.velocity,
            )
        last[n.pitch] = len(kept)
        kept.append(n)
    return kept
