"""Tokens: the prompt cut into words, numbers and the few symbols the grammar reads.

Hyphens and apostrophes join words without being tokens ("lo-fi" = "lo fi", "drum'n'bass" =
"drum n bass"), so every spelling variant lands on the same token sequence. Anything that is not a
letter, digit or known symbol (emoji, control characters, other punctuation) only separates tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SYMBOLS = "#♯♭&/:,.;!?¿¡()@~=%+|"
# Each match: the gap before a token (anything that starts none), then a number ("1.5", "1,5"),
# a word, or one of the symbols the grammar reads, or the end of the text. findall runs it all in
# C. The gap is possessive and may end at the end of the text, so a long run of emoji or control
# characters is crossed once instead of being retried from every position (quadratic time).
TOKEN_RE = re.compile(rf"([^\w{_SYMBOLS}]*+)(?:(\d+(?:[.,]\d+)?)|([^\W\d_]+)|([{_SYMBOLS}])|\Z)")
_JOINERS = "-‐‑‒–—―−'’ʼ`´‘"  # every hyphen and apostrophe a keyboard makes
_MINUS = "-‐‑−–"
_LATIN_END = 0x24F  # accents are dropped on Latin letters only: Cyrillic й, ї stay letters
# A prompt is a sentence or a paragraph; beyond these only the start is read, so that any input
# (100 kB of noise, 100k symbols) costs a bounded few milliseconds. The scan itself is linear.
MAX_CHARS = 20_000
MAX_TOKENS = 5_000


class Token:
    """One word, number or symbol. A plain class: defining a dataclass costs about a millisecond
    of import time, and a long prompt makes thousands of these."""

    __slots__ = ("gap", "glued", "joined", "kind", "negative", "norm", "raw", "value")

    def __init__(
        self, raw: str, norm: str, kind: str, gap: str, glued: bool, joined: bool,
        value: float = 0.0, negative: bool = False,
    ) -> None:  # fmt: skip
        self.raw = raw  # as written
        self.norm = norm  # case-folded, accents off Latin letters, ё -> е
        self.kind = kind  # "w" word, "n" number, "s" symbol
        self.gap = gap  # what separates it from the previous token
        self.glued = glued  # nothing at all between it and the previous one ("140bpm", "F#m")
        self.joined = joined  # only a hyphen or apostrophe between them ("lo-fi", "it's")
        self.value = value  # numbers only
        self.negative = negative  # a number written "-3"


def tokenize(text: str, max_tokens: int = MAX_TOKENS) -> tuple[list[Token], bool]:
    """The tokens of `text` (NFKC-normalised first, so full-width and ligature forms read) and
    whether the text was cut to MAX_CHARS characters or `max_tokens` tokens."""
    clean = unicodedata.normalize("NFKC", text[:MAX_CHARS]).replace("_", " ")
    matches = TOKEN_RE.findall(clean)
    cut = len(text) > MAX_CHARS or len(matches) > max_tokens + 1  # +1: the match at the end
    tokens: list[Token] = []
    for gap, number, word, symbol in matches[:max_tokens]:
        first = not tokens
        glued = not gap and not first
        joined = not first and bool(gap) and not gap.strip(_JOINERS)
        if word:
            tokens.append(Token(word, normalize_word(word), "w", gap, glued, joined))
        elif number:
            negative = bool(gap) and gap[-1] in _MINUS and (len(gap) > 1 or first)
            norm = number.replace(",", ".")
            tokens.append(Token(number, norm, "n", gap, glued, joined, _to_float(norm), negative))
        elif symbol:
            tokens.append(Token(symbol, symbol, "s", gap, glued, joined))
    return tokens, cut


def _to_float(number: str) -> float:
    # float() has no digit limit (int() refuses > 4300 digits); a huge number becomes inf.
    try:
        return float(number)
    except ValueError:  # digits of other scripts that float() refuses
        return float("nan")


@lru_cache(maxsize=16384)
def normalize_word(word: str) -> str:
    """Case-fold and drop accents from Latin letters ("Melódico" -> "melodico"); keep Cyrillic
    letters whole except ё, which Russian writes as е more often than not."""
    if word.isascii():
        return word.lower()
    kept: list[str] = []
    for ch in unicodedata.normalize("NFD", word.casefold()):
        if unicodedata.combining(ch) and kept and _drops_mark(kept[-1], ch):
            continue
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


def _drops_mark(base: str, mark: str) -> bool:
    return ord(base) <= _LATIN_END or (base == "е" and mark == "\u0308")
