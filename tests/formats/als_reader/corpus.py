"""The real Live sets in ../shared/als-corpus and their independently counted facts."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from tests.conftest import shared_path

SMALL_XML_BYTES = 3_000_000


def corpus_dir() -> Path:
    return shared_path("als-corpus")


def manifest() -> list[dict[str, str]]:
    with (corpus_dir() / "MANIFEST.tsv").open(encoding="utf-8") as file:
        return list(csv.DictReader(file, delimiter="\t"))


def small_sets(limit_bytes: int = SMALL_XML_BYTES) -> list[Path]:
    """Sets whose XML is small enough for tests that rewrite or mutate them many times."""
    return [corpus_dir() / r["local_file"] for r in manifest() if int(r["xml_bytes"]) < limit_bytes]


def time_signature_code(numerator: int, denominator: int) -> int:
    return (numerator - 1) + 99 * int(math.log2(denominator))
