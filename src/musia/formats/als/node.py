"""A small element tree for writing Live sets, and its serialiser.

Live's files are large (thousands of elements per track) and regular, so the writer builds a tree
of `Node`s with helper functions and serialises it by plain string building: faster than
`xml.etree` and byte-for-byte deterministic. Values are formatted the way Live writes them:
`true`/`false`, integers without a decimal point, other floats in their shortest exact form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import lru_cache

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# How Live escapes attribute values (tabs and newlines too); the reader escapes edits the same way.
ATTRIBUTE_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MAX_PLAIN_DIGITS = 17


class Node:
    """One element: a tag, its attributes already rendered (` Name="value"`, escaped, in writing
    order) and child elements; Live's files hold no text content. Rendering attributes once, when
    the element is built, keeps serialising a set with thousands of notes fast."""

    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: str = "", children: list[Node] | None = None) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children = children if children is not None else []

    def get(self, name: str) -> str | None:
        """An attribute's (escaped) value."""
        key = f' {name}="'
        at = self.attrs.find(key)
        if at < 0:
            return None
        begin = at + len(key)
        return self.attrs[begin : self.attrs.index('"', begin)]

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def iter(self) -> Iterator[Node]:
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def fmt(value: object) -> str:
    """A value as Live writes it in an attribute."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return fmt_float(value)
    return str(value)


@lru_cache(maxsize=8192)
def fmt_float(value: float) -> str:
    """Cached: note times and lengths repeat a few hundred values thousands of times."""
    if not math.isfinite(value):
        raise ValueError(f"a Live set cannot hold the number {value}")
    if value.is_integer():
        return str(int(value))
    text = repr(value)
    if "e" in text:  # Live writes plain decimals, never exponents
        text = f"{value:.{_MAX_PLAIN_DIGITS}f}".rstrip("0").rstrip(".")
    return text


def attr_text(value: object) -> str:
    """A value formatted and escaped for an attribute."""
    return escape(value) if isinstance(value, str) else fmt(value)


def el(tag: str, *children: Node, **attrs: object) -> Node:
    """An element with attributes (in keyword order) and children."""
    rendered = "".join(f' {k}="{attr_text(v)}"' for k, v in attrs.items())
    return Node(tag, rendered, list(children))


def val(tag: str, value: object) -> Node:
    """`<Tag Value="..." />`, the shape of most of Live's settings."""
    return Node(tag, f' Value="{attr_text(value)}"')


def lom(tag: str) -> Node:
    """`<Tag LomId="0" />`, the list wrappers Live writes for its object model."""
    return Node(tag, ' LomId="0"')


def values(*pairs: tuple[str, object]) -> list[Node]:
    """Several `val` elements in order, for the long runs of plain settings."""
    return [val(tag, value) for tag, value in pairs]


def escape(text: str) -> str:
    """Text for an attribute value: XML's specials escaped, characters XML 1.0 cannot hold
    dropped (callers clean names first; this keeps the document well-formed whatever comes)."""
    return _NOT_XML.sub("", text).translate(ATTRIBUTE_ESCAPES)


def serialize(root: Node) -> str:
    """The document as Live lays it out: tab indentation, `<Tag ... />` for empty elements."""
    out: list[str] = [XML_DECLARATION]
    _write(root, "", out)
    return "".join(out)


def _write(node: Node, indent: str, out: list[str]) -> None:
    if not node.children:
        out.append(f"{indent}<{node.tag}{node.attrs} />\n")
        return
    out.append(f"{indent}<{node.tag}{node.attrs}>\n")
    inner = indent + "\t"
    for child in node.children:
        _write(child, inner, out)
    out.append(f"{indent}</{node.tag}>\n")
