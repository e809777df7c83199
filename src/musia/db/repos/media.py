"""Samples and music files: audio owned by a user, stored unchanged, described by analysis."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from musia.db.models import MusicFile, Sample
from musia.errors import NotFound


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

    def get_any(self, sample_id: str) -> Sample | None:
        return self.session.get(Sample, sample_id)

    def facts(self, owner_id: str, limit: int) -> list[Row[Any]]:
        """What a search reads of the owner's newest samples, as plain rows (no ORM objects:
        a search reads tens of thousands of them)."""
        columns = (Sample.id, Sample.name, Sample.type, Sample.bpm, Sample.key, Sample.style)
        rows = select(*columns, Sample.data).where(Sample.owner_id == owner_id)
        rows = rows.order_by(Sample.created_at.desc(), Sample.id).limit(limit)
        return list(self.session.execute(rows))

    def by_ids(self, owner_id: str, sample_ids: list[str]) -> list[Sample]:
        """The owner's samples with these ids, in the order of the ids."""
        rows = select(Sample).where(Sample.owner_id == owner_id, Sample.id.in_(sample_ids))
        found = {s.id: s for s in self.session.scalars(rows)}
        return [found[i] for i in sample_ids if i in found]

    def newest(self, owner_id: str, limit: int) -> list[Sample]:
        """The owner's samples, newest first (a search ranks them in `services.samples`)."""
        rows = select(Sample).where(Sample.owner_id == owner_id)
        rows = rows.order_by(Sample.created_at.desc(), Sample.id).limit(limit)
        return list(self.session.scalars(rows))


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
