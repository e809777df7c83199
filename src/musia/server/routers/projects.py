"""Projects: generate (202 + job), list, get, versions, modify, download, delete."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, UploadFile
from starlette.responses import Response

from musia.db.models import Job, Project, ProjectVersion
from musia.db.repos.projects import Projects
from musia.errors import Conflict, NotFound
from musia.formats.als import PROJECT_INFO_FOLDER
from musia.server import files, schemas, uploads
from musia.server.deps import CurrentUser, Work
from musia.services import imports, owned
from musia.services import projects as service

router = APIRouter(prefix="/projects", tags=["projects"])
MEDIA_TYPES = {"als": "application/gzip", "mid": "audio/midi", "wav": "audio/wav"}
Format = Literal["als", "zip", "mid", "wav"]


def version_out(version: ProjectVersion) -> schemas.VersionOut:
    formats = service.formats_of(version.files)
    return schemas.VersionOut(
        id=version.id,
        number=version.number,
        parent_id=version.parent_id,
        instruction=version.instruction,
        status=version.status,
        plan=version.plan,
        formats=formats,
        job_id=version.job_id,
        created_at=version.created_at,
        samples=list((version.summary or {}).get("samples", [])),
    )


def started_out(project: Project, version: ProjectVersion, job: Job) -> schemas.Started:
    return schemas.Started(
        project=schemas.ProjectOut.model_validate(project),
        version=version_out(version),
        job=schemas.JobOut.model_validate(job),
    )


@router.post("/generate", status_code=202, response_model=schemas.Started)
def generate(body: schemas.Generate, user: CurrentUser, uow: Work) -> schemas.Started:
    """Compose from a prompt (read by the multilingual parser) or from an explicit plan."""
    if body.plan is not None:
        plan = body.plan if body.seed is None else body.plan.model_copy(update={"seed": body.seed})
    else:
        assert body.prompt is not None
        plan = service.plan_for_prompt(body.prompt, body.seed)
    options = service.RenderOptions(audio=body.audio, live_version=body.live_version)
    started = service.start_generation(uow, user.id, plan, options, body.prompt)
    return started_out(started.project, started.version, started.job)


@router.get("", response_model=schemas.ProjectPage)
def list_projects(
    user: CurrentUser,
    uow: Work,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> schemas.ProjectPage:
    rows, total = Projects(uow.session).page(user.id, (page - 1) * page_size, page_size)
    items = [schemas.ProjectOut.model_validate(p) for p in rows]
    return schemas.ProjectPage(items=items, total=total, page=page, page_size=page_size)


@router.get("/{project_id}", response_model=schemas.ProjectDetail)
def get_project(project_id: str, user: CurrentUser, uow: Work) -> schemas.ProjectDetail:
    projects = Projects(uow.session)
    project = projects.get(user.id, project_id)
    current = version_out(projects.version(project))
    return schemas.ProjectDetail(
        **schemas.ProjectOut.model_validate(project).model_dump(), version=current
    )


@router.get("/{project_id}/versions", response_model=list[schemas.VersionOut])
def versions(project_id: str, user: CurrentUser, uow: Work) -> list[schemas.VersionOut]:
    projects = Projects(uow.session)
    return [version_out(v) for v in projects.versions(projects.get(user.id, project_id))]


@router.post("/{project_id}/modify", status_code=202, response_model=schemas.Started)
def modify(project_id: str, body: schemas.Modify, user: CurrentUser, uow: Work) -> schemas.Started:
    """A new version from the current one: the edit starts from its plan and keeps its seed."""
    options = service.RenderOptions(audio=body.audio, live_version=body.live_version)
    started = service.start_modification(uow, user.id, project_id, body.instruction, options)
    return started_out(started.project, started.version, started.job)


@router.get("/{project_id}/download", response_class=Response)
def download(
    project_id: str,
    user: CurrentUser,
    uow: Work,
    format: Format = "als",
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    range_: files.RangeHeader = None,
) -> Response:
    """One file of a version (`Range` is answered for the preview and the others alike), or
    the zip of all of them."""
    projects = Projects(uow.session)
    project = projects.get(user.id, project_id)
    row = projects.version(project, version)
    if not row.files and row.status == "pending":
        raise Conflict(f"version {row.number} is still being made; poll job {row.job_id}")
    if not row.files:
        raise NotFound(f"version {row.number} has no files (its job failed)")
    storage = uow.runtime.storage
    if format == "zip":
        prefix = service.version_prefix(project.id, row.number) + "/"
        folder = f"{project.name} v{row.number}"
        members = {
            f"{folder}/{key.removeprefix(prefix)}": key
            for name, key in row.files.items()
            if name not in service.STREAM_ONLY  # the web copy is for the studio's player
        }
        info = f"{folder}/{PROJECT_INFO_FOLDER}"  # what makes the folder a Live project
        return files.send_zip(storage, members, f"{folder}.zip", folders=[info])
    key = row.files.get(format)
    if key is None:
        hint = " (generate with audio=true for a preview)" if format == "wav" else ""
        raise NotFound(f"version {row.number} has no {format} file{hint}", field="format")
    return files.send(storage, key, key.rsplit("/", 1)[-1], MEDIA_TYPES[format], range_)


@router.delete("/{project_id}", status_code=204)
def delete(project_id: str, user: CurrentUser, uow: Work) -> None:
    """The project, its versions and chat links, then (after the commit) its stored files."""
    service.delete_project(uow, user.id, project_id)


@router.patch("/{project_id}", response_model=schemas.ProjectOut)
def rename(
    project_id: str, body: schemas.Rename, user: CurrentUser, uow: Work
) -> schemas.ProjectOut:
    project = owned.rename_project(uow, user.id, project_id, body.name)
    return schemas.ProjectOut.model_validate(project)


@router.post("/import", status_code=202, response_model=schemas.Started)
def import_set(
    user: CurrentUser, uow: Work, file: Annotated[UploadFile, File()]
) -> schemas.Started:
    """Upload a Live set (.als, or its uncompressed XML): stored unchanged as version 1, then
    read by a job; `GET /projects/{id}/inspect` shows what it holds."""
    uploads.check_size(file, uow.runtime.settings.upload.max_set_bytes)
    kind = uploads.sniff_set(uploads.read_head(file), file.file)  # type: ignore[arg-type]
    name = uploads.stored_name(file, kind, "Imported")
    project, version, job, key = imports.add_imported(uow, user.id, name)
    uploads.store(uow, file, key, kind)
    return started_out(project, version, job)


@router.get("/{project_id}/inspect", response_model=schemas.Inspection)
def inspect(
    project_id: str,
    user: CurrentUser,
    uow: Work,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> schemas.Inspection:
    """What a version holds: tempo, time signature, tracks, clips, notes (as read or written)."""
    projects = Projects(uow.session)
    project = projects.get(user.id, project_id)
    row = projects.version(project, version)
    if row.summary is None and row.status == "pending":
        raise Conflict(f"version {row.number} is still being read; poll job {row.job_id}")
    if row.summary is None:
        raise NotFound(f"version {row.number} could not be read (see job {row.job_id})")
    return schemas.Inspection(
        project_id=project.id, version=row.number, source=project.source, summary=row.summary
    )
