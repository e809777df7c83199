"""What the web studio needs beyond the rest of the API: a project version as the set reads
back (parts, sections, stems), each part's piano roll and an audio file's waveform as PNG,
the stems, and the newest music files."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from musia import tickets
from musia.db.repos.media import Music
from musia.db.repos.projects import Projects
from musia.server import files, schemas
from musia.server.deps import CurrentUser, Work
from musia.services import studio

router = APIRouter(tags=["studio"])
Version = Annotated[int | None, Query(ge=1, le=1_000_000)]
Width = Annotated[int, Query(ge=64, le=4096, description="Picture width in pixels.")]
PNG = "image/png"
NO_STORE = {"Cache-Control": "private, max-age=3600"}  # a version's files never change


@router.get("/projects/{project_id}/view")
def project_view(
    project_id: str, user: CurrentUser, uow: Work, version: Version = None
) -> dict[str, Any]:
    """Tempo, time signature, duration, sections (the set's locators), MIDI parts with their
    note counts (indexes for `pianoroll.png`), stems and formats of one version."""
    return studio.view(uow, user.id, project_id, version)


@router.get("/projects/{project_id}/pianoroll.png", response_class=Response)
def piano_roll(
    project_id: str,
    user: CurrentUser,
    uow: Work,
    part: Annotated[int, Query(ge=0, le=10_000, description="0-based MIDI part index.")] = 0,
    version: Version = None,
    width: Width = 960,
) -> Response:
    picture = studio.piano_roll_png(uow, user.id, project_id, version, part, width)
    return Response(picture, media_type=PNG, headers=NO_STORE)


@router.get("/projects/{project_id}/stems/{part}", response_class=Response)
def stem(
    project_id: str,
    part: str,
    user: CurrentUser,
    uow: Work,
    version: Version = None,
    range_: files.RangeHeader = None,
) -> Response:
    """One part's rendered audio (WAV), as the set's audio tracks play it."""
    projects = Projects(uow.session)
    row = projects.version(projects.get(user.id, project_id), version)
    key = studio.stem_key(row, part)
    return files.send(uow.runtime.storage, key, key.rsplit("/", 1)[-1], "audio/wav", range_)


@router.get("/projects/{project_id}/listen", response_model=schemas.ListenOut)
def listen(
    project_id: str,
    user: CurrentUser,
    uow: Work,
    version: Version = None,
    format: Literal["web", "wav"] = "web",
) -> schemas.ListenOut:
    """A URL for the version's preview that an `<audio>` element plays as it downloads (range
    requests, no Authorization header): the web copy (Ogg Vorbis) unless `wav` is asked, or the
    WAV when the version has no web copy."""
    key, media_type = studio.preview_key(uow, user.id, project_id, version, format)
    url = tickets.issue(user.id, key, media_type, uow.runtime.settings.jwt_secret)
    shown = "web" if key.endswith(".ogg") else "wav"
    return schemas.ListenOut(
        url=url, format=shown, media_type=media_type, expires_in_s=tickets.TICKET_MINUTES * 60
    )


@router.get("/listen/{ticket}", response_class=Response)
def play(
    ticket: Annotated[str, Path(max_length=4096)], uow: Work, range_: files.RangeHeader = None
) -> Response:
    """The file a listening ticket opens (from `GET /projects/{id}/listen` or a render's
    `preview` event), answering range requests: 206 with `Content-Range`, 416 outside the file."""
    found = tickets.read(ticket, uow.runtime.settings.jwt_secret)
    name = found.key.rsplit("/", 1)[-1]
    return files.send(uow.runtime.storage, found.key, name, found.media_type, range_)


@router.get("/projects/{project_id}/waveform.png", response_class=Response)
def preview_waveform(
    project_id: str,
    user: CurrentUser,
    uow: Work,
    version: Version = None,
    width: Width = 960,
    height: Annotated[int, Query(ge=32, le=1024)] = 96,
) -> Response:
    """The preview's waveform, for a player to draw and seek on."""
    picture = studio.preview_waveform_png(uow, user.id, project_id, version, width, height)
    return Response(picture, media_type=PNG, headers=NO_STORE)


@router.get("/music", response_model=list[schemas.MusicOut])
def list_music(
    user: CurrentUser, uow: Work, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[schemas.MusicOut]:
    """The user's music files, newest first (uploads and the results of modifications)."""
    return [schemas.MusicOut.model_validate(m) for m in Music(uow.session).newest(user.id, limit)]


@router.get("/music/{music_id}/waveform.png", response_class=Response)
def waveform(
    music_id: str,
    user: CurrentUser,
    uow: Work,
    width: Width = 960,
    height: Annotated[int, Query(ge=32, le=1024)] = 160,
) -> Response:
    picture = studio.waveform_png(uow, user.id, music_id, width, height)
    return Response(picture, media_type=PNG, headers=NO_STORE)
