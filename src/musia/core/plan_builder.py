"""From a prompt reading (what the text says) to a plan (everything explicit).

Unstated fields take the style's defaults, an edit starts from the current plan, and every value
that had to be guessed, clamped or replaced leaves a line in `warnings`.
"""

from __future__ import annotations

from musia.core.arrange import default_bars, plan_sections, short_form
from musia.core.plan import MAX_BARS, MAX_BPM, MIN_BPM, PHRASE_BARS, Plan, seed_for
from musia.core.prompt.reading import DRUM_ELEMENTS, PARTS, PromptReading
from musia.core.styles import Style, load_style
from musia.core.theory.key import Key
from musia.core.theory.meter import Meter
from musia.errors import InvalidInput, NotUnderstood

MAX_PROMPT_CHARS = 4000
DEFAULT_STYLE = "house"
MAX_MINUTES = 30.0
# Tempo markings at the middle of the bins used for MidiCaps captions (40/60/70/90/110/140/160/210).
TEMPO_WORD_BPM = {
    "grave": 36.0,
    "largo": 50.0,
    "adagio": 65.0,
    "andante": 80.0,
    "moderato": 100.0,
    "allegro": 125.0,
    "vivace": 150.0,
    "presto": 185.0,
    "prestissimo": 220.0,
}
_SLOW_WORDS = frozenset({"grave", "largo", "adagio", "andante"})
# Moods that settle an unstated mode.
_MOOD_MODE = {
    "dark": "minor",
    "sad": "minor",
    "melancholic": "minor",
    "aggressive": "minor",
    "mysterious": "minor",
    "happy": "major",
    "uplifting": "major",
    "romantic": "major",
}
TEMPO_NUDGE = 1.05  # "make it faster" with no number
MAX_TRANSPOSE = 24


def plan_from_text(text: str, *, seed: int | None = None, base: Plan | None = None) -> Plan:
    """Read `text` and build a plan; `base` is the current song when the text edits it."""
    cleaned = text.strip()
    if not cleaned:
        raise NotUnderstood(
            "the prompt is empty: describe the music, e.g. 'house, 124 bpm, A minor'"
        )
    if len(cleaned) > MAX_PROMPT_CHARS:
        raise InvalidInput(
            f"the prompt is {len(cleaned)} characters; the limit is {MAX_PROMPT_CHARS}",
            field="prompt",
        )
    from musia.core.prompt import read_prompt  # the lexicons load on first use

    reading = read_prompt(cleaned)
    return plan_from_reading(reading, seed=seed_for(cleaned) if seed is None else seed, base=base)


def plan_from_reading(reading: PromptReading, *, seed: int, base: Plan | None = None) -> Plan:
    warnings = list(reading.warnings)
    style_name = _style_name(reading, base, warnings)
    style = load_style(style_name)
    same_style = base is not None and base.style == style_name
    parts, added, removed = _parts(reading, style, base if same_style else None, warnings)
    bpm = _bpm(reading, style, base, warnings)
    meter = _meter(reading, style, base, warnings)
    bars, minutes = _length(reading, style, base, bpm, meter, warnings)
    tonic_pc, mode = _key(reading, style, base, warnings)
    stated = reading.bars is not None or reading.minutes is not None
    short = reading.form is not None and not stated
    sections = short_form(style, reading.form, parts) if reading.form and short else ()
    if sections:
        bars = sum(s.bars for s in sections)
    sounds = {**style.sounds, **(base.sounds if same_style and base else {}), **reading.sounds}
    sounds = {p: sounds[p] for p in parts}
    return Plan(
        intent=reading.intent,
        style=style_name,
        bpm=bpm,
        tonic_pc=tonic_pc,
        mode=mode,
        time_signature=str(meter),
        bars=bars,
        minutes=minutes,
        mood=reading.mood or (base.mood if base else None),
        parts=parts,
        add_parts=added,
        remove_parts=removed,
        sounds=sounds,
        sections=sections or plan_sections(style, bars, parts),
        transpose_semitones=_clamped_transpose(reading.transpose_semitones or 0, []),
        seed=seed if base is None or reading.intent != "modify" else base.seed,
        warnings=tuple(warnings),
    )


def _style_name(reading: PromptReading, base: Plan | None, warnings: list[str]) -> str:
    if reading.style:
        return reading.style
    if base is not None:
        return base.style
    if reading.intent == "generate":
        warnings.append(f"no style named; using {DEFAULT_STYLE}")
    return DEFAULT_STYLE


def _bpm(reading: PromptReading, style: Style, base: Plan | None, warnings: list[str]) -> float:
    if reading.bpm is not None:
        return _clamped_bpm(reading.bpm, style, warnings)
    if reading.tempo_word:
        return _word_bpm(reading, style, warnings)
    current = base.bpm if base else style.tempo_default
    if reading.tempo_direction:
        factor = TEMPO_NUDGE if reading.tempo_direction == "faster" else 1 / TEMPO_NUDGE
        return _clamped_bpm(round(current * factor), style, warnings)
    return current


