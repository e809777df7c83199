"""What the prompt parser read from a sentence: only what the text states, nothing defaulted.

The plan builder (`musia.core.plan`) turns a reading into a full plan with the style's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Intent = Literal["generate", "modify", "chat", "analyze"]
Mode = Literal["major", "minor"]
StyleSource = Literal["explicit", "related"]
Form = Literal["loop", "sketch"]  # short forms; a whole track when none is stated

# Canonical vocabularies shared by the parser, the plan and the composer.
STYLES: tuple[str, ...] = (
    "house", "deep house", "progressive house", "techno", "melodic techno", "minimal techno",
    "hip-hop", "trap", "lo-fi", "drum and bass", "dubstep", "ambient", "pop",
)  # fmt: skip
PARTS: tuple[str, ...] = ("drums", "bass", "chords", "pad", "lead", "fx")
# Drum elements a producer may add or remove on their own ("no hats", "remove the clap").
DRUM_ELEMENTS: tuple[str, ...] = ("kick", "snare", "clap", "hats", "perc", "crash")
MOODS: tuple[str, ...] = (
    "dark", "happy", "chill", "sad", "energetic", "dreamy", "aggressive", "uplifting",
    "melancholic", "relaxing", "epic", "romantic", "mysterious",
)  # fmt: skip
# Italian markings and their plain-English groups; the plan maps them to BPM.
TEMPO_WORDS: tuple[str, ...] = (
    "grave", "largo", "adagio", "andante", "moderato", "allegro", "vivace", "presto", "prestissimo",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PromptReading:
    intent: Intent
    style: str | None = None  # one of STYLES
    style_source: StyleSource | None = None  # "related": mapped from a genre Musia has no style for
    genre_words: tuple[str, ...] = ()  # the words the style was read from, as written
    bpm: float | None = None
    tempo_word: str | None = None  # one of TEMPO_WORDS
    tempo_marking: bool = False  # the tempo word is an Italian marking, not a plain "fast"
    tempo_direction: Literal["faster", "slower"] | None = None  # "make it faster" with no number
    tonic_pc: int | None = None  # 0-11, C=0
    mode: Mode | None = None
    unread_key: str | None = None  # key words naming no note Musia reads, as written ("H major")
    time_signature: tuple[int, int] | None = None
    bars: int | None = None
    minutes: float | None = None
    form: Form | None = None  # "a loop", "a sketch": a short form instead of a whole track
    mood: str | None = None  # one of MOODS
    include: tuple[str, ...] = ()  # PARTS or DRUM_ELEMENTS asked for
    exclude: tuple[str, ...] = ()  # PARTS or DRUM_ELEMENTS refused ("no pads", "sin batería")
    transpose_semitones: int | None = None  # "transpose up 2 semitones"
    sounds: dict[str, int] = field(default_factory=dict)  # part -> GM program 0-127 (piano: 0)
    warnings: tuple[str, ...] = ()
