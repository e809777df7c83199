"""Write an edited set: gzip when the input was, atomically, with an optional backup."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from musia.files import write_bytes_atomic

GZIP_LEVEL = 6


def save_set(data: bytes, path: Path, *, gzipped: bool, backup: bool = False) -> Path | None:
    """Write `data` (the set's XML) to `path`; with `backup`, first copy the file that is there
    to `path.bak` (or `.bak1`, `.bak2` … when that exists). Returns the backup's path."""
    saved = None
    if backup and path.exists():
        saved = _free_backup_name(path)
        shutil.copy2(path, saved)
    body = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0) if gzipped else data
    write_bytes_atomic(path, body)
    return saved


def _free_backup_name(path: Path) -> Path:
    candidate = path.with_name(path.name + ".bak")
    number = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak{number}")
        number += 1
    return candidate
