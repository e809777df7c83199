"""'Analyse my set': the current project's Live set read back with the set reader (tempo,
meter, tracks, a key estimate from its notes). Audio analysis is not on this server yet."""

from __future__ import annotations

import tempfile
from pathlib import Path

from musia.chat.replies import say
from musia.db.models import Project
from musia.db.repos.projects import Projects
from musia.services.uow import UnitOfWork

MAX_NAMES = 8


def analyse(uow: UnitOfWork, project: Project | None, language: str, text: str) -> str:
    if project is None:
        return say(language, "analysis_nothing")
    version = Projects(uow.session).version(project)
    key = (version.files or {}).get("als")
    if key is None:
        audio_words = ("audio", "wav", "mp3", "аудіо", "аудио")
        if any(w in text.lower() for w in audio_words):
            return say(language, "analysis_audio")
        name = "analysis_pending" if version.status == "pending" else "analysis_nothing"
        return say(language, name)
    return _describe(uow, str(key), project.name, language)


def _describe(uow: UnitOfWork, key: str, name: str, language: str) -> str:
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
