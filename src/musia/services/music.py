"""Music files: an upload is stored unchanged and analysed by a job; a modification is a job
that makes a new music file from a stored one or from a URL fetched safely.

The analysis and the transforms themselves live in musia.audio (issue 3); this module is the
seam: `audio_engine()` finds them, and says precisely what is missing when they are not there.
"""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from musia.db.engine import transaction
from musia.db.models import Job, MusicFile
from musia.db.repos.jobs import Jobs
from musia.db.repos.media import Music
from musia.errors import NotFound, Unavailable
from musia.jobs.context import JobContext
from musia.services.uow import UnitOfWork

ANALYZE_KIND = "music.analyze"
MODIFY_KIND = "music.modify"


def audio_engine(name: str) -> ModuleType:
    try:
        return importlib.import_module(f"musia.audio.{name}")
    except ImportError as exc:
        raise Unavailable(
            f"audio {name} is not available in this installation (musia.audio.{name}: {exc})"
        ) from exc


def music_key(owner_id: str, music_id: str, filename: str) -> str:
    return f"music/{owner_id}/{music_id}/{filename}"


def add_uploaded(
    uow: UnitOfWork, owner_id: str, *, name: str, content_type: str, size_bytes: int
) -> tuple[MusicFile, Job]:
    """The row and its analysis job; the caller stores the file under `music.file`."""
    music = Music(uow.session).add(
        owner_id, name=name, file="", content_type=content_type, size_bytes=size_bytes
    )
    music.file = music_key(owner_id, music.id, name)
    job = Jobs(uow.session).create(owner_id, ANALYZE_KIND, {"music_id": music.id})
    uow.enqueue_after_commit(job.id)
    return music, job


def start_modification(
    uow: UnitOfWork,
    owner_id: str,
    instruction: str,
    music_id: str | None,
    music_url: str | None,
) -> Job:
    if music_id is not None:
        Music(uow.session).get(owner_id, music_id)  # someone else's answers 404
    payload = {"music_id": music_id, "music_url": music_url, "instruction": instruction}
    job = Jobs(uow.session).create(owner_id, MODIFY_KIND, payload)
    uow.enqueue_after_commit(job.id)
    return job


def analyze_stored(context: JobContext) -> dict[str, Any]:
    music_id = str(context.input["music_id"])
    key = _stored_key(context, music_id)
    analysis = audio_engine("analysis")
    context.progress(0.1, "analysing")
    with tempfile.TemporaryDirectory(prefix="musia-analysis-") as folder:
        path = context.runtime.storage.fetch(key, Path(folder) / key.rsplit("/", 1)[-1])
        result = _as_json(analysis.analyze_file(path))
    with transaction(context.runtime.sessions) as session:
        music = Music(session).get_any(music_id)
        if music is None:
            raise NotFound("the music file was deleted while it was analysed")
        music.result_data = result
        music.processed = True
    return {"music_id": music_id, "analysis": result}


def modify_stored(context: JobContext) -> dict[str, Any]:
    audio_engine("transforms")
    raise Unavailable("audio transforms are not wired yet")


def _stored_key(context: JobContext, music_id: str) -> str:
    with transaction(context.runtime.sessions) as session:
        music = Music(session).get_any(music_id)
        if music is None:
            raise NotFound("the music file is gone")
        return music.file


def _as_json(value: Any) -> dict[str, Any]:
    """An analysis result (a dataclass, a pydantic model or a dict) as plain JSON."""
    import dataclasses
    import json

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    elif hasattr(value, "model_dump"):
        value = value.model_dump(mode="json")
    if not isinstance(value, dict):
        raise TypeError(f"analysis returned {type(value).__name__}, not a mapping")
    result: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return result
