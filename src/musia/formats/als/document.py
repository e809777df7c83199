"""A Live set's XML kept as its own bytes, with a compact index of its elements, and byte splices.

Fidelity and memory both ask for the same thing: keep the document exactly as it came. The bytes
stay untouched; the index holds, per element, the offsets of its start tag and its end and the
index of the first element after its subtree, in four int64 arrays (32 bytes per element, where a
Python element object costs ~500). Tokenising is vectorised with numpy (Live writes no comments,
CDATA or processing instructions, so every `<` opens a tag), after expat has checked that the
document is well-formed XML with no DTD (so no entity expansion, no external entities).

Edits are splices on the original bytes (`Document.replace`, `set_attr`, `remove`, `insert`):
everything an edit does not touch is written back byte for byte, and `commit()` returns the
edited document, re-read and re-indexed.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

from musia.errors import SetFormatError
from musia.formats.als.node import ATTRIBUTE_ESCAPES

_OPEN_TAG = ord("<")
_CLOSE_TAG = ord(">")
_QUOTE = ord('"')
_SLASH = ord("/")
_NAME = re.compile(rb"<([^\s/>]+)")
_ATTR = re.compile(rb"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""")
_APOSTROPHE = ord("'")
_CHECK_CHUNK = 1 << 20
_SCAN_CHUNK = 1 << 23
_AFTER_NAME = frozenset(b" \t\r\n/>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']+)["']""")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


class _Refused(Exception):
    """Raised inside expat's callbacks to stop at the first DTD or entity declaration."""


def unescape(text: str) -> str:
    if "&" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        ref = match.group(1)
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        return _NAMED[ref]

    return _ENTITY.sub(one, text)


def escape(text: str) -> str:
    return text.translate(ATTRIBUTE_ESCAPES)


def check_xml(data: bytes, name: str) -> None:
    """Well-formed XML without a DTD, in UTF-8; else SetFormatError. A DTD is refused outright:
    Live never writes one, and it is where entity bombs and external entities live."""
    head = data[:200]
    declared = _ENCODING.search(head.split(b"?>", 1)[0]) if head.startswith(b"<?xml") else None
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        encoding = declared.group(1).decode("ascii", "replace")
        raise SetFormatError(f"{name}: the XML is in {encoding}; Live sets are UTF-8")
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_: object) -> None:
        raise _Refused

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    view = memoryview(data)
    try:
        for begin in range(0, len(data), _CHECK_CHUNK):  # in chunks: expat copies what it gets
            parser.Parse(view[begin : begin + _CHECK_CHUNK], False)
        parser.Parse(b"", True)
    except _Refused:
        raise SetFormatError(
            f"{name}: the XML declares a DTD or entities, which a Live set never has (refused)"
        ) from None
    except expat.ExpatError as exc:
        raise SetFormatError(f"{name}: not well-formed XML ({exc})") from None


class Document:
    """The XML bytes of a set and their element index; elements are `Element` handles."""

    def __init__(self, data: bytes, name: str = "set", *, checked: bool = False) -> None:
        if not checked:
            check_xml(data, name)
        self.data = data
        self.name = name
        self.newline = b"\r\n" if b"\r\n" in data[:400] else b"\n"
        self.start, self.head_end, self.end, self.stop = _index(data, name)
        self._splices: list[tuple[int, int, int, bytes]] = []

    def __len__(self) -> int:
        return len(self.start)

    @property
    def root(self) -> Element:
        if not len(self.start):
            raise SetFormatError(f"{self.name}: the XML has no element")
        return Element(self, 0)

    def element_at(self, offset: int) -> Element:
        """The element whose start tag begins at byte `offset`."""
        import bisect

        return Element(self, bisect.bisect_left(self.start, offset))

    # --- splices --------------------------------------------------------------------------

    def replace(self, begin: int, end: int, text: bytes) -> None:
        self._splices.append((begin, end, len(self._splices), text))

    def set_attr(self, element: Element, name: str, value: str) -> None:
        span = element.attr_span(name)
        encoded = escape(value).encode("utf-8")
        if span is None:
            at = self.head_end[element.i] - (2 if element.is_empty else 1)
            while self.data[at - 1 : at] == b" ":
                at -= 1
            self.replace(at, at, b" " + name.encode("ascii") + b'="' + encoded + b'"')
        else:
            self.replace(span[0], span[1], encoded)

    def remove(self, element: Element) -> None:
        """Remove an element with its own line (indentation and line break) when it has one."""
        begin, end = self.start[element.i], self.end[element.i]
        line_start = self.data.rfind(b"\n", 0, begin) + 1
        if self.data[line_start:begin].strip(b" \t") == b"" and self.data.startswith(
            self.newline, end
        ):
            begin, end = line_start, end + len(self.newline)
        self.replace(begin, end, b"")

    def indent(self, element: Element) -> bytes:
        begin = self.start[element.i]
        line_start = self.data.rfind(b"\n", 0, begin) + 1
        return self.data[line_start:begin]

    def append_child(self, parent: Element, lines: list[str]) -> None:
        """Insert rendered lines (already indented relative to the parent) as its last children."""
        unit = b"\t"
        inner = self.indent(parent) + unit
        body = b"".join(inner + line.encode("utf-8") + self.newline for line in lines)
        i = parent.i
        if parent.is_empty:
            head = self.data[self.start[i] : self.head_end[i]]
            opened = head[:-2].rstrip() + b">"
            close = b"</" + parent.tag.encode("ascii") + b">"
            text = opened + self.newline + body + self.indent(parent) + close
            self.replace(self.start[i], self.end[i], text)
            return
        close_at = self.data.rfind(b"</", 0, self.end[i])
        line_start = self.data.rfind(b"\n", 0, close_at) + 1
        if self.data[line_start:close_at].strip(b" \t") == b"":
            self.replace(line_start, line_start, body)
        else:
            self.replace(close_at, close_at, self.newline + body)

    def insert_after(self, sibling: Element, lines: list[str]) -> None:
        """Insert rendered lines (indented relative to the sibling) right after it."""
        pad = self.indent(sibling)
        body = b"".join(self.newline + pad + line.encode("utf-8") for line in lines)
        self.replace(self.end[sibling.i], self.end[sibling.i], body)

    @property
    def edited(self) -> bool:
        return bool(self._splices)

    def to_bytes(self) -> bytes:
        """The document with every splice applied; untouched bytes are the original's."""
        if not self._splices:
            return self.data
        pieces, at = [], 0
        for begin, end, _, text in sorted(self._splices):
            if begin < at:  # inside a span already replaced (e.g. an edit of a removed track)
                continue
            pieces += [self.data[at:begin], text]
            at = end
        pieces.append(self.data[at:])
        return b"".join(pieces)

    def commit(self) -> Document:
        """The edited document, re-read (and re-checked) from its new bytes."""
        return Document(self.to_bytes(), self.name) if self._splices else self


