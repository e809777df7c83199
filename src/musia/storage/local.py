"""Storage in a local folder. Writes go to a temporary file in this process's own folder under
`.partial/` and are renamed into place: a reader never sees half a file, and what a killed
process was writing is removed when the storage is next opened (`musia.scratch`)."""

from __future__ import annotations

import errno
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from musia.errors import NotFound, StorageFull, Unavailable
from musia.files import write_atomic
from musia.scratch import Scratch
from musia.storage import CHUNK_BYTES, check_key

PARTIAL = ".partial"  # never a key's first segment: Musia's keys start with a kind's name


class LocalStorage:
    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()
        self.partial = Scratch(self.root / PARTIAL)
        self.partial.sweep()

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root):  # a symlink planted inside the folder
            raise NotFound(f"no stored file {key}")
        return path

    def put_file(self, key: str, source: Path, content_type: str | None = None) -> None:
        with source.open("rb") as stream:
            self.put_stream(key, stream, content_type)

    def put_stream(self, key: str, stream: BinaryIO, content_type: str | None = None) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(
                path,
                lambda file: shutil.copyfileobj(stream, file, CHUNK_BYTES),
                staging=self.partial.folder(),
            )
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StorageFull(
                    f"the storage is full: {key.rsplit('/', 1)[-1]} was not stored"
                ) from exc
            raise

    def _existing(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise NotFound(f"no stored file {key}")
        return path

    def chunks(self, key: str) -> Iterator[bytes]:
        path = self._existing(key)

        def read() -> Iterator[bytes]:
            with path.open("rb") as file:
                while chunk := file.read(CHUNK_BYTES):
                    yield chunk

        return read()

    def size(self, key: str) -> int:
        return self._existing(key).stat().st_size

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def fetch(self, key: str, target: Path) -> Path:
        shutil.copyfile(self._existing(key), target)
        return target

    def local_path(self, key: str) -> Path | None:
        return self._existing(key)

    def delete_prefix(self, prefix: str) -> None:
        path = self._path(prefix.rstrip("/"))
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.is_file():
            path.unlink(missing_ok=True)

    def check(self) -> None:
        if not self.root.is_dir():
            raise Unavailable(f"the storage folder {self.root} is missing")
