"""The composer: plan → song. Lays the chord progression over the sections, runs each part's
generator per section it plays in (one clip per section), and collects the tracks.

Every random choice comes from a generator seeded with (plan seed, part, section), so one part's
change never shifts another's notes, and the same plan always gives the same song.
"""

from __future__ import annotations

import random

from musia.core.arrange import plan_sections
from musia.core.generators import GENERATORS
from musia.core.generators.context import ChordSpan, PartContext
from musia.core.model import Clip, Section, Song, Track, on_grid
from musia.core.parts import PART_LOOKS
from musia.core.plan import Plan
from musia.core.styles import Style, load_style
from musia.core.theory.chord import Chord
from musia.core.theory.meter import Meter

_ALTERNATE_SECTIONS = frozenset({"break", "bridge", "intro", "outro"})


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
        notes = GENERATORS[part](ctx)
        if notes:
            start = on_grid(section.start_bar * meter.bar_beats)
            clips.append(Clip(section.name.title(), start, ctx.length_beats, tuple(notes)))
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


def _context(
    plan: Plan, style: Style, meter: Meter, part: str, sections: tuple[Section, ...], index: int
) -> PartContext:
    section = sections[index]
    following = sections[index + 1].energy if index + 1 < len(sections) else None
    return PartContext(
        plan=plan,
        style=style,
        key=plan.key,
        meter=meter,
        section=section,
        section_index=index,
        next_energy=following,
        chords=_chord_spans(plan, style, meter, section),
        rng=random.Random(f"{plan.seed}:{part}:{index}"),
    )


def _chord_spans(plan: Plan, style: Style, meter: Meter, section: Section) -> tuple[ChordSpan, ...]:
    progressions = style.progressions[plan.mode]
    main = progressions[plan.seed % len(progressions)]
    alternate = progressions[(plan.seed + 1) % len(progressions)]
    chords: tuple[Chord, ...] = alternate if section.name in _ALTERNATE_SECTIONS else main
    span_beats = style.chord_bars * meter.bar_beats
    length = section.bars * meter.bar_beats
    spans = []
    start, i = 0.0, 0
    while start < length - 1e-9:
        spans.append(ChordSpan(start, min(span_beats, length - start), chords[i % len(chords)]))
        start += span_beats
        i += 1
    return tuple(spans)
