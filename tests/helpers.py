"""Building plans and songs for tests without going through the prompt parser."""

from __future__ import annotations

from musia.core.compose import compose
from musia.core.model import Song
from musia.core.plan import Plan
from musia.core.plan_builder import plan_from_reading
from musia.core.prompt.reading import PromptReading


def make_plan(style: str = "house", seed: int = 7, **fields: object) -> Plan:
    reading = PromptReading(intent="generate", style=style, style_source="explicit", **fields)  # type: ignore[arg-type]
    return plan_from_reading(reading, seed=seed)


def make_song(style: str = "house", seed: int = 7, **fields: object) -> Song:
    return compose(make_plan(style, seed, **fields))