def _clamped_bpm(bpm: float, style: Style, warnings: list[str]) -> float:
    clamped = min(MAX_BPM, max(MIN_BPM, float(bpm)))
    if clamped != bpm:
        warnings.append(f"{bpm:g} BPM is outside {MIN_BPM:g}-{MAX_BPM:g}; using {clamped:g}")
    elif not style.tempo_min <= clamped <= style.tempo_max:
        warnings.append(
            f"{clamped:g} BPM is outside {style.name}'s usual "
            f"{style.tempo_min:g}-{style.tempo_max:g} BPM; kept as asked"
        )
    return clamped


def _word_bpm(reading: PromptReading, style: Style, warnings: list[str]) -> float:
    """An Italian marking is an absolute tempo ("presto" ≈ 185). A plain word is relative to a
    style the producer named: "slow techno" is the slow end of techno, not 65 BPM."""
    word = reading.tempo_word or "moderato"
    bpm = TEMPO_WORD_BPM[word]
    relative = reading.style_source == "explicit" and not reading.tempo_marking
    if relative and not style.tempo_min <= bpm <= style.tempo_max:
        bpm = style.tempo_min if word in _SLOW_WORDS else style.tempo_max
        warnings.append(f"'{word}' read as {bpm:g} BPM, within {style.name}'s range")
    return bpm


def _length(
    reading: PromptReading,
    style: Style,
    base: Plan | None,
    bpm: float,
    meter: Meter,
    warnings: list[str],
) -> tuple[int, float | None]:
    if reading.bars is not None:
        return _clamped_bars(reading.bars, warnings), None
    if reading.minutes is not None:
        minutes = min(MAX_MINUTES, max(0.0, reading.minutes))
        if minutes != reading.minutes:
            warnings.append(
                f"{reading.minutes:g} minutes is outside 0-{MAX_MINUTES:g}; using {minutes:g}"
            )
        bar_s = meter.bar_beats * 60.0 / bpm
        phrases = max(1, round(minutes * 60.0 / bar_s / PHRASE_BARS))
        return _clamped_bars(phrases * PHRASE_BARS, warnings), reading.minutes
    if base is not None:
        return base.bars, base.minutes
    return default_bars(style, bpm, meter), None


def _clamped_bars(bars: int, warnings: list[str]) -> int:
    clamped = min(MAX_BARS, max(1, bars))
    if clamped != bars:
        warnings.append(f"{bars} bars is outside 1-{MAX_BARS}; using {clamped}")
    return clamped


def _meter(reading: PromptReading, style: Style, base: Plan | None, warnings: list[str]) -> Meter:
    if reading.time_signature is None:
        return Meter.parse(base.time_signature) if base else style.meter
    try:
        return Meter(*reading.time_signature)
    except ValueError:
        numerator, denominator = reading.time_signature
        warnings.append(
            f"time signature {numerator}/{denominator} is not supported; using {style.meter}"
        )
        return style.meter


def _key(
    reading: PromptReading, style: Style, base: Plan | None, warnings: list[str]
) -> tuple[int, str]:
    tonic = base.tonic_pc if base else style.tonic_pc
    mode: str = base.mode if base else style.mode
    if reading.tonic_pc is not None:
        tonic = reading.tonic_pc
    if reading.mode is not None:
        mode = reading.mode
    elif reading.mood in _MOOD_MODE and (base is None or reading.tonic_pc is not None):
        mode = _MOOD_MODE[reading.mood]
    elif reading.tonic_pc is not None:
        warnings.append(f"no major or minor stated; using {mode}")
    if reading.transpose_semitones:
        tonic = (tonic + _clamped_transpose(reading.transpose_semitones, warnings)) % 12
    if reading.unread_key:
        used = Key(tonic, mode).name  # type: ignore[arg-type]
        warnings.append(
            f"could not read a key from '{reading.unread_key}' (note names are A-G with # or b, "
            f"or do re mi); using {used}"
        )
    return tonic, mode


def _clamped_transpose(semitones: int, warnings: list[str]) -> int:
    clamped = max(-MAX_TRANSPOSE, min(MAX_TRANSPOSE, semitones))
    if clamped != semitones:
        warnings.append(
            f"transposing by {semitones} semitones is outside ±{MAX_TRANSPOSE}; using {clamped}"
        )
    return clamped


def _parts(
    reading: PromptReading, style: Style, base: Plan | None, warnings: list[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    current = base.parts if base else style.parts
    added = tuple(dict.fromkeys(reading.include))
    removed = tuple(p for p in dict.fromkeys(reading.exclude) if p not in added)
    kept_elements = tuple(p for p in (base.remove_parts if base else ()) if p in DRUM_ELEMENTS)
    removed = tuple(dict.fromkeys(kept_elements + removed))
    removed = tuple(p for p in removed if p not in added)
    # A drum element asked for brings the drums back with it.
    wanted = {p for p in added if p in PARTS} | (
        {"drums"} if set(added) & set(DRUM_ELEMENTS) else set()
    )
    parts = tuple(p for p in PARTS if (p in current or p in wanted) and p not in removed)
    if not parts:
        raise InvalidInput("every part was removed; nothing would be left to play", field="parts")
    return parts, added, removed
