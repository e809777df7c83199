"""The producer's uploaded samples as the composer's library: describe them for
`musia.core.sample_choice`, fetch what it chose, and remember which samples a project uses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from musia.core.plan import Plan
from musia.core.sample_choice import LibrarySample, SampleChoice, choose
from musia.core.theory.key import Key
from musia.db.models import ProjectSample, Sample
from musia.errors import InvalidInput
from musia.storage import Storage

T = TypeVar("T")

MAX_CANDIDATES = 5000  # the newest; a library larger than this is searched by its tags first


def candidates(session: Session, owner_id: str) -> list[LibrarySample]:
    rows = session.scalars(
        select(Sample)
        .where(Sample.owner_id == owner_id)
        .order_by(Sample.created_at.desc())
        .limit(MAX_CANDIDATES)
    )
    return [_described(row) for row in rows]


def _described(row: Sample) -> LibrarySample:
    from musia.audio.sample_classes import class_from_words

    kind = _kind(row.type) or class_from_words(Path(row.name).stem)
    return LibrarySample(
        id=row.id,
        name=row.name,
        kind=kind,
        bpm=row.bpm,
        key=_key(row.key),
        style=row.style,
        duration_s=row.duration_s,
    )


def _parsed(parse: Callable[[str], T], text: str | None) -> T | None:
    """What `parse` reads in a library tag, or None when the tag is empty or unreadable."""
    if not text:
        return None
    try:
        return parse(text)
    except InvalidInput:
        return None


def _kind(type_text: str | None) -> str | None:
    from musia.audio.sample_search import parse_type

    kind = _parsed(parse_type, type_text)
    return None if kind == "one-shot" else kind


def _key(text: str | None) -> Key | None:
    """'Am', 'F# minor' → the key; a bare tonic or an unreadable tag counts as no key."""
    from musia.audio.sample_search import parse_key

    found = _parsed(parse_key, text)
    if found is None or found.mode is None:
        return None
    return Key(found.tonic_pc, "minor" if found.mode == "minor" else "major")


def choose_for(session: Session, owner_id: str, plan: Plan) -> SampleChoice:
    return choose(plan, candidates(session, owner_id))


def fetch(
    session: Session, storage: Storage, choice: SampleChoice, folder: Path
) -> dict[str, Path]:
    """A local copy of every chosen sample's stored file, by sample id."""
    folder.mkdir(parents=True, exist_ok=True)
    local = {}
    for sample in choice.samples:
        row = session.get(Sample, sample.id)
        if row is None:
            continue
        suffix = Path(row.name).suffix or ".wav"
        local[sample.id] = storage.fetch(row.file_key, folder / f"{sample.id}{suffix}")
    return local


def record(session: Session, project_id: str, sample_ids: list[str]) -> None:
    """Link the samples a version uses to its project (links of earlier versions stay: those
    versions still use them)."""
    for sample_id in dict.fromkeys(sample_ids):
        known = session.get(ProjectSample, (project_id, sample_id)) is not None
        if not known and session.get(Sample, sample_id) is not None:
            session.add(ProjectSample(project_id=project_id, sample_id=sample_id))
