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
from musia.formats.als.scenes import session_rows
from musia.formats.pictures import ROLL_GUTTER_PX
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
    return round(_length_beats(info) * 60.0 / info.tempo, 3) if info.tempo > 0 else 0.0


def _length_beats(info: SetInfo) -> float:
    """The arrangement, then the session's own scene rows (`session_rows`): a set made in the
    session view has a length too."""
    ends = [start + length for start, length in session_rows(info).values()]
    return max([info.length_beats, *ends])


def _scene_marks(info: SetInfo) -> list[dict[str, Any]]:
    """A marker where each scene row of its own starts, named as the set names the scene."""
    marks = []
    for row, (start, _length) in sorted(session_rows(info).items()):
        name = info.scenes[row] if row < len(info.scenes) and info.scenes[row] else ""
        seconds = start * 60.0 / info.tempo if info.tempo > 0 else 0.0
        marks.append(
            {
                "name": name or f"Scene {row + 1}",
                "time_beats": start,
                "time_s": round(seconds, 3),
                "scene": row + 1,
            }
        )
    return marks


def _preview_s(version: ProjectVersion) -> float | None:
    """The preview's own length: the song's, plus the releases that ring out after it
    (musia.production.render.TAIL_S at most, and half a second)."""
    audio = (version.summary or {}).get("audio")
    found = audio.get("duration_s") if isinstance(audio, dict) else None
    return float(found) if isinstance(found, int | float) else None


def midi_tracks(info: SetInfo) -> list[TrackInfo]:
    """The parts a piano roll is drawn for: MIDI tracks, in display order."""
    return [t for t in info.tracks if t.type == "midi"]


def view(uow: UnitOfWork, owner_id: str, project_id: str, number: int | None) -> dict[str, Any]:
    project, version = ready_version(uow, owner_id, project_id, number)
    with _read_set(uow, version) as info:
        rows = session_rows(info)
        parts = [
            {
                "index": index,
                "name": track.name,
                "clips": len(track.clips),
                "session_clips": _session_clips(track, rows),
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
            "length_beats": _length_beats(info),
            "duration_s": _duration_s(info, version),
            "preview_s": _preview_s(version),
            "sections": [
                {"name": loc.name, "time_beats": loc.time_beats, "time_s": round(loc.time_s, 3)}
                for loc in info.locators
            ]
            + _scene_marks(info),
            "parts": parts,
            "stems": sorted(k.removeprefix(STEM_PREFIX) for k in version.files if _is_stem(k)),
            "formats": sorted(f for f in ("als", "mid", "wav") if f in version.files),
            # where a player's position falls on `pianoroll.png`: x = gutter + beat * px/beat
            "roll": {"gutter_px": ROLL_GUTTER_PX, "length_beats": _roll_beats(info, version)},
        }


def _session_clips(track: TrackInfo, rows: dict[int, tuple[float, float]]) -> int:
    """The track's session clips that play after the arrangement (in a row of its own)."""
    return sum(c.location == "session" and c.scene_index in rows for c in track.clips)


def _roll_beats(info: SetInfo, version: ProjectVersion) -> float:
    """The time axis of a part's piano roll: the song (not the stems' tails), its session
    scenes laid after the arrangement included."""
    return _duration_s(info, version) * info.tempo / 60.0 or _length_beats(info)


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


def roll_notes(track: TrackInfo, scenes_at: dict[int, float] | None = None) -> list[RollNote]:
    """A track's notes on the song's timeline: its arrangement clips, then its session clips
    where their scene row starts in `scenes_at` (see `_length_beats`); a looping clip repeats
    its loop."""
    notes: list[RollNote] = []
    scenes_at = scenes_at or {}
    for clip in track.clips:
        if clip.disabled:
            continue
        if clip.location == "arrangement":
            notes.extend(_clip_notes(clip, clip.start_beats))
        elif clip.scene_index in scenes_at:
            notes.extend(_clip_notes(clip, scenes_at[clip.scene_index]))
        if len(notes) > MAX_ROLL_NOTES:
            raise InvalidInput(f"the part holds more than {MAX_ROLL_NOTES} notes to draw")
    return notes


def _clip_notes(clip: ClipInfo, start_beats: float) -> Iterator[RollNote]:
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
                yield RollNote(start_beats + offset, length, note.pitch, note.velocity)


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
        scenes_at = {row: start for row, (start, _) in session_rows(info).items()}
        return piano_roll(
            roll_notes(tracks[part], scenes_at),
            _roll_beats(info, version),
            bar_beats=bar_beats(info),
            markers_beats=[loc.time_beats for loc in info.locators] + sorted(scenes_at.values()),
            width_px=width_px,
            labels=True,
        )


def preview_key(
    uow: UnitOfWork, owner_id: str, project_id: str, number: int | None, format: str
) -> tuple[str, str]:
    """The stored preview to play and its media type: the web copy (unless `format` is wav),
    else the WAV."""
    projects = Projects(uow.session)
    version = projects.version(projects.get(owner_id, project_id), number)
    if "wav" not in version.files and version.status == "pending":
        raise Conflict(f"version {version.number} is still being made; poll job {version.job_id}")
    web = version.files.get("web")
    if format == "web" and isinstance(web, str):
        return web, "audio/ogg"
    wav = version.files.get("wav")
    if not isinstance(wav, str):
        raise NotFound(
            f"version {version.number} has no audio preview (ask for one with audio=true)",
            field="format",
        )
    return wav, "audio/wav"


def preview_waveform_png(
    uow: UnitOfWork,
    owner_id: str,
    project_id: str,
    number: int | None,
    width_px: int,
    height_px: int,
) -> bytes:
    from musia.formats.pictures import waveform
    from musia.services.music import audio_engine

    key, _ = preview_key(uow, owner_id, project_id, number, "wav")
    audio_io = audio_engine("io")
    with uow.runtime.scratch.temporary("wave-") as folder:
        path = uow.runtime.storage.fetch(key, Path(folder) / "preview.wav")
        samples, _rate = audio_io.read_audio(path)
    return waveform(samples, width_px=width_px, height_px=height_px)


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