class Element:
    """A handle on one element of a Document (by index); cheap to create and throw away."""

    __slots__ = ("doc", "i")

    def __init__(self, doc: Document, i: int) -> None:
        self.doc = doc
        self.i = i

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Element) and other.doc is self.doc and other.i == self.i

    def __hash__(self) -> int:
        return hash((id(self.doc), self.i))

    def __repr__(self) -> str:
        return f"<Element {self.tag} #{self.i}>"

    @property
    def head(self) -> bytes:
        return self.doc.data[self.doc.start[self.i] : self.doc.head_end[self.i]]

    @property
    def tag(self) -> str:
        match = _NAME.match(self.doc.data, self.doc.start[self.i])
        return match.group(1).decode("utf-8") if match else ""

    @property
    def is_empty(self) -> bool:
        return self.doc.head_end[self.i] == self.doc.end[self.i]

    @property
    def attrib(self) -> dict[str, str]:
        return {
            k.decode("utf-8"): unescape((v or w).decode("utf-8"))
            for k, v, w in _ATTR.findall(self.head, len(self.tag) + 1)
        }

    def get(self, name: str, default: str | None = None) -> str | None:
        span = self.attr_span(name)
        if span is None:
            return default
        return unescape(self.doc.data[span[0] : span[1]].decode("utf-8"))

    def attr_span(self, name: str) -> tuple[int, int] | None:
        """Byte offsets of an attribute's value in the document."""
        begin = self.doc.start[self.i]
        key = name.encode("ascii")
        for match in _ATTR.finditer(self.doc.data, begin, self.doc.head_end[self.i]):
            if match.group(1) == key:
                return match.span(2) if match.group(2) is not None else match.span(3)
        return None

    @property
    def value(self) -> str | None:
        """`Value` attribute: most of Live's settings are `<Tag Value="..." />`."""
        return self.get("Value")

    @property
    def text(self) -> str:
        """Character data directly inside (Live keeps some binary blobs as hex text)."""
        if self.is_empty:
            return ""
        first = self.i + 1  # the first child, when there is one
        end = self.doc.start[first] if first < self.doc.stop[self.i] else self.doc.end[self.i]
        raw = self.doc.data[self.doc.head_end[self.i] : end]
        text = raw.decode("utf-8").split("</", 1)[0]
        return unescape(text.replace("\r\n", "\n").replace("\r", "\n"))  # XML's line ends

    def __iter__(self) -> Iterator[Element]:
        doc, stop = self.doc, self.doc.stop
        j, last = self.i + 1, stop[self.i]
        while j < last:
            yield Element(doc, j)
            j = stop[j]

    def has_tag(self, tag: bytes) -> bool:
        at = self.doc.start[self.i] + 1
        data = self.doc.data
        return data.startswith(tag, at) and data[at + len(tag)] in _AFTER_NAME

    def children(self, tag: str) -> Iterator[Element]:
        name = tag.encode("ascii")
        return (c for c in self if tag == "*" or c.has_tag(name))

    def find(self, path: str) -> Element | None:
        """The first element down a `/`-separated path of child tags."""
        node: Element | None = self
        for tag in path.split("/"):
            if node is None:
                return None
            node = next(node.children(tag), None)
        return node

    def findall(self, path: str) -> list[Element]:
        """Every element down a `/`-separated path of child tags (`*` for any)."""
        nodes = [self]
        for tag in path.split("/"):
            nodes = [c for n in nodes for c in n.children(tag)]
        return nodes

    def iter(self, *tags: str) -> Iterator[Element]:
        """Descendants with one of `tags`, in document order, found by a regex scan of the
        subtree's bytes (C speed) rather than by visiting every element."""
        import bisect

        doc = self.doc
        names = b"|".join(re.escape(t.encode("ascii")) for t in tags)
        pattern = re.compile(rb"<(?:" + names + rb")[\s/>]")
        for match in pattern.finditer(doc.data, doc.head_end[self.i], doc.end[self.i]):
            yield Element(doc, bisect.bisect_left(doc.start, match.start()))

    def value_of(self, path: str, default: str | None = None) -> str | None:
        node = self.find(path)
        return node.value if node is not None and node.value is not None else default


