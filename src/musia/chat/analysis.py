"""'Analyse it': the last thing the user brought — an uploaded piece of audio (its stored
analysis: tempo, key, loudness) or the current project's Live set (read back with the set
reader: tempo, meter, tracks, a key estimate from its notes). The words choose when they name
one ("analyse my audio", "analyse the set"); otherwise the more recent of the two."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from musia.chat.replies import say
from musia.db.models import MusicFile, Project
from musia.db.repos.projects import Projects
from musia.services.imports import refuse_failed
from musia.services.uow import UnitOfWork

MAX_NAMES = 8
SURE_KEY = 0.8  # under this calibrated confidence, the runner-up key is named too
SURE_TEMPO = 0.3  # under this beat confidence, the other octave is named too
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
    refuse_failed(uow.session, version, "analysed")  # never read again: its import failed
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
    loudness = found.get("loudness_lufs")
    peak = found.get("true_peak_dbfs")
    return say(
        language,
        "analysis_audio",
        name=music.name,
        duration=f"{float(found.get('duration_s') or 0.0):.1f}",
        tempo=_tempo_text(found, language),
        key=key_text(found, language),
        loudness=f"{loudness:.1f}" if loudness is not None else "—",
        peak=f"{peak:.1f}" if peak is not None else "—",
    )


def key_text(found: dict[str, Any], language: str) -> str:
    """The key as the analysis gave it: with the runner-up and how sure it is when the estimate
    is not a safe bet, "none" when the audio has no tonal content. Analyses stored before the
    runner-up existed show the key alone."""
    key = found.get("key_name")
    if not key:
        tonality = found.get("key_tonality")
        return say(language, "no_tonal_key" if tonality is not None else "unknown_key")
    confidence = float(found.get("key_confidence") or 0.0)
    runner_up = found.get("key_runner_up_name")
    if runner_up and confidence < SURE_KEY:
        return say(language, "key_unsure", key=key, runner_up=runner_up,
                   percent=round(100 * confidence))  # fmt: skip
    return str(key)


def _tempo_text(found: dict[str, Any], language: str) -> str:
    """The tempo, and the other octave a listener might tap when the beat is ambiguous."""
    tempo = found.get("tempo_bpm")
    if tempo is None:
        return "—"
    alternatives = found.get("tempo_alternatives_bpm") or []
    if float(found.get("tempo_confidence") or 0.0) < SURE_TEMPO and alternatives:
        return say(language, "tempo_or", tempo=f"{tempo:.1f}",
                   alternative=f"{float(alternatives[0]):.1f}")  # fmt: skip
    return f"{tempo:.1f}"


def _describe_set(uow: UnitOfWork, key: str, name: str, language: str) -> str:
    from musia.formats.als.export import set_key
    from musia.formats.als.reader import read_set

    with uow.runtime.scratch.temporary("analyse-") as folder:
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
