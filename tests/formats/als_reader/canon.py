"""Canonical XML for fidelity tests, from the standard library's parser (independent of ours):
every element as (depth, tag, attributes in order, stripped text), in document order."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

Row = tuple[int, str, tuple[tuple[str, str], ...], str]


def canonical(xml: bytes) -> list[Row]:
    rows: list[Row] = []
    stack = [(ET.fromstring(xml), 0)]
    while stack:
        element, depth = stack.pop()
        rows.append(
            (depth, element.tag, tuple(element.attrib.items()), (element.text or "").strip())
        )
        stack.extend((child, depth + 1) for child in reversed(element))
    return rows


def changed(before: bytes, after: bytes) -> tuple[list[Row], list[Row]]:
    """Rows only in `before` (removed or changed) and rows only in `after` (added or changed),
    as multisets: linear time on sets of a million elements, where a sequence diff is not."""
    old, new = Counter(canonical(before)), Counter(canonical(after))
    return sorted((old - new).elements()), sorted((new - old).elements())
