"""Read any Live set (Live 8 to 12, gzip or plain XML) as hostile input.

`load_document` sniffs the gzip magic (1f 8b), decompresses in bounded chunks and stops as soon as
the XML passes `max_xml_bytes` (a gzip bomb never gets inflated), checks the XML (no DTD, so no
entity expansion or external entities) and indexes it. `read_set` adds the Live checks: the
`Ableton` root, its `LiveSet`, and ids that point somewhere; then the facts (`facts.py`).
Every refusal is a `SetFormatError` (or `InvalidInput` for a missing file).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from musia.errors import InvalidInput, SetFormatError
from musia.formats.als.document import Document
from musia.formats.als.facts import SetInfo, extract_facts

DEFAULT_MAX_XML_BYTES = 512 * 1024 * 1024
_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_POINTEE = re.compile(
    rb'<(?:AutomationTarget|\w*ModulationTarget|Pointee|ControllerTargets\.\d+) Id="(\d+)"'
)
_POINTEE_REF = re.compile(rb'<PointeeId Value="(-?\d+)"')
_TRACK_ID = re.compile(rb'<(?:MidiTrack|AudioTrack|GroupTrack|ReturnTrack) Id="(-?\d+)"')
_GROUP_ID = re.compile(rb'<TrackGroupId Value="(-?\d+)"')
_GROUP_TRACK_ID = re.compile(rb'<GroupTrack Id="(-?\d+)"')
_ROUTED_TRACK = re.compile(rb'Value="[^"]*/Track\.(-?\d+)/')


@dataclass(slots=True)
class LiveSet:
    """A set as read: its document (the untouched bytes and their index) and its facts."""

    doc: Document
    info: SetInfo
    path: Path
    gzipped: bool


def read_bytes(path: Path, max_xml_bytes: int = DEFAULT_MAX_XML_BYTES) -> tuple[bytes, bool]:
    """The set's XML bytes and whether the file was gzip."""
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder, not a Live set", field="file")
    try:
        with path.open("rb") as file:
            raw = file.read(max_xml_bytes + 1)
    except FileNotFoundError:
        raise InvalidInput(f"no such file: {path}", field="file") from None
    if raw.startswith(_GZIP_MAGIC):
        return gunzip(raw, path.name, max_xml_bytes), True
    if len(raw) > max_xml_bytes:
        raise SetFormatError(f"{path.name} is larger than {_mb(max_xml_bytes)}")
    return raw, False


def gunzip(raw: bytes, name: str, max_xml_bytes: int) -> bytes:
    """Inflate gzip members in bounded steps, refusing output past `max_xml_bytes`."""
    chunks: list[bytes] = []
    total = 0
    data = raw
    while data:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            while data and not inflater.eof:
                chunk = inflater.decompress(data, _CHUNK)
                data = inflater.unconsumed_tail
                total += len(chunk)
                if total > max_xml_bytes:
                    raise SetFormatError(
                        f"{name} decompresses to more than {_mb(max_xml_bytes)}; refused"
                    )
                chunks.append(chunk)
        except zlib.error as exc:
            raise SetFormatError(f"{name} is a corrupt gzip file ({exc})") from None
        if not inflater.eof:
            raise SetFormatError(f"{name} is a truncated gzip file")
        data = inflater.unused_data
        if data and not data.startswith(_GZIP_MAGIC):
            break  # trailing bytes after the last member: gzip tools ignore them too
    return b"".join(chunks)


def load_document(path: Path, max_xml_bytes: int = DEFAULT_MAX_XML_BYTES) -> tuple[Document, bool]:
    data, gzipped = read_bytes(Path(path), max_xml_bytes)
    if not data.lstrip()[:1] == b"<":
        raise SetFormatError(f"{path.name} is neither a gzip file nor XML: not a Live set")
    return Document(data, path.name), gzipped


def read_set(path: Path, max_xml_bytes: int = DEFAULT_MAX_XML_BYTES) -> LiveSet:
    """Read, check and describe a Live set."""
    path = Path(path)
    doc, gzipped = load_document(path, max_xml_bytes)
    check_live_set(doc)
    return LiveSet(doc=doc, info=extract_facts(doc, path.parent), path=path, gzipped=gzipped)


def check_live_set(doc: Document) -> None:
    """The root is `Ableton` with a `LiveSet`, and every id reference points somewhere."""
    root = doc.root
    if root.tag != "Ableton":
        raise SetFormatError(f"{doc.name}: the root element is <{root.tag}>, not <Ableton>")
    if root.find("LiveSet") is None:
        raise SetFormatError(f"{doc.name}: there is no <LiveSet> in the document")
    check_references(doc)


def check_references(doc: Document) -> None:
    data = doc.data
    pointees = set(_POINTEE.findall(data))
    for ref in _POINTEE_REF.findall(data):
        if ref not in pointees and int(ref) > 0:
            raise SetFormatError(f"{doc.name}: PointeeId {ref.decode()} points at no target")
    tracks = set(_TRACK_ID.findall(data))
    groups = set(_GROUP_TRACK_ID.findall(data))
    for ref in _GROUP_ID.findall(data):
        if ref != b"-1" and ref not in groups:
            raise SetFormatError(f"{doc.name}: TrackGroupId {ref.decode()} is no group track")
    for ref in _ROUTED_TRACK.findall(data):
        if ref not in tracks:
            raise SetFormatError(f"{doc.name}: a routing points at track {ref.decode()}, absent")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"
