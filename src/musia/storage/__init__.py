"""Where files live: a local folder by default, an S3-compatible bucket when configured.

Keys are relative paths (`projects/<id>/v1/Song.als`) built by Musia, never taken from a user as
they are; every key is checked so that no key can name anything outside the storage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from musia.errors import InvalidInput

if TYPE_CHECKING:
    from musia.settings import Settings

CHUNK_BYTES = 1024 * 1024
_SEGMENT = re.compile(r"^[\w .#()+,=@-]+$", re.UNICODE)


def check_key(key: str) -> str:
    """A key is `/`-separated plain names: no `..`, no absolute path, no backslash, no NUL."""
    segments = key.split("/")
    if not key or len(key) > 1000 or any(_bad_segment(s) for s in segments):
        raise InvalidInput(f"not a storage key: {key!r}", field="key")
    return key


def _bad_segment(segment: str) -> bool:
    return segment in {"", ".", ".."} or not _SEGMENT.match(segment) or segment.startswith(" ")


class Storage(Protocol):
    def put_file(self, key: str, source: Path, content_type: str | None = None) -> None: ...

    def put_stream(self, key: str, stream: BinaryIO, content_type: str | None = None) -> None: ...

    def chunks(self, key: str) -> Iterator[bytes]: ...

    def size(self, key: str) -> int: ...

    def exists(self, key: str) -> bool: ...

    def fetch(self, key: str, target: Path) -> Path: ...

    def local_path(self, key: str) -> Path | None:
        """The file itself when the storage is a local folder (served without copying)."""
        ...

    def delete_prefix(self, prefix: str) -> None: ...

    def check(self) -> None:
        """Raise `Unavailable` when the storage cannot be reached."""
        ...


def make_storage(settings: Settings) -> Storage:
    if settings.storage.backend == "s3":
        from musia.storage.s3 import S3Storage

        return S3Storage(settings.storage)
    from musia.storage.local import LocalStorage

    return LocalStorage(settings.storage_dir)
