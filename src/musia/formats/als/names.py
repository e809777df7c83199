"""Names as a Live set may hold them: any text, made safe for XML and for Live's name fields.

XML 1.0 cannot carry most control characters, lone surrogates or U+FFFE/U+FFFF, so those become
spaces (or go); whitespace runs collapse; names are capped in length. Slashes, quotes, `<&>` and
emoji are kept: the serialiser escapes what XML needs.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 100
_SPACES = re.compile(r"\s+")
_DANGLING = "\u200d\ufe0e\ufe0f"  # joiners and variation selectors left at a cut


def clean_name(text: str, fallback: str = "") -> str:
    """`text` with characters XML or Live cannot show replaced, trimmed and capped."""
    kept = "".join(_safe_char(ch) for ch in text)
    name = _SPACES.sub(" ", kept).strip()
    if len(name) > MAX_NAME_CHARS:
        name = name[:MAX_NAME_CHARS].rstrip(_DANGLING).rstrip()
    return name or fallback


def _safe_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category in ("Cc", "Zl", "Zp"):
        return " "
    if category == "Cs" or ch in "\ufffe\uffff":
        return ""
    return ch
