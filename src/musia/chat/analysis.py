"""'Analyse it': the last thing the user brought — an uploaded piece of audio (its stored
analysis: tempo, key, loudness) or the current project's Live set (read back with the set
reader: tempo, meter, tracks, a key estimate from its notes). The words choose when they name
one ("analyse my audio", "analyse the set"); otherwise the more recent of the two."""

from __future__ import annotations

import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from musia.chat.replies import say
from musia.db.models import MusicFile, Project
from musia.db.repos.projects import Projects
from musia.services.uow import UnitOfWork

MAX_NAMES = 8
AUDIO_WORDS = ("audio", "wav", "mp3", "flac", "song file", "аудіо", "аудио", "трек файл")
SET_WORDS = ("set", "als", "live", "proyecto", "project", "проєкт", "проект", "сет")


def analyse(
    uow: UnitOfWork, owner_id: str, project: Project | None, language: str, text: str
) -> str:
    music = _latest_music(uow, owner_id)
    if _means_audio(text.lower(), music, project, uow):
        if music is None:
            return say(language, "analysis_no_audio")
        return _describe_music(music, language)
    if project is None:
        return say(language, "analysis_nothing")
    version = Projects(uow.session).version(project)
    key = (version.files or {}).get("als")
    if key is None:
        name = "analysis_pending" if version.status == "pending" else "analysis_nothing"
        return say(language, name)
    return _describe_set(uow, str(key), project.name, language)


def _means_audio(
    text: str, music: MusicFile | None, project: Project | None, uow: UnitOfWork
) -> bool:
    if any(word in text for word in AUDIO_WORDS):
        return True
    if any(word in re.findall(r"\w+", text) for word in SET_WORDS) or music is None:
        return False
    if project is None:
        return True
    made: datetime = Projects(uow.session).version(project).created_at
    return _naive(music.uploaded_at) >= _naive(made)


def _naive(moment: datetime) -> datetime:
    """SQLite hands back naive times and PostgreSQL aware ones (both UTC)."""
    return moment.replace(tzinfo=None)


def _latest_music(uow: UnitOfWork, owner_id: str) -> MusicFile | None:
    return uow.session.scalar(
        select(MusicFile)
        .where(MusicFile.owner_id == owner_id)
        .order_by(MusicFile.uploaded_at.desc(), MusicFile.id.desc())
        .limit(1)
    )


def _describe_music(music: MusicFile, language: str) -> str:
    found: dict[str, Any] = music.result_data or {}
    if not music.processed or not found:
        return say(language, "analysis_audio_pending", name=music.name)
    tempo = found.get("tempo_bpm")
    loudness = found.get("loudness_lufs")
    peak = found.get("true_peak_dbfs")
    return say(
        language,
        "analysis_audio",
        name=music.name,
        duration=f"{float(found.get('duration_s') or 0.0):.1f}",
        tempo=f"{tempo:.1f}" if tempo is not None else "—",
        key=found.get("key_name") or say(language, "unknown_key"),
        loudness=f"{loudness:.1f}" if loudness is not None else "—",
        peak=f"{peak:.1f}" if peak is not None else "—",
    )


def _describe_set(uow: UnitOfWork, key: str, name: str, language: str) -> str:
    from musia.formats.als.export import set_key
    from musia.formats.als.reader import read_set

    with tempfile.TemporaryDirectory(prefix="musia-analyse-") as folder:
        path = uow.runtime.storage.fetch(key, Path(folder) / "set.als")
        info = read_set(path).info
    found = set_key(info)
    numerator, denominator = info.time_signature
    names = [t.name for t in info.tracks if t.type in {"midi", "audio"}][:MAX_NAMES]
    return say(
        language,
        "analysis",
        name=name,
        tempo=f"{info.tempo:g}",
        meter=f"{numerator}/{denominator}",
        key=found.name if found else say(language, "unknown_key"),
        tracks=len(names),
        names=", ".join(names),
    )
