"""Writing files the way every Musia writer should: whole or not at all, with ordinary permissions,
under names that are safe on any file system. No dependencies, so any layer may use it."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

_UNSAFE = re.compile(r"[^\w #.-]+", re.UNICODE)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# What open() and mkdir() would give; mkstemp and mkdtemp make private files and folders.
FILE_MODE = 0o666 & ~_umask()
FOLDER_MODE = 0o777 & ~_umask()


def safe_name(text: str, fallback: str, max_chars: int = 80) -> str:
    """A file or folder name from any text: no path separators, control or reserved characters."""
    name = _UNSAFE.sub(" ", text).strip(" .")[:max_chars].strip(" .")
    return " ".join(name.split()) or fallback


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Let `write` fill a temporary file beside `path`, then rename it into place, so a reader
    never sees half a file and a failure leaves the old file (or none) behind."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    def write(file: BinaryIO) -> None:
        file.write(data)

    return write_atomic(path, write)


def staging_folder(parent: Path) -> Path:
    """A hidden folder in `parent` to build something in before renaming it into place."""
    folder = Path(tempfile.mkdtemp(prefix=".musia-", dir=parent))
    os.chmod(folder, FOLDER_MODE)
    return folder
