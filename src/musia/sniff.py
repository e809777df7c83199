"""What a file is, from its first bytes (never its name or a client's claim)."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass

from musia.errors import UnsupportedType

SNIFF_BYTES = 64


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


WAV = Kind("audio/wav", ".wav")
FLAC = Kind("audio/flac", ".flac")
OGG = Kind("audio/ogg", ".ogg")
MP3 = Kind("audio/mpeg", ".mp3")
AIFF = Kind("audio/aiff", ".aiff")
ALS = Kind("application/gzip", ".als")
XML_SET = Kind("application/xml", ".als")  # Live also opens an uncompressed set


def sniff_audio(head: bytes) -> Kind:
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head[:4] == b"fLaC":
        return FLAC
    if head[:4] == b"OggS":
        return OGG
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return MP3
    if head[:4] == b"FORM" and head[8:12] in {b"AIFF", b"AIFC"}:
        return AIFF
    raise UnsupportedType(
        "not an audio file this service reads (WAV, FLAC, OGG, MP3 or AIFF, by content)",
        field="file",
    )


def sniff_set(head: bytes, stream: io.BufferedIOBase | None = None) -> Kind:
    """A Live set is gzip of XML, or the XML itself: check the XML starts where it should."""
    if head[:2] == b"\x1f\x8b":
        if stream is not None and not _looks_like_xml(_gunzip_head(stream)):
            raise UnsupportedType("a gzip file that does not hold a Live set", field="file")
        return ALS
    if _looks_like_xml(head):
        return XML_SET
    raise UnsupportedType("not a Live set (.als: gzip of XML, or the XML itself)", field="file")


def _looks_like_xml(head: bytes) -> bool:
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text.startswith((b"<?xml", b"<Ableton"))


def _gunzip_head(stream: io.BufferedIOBase) -> bytes:
    try:
        return gzip.GzipFile(fileobj=stream, mode="rb").read(SNIFF_BYTES)
    except (OSError, EOFError):
        return b""
    finally:
        stream.seek(0)
