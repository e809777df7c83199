"""Samples and music files: upload (type sniffed, size checked, stored unchanged), search,
fetch, download; music modifications run as jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from starlette.responses import Response

from musia.audio.sample_search import SampleQuery
from musia.db.repos.media import Music, Samples
from musia.fetch import check_url
from musia.server import files, schemas, uploads
from musia.server.deps import CurrentUser, Work
from musia.services import music as music_service
from musia.services import owned, samples

router = APIRouter(tags=["media"])
Text = Annotated[str | None, Form(max_length=200)]


@router.get("/samples", response_model=schemas.SamplePage)
def list_samples(
    user: CurrentUser,
    uow: Work,
    type: Annotated[str | None, Query(max_length=32)] = None,
    bpm_min: Annotated[float | None, Query(ge=0, le=1000)] = None,
    bpm_max: Annotated[float | None, Query(ge=0, le=1000)] = None,
    key: Annotated[str | None, Query(max_length=40)] = None,
    style: Annotated[str | None, Query(max_length=40)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> schemas.SamplePage:
    """The query of `musia samples search`: a class ("kick", "kicks", "loop", "one-shot"), a
    tempo range (loops only), a key in any spelling ("Am" = "A minor" = "la menor"; a bare
    tonic matches both modes), words the name or tags hold; ranked as the CLI ranks."""
    query = SampleQuery.parse(
        type_text=type, bpm_min=bpm_min, bpm_max=bpm_max, key_text=key, text=q, style=style
    )
    rows, total = samples.search(uow, user.id, query, (page - 1) * page_size, page_size)
    items = [schemas.SampleOut.model_validate(s) for s in rows]
    return schemas.SamplePage(items=items, total=total, page=page, page_size=page_size)


@router.post("/samples/upload", status_code=201, response_model=schemas.SampleOut)
def upload_sample(
    user: CurrentUser,
    uow: Work,
    file: Annotated[UploadFile, File()],
    type: Text = None,
    bpm: Annotated[float | None, Form(ge=20, le=999)] = None,
    key: Annotated[str | None, Form(max_length=40)] = None,
    style: Annotated[str | None, Form(max_length=40)] = None,
) -> schemas.SampleOut:
    """Stored unchanged and analysed by a job (`job_id`), as `musia samples index` analyses a
    file: what is stated here wins, the analysis fills type, BPM, key, length and `data`."""
    stated = {
        "type": samples.stated_type(type),
        "bpm": bpm,
        "key": samples.stated_key(key),
        "style": style.strip() if style and style.strip() else None,
    }
    size = uploads.check_size(file, uow.runtime.settings.upload.max_audio_bytes)
    kind = uploads.sniff_audio(uploads.read_head(file))
    name = uploads.stored_name(file, kind, "sample")
    uploads.check_decodes(file, name, uow.runtime.scratch)
    sample, job = samples.add_uploaded(
        uow, user.id, name=name, content_type=kind.content_type, size_bytes=size, stated=stated
    )
    uploads.store(uow, file, sample.file_key, kind)
    return schemas.SampleOut.model_validate(sample).model_copy(update={"job_id": job.id})


@router.post("/samples/starter", status_code=202, response_model=schemas.SampleJobStarted)
def add_starter_pack(user: CurrentUser, uow: Work) -> schemas.SampleJobStarted:
    """Add Musia's starter pack (36 one-shots and loops it synthesises) to the library, each
    analysed; files of the pack already there are kept, so a second click adds nothing."""
    job = samples.start_starter(uow, user.id)
    return schemas.SampleJobStarted(job=schemas.JobOut.model_validate(job))


@router.post(
    "/samples/{sample_id}/analyze", status_code=202, response_model=schemas.SampleJobStarted
)
def analyze_sample(sample_id: str, user: CurrentUser, uow: Work) -> schemas.SampleJobStarted:
    """Analyse the sample (again): for one stored before uploads were analysed."""
    job = samples.start_analysis(uow, user.id, sample_id)
    return schemas.SampleJobStarted(job=schemas.JobOut.model_validate(job))


@router.get("/samples/{sample_id}", response_model=schemas.SampleOut)
def get_sample(sample_id: str, user: CurrentUser, uow: Work) -> schemas.SampleOut:
    return schemas.SampleOut.model_validate(Samples(uow.session).get(user.id, sample_id))


@router.get("/samples/{sample_id}/audio", response_class=Response)
def sample_audio(
    sample_id: str, user: CurrentUser, uow: Work, range_: files.RangeHeader = None
) -> Response:
    sample = Samples(uow.session).get(user.id, sample_id)
    storage = uow.runtime.storage
    return files.send(storage, sample.file_key, sample.name, sample.content_type, range_)


@router.post("/music/upload", status_code=202, response_model=schemas.MusicStarted)
def upload_music(
    user: CurrentUser, uow: Work, file: Annotated[UploadFile, File()]
) -> schemas.MusicStarted:
    """Stored unchanged; an analysis job fills `result_data` and sets `processed`."""
    size = uploads.check_size(file, uow.runtime.settings.upload.max_audio_bytes)
    kind = uploads.sniff_audio(uploads.read_head(file))
    name = uploads.stored_name(file, kind, "music")
    uploads.check_decodes(file, name, uow.runtime.scratch)
    music, job = music_service.add_uploaded(
        uow, user.id, name=name, content_type=kind.content_type, size_bytes=size
    )
    uploads.store(uow, file, music.file, kind)
    return schemas.MusicStarted(
        music=schemas.MusicOut.model_validate(music), job=schemas.JobOut.model_validate(job)
    )


@router.post("/music/modify", status_code=202, response_model=schemas.ModifyStarted)
def modify_music(body: schemas.MusicModify, user: CurrentUser, uow: Work) -> schemas.ModifyStarted:
    if body.music_url is not None:
        check_url(body.music_url, allow_private=uow.runtime.settings.http.allow_private_urls)
    job = music_service.start_modification(
        uow, user.id, body.instruction, body.music_id, body.music_url
    )
    return schemas.ModifyStarted(job=schemas.JobOut.model_validate(job))


@router.get("/music/{music_id}", response_model=schemas.MusicOut)
def get_music(music_id: str, user: CurrentUser, uow: Work) -> schemas.MusicOut:
    return schemas.MusicOut.model_validate(Music(uow.session).get(user.id, music_id))


@router.get("/music/{music_id}/download", response_class=Response)
def download_music(
    music_id: str, user: CurrentUser, uow: Work, range_: files.RangeHeader = None
) -> Response:
    music = Music(uow.session).get(user.id, music_id)
    storage = uow.runtime.storage
    return files.send(storage, music.file, music.name, music.content_type, range_)


@router.patch("/music/{music_id}", response_model=schemas.MusicOut)
def rename_music(
    music_id: str, body: schemas.Rename, user: CurrentUser, uow: Work
) -> schemas.MusicOut:
    """The name shown and downloaded; the extension stays."""
    return schemas.MusicOut.model_validate(owned.rename_music(uow, user.id, music_id, body.name))


@router.delete("/music/{music_id}", status_code=204)
def delete_music(music_id: str, user: CurrentUser, uow: Work) -> None:
    """The row, then (after the commit) its stored file; results made from it stay."""
    owned.delete_music(uow, user.id, music_id)


@router.patch("/samples/{sample_id}", response_model=schemas.SampleOut)
def rename_sample(
    sample_id: str, body: schemas.Rename, user: CurrentUser, uow: Work
) -> schemas.SampleOut:
    return schemas.SampleOut.model_validate(owned.rename_sample(uow, user.id, sample_id, body.name))


@router.delete("/samples/{sample_id}", status_code=204)
def delete_sample(sample_id: str, user: CurrentUser, uow: Work) -> None:
    owned.delete_sample(uow, user.id, sample_id)
