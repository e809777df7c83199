"""The composer: plan → song. Lays the chord progression over the sections, runs each part's
generator per section it plays in (one clip per section, with its automation), and collects the
tracks. Before a drop everything stops for a beat: the air that makes the drop land.

Every random choice comes from a generator seeded with (plan seed, part, section), or with the
song's seed and a topic for what parts and sections share (the hook, the groove), so one part's
change never shifts another's notes, and the same plan always gives the same song.
"""

from __future__ import annotations

import random

from musia.core.arrange import plan_sections
from musia.core.generators import GENERATORS
from musia.core.generators.automation import section_envelopes
from musia.core.generators.context import (
    ChordSpan,
    PartContext,
    Written,
    song_choice,
    song_seed,
)
from musia.core.model import Clip, Note, Section, Song, Track, on_grid
from musia.core.parts import PART_LOOKS
from musia.core.plan import Plan
from musia.core.styles import Style, load_style
from musia.core.theory.chord import Chord
from musia.core.theory.meter import Meter

# Sections that play the progression's alternate: the song's main one is for its peaks.
_ALTERNATE_SECTIONS = frozenset({"break", "bridge", "verse", "intro", "outro", "swell"})


def compose(plan: Plan) -> Song:
    style = load_style(plan.style)
    meter = Meter.parse(plan.time_signature)
    sections = _sections(plan, style)
    tracks = tuple(
        track for part in plan.parts if (track := _track(plan, style, meter, part, sections)).clips
    )
    return Song(
        title=plan.title,
        style=plan.style,
        bpm=plan.bpm,
        key=plan.key,
        meter=meter,
        bars=plan.bars,
        sections=sections,
        tracks=tracks,
        seed=plan.seed,
        metadata={"mood": plan.mood or ""},
    )


def _sections(plan: Plan, style: Style) -> tuple[Section, ...]:
    """The plan's sections laid end to end; a plan given without them (from an API caller) gets
    the style's arrangement."""
    result: list[Section] = []
    bar = 0
    for s in plan.sections or plan_sections(style, plan.bars, plan.parts):
        result.append(Section(s.name, bar, s.bars, s.energy, tuple(s.parts)))
        bar += s.bars
    return tuple(result)


def _track(
    plan: Plan, style: Style, meter: Meter, part: str, sections: tuple[Section, ...]
) -> Track:
    look = PART_LOOKS[part]
    clips = []
    for index, section in enumerate(sections):
        if part not in section.parts:
            continue
        ctx = _context(plan, style, meter, part, sections, index)
        written = GENERATORS[part](ctx)
        notes = _with_air(ctx, written.notes)
        if notes:
            envelopes = section_envelopes(ctx, part, written.envelopes)
            start = on_grid(section.start_bar * meter.bar_beats)
            clips.append(
                Clip(section.name.title(), start, ctx.length_beats, tuple(notes), envelopes)
            )
    return Track(
        name=look.name,
        part=part,
        program=plan.sounds.get(part, style.sounds[part]),
        channel=look.channel,
        color_index=look.color_index,
        clips=tuple(clips),
        volume_db=look.volume_db,
        pan=look.pan,
    )


def _with_air(ctx: PartContext, notes: list[Note]) -> list[Note]:
    """A section going into a peak falls silent for its last beat(s); notes that would ring
    through the gap stop at it."""
    if not ctx.into_peak:
        return notes
    gap = ctx.length_beats - ctx.style.build.air_beats
    kept = []
    for n in notes:
        if n.start_beats >= gap - 1e-9:
            continue
        cut = n.end_beats > gap
        kept.append(
            Note(n.start_beats, n.pitch, on_grid(gap - n.start_beats), n.velocity) if cut else n
        )
    return kept


def _context(
    plan: Plan, style: Style, meter: Meter, part: str, sections: tuple[Section, ...], index: int
) -> PartContext:
    return PartContext(
        plan=plan,
        style=style,
        key=plan.key,
        meter=meter,
        sections=sections,
        section_index=index,
        chords=_chord_spans(plan, style, meter, sections[index]),
        rng=random.Random(f"{song_seed(plan)}:{part}:{index}"),
    )


def _chord_spans(plan: Plan, style: Style, meter: Meter, section: Section) -> tuple[ChordSpan, ...]:
    progressions = style.harmony.progressions[plan.mode]
    # The peaks play a progression that opens on the tonic and comes back to it, so that even a
    # loop names its key; the other sections may wander (Am F C G is also C major's vi IV I V).
    homes = [p for p in progressions if _home(p[0]) and sum(map(_home, p)) >= 2]
    homes = homes or [p for p in progressions if _home(p[0])] or list(progressions)
    main = homes[song_choice(song_seed(plan), "progression", len(homes))]
    others = [p for p in progressions if p != main]
    alternate = others[song_choice(song_seed(plan), "alternate", len(others))] if others else main
    chords: tuple[Chord, ...] = alternate if section.name in _ALTERNATE_SECTIONS else main
    span_beats = style.harmony.bars_per_chord * meter.bar_beats
    length = section.bars * meter.bar_beats
    spans = []
    start, i = 0.0, 0
    while start < length - 1e-9:
        spans.append(ChordSpan(start, min(span_beats, length - start), chords[i % len(chords)]))
        start += span_beats
        i += 1
    return tuple(spans)


def _home(chord: Chord) -> bool:
    return chord.degree == 0 and not chord.alteration


__all__ = ["Written", "compose"]
