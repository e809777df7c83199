"""The offline prompt parser: the shared dev set, the MidiCaps captions, our own prompts in four
languages (grammar, traps, edits, chat) and hostile input."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path
from typing import Any

import pytest

from musia.core.prompt import DRUM_ELEMENTS, MOODS, PARTS, STYLES, TEMPO_WORDS, read_prompt
from musia.core.prompt.parser import FAILED
from musia.core.prompt.reading import PromptReading
from tests.conftest import shared_path

SHARED = Path(__file__).resolve().parents[3] / "shared" / "prompts"
NOTE_PC = {
    "C": 0, "C#": 1, "Db": 1, "D": 2, "D#": 3, "Eb": 3, "E": 4, "F": 5, "F#": 6, "Gb": 6, "G": 7,
    "G#": 8, "Ab": 8, "A": 9, "A#": 10, "Bb": 10, "B": 11,
}  # fmt: skip
# How MidiCaps' plain tempo words map onto the parser's Italian markings.
CAPTION_TEMPO_WORDS = {
    "slow": "adagio",
    "moderate": "moderato",
    "fast": "allegro",
    "very fast": "vivace",
}


def _load(name: str) -> list[dict[str, Any]]:
    path = SHARED / name
    if not path.exists():
        return []
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def _params(rows: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
    """The rows, or one None: the test then skips (fails under CI) because the file is missing."""
    return [*rows] if rows else [None]


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [str(row["id"]) for row in rows] or ["missing"]


def _meter(text: str) -> tuple[int, int]:
    top, bottom = text.split("/")
    return int(top), int(bottom)


def check(reading: PromptReading, expect: dict[str, Any]) -> None:
    """Each stated field must be read; include/exclude/sounds must contain what is listed;
    `absent` lists fields that must stay empty (the traps)."""
    for field, wanted in expect.items():
        got: Any = getattr(reading, field, None)
        if field in ("include", "exclude"):
            assert set(wanted) <= set(got), f"{field}: {got} lacks {wanted}"
        elif field == "sounds":
            assert wanted.items() <= got.items(), f"sounds: {got} lacks {wanted}"
        elif field == "time_signature" and isinstance(wanted, str):
            assert got == _meter(wanted), f"time_signature: {got} != {wanted}"
        elif field == "absent":
            for name in wanted:
                assert getattr(reading, name) in (None, ()), (
                    f"{name} should be empty, got {getattr(reading, name)}"
                )
        else:
            assert got == wanted, f"{field}: {got!r} != {wanted!r}"
    assert set(reading.include).isdisjoint(reading.exclude)
    assert FAILED not in reading.warnings  # the parser's last-resort guard never fired


# ---- (1) the shared dev set -------------------------------------------------------------------
DEV = _load("dev.jsonl")


@pytest.mark.shared
@pytest.mark.parametrize("row", _params(DEV), ids=_ids(DEV))
def test_dev_set(row: dict[str, Any] | None) -> None:
    if row is None:
        shared_path("prompts", "dev.jsonl")  # fails under CI, skips elsewhere
        return
    reading = read_prompt(row["prompt"])
    assert reading.intent == row["intent"], row["prompt"]
    check(reading, row["expect"])


# ---- MidiCaps captions: every stated fact is read, and nothing that is not stated -------------
CAPTIONS = _load("midicaps_captions.jsonl")


@pytest.mark.shared
@pytest.mark.parametrize("row", _params(CAPTIONS), ids=_ids(CAPTIONS))
def test_midicaps_captions(row: dict[str, Any] | None) -> None:
    if row is None:
        shared_path("prompts", "midicaps_captions.jsonl")  # fails under CI, skips elsewhere
        return
    reading, stated = read_prompt(row["caption"]), row["mentioned"]
    assert reading.intent == "generate"
    assert FAILED not in reading.warnings
    if "key" in stated:
        tonic, mode = stated["key"].split()
        assert (reading.tonic_pc, reading.mode) == (NOTE_PC[tonic], mode)
    else:  # chords listed in the caption are not its key
        assert reading.tonic_pc is None
    assert reading.bpm == stated.get("tempo_bpm")
    expected_meter = _meter(stated["time_signature"]) if "time_signature" in stated else None
    assert reading.time_signature == expected_meter
    if "tempo_word" in stated:
        word = stated["tempo_word"].lower()
        assert reading.tempo_word == CAPTION_TEMPO_WORDS.get(word, word)


# ---- (2) our own prompts ------------------------------------------------------------------------
OWN: list[tuple[str, str, dict[str, Any]]] = [
    # English: styles, aliases, longest match, related genres
    ("lofi hip hop beat, 82 bpm", "generate", {"style": "lo-fi", "bpm": 82, "include": ["drums"]}),
    (
        "a deep-house groove in A minor",
        "generate",
        {"style": "deep house", "tonic_pc": 9, "mode": "minor"},
    ),
    ("techno minimal, 130", "generate", {"style": "minimal techno", "bpm": 130}),
    ("drum'n'bass roller at 174 BPM", "generate", {"style": "drum and bass", "bpm": 174}),
    ("d&b with a reese bass", "generate", {"style": "drum and bass", "include": ["bass"]}),
    (
        "dnb 174 E minor",
        "generate",
        {"style": "drum and bass", "bpm": 174, "tonic_pc": 4, "mode": "minor"},
    ),
    (
        "a popular boom bap instrumental",
        "generate",
        {"style": "hip-hop", "style_source": "explicit"},
    ),
    (
        "uplifting trance at 138 bpm",
        "generate",
        {"style": "progressive house", "style_source": "related", "bpm": 138, "mood": "uplifting"},
    ),
    ("an electronic techno track", "generate", {"style": "techno", "style_source": "explicit"}),
    (
        "grime beat in G minor",
        "generate",
        {"style": "trap", "style_source": "related", "tonic_pc": 7},
    ),
    (
        "synthwave in E minor at 118 BPM",
        "generate",
        {"style": "pop", "style_source": "related", "bpm": 118},
    ),
    (
        "Jazz trio with saxophone and upright bass",
        "generate",
        {"style": "lo-fi", "include": ["lead", "bass"], "sounds": {"lead": 65, "bass": 32}},
    ),
    # English: tempo words, directions, conflicts, out of range as stated
    ("a very slow ambient piece", "generate", {"style": "ambient", "tempo_word": "largo"}),
    ("fast-paced pop, Presto", "generate", {"style": "pop", "tempo_word": "presto"}),
    ("mid-tempo house", "generate", {"style": "house", "tempo_word": "moderato"}),
    ("super fast techno", "generate", {"style": "techno", "tempo_word": "vivace"}),
    ("house at 124 bpm, no, 128 bpm", "generate", {"bpm": 124}),
    ("techno, bpm 10000", "generate", {"bpm": 10000}),
    ("make it faster", "modify", {"tempo_direction": "faster", "absent": ["bpm"]}),
    ("slow it down a bit", "modify", {"tempo_direction": "slower"}),
    ("change the tempo from 120 to 128", "modify", {"bpm": 128}),
    # English: keys and the false keys
    ("trap in F#m, 140", "generate", {"style": "trap", "tonic_pc": 6, "mode": "minor", "bpm": 140}),
    ("B flat minor hip hop", "generate", {"tonic_pc": 10, "mode": "minor"}),
    ("Cmin techno with a pad", "generate", {"tonic_pc": 0, "mode": "minor", "include": ["pad"]}),
    ("house in A, 124 bpm", "generate", {"tonic_pc": 9, "mode": None, "bpm": 124}),
    ("a happy pop song with a pad", "generate", {"mood": "happy", "absent": ["tonic_pc", "mode"]}),
    (
        "make a dark techno track in a dark mood",
        "generate",
        {"style": "techno", "absent": ["tonic_pc"]},
    ),
    (
        "the progression is Am, F, C, G",
        "generate",
        {"include": ["chords"], "absent": ["tonic_pc", "mode"]},
    ),
    ("write it in a minor key", "generate", {"mode": "minor", "absent": ["tonic_pc"]}),
    ("add a minor change to the lead", "modify", {"absent": ["tonic_pc", "mode"]}),
    # English: numbers that are not tempos
    (
        "808 bass, 4 on the floor kick, 1980s vibe",
        "generate",
        {"include": ["bass", "kick"], "absent": ["bpm"]},
    ),
    ("techno for Ableton Live 12, 3/4", "generate", {"time_signature": "3/4", "absent": ["bpm"]}),
    ("32 bars of 90s hip hop", "generate", {"bars": 32, "absent": ["bpm"]}),
    # English: meter, length, transposition
    ("a 3/4 waltz", "generate", {"time_signature": "3/4"}),
    ("a sad waltz", "generate", {"time_signature": "3/4", "mood": "sad"}),
    ("waltz-like techno in 7/8", "generate", {"time_signature": "7/8"}),
    ("two and a half minutes of ambient", "generate", {"minutes": 2.5}),
    ("a 1.5 minute intro", "generate", {"minutes": 1.5}),
    ("90 seconds of drum and bass", "generate", {"minutes": 1.5}),
    ("a 16-bar loop", "generate", {"bars": 16}),
    ("transpose up 2 semitones", "modify", {"transpose_semitones": 2}),
    ("+3 semitones", "modify", {"transpose_semitones": 3}),
    ("an octave down", "modify", {"transpose_semitones": -12}),
    (
        "transpose it to C minor",
        "modify",
        {"tonic_pc": 0, "mode": "minor", "absent": ["transpose_semitones"]},
    ),
    # English: parts, negation scope, sounds
    (
        "with piano chords and no lead",
        "generate",
        {"include": ["chords"], "exclude": ["lead"], "sounds": {"chords": 0}},
    ),
    ("no drums, bass or pads", "generate", {"exclude": ["drums", "bass", "pad"]}),
    (
        "without drums but with a strings pad",
        "generate",
        {"include": ["pad"], "exclude": ["drums"], "sounds": {"pad": 48}},
    ),
    ("remove the hi-hats and add claps", "modify", {"include": ["clap"], "exclude": ["hats"]}),
    ("mute the kick", "modify", {"exclude": ["kick"]}),
    ("a trap beat with a huge drop and heavy 808s", "generate", {"include": ["bass", "drums"]}),
    ("organ chords and a flute melody", "generate", {"sounds": {"chords": 16, "lead": 73}}),
    ("synth lead over a synth bass", "generate", {"sounds": {"lead": 81, "bass": 38}}),
    ("electric piano chords", "generate", {"sounds": {"chords": 4}}),
    ("I want you to remove the drums", "modify", {"exclude": ["drums"]}),
    ("more bass", "modify", {"include": ["bass"]}),
    # English: intent
    ("make me a house track", "generate", {"style": "house"}),
    ("can you make a techno track at 130?", "generate", {"style": "techno", "bpm": 130}),
    ("what is deep house?", "chat", {}),
    ("what key is this", "analyze", {}),
    ("thanks, bye", "chat", {}),
    ("no melody, just chords", "generate", {"exclude": ["lead"], "include": ["chords"]}),
    ("can you add a pad?", "modify", {"include": ["pad"]}),
    ("Same but at 140 bpm", "modify", {"bpm": 140}),
    ("Swap the piano for an organ", "modify", {"sounds": {"chords": 16}}),
    ("a piece in common time", "generate", {"time_signature": "4/4"}),
    ("house at 120-125 bpm", "generate", {"bpm": 122.5}),
    ("A calm, haunting piano piece", "generate", {"mood": "relaxing"}),
    ("Tell me about house music", "chat", {}),
    ("A-moll techno", "generate", {"tonic_pc": 9, "mode": "minor"}),
    # MidiCaps-style captions
    (
        "A piano plays a lead melody with chords in the background. The time signature is 4/4 "
        "and the tempo is fast. It's in the key of A major and the main chord progression is "
        "A, E7, A7, D.",
        "generate",
        {"tonic_pc": 9, "mode": "major", "time_signature": "4/4", "tempo_word": "allegro"},
    ),
    (
        "It is played at the pace of 114 beats per minute and often revolves around the chords "
        "of G6 and D6.",
        "generate",
        {"bpm": 114, "absent": ["tonic_pc", "mode"]},
    ),
    (
        "A cheerful pop Christmas song set in the key of Eb minor with a fast tempo of 123 bpm.",
        "generate",
        {"style": "pop", "tonic_pc": 3, "mode": "minor", "bpm": 123, "tempo_word": "allegro"},
    ),
    (
        "A very short fragment of pop music containing a single chord sequence of Abm, B6, "
        "and C#m.",
        "generate",
        {"style": "pop", "absent": ["tonic_pc", "mode", "bpm"]},
    ),
    # Spanish
    (
        "Genera un tema de trap oscuro a 140 con 808",
        "generate",
        {"style": "trap", "bpm": 140, "mood": "dark", "include": ["bass"]},
    ),
    (
        "Quiero una canción lenta y triste en Sol mayor",
        "generate",
        {"tempo_word": "adagio", "mood": "sad", "tonic_pc": 7, "mode": "major"},
    ),
    ("un tema largo de ambient", "generate", {"style": "ambient", "absent": ["tempo_word"]}),
    (
        "Crea un drum and bass a 172 bpm en Re menor con bajo pesado",
        "generate",
        {"style": "drum and bass", "bpm": 172, "tonic_pc": 2, "mode": "minor", "include": ["bass"]},
    ),
    (
        "house en Si bemol menor, 64 compases",
        "generate",
        {"tonic_pc": 10, "mode": "minor", "bars": 64},
    ),
    (
        "Crea música ambient relajante de dos minutos",
        "generate",
        {"minutes": 2, "mood": "relaxing"},
    ),
    ("techno en compás de 6/8", "generate", {"time_signature": "6/8"}),
    ("sin batería ni bajo", "generate", {"exclude": ["drums", "bass"]}),
    (
        "Quita la batería y añade un pad",
        "modify",
        {"exclude": ["drums"], "include": ["pad"], "absent": ["tonic_pc"]},
    ),
    ("la canción en mi tono favorito", "chat", {"absent": ["tonic_pc", "mode"]}),
    ("Pon el tempo a 128", "modify", {"bpm": 128}),
    ("Cambia el piano por un órgano", "modify", {"sounds": {"chords": 16}}),
    ("más rápido", "modify", {"tempo_direction": "faster"}),
    ("sube 2 semitonos", "modify", {"transpose_semitones": 2}),
    ("¿Qué tonalidad tiene esta canción?", "analyze", {}),
    ("hola, ¿qué puedes hacer?", "chat", {}),
    # Ukrainian
    (
        "Згенеруй лоуфай біт 85 BPM у фа мажорі з піаніно",
        "generate",
        {"style": "lo-fi", "bpm": 85, "tonic_pc": 5, "mode": "major", "sounds": {"chords": 0}},
    ),
    (
        "Зроби сумний поп трек у ля мінорі, 100 ударів на хвилину",
        "generate",
        {"style": "pop", "mood": "sad", "tonic_pc": 9, "mode": "minor", "bpm": 100},
    ),
    (
        "Створи ембієнт на дві хвилини без ударних",
        "generate",
        {"style": "ambient", "minutes": 2, "exclude": ["drums"], "absent": ["bpm"]},
    ),
    (
        "мелодійне техно, до-дієз мінор, 16 тактів",
        "generate",
        {"style": "melodic techno", "tonic_pc": 1, "mode": "minor", "bars": 16},
    ),
    (
        "прогресив-хаус у розмірі 6/8",
        "generate",
        {"style": "progressive house", "time_signature": "6/8"},
    ),
    ("Додай пад і прибери хай-хети", "modify", {"include": ["pad"], "exclude": ["hats"]}),
    (
        "Зроби хаус у мі-бемоль мажорі, півтори хвилини",
        "generate",
        {"style": "house", "tonic_pc": 3, "mode": "major", "minutes": 1.5},
    ),
    ("Зроби трек повільнішим", "modify", {"tempo_direction": "slower"}),
    ("на 2 півтони вище", "modify", {"transpose_semitones": 2}),
    ("Можеш зробити хаус?", "generate", {"style": "house"}),
    ("Проаналізуй цей трек", "analyze", {}),
    # Russian
    (
        "Создай трэп бит 140 бпм до минор с басом 808",
        "generate",
        {"style": "trap", "bpm": 140, "tonic_pc": 0, "mode": "minor", "include": ["bass", "drums"]},
    ),
    (
        "Сгенерируй эмбиент на 3 минуты без барабанов",
        "generate",
        {"style": "ambient", "minutes": 3, "exclude": ["drums"], "absent": ["bpm"]},
    ),
    (
        "Сделай мелодичное техно 124 BPM в ре миноре, энергичное",
        "generate",
        {
            "style": "melodic techno",
            "bpm": 124,
            "tonic_pc": 2,
            "mode": "minor",
            "mood": "energetic",
        },
    ),
    (
        "хаус в си-бемоль мажоре, размер 3/4, 32 такта",
        "generate",
        {"tonic_pc": 10, "mode": "major", "time_signature": "3/4", "bars": 32},
    ),
    (
        "драм энд бейс, две минуты, агрессивный",
        "generate",
        {"style": "drum and bass", "minutes": 2, "mood": "aggressive"},
    ),
    ("Добавь пэд и убери бочку", "modify", {"include": ["pad"], "exclude": ["kick"]}),
    ("Замени пианино на орган", "modify", {"sounds": {"chords": 16}}),
    ("Сделай трек быстрее", "modify", {"tempo_direction": "faster"}),
    ("Измени тональность на ля минор", "modify", {"tonic_pc": 9, "mode": "minor"}),
    ("на 2 полутона ниже", "modify", {"transpose_semitones": -2}),
    ("В какой тональности этот трек?", "analyze", {}),
    ("Что ты умеешь?", "chat", {}),
]


@pytest.mark.parametrize(("prompt", "intent", "expect"), OWN, ids=[p[:40] for p, _, _ in OWN])
def test_own_prompts(prompt: str, intent: str, expect: dict[str, Any]) -> None:
    reading = read_prompt(prompt)
    assert reading.intent == intent
    check(reading, expect)


# A flat key is read in every spelling a producer types: the letter with a small "b" ("Db" is
# D-flat, not decibels; "Gb" is G-flat, not gigabytes), the flat sign, the word, and the solfège
# and Cyrillic names with "bemol"/"бемоль", with or without a hyphen, in any case of the mode word.
FLAT_KEYS: list[tuple[str, int, str | None]] = [
    ("techno in 3/4 at 140 bpm, Db major", 1, "major"),
    ("house in Db", 1, None),
    ("house 124 Gb minor", 6, "minor"),
    ("Dbm techno at 130", 1, "minor"),
    ("house in Dbmaj", 1, "major"),
    ("house in D♭ major", 1, "major"),
    ("house in D flat major", 1, "major"),
    ("house in D-flat major", 1, "major"),
    ("house en Re bemol mayor", 1, "major"),
    ("house en re♭ menor", 1, "minor"),
    ("хаус в ре-бемоль мажор", 1, "major"),
    ("хаус у ре бемоль мажорі", 1, "major"),
    ("хаус в ре бемоль мажоре, 124 BPM", 1, "major"),
    ("техно ля-бемоль мінор", 8, "minor"),
    ("trap in Ab minor", 8, "minor"),
    ("Eb major pop", 3, "major"),
    ("techno in Bb", 10, None),
]


@pytest.mark.parametrize(
    ("prompt", "tonic_pc", "mode"), FLAT_KEYS, ids=[p for p, _, _ in FLAT_KEYS]
)
def test_flat_keys_read_in_every_spelling(prompt: str, tonic_pc: int, mode: str | None) -> None:
    reading = read_prompt(prompt)
    assert (reading.tonic_pc, reading.mode) == (tonic_pc, mode)
    assert reading.unread_key is None


def test_decibels_after_a_number_are_still_no_key() -> None:
    reading = read_prompt("house in A minor, the kick at -3 db and the pad at -6 dB")
    assert (reading.tonic_pc, reading.mode) == (9, "minor")


# A word that stands where a key goes but names no note must say so, not fall back in silence.
UNREAD_KEYS = [
    ("house in H major", "H major"),
    ("house in the key of Z", "Z"),
    ("house in Xb minor", "Xb minor"),
    ("H-moll techno", "H-moll"),
]


@pytest.mark.parametrize(("prompt", "written"), UNREAD_KEYS, ids=[p for p, _ in UNREAD_KEYS])
def test_key_words_naming_no_note_are_reported(prompt: str, written: str) -> None:
    reading = read_prompt(prompt)
    assert reading.tonic_pc is None
    assert reading.unread_key == written


@pytest.mark.parametrize(
    "prompt", ["add a minor change to the lead", "make it minor", "I want a house track"]
)
def test_words_that_are_no_key_attempt_raise_no_alarm(prompt: str) -> None:
    assert read_prompt(prompt).unread_key is None


# "a loop" is one phrase of the main groove, "a sketch" or "something short" the song up to its
# first drop; a length in bars or minutes, when stated, is what counts.
SHORT_FORMS = [
    ("a house loop", "loop"),
    ("un bucle de techno", "loop"),
    ("make me a quick sketch of techno", "sketch"),
    ("a short trap beat", "sketch"),
    ("ескіз техно", "sketch"),
    ("набросок хауса", "sketch"),
    ("make me a house track", None),
]


@pytest.mark.parametrize(("prompt", "form"), SHORT_FORMS, ids=[p for p, _ in SHORT_FORMS])
def test_short_forms_are_read(prompt: str, form: str | None) -> None:
    assert read_prompt(prompt).form == form


def test_table_covers_four_languages_and_sixty_prompts() -> None:
    assert len(OWN) >= 60
    spanish = [p for p, _, _ in OWN if any(ch in p for ch in "ñáéíóú¿¡") or " en " in p]
    ukrainian = [p for p, _, _ in OWN if any(ch in p for ch in "іїєґ")]
    russian = [p for p, _, _ in OWN if any(ch in p for ch in "ыэъё")]
    assert min(len(spanish), len(ukrainian), len(russian)) >= 8


def test_readings_use_canonical_vocabularies() -> None:
    for prompt, _, _ in OWN:
        reading = read_prompt(prompt)
        assert reading.style is None or reading.style in STYLES
        assert reading.mood is None or reading.mood in MOODS
        assert reading.tempo_word is None or reading.tempo_word in TEMPO_WORDS
        assert set(reading.include + reading.exclude) <= set(PARTS + DRUM_ELEMENTS)
        assert set(reading.sounds) <= set(PARTS)
        assert all(0 <= program <= 127 for program in reading.sounds.values())
        assert reading.tonic_pc is None or 0 <= reading.tonic_pc <= 11


def test_related_genre_warns_naming_both() -> None:
    reading = read_prompt("a trance anthem")
    assert reading.style_source == "related"
    assert any("trance" in w and "progressive house" in w for w in reading.warnings)


def test_guesses_leave_warnings() -> None:
    assert any("major or minor" in w for w in read_prompt("house in A, 124 bpm").warnings)
    assert any("several tempos" in w for w in read_prompt("at 124 bpm, no, 128 bpm").warnings)


def test_explicit_style_beats_related() -> None:
    reading = read_prompt("rock influenced deep house")
    assert (reading.style, reading.style_source) == ("deep house", "explicit")


# ---- (3) hostile input (how fast it is read: bench/robustness.py) ------------------------------
def _noise(seed: int, alphabet: str, size: int = 100_000) -> str:
    rnd = random.Random(seed)
    return "".join(rnd.choice(alphabet) for _ in range(size))


HOSTILE = {
    "empty": "",
    "spaces": "   \t\n ",
    "control": "".join(chr(c) for c in range(32)) * 3000,
    "emoji": "🎵🔥💀🥁" * 25_000,
    "printable": _noise(1, string.printable),
    "mixed scripts": _noise(
        2, string.ascii_letters + "абвгдеёжзийклмнопрстуфхцчшщьюяіїєґ ñáé#/-',.0123456789 "
    ),
    "symbols": "#" * 100_000,
    "digits": "9" * 100_000,
    "one word": "a" * 100_000,
    "lexicon words": " ".join(
        random.Random(3).choice(
            ["house", "techno", "A", "minor", "128", "bpm", "no", "drums", "в", "ля", "мінорі"]
        )
        for _ in range(30_000)
    ),
    "surrogates": "\ud800 house \udfff 124 bpm",
    "huge number": "tempo " + "9" * 5000 + " bars " + "9" * 5000,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_never_raises(name: str) -> None:
    text = HOSTILE[name]
    reading = read_prompt(text)
    assert isinstance(reading, PromptReading)
    assert reading.intent in ("generate", "modify", "chat", "analyze")
    assert FAILED not in reading.warnings


@pytest.mark.parametrize(
    "text", ["", "   ", "\x00\x01\x02", "🎵🔥", "asdkjh qwe zxcv", "???", "...,,,"]
)
def test_nothing_read_is_chat(text: str) -> None:
    reading = read_prompt(text)
    assert reading == PromptReading(intent="chat", warnings=reading.warnings)
    assert reading.style is None and reading.bpm is None and not reading.include
