"""A prompt as tokens plus the phrases found in it, scanned once, left to right.

Each token has two word forms: its normalised text and the longest lexicon stem it starts with
(for Ukrainian and Russian inflections); a phrase word matches either. Concept phrases are matched
longest-first and own their tokens; function words are noted per token and own nothing. The scan
is linear: at each position only the phrases starting with that token's forms are tried, and the
readers then work from the per-category lists instead of rescanning the text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from musia.core.prompt.lexicon import Lexicon, Meaning, Phrase, PhraseIndex, lexicon
from musia.core.prompt.text import Token, tokenize

SENTENCE_END = frozenset({".", "!", "?", ";"})
# A capital letter A-G and a small "b" is how a flat note is written ("Db", "Gb"): never a unit
# ("dB", "GB") that would hide the key of D-flat.
_FLAT_NOTE_RE = re.compile(r"[A-G]b")
CLAUSE_END = SENTENCE_END | {",", ":", "(", ")", "|", "¿", "¡"}
_LEAD_IN = 8  # words allowed before an imperative: "could you please now just add"
_NO_FUNCTIONS: dict[str, int] = {}


class Span(NamedTuple):
    start: int  # first token
    end: int  # one past the last token
    phrase: Phrase
    cats: frozenset[str]
    values: dict[str, str]

    def has(self, category: str) -> bool:
        return category in self.cats

    def has_any(self, categories: frozenset[str]) -> bool:
        return not self.cats.isdisjoint(categories)

    def value(self, category: str) -> str | None:
        return self.values.get(category)


class Doc:
    def __init__(self, text: str, lex: Lexicon | None = None) -> None:
        self.lex = lex or lexicon()
        self.tokens, self.truncated = tokenize(text)
        self.norms = [t.norm for t in self.tokens]
        stem_of = self.lex.stem_of
        self.stems = [stem_of(t.norm) if t.kind == "w" else "" for t in self.tokens]
        self.owner: list[Span | None] = [None] * len(self.tokens)
        self.spans: list[Span] = []
        self.by_cat: dict[str, list[Span]] = {}
        self.fn: list[dict[str, int]] = [_NO_FUNCTIONS] * len(self.tokens)
        self.fn_pos: dict[str, list[int]] = {}
        self._sentences: list[int] | None = None
        self._scan_concepts()
        self._scan_functions()

    def __len__(self) -> int:
        return len(self.tokens)

    def _scan_concepts(self) -> None:
        i, n = 0, len(self.tokens)
        while i < n:
            found = self._longest(self.lex.concepts, i)
            if found is None:
                i += 1
                continue
            phrase, meaning = found
            if len(phrase) == 1 and self._flat_note_not_unit(i, meaning):
                i += 1
                continue
            span = Span(i, i + len(phrase), phrase, meaning.cats, meaning.values)
            self.spans.append(span)
            for cat in meaning.cats:
                self.by_cat.setdefault(cat, []).append(span)
            for k in range(span.start, span.end):
                self.owner[k] = span
            i = span.end

    def _flat_note_not_unit(self, i: int, meaning: Meaning) -> bool:
        return meaning.cats == {"other_unit"} and bool(_FLAT_NOTE_RE.fullmatch(self.tokens[i].raw))

    def _longest(self, index: PhraseIndex, i: int) -> tuple[Phrase, Meaning] | None:
        best: tuple[Phrase, Meaning] | None = None
        for form in (self.norms[i], self.stems[i]):
            for phrase, meaning in index.by_first.get(form, ()):
                if best is not None and len(phrase) <= len(best[0]):
                    break
                if self._matches(phrase, i):
                    best = (phrase, meaning)
                    break
        return best

    def _matches(self, phrase: Phrase, i: int) -> bool:
        if i + len(phrase) > len(self.tokens):
            return False
        norms, stems = self.norms, self.stems
        return all(word in (norms[i + k], stems[i + k]) for k, word in enumerate(phrase))

    def _scan_functions(self) -> None:
        index = self.lex.functions
        for i, (norm, stem) in enumerate(zip(self.norms, self.stems, strict=True)):
            single = index.single.get(norm) or index.single.get(stem)
            found = dict.fromkeys(single.cats, 1) if single else None
            if norm in index.multi_first or stem in index.multi_first:
                found = self._multi_functions(index, i, found or {})
            if found:
                self.fn[i] = found
                for cat in found:
                    self.fn_pos.setdefault(cat, []).append(i)

    def _multi_functions(self, index: PhraseIndex, i: int, found: dict[str, int]) -> dict[str, int]:
        for form in (self.norms[i], self.stems[i]):
            for phrase, meaning in index.by_first.get(form, ()):
                if len(phrase) > 1 and self._matches(phrase, i):
                    for cat in meaning.cats:
                        found[cat] = max(found.get(cat, 0), len(phrase))
        return found

    # ---- lookups used by the readers --------------------------------------------------------
    def tok(self, i: int) -> Token | None:
        return self.tokens[i] if 0 <= i < len(self.tokens) else None

    def cat(self, category: str) -> list[Span]:
        """The concept spans of a category, in text order."""
        return self.by_cat.get(category, [])

    def span_at(self, i: int) -> Span | None:
        """The concept span that starts at token i."""
        if 0 <= i < len(self.owner):
            span = self.owner[i]
            if span is not None and span.start == i:
                return span
        return None

    def span_ending(self, i: int) -> Span | None:
        """The concept span whose last token is i."""
        if 0 <= i < len(self.owner):
            span = self.owner[i]
            if span is not None and span.end == i + 1:
                return span
        return None

    def spans_between(self, lo: int, hi: int) -> list[Span]:
        """Concept spans that start at a token in [lo, hi)."""
        return [span for k in range(max(0, lo), min(hi, len(self))) if (span := self.span_at(k))]

    def func(self, i: int, category: str) -> int:
        """Length of a function phrase of `category` starting at token i (0 when none)."""
        return self.fn[i].get(category, 0) if 0 <= i < len(self.fn) else 0

    def func_ending(self, i: int, category: str) -> int:
        """Start of a function phrase of `category` that ends at token i (-1 when none)."""
        for start in range(i, max(-1, i - 3), -1):
            if self.func(start, category) == i - start + 1:
                return start
        return -1

    def word_in(self, i: int, group: str) -> bool:
        """Whether token i is in a word set of the lexicon ("key.major", "clause.before_verb")."""
        if not 0 <= i < len(self.tokens):
            return False
        return self.lex.has(group, self.norms[i], self.stems[i])

    def is_punct(self, i: int, marks: frozenset[str] = CLAUSE_END) -> bool:
        token = self.tok(i)
        return token is not None and token.kind == "s" and token.raw in marks

    def at_clause_start(self, i: int) -> bool:
        """Whether token i opens a clause, allowing "please", "now", "can you", "I want you to"…"""
        for k in range(i - 1, max(-1, i - 1 - _LEAD_IN), -1):
            if self.is_punct(k):
                return True
            if not (self.word_in(k, "clause.before_verb") or self.func(k, "connector")):
                return False
        return i <= _LEAD_IN

    def sentence(self, i: int) -> int:
        """The number of the sentence token i is in (counted on first use)."""
        if self._sentences is None:
            ids, current = [], 0
            for token in self.tokens:
                ids.append(current)
                current += token.kind == "s" and token.raw in SENTENCE_END
            self._sentences = ids
        return self._sentences[i]

    def raw(self, span: Span) -> str:
        """The span's words as written (with their hyphens and spaces)."""
        tokens = self.tokens[span.start : span.end]
        return tokens[0].raw + "".join(t.gap + t.raw for t in tokens[1:])
