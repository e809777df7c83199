"""Imported Live sets: the original is stored unchanged as version 1 of a new project, and a
job reads it (musia.formats.als reader, issue 5) into the summary that `inspect` returns."""

from __future__ import annotations

import importlib
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from musia.db.engine import transaction
from musia.db.models import Job, Project, ProjectVersion
from musia.db.repos.jobs import Jobs
from musia.db.repos.projects import Projects
from musia.errors import NotFound, Unavailable
from musia.jobs.context import JobContext
from musia.services.projects import version_prefix
from musia.services.uow import UnitOfWork

INSPECT_KIND = "project.inspect"


def set_reader() -> ModuleType:
    try:
        return importlib.import_module("musia.formats.als.reader")
    except ImportError as exc:
        raise Unavailable(
            "reading Live sets is not available in this installation "
            f"(musia.formats.als.reader: {exc})"
        ) from exc


def add_imported(
    uow: UnitOfWork, owner_id: str, name: str
) -> tuple[Project, ProjectVersion, Job, str]:
    """Rows for an uploaded set; the caller stores the file under the returned key."""
    projects = Projects(uow.session)
    project = projects.create(owner_id, Path(name).stem, source="imported")
    version = projects.add_version(project, plan=None, instruction=None, parent=None)
    key = f"{version_prefix(project.id, version.number)}/{name}"
    version.files = {"als": key}
    job = Jobs(uow.session).create(owner_id, INSPECT_KIND, {"version_id": version.id})
    version.job_id = job.id
    uow.enqueue_after_commit(job.id)
    return project, version, job, key


def inspect_stored(context: JobContext) -> dict[str, Any]:
    version_id = str(context.input["version_id"])
    with transaction(context.runtime.sessions) as session:
        version = Projects(session).version_by_id(version_id)
        if version is None:
            raise NotFound("the imported project is gone")
        key = str(version.files["als"])
    reader = set_reader()
    context.progress(0.1, "reading the set")
    with tempfile.TemporaryDirectory(prefix="musia-import-") as folder:
        path = context.runtime.storage.fetch(key, Path(folder) / key.rsplit("/", 1)[-1])
        summary = reader_summary(reader, path)
    with transaction(context.runtime.sessions) as session:
        version = Projects(session).version_by_id(version_id)
        if version is None:
            raise NotFound("the imported project was deleted while it was read")
        version.summary = summary
        version.status = "ready"
    return {"version_id": version_id, "tracks": len(summary.get("tracks", []))}


def reader_summary(reader: ModuleType, path: Path) -> dict[str, Any]:
    raise Unavailable(f"no summary function in {reader.__name__}")


def failed(context: JobContext, error: str) -> None:
    with transaction(context.runtime.sessions) as session:
        version = Projects(session).version_by_id(str(context.input.get("version_id", "")))
        if version is not None:
            version.status = "failed"
