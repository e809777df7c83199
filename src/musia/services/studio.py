"""What the web studio shows of a project version and of an uploaded audio file: the set as
read back from storage (tracks, notes, locators), its parts' piano rolls, its stems, and an
audio file's waveform. Everything is read from the stored files, so an imported set and a
generated one look the same."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from musia.db.models import Project, ProjectVersion
from musia.db.repos.media import Music
from musia.db.repos.projects import Projects
from musia.errors import Conflict, InvalidInput, NotFound
from musia.services.imports import refuse_failed
from musia.services.uow import UnitOfWork

if TYPE_CHECKING:
    from musia.formats.als.clipfacts import ClipInfo
    from musia.formats.als.facts import SetInfo, TrackInfo
    from musia.formats.pictures import RollNote

STEM_PREFIX = "stem:"
MAX_ROLL_NOTES = 100_000  # a picture, not a score: past this the set is refused


def ready_version(
    uow: UnitOfWork, owner_id: str, project_id: str, number: int | None
) -> tuple[Project, ProjectVersion]:
    projects = Projects(uow.session)
    project = projects.get(owner_id, project_id)
    version = projects.version(project, number)
    refuse_failed(uow.session, version, "shown")
    if "als" not in version.files and version.status == "pending":
        raise Conflict(f"version {version.number} is still being made; poll job {version.job_id}")
    if "als" not in version.files:
        raise NotFound(f"version {version.number} has no Live set (its job failed)")
    return project, version


@contextmanager
def _read_set(uow: UnitOfWork, version: ProjectVersion) -> Iterator[SetInfo]:
    from musia.formats.als.reader import read_set

    key = str(version.files["als"])
    with uow.runtime.scratch.temporary("studio-") as folder:
        path = uow.runtime.storage.fetch(key, Path(folder) / key.rsplit("/", 1)[-1])
        yield read_set(path).info


def bar_beats(info: SetInfo) -> float:
    numerator, denominator = info.time_signature
    return numerator * 4.0 / denominator


def _duration_s(info: SetInfo, version: ProjectVersion) -> float:
    known = (version.summary or {}).get("duration_s")
    if isinstance(known, int | float):
        return float(known)
    return round(info.length_beats * 60.0 / info.tempo, 3) if info.tempo > 0 else 0.0


def _preview_s(version: ProjectVersion) -> float | None:
    """The preview's own length: the song's, plus the releases that ring out after it
    (musia.formats.preview.TAIL_S at most, and half a second)."""
    audio = (version.summary or {}).get("audio")
    found = audio.get("duration_s") if isinstance(audio, dict) else None
    return float(found) if isinstance(found, int | float) else None


def midi_tracks(info: SetInfo) -> list[TrackInfo]:
    """The parts a piano roll is drawn for: MIDI tracks, in display order."""
    return [t for t in info.tracks if t.type == "midi"]


def view(uow: UnitOfWork, owner_id: str, project_id: str, number: int | None) -> dict[str, Any]:
    project, version = ready_version(uow, owner_id, project_id, number)
    with _read_set(uow, version) as info:
        parts = [
            {
                "index": index,
                "name": track.name,
                "clips": len(track.clips),
                "notes": sum(len(c.notes) for c in track.clips),
            }
            for index, track in enumerate(midi_tracks(info))
        ]
        numerator, denominator = info.time_signature
        return {
            "project_id": project.id,
            "name": project.name,
            "source": project.source,
            "version": version.number,
            "tempo": info.tempo,
            "time_signature": f"{numerator}/{denominator}",
            "length_beats": info.length_beats,
            "duration_s": _duration_s(info, version),
            "preview_s": _preview_s(version),
            "sections": [
                {"name": loc.name, "time_beats": loc.time_beats, "time_s": round(loc.time_s, 3)}
                for loc in info.locators
            ],
            "parts": parts,
            "stems": sorted(k.removeprefix(STEM_PREFIX) for k in version.files if _is_stem(k)),
            "formats": sorted(f for f in ("als", "mid", "wav") if f in version.files),
        }


def _is_stem(name: str) -> bool:
    return name.startswith(STEM_PREFIX)


def stem_key(version: ProjectVersion, part: str) -> str:
    key = version.files.get(STEM_PREFIX + part)
    if not isinstance(key, str):
        stems = ", ".join(k.removeprefix(STEM_PREFIX) for k in version.files if _is_stem(k))
        raise NotFound(
            f"version {version.number} has no stem {part!r} (stems: {stems or 'none'})",
            field="part",
        )
    return key


def roll_notes(track: TrackInfo) -> list[RollNote]:
    """A track's arrangement notes on the song's timeline; a looping clip repeats its loop."""
    notes: list[RollNote] = []
    for clip in track.clips:
        if clip.location == "arrangement" and not clip.disabled:
            notes.extend(_clip_notes(clip))
        if len(notes) > MAX_ROLL_NOTES:
            raise InvalidInput(f"the part holds more than {MAX_ROLL_NOTES} notes to draw")
    return notes


def _clip_notes(clip: ClipInfo) -> Iterator[RollNote]:
    from musia.formats.pictures import RollNote

    loop = clip.loop_end_beats - clip.loop_start_beats
    repeats = 1
    if clip.loop_on and loop > 0:
        repeats = max(1, min(4096, int(-(-clip.length_beats // loop))))
    for repeat in range(repeats):
        for note in clip.notes:
            offset = note.time_beats - clip.loop_start_beats + repeat * max(loop, 0.0)
            if note.enabled and 0 <= offset < clip.length_beats:
                length = min(note.duration_beats, clip.length_beats - offset)
                yield RollNote(clip.start_beats + offset, length, note.pitch, note.velocity)


def piano_roll_png(
    uow: UnitOfWork, owner_id: str, project_id: str, number: int | None, part: int, width_px: int
) -> bytes:
    from musia.formats.pictures import piano_roll

    _, version = ready_version(uow, owner_id, project_id, number)
    with _read_set(uow, version) as info:
        tracks = midi_tracks(info)
        if not 0 <= part < len(tracks):
            raise NotFound(
                f"version {version.number} has {len(tracks)} MIDI parts; 'part' is 0-based",
                field="part",
            )
        song_beats = _duration_s(info, version) * info.tempo / 60.0  # not the stems' tails
        return piano_roll(
            roll_notes(tracks[part]),
            song_beats or info.length_beats,
            bar_beats=bar_beats(info),
            markers_beats=[loc.time_beats for loc in info.locators],
            width_px=width_px,
        )


def waveform_png(
    uow: UnitOfWork, owner_id: str, music_id: str, width_px: int, height_px: int
) -> bytes:
    from musia.formats.pictures import waveform
    from musia.services.music import audio_engine

    music = Music(uow.session).get(owner_id, music_id)
    audio_io = audio_engine("io")
    with uow.runtime.scratch.temporary("wave-") as folder:
        path = uow.runtime.storage.fetch(music.file, Path(folder) / music.file.rsplit("/", 1)[-1])
        samples, _rate = audio_io.read_audio(path)
    return waveform(samples, width_px=width_px, height_px=height_px)
