"""Search queries over a sample library: parsing what a producer types, filtering and ranking.
The one semantics of `musia samples search` (the CLI's index) and GET /api/v1/samples (the
service's table, whose rows `musia.services.samples` describes in the index's shape).

`--key Am`, `--key "F# minor"`, `--key Bb`, `--key "la menor"`: a tonic with a mode matches that
key only; a bare tonic (`F#`) matches both of its modes; every spelling the prompt reader takes
is read (`musia.core.prompt.key.read_key_name`). `--bpm 120-128` (or one number, which
means ±2 %) keeps loops in the range; one-shots have no tempo and drop out. `--text dark kick`
keeps samples whose path inside the indexed folder, or tags, hold every word. Ranking: a text
word in the file name first, then how sure the class is, then (with --bpm) how near the middle
of the range, then the path. The service also filters by its style tag (`style`, any case).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from musia.audio.sample_classes import CLASSES, NAME_HINTS
from musia.core.prompt.key import KeyName, read_key_name
from musia.errors import InvalidInput

MIN_BPM, MAX_BPM = 20.0, 999.0
_BPM_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:(?:-|–|\.\.|to)\s*(\d+(?:\.\d+)?))?\s*$")


def parse_key(text: str) -> KeyName:
    """The one key reading of sample queries and tags (`read_key_name`, the prompt reader's
    spellings): "Am" = "A minor" = "a-moll" = "la menor" = "ля мінор"; anything else refused."""
    found = read_key_name(text)
    if found is None:
        raise InvalidInput(
            f"cannot read the key {text!r}: write a tonic and an optional mode, "
            "e.g. Am, F#, C major, Bb minor, la menor, ля мінор",
            field="key",
        )
    return found


def parse_bpm_range(text: str) -> tuple[float, float]:
    """ "120-128" → (120, 128); "124" → 124 ± 2 %. Bounds must be 20-999 BPM, low ≤ high."""
    match = _BPM_RANGE.match(text)
    if not match:
        raise InvalidInput(
            f"cannot read the tempo range {text!r}: write LOW-HIGH, e.g. 120-128", field="bpm"
        )
    low = float(match.group(1))
    high = float(match.group(2)) if match.group(2) else low
    if match.group(2) is None:
        low, high = low * 0.98, high * 1.02
    if low > high:
        raise InvalidInput(f"the tempo range {text!r} runs backwards", field="bpm")
    if low < MIN_BPM or high > MAX_BPM:
        raise InvalidInput(
            f"the tempo range {text!r} is outside {MIN_BPM:g}-{MAX_BPM:g} BPM", field="bpm"
        )
    return low, high


def parse_type(text: str) -> str:
    """A class name, its plural or a name hint ("kicks", "hihat", "808") → the class."""
    word = text.strip().lower()
    if word in CLASSES:
        return word
    if word in NAME_HINTS:
        return NAME_HINTS[word]
    if word.rstrip("s") in CLASSES:
        return word.rstrip("s")
    if word in {"one-shot", "oneshot", "one shot"}:
        return "one-shot"
    raise InvalidInput(
        f"unknown sample type {text!r}: use one of {', '.join(CLASSES)}, one-shot", field="type"
    )


@dataclass(frozen=True, slots=True)
class SampleQuery:
    """One query for both libraries: `musia samples search` over the CLI's index and
    GET /api/v1/samples over the service's table read the same fields and match with `matches`."""

    class_name: str | None = None  # a class, "loop" or "one-shot"
    bpm_range: tuple[float, float] | None = None
    key: KeyName | None = None
    words: tuple[str, ...] = ()
    limit: int | None = None
    style: str | None = None  # the service's style tag, compared without case

    @classmethod
    def parse(
        cls,
        *,
        type_text: str | None = None,
        bpm_text: str | None = None,
        bpm_min: float | None = None,
        bpm_max: float | None = None,
        key_text: str | None = None,
        text: str | None = None,
        style: str | None = None,
        limit: int | None = None,
    ) -> SampleQuery:
        if limit is not None and limit < 1:
            raise InvalidInput("the limit must be at least 1", field="limit")
        return cls(
            class_name=parse_type(type_text) if type_text else None,
            bpm_range=parse_bpm_range(bpm_text) if bpm_text else _bounds(bpm_min, bpm_max),
            key=parse_key(key_text) if key_text else None,
            words=tuple(w.lower() for w in (text or "").split()),
            limit=limit,
            style=style.strip().lower() if style and style.strip() else None,
        )


def _bounds(low: float | None, high: float | None) -> tuple[float, float] | None:
    """ "from 100", "to 130" or both, as a range; a range that runs backwards is refused."""
    if low is None and high is None:
        return None
    low_bpm, high_bpm = low if low is not None else 0.0, high if high is not None else MAX_BPM
    if low_bpm > high_bpm:
        raise InvalidInput(f"the tempo range {low_bpm:g}-{high_bpm:g} runs backwards", field="bpm")
    return low_bpm, high_bpm


def matches(query: SampleQuery, row: dict[str, object]) -> bool:
    """Whether an indexed (not skipped) sample's row passes every filter of the query."""
    if query.class_name == "one-shot":
        if row["kind"] != "one-shot":
            return False
    elif query.class_name == "loop":
        if row["kind"] != "loop":
            return False
    elif query.class_name and query.class_name not in (row["class_name"], row["instrument"]):
        return False
    if query.bpm_range:
        bpm = row["bpm"]
        if not isinstance(bpm, int | float) or not query.bpm_range[0] <= bpm <= query.bpm_range[1]:
            return False
    if query.key and (
        row["key_tonic_pc"] != query.key.tonic_pc
        or (query.key.mode is not None and row["key_mode"] != query.key.mode)
    ):
        return False
    if query.style and str(row.get("style") or "").lower() != query.style:
        return False
    if not query.words:
        return True
    haystack = f"{_library_path(row)} {row['tags']}".lower()
    return all(word in haystack for word in query.words)


def _library_path(row: dict[str, object]) -> str:
    """The path inside the indexed folder: words of the folders above it (a user name, a date,
    a temporary folder) say nothing about the sample."""
    path, root = str(row["path"]), str(row.get("root") or "")
    return os.path.relpath(path, root) if root and path.startswith(root) else path


def rank(query: SampleQuery, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    middle = sum(query.bpm_range) / 2 if query.bpm_range else None

    def order(row: dict[str, object]) -> tuple[float, float, float, str]:
        name = str(row["name"]).lower()
        in_name = sum(word in name for word in query.words)
        confidence = row["class_confidence"]
        bpm = row["bpm"]
        distance = abs(bpm - middle) if middle is not None and isinstance(bpm, float) else 0.0
        sure = float(confidence) if isinstance(confidence, int | float) else 0.0
        return (-in_name, -round(sure, 2), distance, str(row["path"]))

    ranked = sorted(rows, key=order)
    return ranked[: query.limit] if query.limit else ranked
