"""The producer's uploaded samples as the composer's library: describe them for
`musia.core.sample_choice`, fetch what it chose, and remember which samples a project uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from musia.core.plan import Plan
from musia.core.sample_choice import LibrarySample, SampleChoice, choose
from musia.core.theory.key import Key
from musia.db.models import ProjectSample, Sample
from musia.db.repos.media import Samples
from musia.errors import InvalidInput, MusiaError
from musia.storage import Storage

T = TypeVar("T")

MAX_CANDIDATES = 5000  # the newest; a library larger than this is searched by its tags first


def candidates(session: Session, owner_id: str) -> list[LibrarySample]:
    return [_described(row) for row in Samples(session).newest(owner_id, MAX_CANDIDATES)]


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


@dataclass(frozen=True)
class FetchedChoice:
    """The choice among the files that read, a local copy of each (by sample id), and the
    samples left out because their file does not read: {sample_id, name, reason}."""

    choice: SampleChoice
    files: dict[str, Path]
    skipped: tuple[dict[str, str], ...]


def choose_readable(
    session: Session, storage: Storage, owner_id: str, plan: Plan, folder: Path
) -> FetchedChoice:
    """Choose, fetch and decode what was chosen; a sample whose file does not read (stored
    before uploads were decoded, or damaged since) is left out and reported, and the choice is
    made again without it: one broken file never fails its owner's generations. Each round
    leaves out at least one sample, so this ends."""
    library = candidates(session, owner_id)
    local: dict[str, Path] = {}
    skipped: list[dict[str, str]] = []
    while True:
        choice = choose(plan, library)
        broken: dict[str, str] = {}
        for sample in choice.samples:
            reason = _unreadable(session, storage, sample, choice, folder, local)
            if reason is not None:
                broken[sample.id] = reason
        if not broken:
            files = {s.id: local[s.id] for s in choice.samples}
            return FetchedChoice(choice, files, tuple(skipped))
        for sample in choice.samples:
            if sample.id in broken:
                skipped.append(
                    {"sample_id": sample.id, "name": sample.name, "reason": broken[sample.id]}
                )
        library = [s for s in library if s.id not in broken]


def _unreadable(
    session: Session,
    storage: Storage,
    sample: LibrarySample,
    choice: SampleChoice,
    folder: Path,
    local: dict[str, Path],
) -> str | None:
    """Why the sample's file cannot be used as chosen, or None when it decodes."""
    from musia.audio.io import check_audio
    from musia.production.library import LOOP_MAX_S, ONE_SHOT_MAX_S

    if sample.id not in local:
        try:
            fetched = fetch(session, storage, SampleChoice((), sample), folder)
        except (MusiaError, OSError) as exc:
            return f"its file cannot be fetched ({exc})"
        if sample.id not in fetched:
            return "it was deleted"
        local[sample.id] = fetched[sample.id]
    path = local[sample.id]
    as_loop = choice.loop is not None and choice.loop.id == sample.id
    try:
        check_audio(path, max_duration_s=LOOP_MAX_S if as_loop else ONE_SHOT_MAX_S)
    except (MusiaError, OSError) as exc:
        return str(exc).replace(path.name, sample.name)  # the producer's name, not ours
    return None


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
