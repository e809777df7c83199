"""Sending stored files: straight from disk for local storage, streamed from S3 otherwise;
one byte range (`Range: bytes=…`, answered 206) for players that seek and stream."""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import StreamingResponse
from starlette.responses import Response

from musia.errors import RangeNotSatisfiable
from musia.storage import CHUNK_BYTES, Storage

ZIP_SPOOL_BYTES = 8 * 1024 * 1024
MSDOS_DIRECTORY = 0x10
UNIX = 3  # ZipInfo.create_system
# A `Range` request header, for the endpoints that send a file.
RangeHeader = Annotated[str | None, Header(alias="Range", max_length=200)]
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def send(
    storage: Storage,
    key: str,
    filename: str,
    media_type: str,
    range_header: str | None = None,
) -> Response:
    """The whole file (200), or the one byte range asked for (206 with `Content-Range`); a
    range the file cannot answer is a 416 with the file's size."""
    size = storage.size(key)
    span = byte_range(range_header, size) if range_header else None
    start, end = span if span is not None else (0, size - 1)
    headers = {"Accept-Ranges": "bytes", "Content-Length": str(max(0, end - start + 1))}
    headers |= _disposition(filename)
    body = _read(storage, key, start, end - start + 1)
    if span is None:
        return StreamingResponse(body, media_type=media_type, headers=headers)
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return StreamingResponse(body, status_code=206, media_type=media_type, headers=headers)


def byte_range(header: str, size: int) -> tuple[int, int]:
    """The first and last byte (inclusive) of `bytes=a-b`, `bytes=a-` or `bytes=-n` within a
    file of `size` bytes. One range only: players ask for one; a list is refused, as is a range
    that starts past the end."""
    found = _RANGE.fullmatch(header.strip().replace(" ", ""))
    if found is None or found.group(1) == found.group(2) == "":
        raise RangeNotSatisfiable(
            f"Range must be one 'bytes=start-end', 'bytes=start-' or 'bytes=-length'; "
            f"got {header[:80]!r}",
            size_bytes=size,
        )
    first, last = found.group(1), found.group(2)
    if first == "":  # the last n bytes
        length = int(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable("Range asks for no bytes", size_bytes=size)
        return max(0, size - length), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if start >= size or (last != "" and int(last) < start):
        raise RangeNotSatisfiable(
            f"Range {header[:80]!r} is outside the file's {size} bytes", size_bytes=size
        )
    return start, end


def _read(storage: Storage, key: str, start: int, length: int) -> Iterator[bytes]:
    path = storage.local_path(key)
    if path is not None:
        return _read_file(path.open("rb"), start, length)
    return _slice(storage.chunks(key), start, length)


def _read_file(file: Any, start: int, length: int) -> Iterator[bytes]:
    with file:
        file.seek(start)
        while length > 0 and (chunk := file.read(min(CHUNK_BYTES, length))):
            length -= len(chunk)
            yield chunk


def _slice(chunks: Iterator[bytes], start: int, length: int) -> Iterator[bytes]:
    """Bytes [start, start + length) of a stream of chunks (an S3 object read from its start)."""
    at = 0
    for chunk in chunks:
        if length <= 0:
            break
        end = at + len(chunk)
        if end > start:
            piece = chunk[max(0, start - at) : max(0, start - at) + length]
            length -= len(piece)
            yield piece
        at = end


def send_zip(
    storage: Storage, members: dict[str, str], filename: str, folders: Sequence[str] = ()
) -> Response:
    """`members` maps a name inside the archive to a storage key; `folders` are empty folders
    the archive holds too (storage keeps files only, and a zip keeps a folder only as an entry
    of its own: a Live project's `Ableton Project Info`). Built in a spooled temporary file (on
    disk past 8 MB), then streamed."""
    spool = tempfile.SpooledTemporaryFile(max_size=ZIP_SPOOL_BYTES)  # noqa: SIM115 (streamed later)
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder in folders:
            entry = zipfile.ZipInfo(folder.rstrip("/") + "/")
            entry.external_attr = 0o040755 << 16 | MSDOS_DIRECTORY
            entry.create_system = UNIX  # so the permissions above are read
            archive.writestr(entry, b"")
        for name, key in members.items():
            with archive.open(name, "w") as member:
                for chunk in storage.chunks(key):
                    member.write(chunk)
    size = spool.tell()
    spool.seek(0)

    def stream() -> Iterator[bytes]:
        try:
            while chunk := spool.read(CHUNK_BYTES):
                yield chunk
        finally:
            spool.close()

    headers = {"Content-Length": str(size), **_disposition(filename)}
    return StreamingResponse(stream(), media_type="application/zip", headers=headers)


def _disposition(filename: str) -> dict[str, str]:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    value = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return {"Content-Disposition": value}
