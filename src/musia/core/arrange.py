"""The arranger: how a style's section plan is fitted to the asked length and parts.

A style lists sections (intro, build, drop, break, outro…) with their length, energy and the parts
that play. `plan_sections` scales that list to exactly the asked bars in whole phrases, drops the
least important sections when the song is too short for all of them, and makes sure every part the
plan asks for plays somewhere.
"""

from __future__ import annotations

from musia.core.plan import PHRASE_BARS, SectionPlan
from musia.core.styles import SectionTemplate, Style

# When a short song cannot hold every section, the first names here go last.
_KEEP_PRIORITY = (
    "drop",
    "chorus",
    "peak",
    "verse",
    "swell",
    "build",
    "intro",
    "break",
    "bridge",
    "outro",
)


def plan_sections(style: Style, bars: int, parts: tuple[str, ...]) -> tuple[SectionPlan, ...]:
    templates = _fit_count(style.sections, bars)
    lengths = _fit_lengths([t.bars for t in templates], bars)
    sections = [
        SectionPlan(name=t.name, bars=n, energy=t.energy, parts=_active(t, parts))
        for t, n in zip(templates, lengths, strict=True)
    ]
    return tuple(_cover_every_part(sections, parts))


def _fit_count(templates: tuple[SectionTemplate, ...], bars: int) -> list[SectionTemplate]:
    """Keep as many sections as fit at one phrase each (at least one), by importance."""
    room = max(1, bars // PHRASE_BARS)
    if room >= len(templates):
        return list(templates)
    ranked = sorted(range(len(templates)), key=lambda i: _rank(templates[i].name))
    keep = sorted(ranked[:room])
    return [templates[i] for i in keep]


def _rank(name: str) -> int:
    return _KEEP_PRIORITY.index(name) if name in _KEEP_PRIORITY else len(_KEEP_PRIORITY)


def _fit_lengths(weights: list[int], bars: int) -> list[int]:
    """Lengths proportional to `weights` in whole phrases (largest-remainder rounding, at least a
    phrase each), summing to exactly `bars`; bars left over a whole phrase go to the biggest."""
    if len(weights) == 1:
        return [bars]
    unit = PHRASE_BARS if bars >= PHRASE_BARS * len(weights) else 1
    units, extra = divmod(bars, unit)
    shares = [w * units / sum(weights) for w in weights]
    alloc = [max(1, int(share)) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: (alloc[i] - shares[i], -weights[i], i))
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
