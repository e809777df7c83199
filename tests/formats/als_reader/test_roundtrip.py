"""Fidelity: an unedited set is written back byte for byte, and our index of a set's elements
(tags, attributes, order, text) is the one the standard library's parser sees. The index is
compared on every third small corpus set here (ElementTree is slow); `bench/corpus_sweep.py`
compares every one."""

from __future__ import annotations

import gzip
from pathlib import Path

from musia.formats.als.document import Document, Element
from musia.formats.als.reader import read_bytes, read_set
from musia.formats.als.save import save_set
from tests.formats.als_reader.canon import Row, canonical
from tests.formats.als_reader.corpus import manifest, small_sets


def _ours(doc: Document) -> list[Row]:
    rows: list[Row] = []
    stack: list[tuple[Element, int]] = [(doc.root, 0)]
    while stack:
        element, depth = stack.pop()
        attrs = tuple(element.attrib.items())
        rows.append((depth, element.tag, attrs, element.text.strip()))
        stack.extend((child, depth + 1) for child in reversed(list(element)))
    return rows


def test_corpus_sets_round_trip_byte_for_byte(tmp_path: Path) -> None:
    """Read, write back (gzip when the input was), decompress: the very same XML. Every corpus
    set is read in test_manifest; here the small ones make the whole trip through a file."""
    rows = {r["local_file"]: r for r in manifest()}
    for path in small_sets():
        row = rows[path.name]
        live_set = read_set(path)
        out = tmp_path / "out.als"
        save_set(live_set.doc.to_bytes(), out, gzipped=live_set.gzipped)
        written = out.read_bytes()
        assert written.startswith(b"\x1f\x8b") == (row["gzip"] == "yes")
        xml = gzip.decompress(written) if live_set.gzipped else written
        original, _ = read_bytes(path)
        assert xml == original, row["local_file"]
        assert len(live_set.doc) > 0


def index_mismatches(sets: list[Path]) -> list[str]:
    """The sets whose index differs from what ElementTree sees."""
    wrong = []
    for path in sets:
        data, _ = read_bytes(path)
        if _ours(Document(data, path.name)) != canonical(data):
            wrong.append(path.name)
    return wrong


def test_our_index_sees_what_elementtree_sees() -> None:
    sets = small_sets()
    assert len(sets) > 60
    assert index_mismatches(sets[::3]) == []


def test_single_quoted_values_and_crlf_sets_are_indexed() -> None:
    data = (
        b'<?xml version="1.0" encoding="UTF-8"?>\r\n<Ableton A="1">\r\n\t<LiveSet>\r\n'
        b'\t\t<ViewData Value=\'{"a": "b>c"}\' />\r\n\t\t<X Value="it\'s &gt; 1" />\r\n'
        b"\t</LiveSet>\r\n</Ableton>\r\n"
    )
    doc = Document(data)
    assert doc.newline == b"\r\n"
    assert _ours(doc) == canonical(data)
    view = doc.root.find("LiveSet/ViewData")
    assert view is not None and view.value == '{"a": "b>c"}'
