"""Writing files the way every Musia writer should: whole or not at all, with ordinary permissions,
under names that are safe on any file system. No dependencies, so any layer may use it."""

from __future__ import annotations

import os
import re
import shutil
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


def write_atomic(
    path: Path, write: Callable[[BinaryIO], None], *, staging: Path | None = None
) -> Path:
    """Let `write` fill a temporary file beside `path` (or in `staging`, a folder on the same
    file system), then rename it into place, so a reader never sees half a file and a failure
    leaves the old file (or none) behind."""
    folder = staging or path.parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=folder)
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


# Zip entries: DOS dates start in 1980; the "UT" extra field (Info-ZIP's extended timestamp)
# carries the exact Unix time, which unzip and most tools restore.
_ZIP_EPOCH_S = 315_532_800  # 1980-01-01T00:00:00Z
_UT_TAG, _UT_MTIME_ONLY = 0x5455, 1
_STORED_SUFFIXES = (".als", ".zip", ".gz")  # already compressed


def write_zip_atomic(
    folder: Path, target: Path, timestamp_s: int, *, root_name: str | None = None
) -> Path:
    """Pack `folder` (its files under `root_name/`, default the folder's name) into `target`,
    written under a temporary name and renamed. Deterministic: entries in sorted order, every
    one dated `timestamp_s` (even seconds, as DOS dates are), ordinary permissions, no owner or
    host information."""
    import struct
    import time
    import zipfile

    stamp = max(_ZIP_EPOCH_S, timestamp_s)
    date_time = time.gmtime(stamp)[:6]
    extra = struct.pack("<HHBl", _UT_TAG, 5, _UT_MTIME_ONLY, stamp)
    paths = sorted(p for p in folder.rglob("*") if p.is_file() or _empty_folder(p))

    def write(file: BinaryIO) -> None:
        with zipfile.ZipFile(file, "w") as archive:
            for path in paths:
                name = f"{root_name or folder.name}/{path.relative_to(folder).as_posix()}"
                if path.is_dir():  # kept as an entry of its own (a Live project's info folder)
                    folder_info = zipfile.ZipInfo(f"{name}/", date_time=date_time)
                    folder_info.external_attr = 0o040755 << 16 | 0x10  # a directory, MS-DOS too
                    folder_info.create_system = 3
                    folder_info.extra = extra
                    archive.writestr(folder_info, b"")
                    continue
                info = zipfile.ZipInfo(name, date_time=date_time)
                stored = path.suffix.lower() in _STORED_SUFFIXES
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                info.external_attr = 0o100644 << 16
                info.create_system = 3  # Unix, so the permissions above are read
                info.extra = extra
                with path.open("rb") as source, archive.open(info, "w") as entry:
                    shutil.copyfileobj(source, entry, 1 << 20)

    return write_atomic(target, write)


def _empty_folder(path: Path) -> bool:
    return path.is_dir() and not any(path.iterdir())


CACHE_ENV = "MUSIA_CACHE_DIR"


def cache_folder(kind: str) -> Path:
    """Where Musia keeps what it can make again (`kind` is a sub-folder): `$MUSIA_CACHE_DIR`,
    else `$XDG_CACHE_HOME/musia`, else `~/.cache/musia`."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit) / kind
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "musia" / kind
