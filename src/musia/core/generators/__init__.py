"""One generator per part: a pure function of its context (plan, style, section, seeded chance)
that writes the part's notes and automation for one section."""

from __future__ import annotations

from collections.abc import Callable

from musia.core.generators.bass import generate_bass
from musia.core.generators.context import PartContext, Written
from musia.core.generators.drums import generate_drums
from musia.core.generators.fx import generate_fx
from musia.core.generators.harmony import generate_chords, generate_pad
from musia.core.generators.lead import generate_lead

Generator = Callable[[PartContext], Written]

GENERATORS: dict[str, Generator] = {
    "drums": generate_drums,
    "bass": generate_bass,
    "chords": generate_chords,
    "pad": generate_pad,
    "lead": generate_lead,
    "fx": generate_fx,
}
