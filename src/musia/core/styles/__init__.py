"""Styles are data: one TOML file per style in this folder, read and validated here.

A file may `extends` another (tables merge, lists and values replace), so a sub-genre states only
how it differs. Everything is checked when the style loads, so a typo in a file fails at once with
the file and field named, not in the middle of a song. What each field means: `schema.py`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from musia.core.prompt.reading import DRUM_ELEMENTS, PARTS, STYLES
from musia.core.styles.schema import (
    BASS_SYMBOLS,
    CHANCE_SYMBOLS,
    CHORD_SYMBOLS,
    DRUM_SYMBOLS,
    ENERGY_LEVELS,
    FILL_SYMBOLS,
    PATTERN_STEPS,
    VOICINGS,
    Bass,
    Build,
    DrumVoice,
    Family,
    Fill,
    Groove,
    Harmony,
    Lead,
    Mix,
    PartMix,
    Rolls,
    SectionTemplate,
    Style,
)
from musia.core.theory.chord import parse_progression
from musia.core.theory.key import SHARP_NAMES, Mode
from musia.core.theory.meter import Meter
from musia.errors import UnknownStyle

_Num = TypeVar("_Num", int, float)
PHRASE_BARS = 8  # section lengths in a style's template are whole phrases
MIN_PROGRESSIONS = 8  # per mode: enough that songs of one style do not all sound alike

__all__ = ["DrumVoice", "Fill", "SectionTemplate", "Style", "load_style", "style_names"]


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
        raise ValueError(f"style file {_file_name(name)}.toml is invalid: {exc!r}") from exc


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
    notes = {k: _in_range(k, int(v), 27, 87) for k, v in d["drum_notes"].items()}
    fills = {k: _fill(k, spec, notes) for k, spec in d["fill_library"].items()}
    return Style(
        name=name,
        tempo_min=float(tempo["min"]),
        tempo_default=float(tempo["default"]),
        tempo_max=float(tempo["max"]),
        tonic_pc=SHARP_NAMES.index(d["key"]["tonic"]),
        mode=_mode(d["key"]["mode"]),
        meter=Meter.parse(d["time_signature"]),
        minutes=_minutes(d["minutes"]),
        parts=_parts(d["parts"]),
        sounds={part: _in_range(part, int(p), 0, 127) for part, p in d["sounds"].items()},
        sections=tuple(_section(s) for s in d["sections"]),
        groove=_groove(d["groove"], d["swing"], d["humanize_velocity"]),
        drums=tuple(_drum_voice(v, spec) for v, spec in d["drums"].items()),
        drum_notes=notes,
        small_fills=tuple(fills[f] for f in d["fills"]["small"]),
        big_fills=tuple(fills[f] for f in d["fills"]["big"]),
        rolls=_rolls(d["rolls"]),
        build=_build_up(d["build"], notes),
        crash_note=notes["crash"],
        bass=_bass(d["bass"]),
        harmony=_harmony(d),
        lead=_lead(d["lead"]),
        mix=_mix(d["mix"], tuple(d["sounds"])),
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


def _minutes(values: list[float]) -> tuple[float, float]:
    low, high = (float(v) for v in values)
    if not 0 < low <= high:
        raise ValueError(f"minutes must be [shortest, longest], got {values}")
    return low, high


def _parts(parts: list[str]) -> tuple[str, ...]:
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown parts {sorted(unknown)}")
    return tuple(parts)


def _pattern(pattern: str, symbols: frozenset[str], steps: int = PATTERN_STEPS) -> str:
    if pattern and (len(pattern) != steps or set(pattern) - symbols):
        raise ValueError(f"pattern {pattern!r} must be {steps} of {''.join(sorted(symbols))}")
    return pattern


def _families(patterns: list[str | list[str]], symbols: frozenset[str]) -> tuple[Family, ...]:
    """One family per energy: a pattern, or a list of a main pattern and its variations."""
    if len(patterns) != ENERGY_LEVELS:
        raise ValueError(f"need {ENERGY_LEVELS} patterns (energy 1-3), got {len(patterns)}")
    families = []
    for entry in patterns:
        members = [entry] if isinstance(entry, str) else list(entry)
        families.append(tuple(_pattern(p, symbols) for p in members if p))
    return tuple(families)


def _drum_voice(name: str, spec: dict[str, Any]) -> DrumVoice:
    if spec["element"] not in DRUM_ELEMENTS:
        raise ValueError(f"drum voice {name}: unknown element {spec['element']!r}")
    return DrumVoice(
        name=name,
        element=spec["element"],
        note=_in_range(name, int(spec["note"]), 27, 87),
        velocity=_in_range(name, int(spec["velocity"]), 1, 127),
        patterns=_families(spec["patterns"], DRUM_SYMBOLS),
        chances=_pattern(spec.get("chances", ""), CHANCE_SYMBOLS),
        layer=_in_range(f"{name} layer", int(spec["layer"]), 1, 5),
        rolls=_in_range(f"{name} rolls", float(spec.get("rolls", 0.0)), 0.0, 4.0),
    )


def _fill(name: str, spec: dict[str, Any], notes: dict[str, int]) -> Fill:
    beats = _in_range(f"fill {name} beats", int(spec["beats"]), 1, 4)
    hits = tuple(
        (notes[drum], _pattern(pattern, FILL_SYMBOLS, beats * 4))
        for drum, pattern in spec["hits"].items()
    )
    return Fill(name, beats, hits)


def _groove(spec: dict[str, Any], swing: float, spread: int) -> Groove:
    accents = tuple(int(a) for a in spec["accents"])
    if len(accents) != 4:
        raise ValueError("groove accents: one velocity offset per sixteenth of a beat")
    timing = {k: float(v) for k, v in spec.get("timing_ms", {}).items()}
    if set(timing) - set(DRUM_ELEMENTS):
        raise ValueError(f"groove timing_ms names unknown elements {sorted(timing)}")
    return Groove(
        swing=_in_range("swing", float(swing), 0.5, 0.75),
        timing_ms=timing,
        jitter_ms=_in_range("jitter_ms", float(spec["jitter_ms"]), 0.0, 30.0),
        accents=accents,
        velocity_spread=int(spread),
    )


def _rolls(spec: dict[str, Any]) -> Rolls:
    divisions = tuple(_in_range("roll division", int(n), 2, 16) for n in spec["divisions"])
    return Rolls(divisions, tuple(float(b) for b in spec["beats"]))


def _build_up(spec: dict[str, Any], notes: dict[str, int]) -> Build:
    low, high = (float(v) for v in spec["cutoff"])
    return Build(
        roll_note=notes[spec["roll"]],
        roll_bars=_in_range("roll_bars", int(spec["roll_bars"]), 0, 32),
        kick_out_bars=int(spec["kick_out_bars"]),
        cutoff=(
            _in_range("build cutoff", low, 0.0, 1.0),
            _in_range("build cutoff", high, 0.0, 1.0),
        ),
        air_beats=_in_range("air_beats", float(spec["air_beats"]), 0.0, 4.0),
        stripped=_parts(spec.get("stripped", ["bass", "pad"])),
    )


def _bass(spec: dict[str, Any]) -> Bass:
    return Bass(
        low_note=int(spec["low_note"]),
        patterns=_families(spec["patterns"], BASS_SYMBOLS),
        gate=_in_range("bass gate", float(spec["gate"]), 0.1, 1.0),
        lock_to_kick=bool(spec.get("lock_to_kick", False)),
        glide=_in_range("bass glide", float(spec.get("glide", 0.0)), 0.0, 1.0),
        glide_beats=float(spec.get("glide_beats", 0.25)),
        slide=_in_range("bass slide", float(spec.get("slide", 0.0)), 0.0, 1.0),
        wobble=tuple(float(r) for r in spec.get("wobble", [])),
    )


def _harmony(d: dict[str, Any]) -> Harmony:
    chords = d["chords"]
    progressions = {m: tuple(parse_progression(p) for p in d["progressions"][m]) for m in
                    ("major", "minor")}  # fmt: skip
    for mode, found in progressions.items():
        if len(found) < MIN_PROGRESSIONS:
            raise ValueError(f"{mode}: {len(found)} progressions, need {MIN_PROGRESSIONS}")
    if chords["voicing"] not in VOICINGS:
        raise ValueError(f"voicing must be one of {VOICINGS}")
    return Harmony(
        progressions=progressions,
        bars_per_chord=int(chords["bars_per_chord"]),
        center_note=int(chords["center_note"]),
        voicing=chords["voicing"],
        rhythms=_families(chords["rhythms"], CHORD_SYMBOLS),
        gate=_in_range("chord gate", float(chords["gate"]), 0.1, 1.0),
        pad_low=int(d["pad"]["low_note"]),
    )


def _lead(spec: dict[str, Any]) -> Lead:
    return Lead(
        density=_in_range("lead density", float(spec["density"]), 0.05, 0.9),
        center_note=int(spec["center_note"]),
        hook_bars=tuple(_in_range("hook bars", int(b), 1, 4) for b in spec["hook_bars"]),
        gate=_in_range("lead gate", float(spec["gate"]), 0.1, 1.0),
    )


def _mix(spec: dict[str, Any], parts: tuple[str, ...]) -> Mix:
    unknown = set(spec["parts"]) - set(parts)
    if unknown:
        raise ValueError(f"mix settings for parts the style has no sound for: {sorted(unknown)}")
    return Mix(
        parts={name: _part_mix(name, spec["parts"][name]) for name in parts},
        reverb_s=_in_range("reverb decay", float(spec["reverb_s"]), 0.2, 20.0),
        delay_beats=_in_range("delay time", float(spec["delay_beats"]), 0.125, 4.0),
        delay_feedback=_in_range("delay feedback", float(spec["delay_feedback"]), 0.0, 0.95),
        duck_release_beats=_in_range("duck release", float(spec["duck_release_beats"]), 0.05, 2.0),
        glue_db=_in_range("glue", float(spec["glue_db"]), 0.0, 10.0),
        loudness_lufs=_in_range("loudness", float(spec["loudness_lufs"]), -30.0, -5.0),
        true_peak_dbtp=_in_range("true peak", float(spec["true_peak_dbtp"]), -6.0, 0.0),
    )


def _part_mix(name: str, spec: dict[str, Any]) -> PartMix:
    return PartMix(
        gain_db=_in_range(f"{name} gain", float(spec["gain_db"]), -40.0, 12.0),
        highpass_hz=_in_range(f"{name} high-pass", float(spec["highpass_hz"]), 0.0, 2000.0),
        reverb=_in_range(f"{name} reverb send", float(spec["reverb"]), 0.0, 1.0),
        delay=_in_range(f"{name} delay send", float(spec["delay"]), 0.0, 1.0),
        duck_db=_in_range(f"{name} ducking", float(spec["duck_db"]), 0.0, 30.0),
    )


def _section(spec: dict[str, Any]) -> SectionTemplate:
    energy = _in_range("section energy", int(spec["energy"]), 0, ENERGY_LEVELS)
    bars = int(spec["bars"])
    if bars % PHRASE_BARS:
        raise ValueError(f"section {spec['name']}: {bars} bars is not whole 8-bar phrases")
    return SectionTemplate(spec["name"], bars, energy, _parts(spec["parts"]))
