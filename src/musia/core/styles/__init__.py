"""Styles are data: one TOML file per style in this folder, read and validated here.

A file may `extends` another (tables merge, lists and values replace), so a sub-genre states only
how it differs. Everything is checked when the style loads, so a typo in a file fails at once with
the file and field named, not in the middle of a song.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from musia.core.prompt.reading import DRUM_ELEMENTS, PARTS, STYLES
from musia.core.theory.chord import Chord, parse_progression
from musia.core.theory.key import SHARP_NAMES, Mode
from musia.core.theory.meter import Meter
from musia.errors import UnknownStyle

_Num = TypeVar("_Num", int, float)

PATTERN_STEPS = 16
ENERGY_LEVELS = 3  # patterns are given for energies 1, 2 and 3; energy 0 is silence
DRUM_SYMBOLS = frozenset(".xXg")  # rest, hit, accent, ghost
BASS_SYMBOLS = frozenset(".-ROF")  # rest, hold, root, octave up, fifth
CHORD_SYMBOLS = frozenset(".-x")  # rest, hold, strike


@dataclass(frozen=True, slots=True)
class DrumVoice:
    name: str
    element: str  # one of DRUM_ELEMENTS: what "no hats" removes
    note: int  # General MIDI drum key
    velocity: int
    patterns: tuple[str, ...]  # one 16-step pattern per energy 1..3; "" is silent


@dataclass(frozen=True, slots=True)
class SectionTemplate:
    name: str
    bars: int
    energy: int
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    tempo_min: float
    tempo_default: float
    tempo_max: float
    tonic_pc: int
    mode: Mode
    meter: Meter
    bars: int
    swing: float  # MPC-style: 0.5 straight, 0.66 triplet feel, applied to off-beat sixteenths
    humanize_velocity: int
    parts: tuple[str, ...]
    sounds: dict[str, int]
    progressions: dict[str, tuple[tuple[Chord, ...], ...]]
    chord_bars: int
    drums: tuple[DrumVoice, ...]
    bass_patterns: tuple[str, ...]
    bass_low: int  # lowest MIDI note for the bass root
    chord_rhythms: tuple[str, ...]
    chord_center: int
    pad_low: int
    lead_density: float  # chance that a sixteenth step starts a lead note
    lead_center: int
    sections: tuple[SectionTemplate, ...]
    crash_note: int
    fill_note: int


def style_names() -> tuple[str, ...]:
    return STYLES


@cache
def load_style(name: str) -> Style:
    if name not in STYLES:
        known = ", ".join(STYLES)
        raise UnknownStyle(f"unknown style {name!r}; Musia knows: {known}", field="style")
    data = _merged(_file_name(name))
    try:
        return _build(name, data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"style file {_file_name(name)}.toml is invalid: {exc}") from exc


def _file_name(style: str) -> str:
    return style.replace(" ", "_").replace("-", "_")


def _read(file_name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{file_name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def _merged(file_name: str) -> dict[str, Any]:
    data = _read(file_name)
    parent = data.pop("extends", None)
    return _deep_merge(_merged(parent), data) if parent else data


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _build(name: str, d: dict[str, Any]) -> Style:
    tempo = d["tempo"]
    if not tempo["min"] <= tempo["default"] <= tempo["max"]:
        raise ValueError("tempo needs min <= default <= max")
    return Style(
        name=name,
        tempo_min=float(tempo["min"]),
        tempo_default=float(tempo["default"]),
        tempo_max=float(tempo["max"]),
        tonic_pc=SHARP_NAMES.index(d["key"]["tonic"]),
        mode=_mode(d["key"]["mode"]),
        meter=Meter.parse(d["time_signature"]),
        bars=int(d["bars"]),
        swing=_in_range("swing", float(d["swing"]), 0.5, 0.75),
        humanize_velocity=int(d["humanize_velocity"]),
        parts=_parts(d["parts"]),
        sounds={part: _in_range(part, int(p), 0, 127) for part, p in d["sounds"].items()},
        progressions={
            m: tuple(parse_progression(p) for p in d["progressions"][m]) for m in ("major", "minor")
        },
        chord_bars=int(d["chords"]["bars_per_chord"]),
        drums=tuple(_drum_voice(v, spec) for v, spec in d["drums"].items()),
        bass_patterns=_patterns(d["bass"]["patterns"], BASS_SYMBOLS),
        bass_low=int(d["bass"]["low_note"]),
        chord_rhythms=_patterns(d["chords"]["rhythms"], CHORD_SYMBOLS),
        chord_center=int(d["chords"]["center_note"]),
        pad_low=int(d["pad"]["low_note"]),
        lead_density=_in_range("lead density", float(d["lead"]["density"]), 0.05, 0.9),
        lead_center=int(d["lead"]["center_note"]),
        sections=tuple(_section(s) for s in d["sections"]),
        crash_note=int(d["crash_note"]),
        fill_note=int(d["fill_note"]),
    )


def _mode(value: str) -> Mode:
    if value == "major":
        return "major"
    if value == "minor":
        return "minor"
    raise ValueError(f"mode must be major or minor, got {value!r}")


def _in_range(label: str, value: _Num, low: _Num, high: _Num) -> _Num:
    if not low <= value <= high:
        raise ValueError(f"{label} must be within {low}..{high}, got {value}")
    return value


def _parts(parts: list[str]) -> tuple[str, ...]:
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown parts {sorted(unknown)}")
    return tuple(parts)


def _patterns(patterns: list[str], symbols: frozenset[str]) -> tuple[str, ...]:
    if len(patterns) != ENERGY_LEVELS:
        raise ValueError(f"need {ENERGY_LEVELS} patterns (energy 1-3), got {len(patterns)}")
    for pattern in patterns:
        if pattern and (len(pattern) != PATTERN_STEPS or set(pattern) - symbols):
            raise ValueError(
                f"pattern {pattern!r} must be {PATTERN_STEPS} of {''.join(sorted(symbols))}"
            )
    return tuple(patterns)


def _drum_voice(name: str, spec: dict[str, Any]) -> DrumVoice:
    if spec["element"] not in DRUM_ELEMENTS:
        raise ValueError(f"drum voice {name}: unknown element {spec['element']!r}")
    return DrumVoice(
        name=name,
        element=spec["element"],
        note=_in_range(name, int(spec["note"]), 27, 87),
        velocity=_in_range(name, int(spec["velocity"]), 1, 127),
        patterns=_patterns(spec["patterns"], DRUM_SYMBOLS),
    )


def _section(spec: dict[str, Any]) -> SectionTemplate:
    energy = _in_range("section energy", int(spec["energy"]), 0, ENERGY_LEVELS)
    return SectionTemplate(spec["name"], int(spec["bars"]), energy, _parts(spec["parts"]))
