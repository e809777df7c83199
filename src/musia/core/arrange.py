"""The arranger: the form of a song in sections of whole 8-bar phrases.

A style lists its sections (intro, build, drop, break, outro… or verse, chorus, bridge) in 8-bar
phrases, and how long a whole track of it runs. `default_bars` is that length at the song's tempo
and metre: the style's own form when it already lasts long enough, else stretched or shrunk to
the nearest length that does. `plan_sections` fits the form to any number of bars in whole
phrases (dropping the least important sections when the song is too short for all of them) and
makes sure every part the plan asks for plays somewhere. `short_form` is a loop (one phrase of
the main groove) or a sketch (the song up to its first drop or chorus, in short phrases).
"""

from __future__ import annotations

from musia.core.plan import MAX_BARS, PHRASE_BARS, SectionPlan
from musia.core.prompt.reading import Form
from musia.core.styles import SectionTemplate, Style
from musia.core.theory.meter import Meter

# When a short song cannot hold every section, the first names here go last.
_KEEP_PRIORITY = (
    "drop",
    "chorus",
    "peak",
    "verse",
    "swell",
    "build",
    "intro",
    "outro",
    "break",
    "bridge",
)
SKETCH_PEAK_BARS = 16  # a sketch's drop or chorus: two phrases


def default_bars(style: Style, bpm: float, meter: Meter) -> int:
    """Bars of a whole track of the style at this tempo and metre, in whole phrases."""
    template = sum(t.bars for t in style.sections)
    bar_s = meter.bar_beats * 60.0 / bpm
    minutes = template * bar_s / 60.0
    shortest, longest = style.minutes
    if shortest <= minutes <= longest:
        return template
    target_s = min(longest, max(shortest, minutes)) * 60.0
    bars = max(PHRASE_BARS, round(target_s / bar_s / PHRASE_BARS) * PHRASE_BARS)
    return min(MAX_BARS // PHRASE_BARS * PHRASE_BARS, bars)


def plan_sections(style: Style, bars: int, parts: tuple[str, ...]) -> tuple[SectionPlan, ...]:
    templates = _fit_count(style.sections, bars)
    lengths = _fit_lengths([t.bars for t in templates], [_rank(t.name) for t in templates], bars)
    sections = [
        SectionPlan(name=t.name, bars=n, energy=t.energy, parts=_active(t, parts))
        for t, n in zip(templates, lengths, strict=True)
    ]
    return tuple(_cover_every_part(sections, parts))


def short_form(style: Style, form: Form, parts: tuple[str, ...]) -> tuple[SectionPlan, ...]:
    """A loop: one phrase of the style's first peak section. A sketch: every section up to and
    including the first peak, a phrase each and two for the peak."""
    peak_energy = max(t.energy for t in style.sections)
    peak = next(i for i, t in enumerate(style.sections) if t.energy == peak_energy)
    chosen = style.sections[peak : peak + 1] if form == "loop" else style.sections[: peak + 1]
    sections = [
        SectionPlan(
            name=t.name,
            bars=SKETCH_PEAK_BARS if form == "sketch" and i == len(chosen) - 1 else PHRASE_BARS,
            energy=t.energy,
            parts=_active(t, parts),
        )
        for i, t in enumerate(chosen)
    ]
    return tuple(_cover_every_part(sections, parts))


def _fit_count(templates: tuple[SectionTemplate, ...], bars: int) -> list[SectionTemplate]:
    """Keep as many sections as fit at one phrase each (at least one), by importance."""
    room = bars // PHRASE_BARS if bars >= 2 * PHRASE_BARS else 1  # a phrase or less: one section
    if room >= len(templates):
        return list(templates)
    # First one of each kind of section, by importance; repeats (a second chorus) after them.
    seen = [sum(t.name == templates[i].name for t in templates[:i]) for i in range(len(templates))]
    ranked = sorted(range(len(templates)), key=lambda i: (seen[i], _rank(templates[i].name)))
    keep = sorted(ranked[:room])
    return [templates[i] for i in keep]


def _rank(name: str) -> int:
    return _KEEP_PRIORITY.index(name) if name in _KEEP_PRIORITY else len(_KEEP_PRIORITY)


def _fit_lengths(weights: list[int], ranks: list[int], bars: int) -> list[int]:
    """Lengths proportional to `weights` in whole phrases (largest-remainder rounding, the more
    important section first on a tie, at least a phrase each), summing to exactly `bars`; bars
    left over a whole phrase go to the biggest."""
    if len(weights) == 1:
        return [bars]
    unit = PHRASE_BARS if bars >= PHRASE_BARS * len(weights) else 1
    units, extra = divmod(bars, unit)
    shares = [w * units / sum(weights) for w in weights]
    alloc = [max(1, int(share)) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: (alloc[i] - shares[i], ranks[i], i))
    for i in order[: max(0, units - sum(alloc))]:
        alloc[i] += 1
    for i in reversed(order):  # only after a `max(1, …)` pushed the total over
        if sum(alloc) <= units:
            break
        if alloc[i] > 1:
            alloc[i] -= 1
    lengths = [a * unit for a in alloc]
    lengths[max(range(len(weights)), key=lambda i: (weights[i], -i))] += extra
    return lengths


def _active(template: SectionTemplate, parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p for p in parts if p in template.parts)


def _cover_every_part(sections: list[SectionPlan], parts: tuple[str, ...]) -> list[SectionPlan]:
    """A part the plan asks for but no template section plays joins the most energetic sections."""
    playing = {p for s in sections for p in s.parts}
    missing = [p for p in parts if p not in playing]
    if not missing:
        return sections
    peak = max(s.energy for s in sections)
    return [
        s.model_copy(update={"parts": tuple(p for p in parts if p in s.parts or p in missing)})
        if s.energy == peak
        else s
        for s in sections
    ]
