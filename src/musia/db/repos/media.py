"""Samples and music files: audio owned by a user, stored unchanged, described by analysis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from musia.db.models import MusicFile, Sample
from musia.errors import NotFound


@dataclass(frozen=True)
class SampleQuery:
    type: str | None = None
    bpm_min: float | None = None
    bpm_max: float | None = None
    key: str | None = None
    style: str | None = None
    text: str | None = None


class Samples:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, owner_id: str, **fields: Any) -> Sample:
        sample = Sample(owner_id=owner_id, **fields)
        self.session.add(sample)
        self.session.flush()
        return sample

    def get(self, owner_id: str, sample_id: str) -> Sample:
        sample = self.session.get(Sample, sample_id)
        if sample is None or sample.owner_id != owner_id:
            raise NotFound(f"no sample {sample_id}")
        return sample

    def search(
        self, owner_id: str, query: SampleQuery, offset: int, limit: int
    ) -> tuple[list[Sample], int]:
        conditions = [Sample.owner_id == owner_id]
        if query.type:
            conditions.append(Sample.type == query.type)
        if query.bpm_min is not None:
            conditions.append(Sample.bpm >= query.bpm_min)
        if query.bpm_max is not None:
            conditions.append(Sample.bpm <= query.bpm_max)
        if query.key:
            conditions.append(func.lower(Sample.key) == query.key.lower())
        if query.style:
            conditions.append(func.lower(Sample.style) == query.style.lower())
        if query.text:
            like = f"%{_escape_like(query.text.lower())}%"
            conditions.append(
                or_(func.lower(Sample.name).like(like, escape="\\"), Sample.type == query.text)
            )
        total = self.session.scalar(select(func.count()).select_from(Sample).where(*conditions))
        rows = select(Sample).where(*conditions).order_by(Sample.created_at.desc(), Sample.id)
        return list(self.session.scalars(rows.offset(offset).limit(limit))), total or 0


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Music:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, owner_id: str, **fields: Any) -> MusicFile:
        music = MusicFile(owner_id=owner_id, **fields)
        self.session.add(music)
        self.session.flush()
        return music

    def get(self, owner_id: str, music_id: str) -> MusicFile:
        music = self.session.get(MusicFile, music_id)
        if music is None or music.owner_id != owner_id:
            raise NotFound(f"no music file {music_id}")
        return music

    def get_any(self, music_id: str) -> MusicFile | None:
        return self.session.get(MusicFile, music_id)

    def newest(self, owner_id: str, limit: int) -> list[MusicFile]:
        rows = select(MusicFile).where(MusicFile.owner_id == owner_id)
        rows = rows.order_by(MusicFile.uploaded_at.desc(), MusicFile.id.desc()).limit(limit)
        return list(self.session.scalars(rows))
