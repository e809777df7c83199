"""The plan: a validated, explicit description of what to make (DESIGN.md §1).

`plan_from_text` reads a prompt and fills every field the text leaves open with the style's
defaults; `Plan.model_validate` accepts the same shape from an API caller or an LLM. Values out of
range are clamped with a line in `warnings`, so the caller learns what changed and why.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from musia.core.prompt.reading import DRUM_ELEMENTS, MOODS, PARTS, STYLES, Intent, Mode
from musia.core.theory.key import Key
from musia.core.theory.meter import Meter

MIN_BPM, MAX_BPM = 20.0, 999.0  # the tempo range Live accepts
MAX_BARS = 1024
MAX_SEED = 2**31 - 1
PHRASE_BARS = 8  # lengths asked in minutes round to whole phrases

PartName = Literal["drums", "bass", "chords", "pad", "lead", "fx"]
Editable = Literal[
    "drums", "bass", "chords", "pad", "lead", "fx", "kick", "snare", "clap", "hats", "perc", "crash"
]


class SectionPlan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=40)
    bars: int = Field(ge=1, le=MAX_BARS)
    energy: int = Field(ge=0, le=3)
    parts: tuple[PartName, ...]


class Plan(BaseModel):
    """Everything the composer needs; nothing is left implicit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    intent: Intent = "generate"
    style: str
    bpm: float = Field(ge=MIN_BPM, le=MAX_BPM)
    tonic_pc: int = Field(ge=0, le=11)
    mode: Mode
    time_signature: str = Field(pattern=r"^\d{1,2}/(1|2|4|8|16)$")
    bars: int = Field(ge=1, le=MAX_BARS)
    minutes: float | None = None  # the length as asked, when it was asked in minutes
    mood: str | None = None
    parts: tuple[PartName, ...]
    add_parts: tuple[Editable, ...] = ()
    remove_parts: tuple[Editable, ...] = ()
    sounds: dict[str, int] = Field(default_factory=dict)  # part -> General MIDI program
    sections: tuple[SectionPlan, ...] = ()
    transpose_semitones: int = Field(default=0, ge=-24, le=24)
    seed: int = Field(ge=0, le=MAX_SEED)
    warnings: tuple[str, ...] = ()

    @field_validator("style")
    @classmethod
    def _known_style(cls, style: str) -> str:
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}; known: {', '.join(STYLES)}")
        return style

    @field_validator("time_signature")
    @classmethod
    def _composable_meter(cls, time_signature: str) -> str:
        """The composer's own rule (`Meter`), so the API refuses up front what it cannot play
        ("0/4", "99/16" passed the pattern and failed the job with a ValueError)."""
        return str(Meter.parse(time_signature))

    @field_validator("mood")
    @classmethod
    def _known_mood(cls, mood: str | None) -> str | None:
        if mood is not None and mood not in MOODS:
            raise ValueError(f"unknown mood {mood!r}; known: {', '.join(MOODS)}")
        return mood

    @field_validator("sounds")
    @classmethod
    def _gm_programs(cls, sounds: dict[str, int]) -> dict[str, int]:
        for part, program in sounds.items():
            if part not in PARTS:
                raise ValueError(f"unknown part {part!r}; parts are {', '.join(PARTS)}")
            if not 0 <= program <= 127:
                raise ValueError(f"{part}: General MIDI programs are 0-127, got {program}")
        return sounds

    @model_validator(mode="after")
    def _sections_fill_the_song(self) -> Plan:
        if self.sections and sum(s.bars for s in self.sections) != self.bars:
            total = sum(s.bars for s in self.sections)
            raise ValueError(f"sections add up to {total} bars but the plan has {self.bars}")
        return self

    @property
    def key(self) -> Key:
        return Key(self.tonic_pc, self.mode)

    @property
    def removed_drum_elements(self) -> frozenset[str]:
        return frozenset(p for p in self.remove_parts if p in DRUM_ELEMENTS)

    @property
    def title(self) -> str:
        bpm = f"{self.bpm:g}"
        return f"{self.style.title()} {bpm} {self.key.name}"


def seed_for(text: str) -> int:
    """A stable seed from the prompt: the same words give the same song unless asked otherwise."""
    digest = hashlib.sha256(" ".join(text.lower().split()).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") & MAX_SEED
