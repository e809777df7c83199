"""Live's instrument devices as small tables of parameters, and the walker that builds them.

A device section is a tuple of items, each `(kind, tag, ...)`:

- `("F", tag, default, low, high)`: a modulatable continuous parameter (`params.float_param`);
  `"f"` the same without a `ModulationTarget`;
- `("B", tag, default)`: a switch; `("E", tag, default, low, high)`: a stepped parameter (Live 12
  gives it a MIDI range, Live 11 does not); `("e", tag, default)`: one without a range in both;
- `("V", tag, value)`: a plain setting; `("L", tag)`: a list wrapper (`LomId="0"`);
- `("G", tag, items)`: an element holding other items;
- `("12", item)` / `("11", item)`: an item only that Live version writes.

`overrides` maps a tag path ("VolumeAndPan/Envelope/ReleaseTime") to the value written instead
of the table's default, so one table serves every sound.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from musia.formats.als.node import Node, el, lom, val
from musia.formats.als.params import Build, bool_param, enum_param, float_param

Item = tuple[Any, ...]
Overrides = Mapping[str, Any]  # numbers and switches, by tag path


def build_items(
    b: Build, items: tuple[Item, ...], overrides: Overrides | None = None, prefix: str = ""
) -> list[Node]:
    """The elements of `items`, in order."""
    nodes: list[Node] = []
    for item in items:
        node = _build(b, item, overrides or {}, prefix)
        if node is not None:
            nodes.append(node)
    return nodes


def _build(b: Build, item: Item, overrides: Overrides, prefix: str) -> Node | None:
    kind = item[0]
    if kind in ("11", "12"):
        return _build(b, item[1], overrides, prefix) if (kind == "12") == b.fmt.is12 else None
    tag = item[1]
    path = f"{prefix}{tag}"
    if kind == "G":
        if _has_targets(item) or any(key.startswith(f"{path}/") for key in overrides):
            return el(tag, *build_items(b, item[2], overrides, f"{path}/"))
        return _static_group(b, item)
    if kind == "L":
        return lom(tag)
    value = overrides.get(path, item[2])
    if kind == "V":
        return val(tag, value)
    if kind in ("F", "f"):
        return float_param(tag, b, float(value), item[3], item[4], modulated=kind == "F")
    if kind == "B":
        return bool_param(tag, b, bool(value))
    if kind == "E":
        return enum_param(tag, b, int(value), (int(item[3]), int(item[4])))
    if kind == "e":
        return enum_param(tag, b, int(value))
    raise ValueError(f"unknown device item kind {kind!r}")


# Groups without automation targets are the same elements in every device of a format: built
# once and shared (nothing changes a built element). The cache holds each item too, so that an
# item's id is never reused for another while its entry lives.
_STATIC_GROUPS: dict[tuple[int, bool], tuple[Item, Node]] = {}
_TARGET_KINDS = frozenset("FfBEe")
_HAS_TARGETS: dict[int, tuple[Item, bool]] = {}


def _static_group(b: Build, item: Item) -> Node:
    key = (id(item), b.fmt.is12)
    cached = _STATIC_GROUPS.get(key)
    if cached is None:
        cached = _STATIC_GROUPS[key] = (item, el(item[1], *build_items(b, item[2])))
    return cached[1]


def _has_targets(item: Item) -> bool:
    cached = _HAS_TARGETS.get(id(item))
    if cached is None:
        kind = item[0]
        if kind in ("11", "12"):
            found = _has_targets(item[1])
        elif kind == "G":
            found = any(_has_targets(child) for child in item[2])
        else:
            found = kind in _TARGET_KINDS
        cached = _HAS_TARGETS[id(item)] = (item, found)
    return cached[1]


def repeated(items: tuple[Item, ...], tag: str, count: int) -> tuple[Item, ...]:
    """`tag.0` … `tag.<count-1>`, each holding `items` (Live's numbered parameter families)."""
    return tuple(("G", f"{tag}.{i}", items) for i in range(count))
