"""The vocabulary, loaded once from the lexicon*.toml files beside this module.

Phrases become tuples of word forms: a normalised word, or a stem ending in "*". Concept phrases
(styles, parts, units, verbs…) are matched longest-first and own their tokens; function words
(articles, prepositions, connectors) are looked up where the grammar needs them and own nothing,
so "la" can be an article to the parts reader and a note to the key reader.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from typing import Any, NamedTuple

from musia.core.prompt.reading import DRUM_ELEMENTS, MOODS, PARTS, STYLES, TEMPO_WORDS
from musia.core.prompt.text import TOKEN_RE, normalize_word

Phrase = tuple[str, ...]
Entry = tuple[str, str]  # (category, value)

# Categories of [phrases] that are grammar glue, not concepts: they never own tokens.
FUNCTION_CATEGORIES = frozenset(
    {"determiner", "definite", "deictic", "connector", "tempo_prep", "tempo_filler", "range_from",
     "range_to", "article_one", "wh_word", "ability", "not_key_after", "not_meter_after",
     "mode_noun"}
)  # fmt: skip
_MIN_STEM = 3
_HERE = os.path.dirname(os.path.abspath(__file__))


class Meaning(NamedTuple):
    """What a phrase stands for: its categories and, per category, a value ("" when none)."""

    cats: frozenset[str]
    values: dict[str, str]


class PhraseIndex:
    """Phrases grouped by their first word form, longest first (call `freeze` after adding)."""

    def __init__(self) -> None:
        self.entries: dict[Phrase, dict[str, str]] = {}
        self.by_first: dict[str, list[tuple[Phrase, Meaning]]] = {}
        self.single: dict[str, Meaning] = {}  # one-word phrases
        self.multi_first: frozenset[str] = frozenset()  # first words of longer phrases

    def add(self, phrase: Phrase, entry: Entry) -> None:
        self.entries.setdefault(phrase, {}).setdefault(*entry)

    def freeze(self) -> None:
        self.by_first, self.single = {}, {}
        for phrase, values in sorted(self.entries.items(), key=lambda item: -len(item[0])):
            meaning = Meaning(frozenset(values), values)
            self.by_first.setdefault(phrase[0], []).append((phrase, meaning))
            if len(phrase) == 1:
                self.single[phrase[0]] = meaning
        self.multi_first = frozenset(p[0] for p in self.entries if len(p) > 1)


class Lexicon:
    def __init__(self) -> None:
        self.concepts = PhraseIndex()
        self.functions = PhraseIndex()
        self.stems: set[str] = set()  # without the "*"
        self.stem_heads: set[str] = set()  # their first letters, to skip most words fast
        self.max_stem = 0
        self.instruments: dict[str, tuple[int, str]] = {}  # name -> (program, part)
        self.letters: dict[str, int] = {}
        self.solfege: dict[str, int] = {}
        self.words: dict[str, frozenset[str]] = {}  # [key] and [clause] word sets
        self.spanish_tempo: dict[Phrase, str] = {}

    def add_stem(self, stem: str) -> None:
        self.stems.add(stem)
        self.stem_heads.add(stem[:_MIN_STEM])
        self.max_stem = max(self.max_stem, len(stem))

    def stem_of(self, norm: str) -> str:
        """The longest known stem `norm` starts with, as "stem*", or "" when none."""
        if norm[:_MIN_STEM] not in self.stem_heads:
            return ""
        for size in range(min(len(norm), self.max_stem), _MIN_STEM - 1, -1):
            if norm[:size] in self.stems:
                return norm[:size] + "*"
        return ""

    def has(self, group: str, norm: str, stem: str) -> bool:
        words = self.words.get(group, frozenset())
        return norm in words or (bool(stem) and stem in words)


def phrase_of(text: str) -> Phrase:
    """A lexicon phrase as word forms, tokenised like a prompt; a chunk ending in "*" makes its
    last token a stem."""
    forms: list[str] = []
    for chunk in text.split():
        if chunk.isalpha():  # most words: no digit, symbol, hyphen, apostrophe or stem mark
            forms.append(normalize_word(chunk))
            continue
        is_stem = chunk.endswith("*")
        words = [
            normalize_word(word) if word else number or symbol
            for _gap, number, word, symbol in TOKEN_RE.findall(chunk.rstrip("*"))
            if word or number or symbol
        ]
        if is_stem and words:
            words[-1] += "*"
        forms.extend(words)
    return tuple(forms)


def _read(name: str) -> dict[str, Any]:
    # A plain path beside the module: importlib.resources would cost more than the parsing.
    with open(os.path.join(_HERE, name), "rb") as file:
        return tomllib.load(file)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon, built on first use (a few milliseconds)."""
    lex = Lexicon()
    general, styles, parts = (
        _read("lexicon.toml"),
        _read("lexicon_styles.toml"),
        _read("lexicon_parts.toml"),
    )
    for category, phrases in general["phrases"].items():
        for text in phrases:
            _add(lex, text, (category, ""))
    _load_styles(lex, styles)
    _load_parts(lex, parts)
    _load_tempo_words(lex, general["tempo_words"])
    _load_key(lex, general["key"])
    for text, meter in general["meters"].items():
        _add(lex, text, ("meter", meter))
    for text, value in general["numbers"]["words"].items():
        _add(lex, text, ("number", str(value)))
    for group in ("language", "clause"):
        for name, words in general[group].items():
            lex.words[f"{group}.{name}"] = _word_set(lex, words)
    lex.concepts.freeze()
    lex.functions.freeze()
    return lex


