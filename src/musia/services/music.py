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
    """Fetch the source (a stored file, or the URL, stored first as a music file of its own),
    apply the instruction with the transforms, store the result as a new music file."""
    with tempfile.TemporaryDirectory(prefix="musia-modify-") as name:
        folder = Path(name)
        url = context.input.get("music_url")
        if url:
            source_id = _store_from_url(context, str(url), folder)
        else:
            source_id = str(context.input["music_id"])
        source_key = _stored_key(context, source_id)
        source = context.runtime.storage.fetch(source_key, folder / source_key.rsplit("/", 1)[-1])
        context.progress(0.3, "transforming")
        produced, details = transform(source, str(context.input["instruction"]), folder / "out")
        music_id = _store_produced(context, source_id, produced, details)
    return {"music_id": music_id, "source_id": source_id, **details}


def transform(source: Path, instruction: str, out_dir: Path) -> tuple[Path, dict[str, Any]]:
    """The seam to musia.audio.transforms (issue 3)."""
    engine = audio_engine("transforms")
    raise Unavailable(f"{engine.__name__} has no instruction-driven transform to call yet")


def _store_from_url(context: JobContext, url: str, folder: Path) -> str:
    from urllib.parse import unquote, urlsplit

    from musia.fetch import fetch_to_file
    from musia.files import safe_name
    from musia.sniff import sniff_audio

    settings = context.runtime.settings
    context.progress(0.05, "downloading")
    target = folder / "download"
    fetch_to_file(
        url,
        target,
        limit_bytes=settings.upload.max_audio_bytes,
        allow_private=settings.http.allow_private_urls,
        timeout_s=settings.http.fetch_timeout_s,
    )
    with target.open("rb") as file:
        kind = sniff_audio(file.read(64))
    stem = Path(unquote(urlsplit(url).path)).stem
    name = safe_name(stem, fallback="music", max_chars=80) + kind.extension
    with transaction(context.runtime.sessions) as session:
        music = Music(session).add(
            context.owner_id,
            name=name,
            file="",
            content_type=kind.content_type,
            size_bytes=target.stat().st_size,
            source_url=url,
        )
        music.file = music_key(context.owner_id, music.id, name)
        context.runtime.storage.put_file(music.file, target, kind.content_type)
        return music.id


def _store_produced(
    context: JobContext, source_id: str, produced: Path, details: dict[str, Any]
) -> str:
    from musia.sniff import sniff_audio

    with produced.open("rb") as file:
        kind = sniff_audio(file.read(64))
    with transaction(context.runtime.sessions) as session:
        music = Music(session).add(
            context.owner_id,
            name=produced.name,
            file="",
            content_type=kind.content_type,
            size_bytes=produced.stat().st_size,
            source_id=source_id,
            instruction=str(context.input["instruction"]),
            processed=bool(details.get("analysis")),
            result_data=details.get("analysis"),
        )
        music.file = music_key(context.owner_id, music.id, produced.name)
        context.runtime.storage.put_file(music.file, produced, kind.content_type)
        return music.id


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
