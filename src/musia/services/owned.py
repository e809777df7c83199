"""Rename and delete what a producer owns: projects, uploaded (and transformed) music, samples.

A deletion removes the row (and, through the foreign keys, its versions, chat links and usage
records) and, only once that has committed, the stored files under the thing's own prefix: a
failed commit leaves both in place, and no row ever points at files that are gone. A rename
changes the name shown and downloaded, never a storage key."""

from __future__ import annotations

from pathlib import PurePosixPath

from musia.db.models import MusicFile, Project, Sample
from musia.db.repos.media import Music, Samples
from musia.db.repos.projects import Projects
from musia.errors import InvalidInput
from musia.files import safe_name
from musia.services.uow import UnitOfWork

MAX_NAME_CHARS = 120


def rename_project(uow: UnitOfWork, owner_id: str, project_id: str, name: str) -> Project:
    project = Projects(uow.session).get(owner_id, project_id)
    project.name = _clean(name, MAX_NAME_CHARS)
    return project


def rename_music(uow: UnitOfWork, owner_id: str, music_id: str, name: str) -> MusicFile:
    music = Music(uow.session).get(owner_id, music_id)
    music.name = _with_extension(name, music.name)
    return music


def rename_sample(uow: UnitOfWork, owner_id: str, sample_id: str, name: str) -> Sample:
    sample = Samples(uow.session).get(owner_id, sample_id)
    sample.name = _with_extension(name, sample.name)
    return sample


def delete_music(uow: UnitOfWork, owner_id: str, music_id: str) -> None:
    """Results made from it stay (their `source_id` becomes null)."""
    music = Music(uow.session).get(owner_id, music_id)
    _delete_after_commit(uow, music, music.file)


def delete_sample(uow: UnitOfWork, owner_id: str, sample_id: str) -> None:
    sample = Samples(uow.session).get(owner_id, sample_id)
    _delete_after_commit(uow, sample, sample.file_key)


def _delete_after_commit(uow: UnitOfWork, row: MusicFile | Sample, key: str) -> None:
    uow.session.delete(row)
    folder = str(PurePosixPath(key).parent)  # music/<owner>/<id>/, samples/<owner>/<id>/
    storage = uow.runtime.storage
    uow.after_commit(lambda: storage.delete_prefix(folder))


def _clean(name: str, max_chars: int) -> str:
    cleaned = safe_name(name, fallback="", max_chars=max_chars)
    if not cleaned:
        raise InvalidInput("a name needs at least one letter or digit", field="name")
    return cleaned


def _with_extension(name: str, current: str) -> str:
    """The new name keeps the file's extension (the stored audio does not change type)."""
    extension = PurePosixPath(current).suffix
    stem = name.strip()
    if extension and stem.lower().endswith(extension.lower()):
        stem = stem[: -len(extension)]
    return _clean(stem, MAX_NAME_CHARS - len(extension)) + extension
