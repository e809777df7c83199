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
# One scan finds both pointee targets (group 1) and references to them (group 2).
_POINTEES = re.compile(
    rb'<(?:(?:AutomationTarget|\w*ModulationTarget|Pointee|ControllerTargets\.\d+) Id="(\d+)"'
    rb'|PointeeId Value="(-?\d+)")'
)
_ROUTED_TRACK = re.compile(rb"/Track\.(-?\d+)/")


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
        size = path.stat().st_size
        if size > max_xml_bytes:  # a gzip is smaller than its XML: too large either way
            raise SetFormatError(f"{path.name} is larger than {_mb(max_xml_bytes)}")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"no such file: {path}", field="file") from None
    if raw.startswith(_GZIP_MAGIC):
        return gunzip(raw, path.name, max_xml_bytes), True
    if len(raw) > max_xml_bytes:
        raise SetFormatError(f"{path.name} is larger than {_mb(max_xml_bytes)}")
    return raw, False


def gunzip(raw: bytes, name: str, max_xml_bytes: int) -> bytes:
    """Inflate gzip members in bounded steps, refusing output past `max_xml_bytes`. The XML
    grows in one bytearray (a list of chunks joined at the end would hold it twice, plus)."""
    chunks = bytearray()
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
                chunks += chunk
        except zlib.error as exc:
            raise SetFormatError(f"{name} is a corrupt gzip file ({exc})") from None
        if not inflater.eof:
            raise SetFormatError(f"{name} is a truncated gzip file")
        data = inflater.unused_data
        if data and not data.startswith(_GZIP_MAGIC):
            break  # trailing bytes after the last member: gzip tools ignore them too
    return bytes(chunks)


def load_document(path: Path, max_xml_bytes: int = DEFAULT_MAX_XML_BYTES) -> tuple[Document, bool]:
    data, gzipped = read_bytes(Path(path), max_xml_bytes)
    if not data.lstrip()[:1] == b"<":
        raise SetFormatError(f"{path.name} is neither a gzip file nor XML: not a Live set")
    return Document(data, path.name), gzipped


def read_set(path: Path, max_xml_bytes: int = DEFAULT_MAX_XML_BYTES) -> LiveSet:
    """Read, check and describe a Live set."""
    path = Path(path)
    doc, gzipped = load_document(path, max_xml_bytes)
    info = checked_facts(doc, path.parent)
    return LiveSet(doc=doc, info=info, path=path, gzipped=gzipped)


def checked_facts(doc: Document, folder: Path) -> SetInfo:
    """The set's facts, once its root and every id reference are checked."""
    check_live_set(doc)
    info = extract_facts(doc, folder)
    check_track_references(doc, info)
    return info


def check_live_set(doc: Document) -> None:
    """The root is `Ableton` with a `LiveSet`, and every id reference points somewhere."""
    root = doc.root
    if root.tag != "Ableton":
        raise SetFormatError(f"{doc.name}: the root element is <{root.tag}>, not <Ableton>")
    if root.find("LiveSet") is None:
        raise SetFormatError(f"{doc.name}: there is no <LiveSet> in the document")
    check_references(doc)


def check_references(doc: Document) -> None:
    targets: set[bytes] = set()
    references: set[bytes] = set()
    for target, reference in _POINTEES.findall(doc.data):
        if target:
            targets.add(target)
        else:
            references.add(reference)
    for ref in sorted(references - targets):
        if int(ref) > 0:
            raise SetFormatError(f"{doc.name}: PointeeId {ref.decode()} points at no target")


def check_track_references(doc: Document, info: SetInfo) -> None:
    """Group ids name group tracks, routings (`.../Track.<Id>/...`) name tracks."""
    tracks = {t.track_id for t in info.tracks}
    groups = {t.track_id for t in info.tracks if t.type == "group"}
    for track in info.tracks:
        if track.group_id != -1 and track.group_id not in groups:
            raise SetFormatError(f"{doc.name}: TrackGroupId {track.group_id} is no group track")
    for ref in set(_ROUTED_TRACK.findall(doc.data)):
        if int(ref) not in tracks:
            raise SetFormatError(f"{doc.name}: a routing points at track {ref.decode()}, absent")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"
