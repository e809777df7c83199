"""Sending stored files: straight from disk for local storage, streamed from S3 otherwise."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator, Sequence

from fastapi.responses import FileResponse, StreamingResponse
from starlette.responses import Response

from musia.storage import CHUNK_BYTES, Storage

ZIP_SPOOL_BYTES = 8 * 1024 * 1024
MSDOS_DIRECTORY = 0x10
UNIX = 3  # ZipInfo.create_system


def send(storage: Storage, key: str, filename: str, media_type: str) -> Response:
    path = storage.local_path(key)
    if path is not None:
        return FileResponse(path, media_type=media_type, filename=filename)
    size = storage.size(key)
    headers = {"Content-Length": str(size), **_disposition(filename)}
    return StreamingResponse(storage.chunks(key), media_type=media_type, headers=headers)


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
