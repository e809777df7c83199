"""Uploads: the type is sniffed from the first bytes (never the name or the client's claim), the
size is checked against the route's limit, and the original goes into storage unchanged."""

from __future__ import annotations

import io
import shutil
from pathlib import Path, PurePath

from fastapi import UploadFile

from musia.audio.io import check_audio
from musia.errors import AudioUnavailable, InvalidInput, TooLarge
from musia.files import safe_name
from musia.scratch import Scratch
from musia.services.uow import UnitOfWork
from musia.sniff import SNIFF_BYTES, Kind, sniff_audio, sniff_set

__all__ = ["Kind", "sniff_audio", "sniff_set"]


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


def store(uow: UnitOfWork, upload: UploadFile, key: str, kind: Kind) -> None:
    """Into storage now; removed again if the request's rows are not saved."""
    storage = uow.runtime.storage
    upload.file.seek(0)
    storage.put_stream(key, upload.file, kind.content_type)
    uow.after_rollback(lambda: storage.delete_prefix(key))


def check_decodes(upload: UploadFile, name: str, scratch: Scratch) -> None:
    """Decode the whole upload before it is accepted (magic bytes say what a file claims to be,
    not that it plays): a RIFF/WAVE header with 0 channels answers 422 `bad_audio` here, instead
    of breaking every later generation that picks it. Without the audio extra nothing in the
    server decodes audio, so nothing is checked."""
    with scratch.temporary("upload-") as folder:
        path = Path(folder) / name  # errors name the user's file, not a server path
        upload.file.seek(0)
        with path.open("wb") as copy:
            shutil.copyfileobj(upload.file, copy)
        upload.file.seek(0)
        try:
            check_audio(path)
        except AudioUnavailable:
            return
