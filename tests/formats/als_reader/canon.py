"""Canonical XML for fidelity tests, from the standard library's parser (independent of ours):
every element as (depth, tag, attributes in order, stripped text), in document order."""

from __future__ import annotations

import difflib
import xml.etree.ElementTree as ET

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
    """Rows only in `before` (removed or changed) and rows only in `after` (added or changed)."""
    old, new = canonical(before), canonical(after)
    removed: list[Row] = []
    added: list[Row] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += old[i1:i2]
            added += new[j1:j2]
    return removed, added