def _index(data: bytes, name: str) -> tuple[array[int], array[int], array[int], array[int]]:
    """start, head_end, end and subtree stop of every element, in document order. Offsets are
    int32 below 2 GiB (half the memory), temporaries are dropped as soon as they are used."""
    import numpy as np

    raw = np.frombuffer(data, dtype=np.uint8)
    kind = np.int32 if len(data) < 2**31 - 1 else np.int64
    lt = _positions(raw, _OPEN_TAG).astype(kind)
    gt = _positions(raw, _CLOSE_TAG).astype(kind)
    if not len(lt) or not len(gt) or lt[-1] + 1 >= len(data):
        raise SetFormatError(f"{name}: the XML has no element")
    after = raw[lt + 1]
    special = (after == ord("?")) | (after == ord("!"))
    if special[1:].any() or (special[0] and not data.startswith(b"<?xml", int(lt[0]))):
        raise SetFormatError(f"{name}: comments, CDATA and processing instructions are not read")
    if special[0]:
        lt, after = lt[1:], after[1:]
    tag_close = gt[np.minimum(np.searchsorted(gt, lt), len(gt) - 1)]
    del gt
    _fix_quoted(data, raw, lt, tag_close, name)
    closing = after == _SLASH
    del after
    empty = raw[tag_close - 1] == _SLASH
    delta = np.ones(len(lt), dtype=np.int32)
    delta[closing] = -1
    delta[empty] = 0
    level = np.cumsum(delta, dtype=np.int32)
    level[~closing] -= delta[~closing]
    del delta
    paired = np.flatnonzero(~empty)
    order = paired[np.argsort(level[paired], kind="stable")]
    del level, paired
    opens, closes = order[0::2], order[1::2]
    if len(opens) != len(closes) or closing[opens].any() or not closing[closes].all():
        raise SetFormatError(f"{name}: the XML's tags do not nest")
    end = tag_close + 1
    end[opens] = tag_close[closes] + 1
    del order, opens, closes
    elements = ~closing
    columns = [lt[elements], tag_close[elements] + 1, end[elements]]
    del lt, tag_close, end
    columns.append(np.searchsorted(columns[0], columns[2]).astype(kind))
    code = "i" if kind is np.int32 else "q"
    result = []
    for column in columns:
        packed = array(code)
        packed.frombytes(np.ascontiguousarray(column).data.cast("B"))
        result.append(packed)
    return result[0], result[1], result[2], result[3]


def _positions(raw: Any, byte: int) -> Any:
    """Offsets of `byte`, found block by block so that no document-sized mask is ever made."""
    import numpy as np

    found = [
        np.flatnonzero(raw[begin : begin + _SCAN_CHUNK] == byte) + begin
        for begin in range(0, len(raw), _SCAN_CHUNK)
    ]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _fix_quoted(data: bytes, raw: Any, lt: Any, tag_close: Any, name: str) -> None:
    """Move the end of tags whose attribute values hold '>' to the right place. `<` never
    appears raw inside a value, so only tags with an apostrophe (Live single-quotes values
    that hold double quotes) or an odd count of `"` before the first `>` need a closer look."""
    import numpy as np

    quotes = _positions(raw, _QUOTE)
    apostrophes = _positions(raw, _APOSTROPHE)
    odd = (np.searchsorted(quotes, tag_close) - np.searchsorted(quotes, lt)) % 2 == 1
    next_lt = np.append(lt[1:], len(raw))
    with_apostrophe = np.searchsorted(apostrophes, next_lt) > np.searchsorted(apostrophes, lt)
    for k in np.flatnonzero(odd | with_apostrophe).tolist():
        if raw[lt[k] + 1] == _SLASH:
            continue
        match = _TAG.match(data, int(lt[k]))
        if match is None:
            raise SetFormatError(f"{name}: a tag at byte {int(lt[k])} cannot be read")
        tag_close[k] = match.end() - 1
