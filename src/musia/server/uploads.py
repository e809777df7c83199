"""Uploads: the type is sniffed from the first bytes (never the name or the client's claim), the
size is checked against the route's limit, and the original goes into storage unchanged."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from pathlib import PurePath

from fastapi import UploadFile

from musia.errors import InvalidInput, TooLarge, UnsupportedType
from musia.files import safe_name
from musia.storage import Storage

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


def upload_size(upload: UploadFile) -> int:
    if upload.size is not None:
        return upload.size
    upload.file.seek(0, io.SEEK_END)
    size = upload.file.tell()
    upload.file.seek(0)
    return size


def check_size(upload: UploadFile, limit: int) -> int:
    size = upload_size(upload)
    if size > limit:
        raise TooLarge(f"the file is {size:,} bytes; the limit is {limit:,}", field="file")
    if size == 0:
        raise InvalidInput("the file is empty", field="file")
    return size


def stored_name(upload: UploadFile, kind: Kind, fallback: str) -> str:
    """The client's name made safe, with the extension its content deserves."""
    stem = PurePath((upload.filename or "").replace("\\", "/")).stem
    return safe_name(stem, fallback=fallback, max_chars=80) + kind.extension


def read_head(upload: UploadFile) -> bytes:
    head = upload.file.read(SNIFF_BYTES)
    upload.file.seek(0)
    return head


def store(storage: Storage, upload: UploadFile, key: str, kind: Kind) -> None:
    upload.file.seek(0)
    storage.put_stream(key, upload.file, kind.content_type)