def _add(lex: Lexicon, text: str, entry: Entry) -> None:
    phrase = phrase_of(text)
    if not phrase:
        raise ValueError(f"empty lexicon phrase {text!r} for {entry}")
    for form in phrase:
        if form.endswith("*"):
            lex.add_stem(form[:-1])
    index = lex.functions if entry[0] in FUNCTION_CATEGORIES else lex.concepts
    index.add(phrase, entry)


def _word_set(lex: Lexicon, words: list[str]) -> frozenset[str]:
    """Multi-word entries ("por favor") go in as phrases: the grammar checks them token by token."""
    forms: set[str] = set()
    for text in words:
        phrase = phrase_of(text)
        forms.update(phrase)
        for form in phrase:
            if form.endswith("*"):
                lex.add_stem(form[:-1])
    return frozenset(forms)


def _load_styles(lex: Lexicon, data: dict[str, Any]) -> None:
    for style, aliases in data["styles"].items():
        _check(style, STYLES, "style")
        for text in aliases:
            _add(lex, text, ("style", style))
    for text, style in data["related"].items():
        _check(style, STYLES, "style")
        _add(lex, text, ("related", style))
    for mood, aliases in data["moods"].items():
        _check(mood, MOODS, "mood")
        for text in aliases:
            _add(lex, text, ("mood", mood))


def _load_parts(lex: Lexicon, data: dict[str, Any]) -> None:
    for category, known in (("parts", PARTS), ("drum_elements", DRUM_ELEMENTS)):
        for part, aliases in data[category].items():
            _check(part, known, category)
            for text in aliases:
                _add(lex, text, ("part", part))
    for name, spec in data["instruments"].items():
        _check(spec["part"], PARTS, "instrument part")
        lex.instruments[name] = (int(spec["program"]), spec["part"])
        for text in spec["aliases"]:
            _add(lex, text, ("instrument", name))


def _load_tempo_words(lex: Lexicon, data: dict[str, Any]) -> None:
    needs_context = {phrase_of(text) for text in data["needs_context"]}
    for group in ("italian", "plain"):
        for text, word in data[group].items():
            _check(word, TEMPO_WORDS, "tempo word")
            category = "tempo_word_ctx" if phrase_of(text) in needs_context else "tempo_word"
            _add(lex, text, (category, word))
            if group == "italian":
                _add(lex, text, ("italian", word))
    lex.spanish_tempo = {phrase_of(text): word for text, word in data["spanish"].items()}


def _load_key(lex: Lexicon, data: dict[str, Any]) -> None:
    lex.letters = {phrase_of(k)[0]: int(v) for k, v in data["letters"].items()}
    lex.solfege = {phrase_of(k)[0]: int(v) for k, v in data["solfege"].items()}
    for name, words in data.items():
        if isinstance(words, list):
            lex.words[f"key.{name}"] = _word_set(lex, words)


def _check(value: str, known: tuple[str, ...], what: str) -> None:
    if value not in known:
        raise ValueError(f"lexicon: unknown {what} {value!r}")
