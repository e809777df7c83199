"""A set made on the server, made portable: each `FileRef` names its file by its path from the
project folder (`RelativePath`) and, as a fallback, by an absolute `Path`. On the server that
absolute path is a temporary render folder: meaningless on the producer's machine, and a detail
of ours that must not leave it. The fallback becomes the relative path too, so the file holds no
machine path and Live finds every sample from the project folder."""

from __future__ import annotations

import gzip
from pathlib import Path
from xml.sax.saxutils import escape

from musia.formats.als.save import save_set


def without_machine_paths(als: Path, folder: Path) -> None:
    """Rewrite `als` (gzipped, in `folder`) so that no `Value` starts with `folder`'s absolute
    path; everything else stays byte for byte."""
    data = gzip.decompress(als.read_bytes())
    prefix = escape(folder.absolute().as_posix().rstrip("/") + "/", {'"': "&quot;"})
    portable = data.replace(f'Value="{prefix}'.encode(), b'Value="')
    if portable != data:
        save_set(portable, als, gzipped=True)
