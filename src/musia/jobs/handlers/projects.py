"""project.render: compose a version's plan and write its files into storage."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from musia.core.plan import Plan
from musia.db.engine import transaction
from musia.db.repos.projects import Projects
from musia.errors import NotFound
from musia.formats.als.portable import without_machine_paths
from musia.jobs.context import JobContext
from musia.jobs.handlers import first_sound
from musia.jobs.registry import JobKind, register
from musia.services.projects import RENDER_KIND, formats_of, version_prefix

if TYPE_CHECKING:
    from musia.production.library import ChosenSamples

# Where each stage of a render starts and ends on the job's 0..1 scale: composing and choosing
# samples take well under a second, the preview's parts most of the time, the set and the
# instruments' one-shots a little, the upload a little more (tens of files).
SELECTING_AT = 0.04
RENDER_SPAN = (0.08, 0.78)
WRITING_AT = 0.8
STORE_SPAN = (0.85, 0.99)
STORE_STEPS = 10  # at most this many progress events while the files are stored

CONTENT_TYPES = {
    ".als": "application/gzip",
    ".mid": "audio/midi",
    ".json": "application/json",
    ".wav": "audio/wav",
}


def render(context: JobContext) -> dict[str, Any]:
    plan, project_id, number = _load(context)
    context.progress(0.02, "composing")
    prefix = version_prefix(project_id, number)
    audio = bool(context.input.get("audio", False))
    with (
        context.runtime.scratch.temporary("render-") as folder,
        context.runtime.scratch.temporary("library-") as library_folder,
        context.runtime.scratch.temporary("web-") as web_folder,
    ):
        library, skipped = _library(context, plan, Path(library_folder))
        if audio:
            first_sound.publish_head(context, plan, library, (project_id, number), Path(web_folder))
        written, files_written, summary = _write(context, plan, Path(folder), library)
        for als in (p for p in files_written if p.suffix == ".als"):
            without_machine_paths(als, written)  # no server path in the producer's file
        if skipped:
            summary["skipped_samples"] = list(skipped)
        try:
            with first_sound.web_copy(written, Path(web_folder)) as web:
                files = _store(context, written, files_written, prefix)
            if web.path is not None:  # encoded while the files were stored
                files["web"] = f"{prefix}/{first_sound.WEB_FOLDER}/{web.path.name}"
                context.runtime.storage.put_file(files["web"], web.path, web.media_type)
            summary.pop("folder", None)
            summary["files"] = list(files)
            _save(context, files, summary, prefix)
        except BaseException:  # a full disk, a cancel, a lost database: no half version left
            context.runtime.storage.delete_prefix(prefix)
            raise
    result: dict[str, Any] = {
        "project_id": project_id,
        "version": number,
        "files": sorted(files),
        "formats": formats_of(files),
    }
    if skipped:
        result["skipped_samples"] = list(skipped)
    return result


def _library(
    context: JobContext, plan: Plan, folder: Path
) -> tuple[ChosenSamples | None, tuple[dict[str, str], ...]]:
    """The owner's uploaded samples that fit the song (drum one-shots, a loop), fetched and
    decoded; and the samples left out because their file does not read."""
    from musia.production.library import ChosenSamples
    from musia.production.render import audio_available
    from musia.services import library

    if not audio_available():  # reading and laying out samples needs the audio extra
        return None, ()
    with transaction(context.runtime.sessions) as session:
        if not library.choose_for(session, context.owner_id, plan):
            return None, ()
    context.progress(SELECTING_AT, "selecting samples")
    with transaction(context.runtime.sessions) as session:
        found = library.choose_readable(
            session, context.runtime.storage, context.owner_id, plan, folder
        )
    if found.skipped:
        names = ", ".join(s["name"] for s in found.skipped)
        skipped = f"skipped {len(found.skipped)} unreadable sample(s): {names}"
        context.progress(SELECTING_AT, skipped)
    chosen = ChosenSamples(found.choice, found.files) if found.choice else None
    return chosen, found.skipped


def _write(
    context: JobContext, plan: Plan, folder: Path, library: ChosenSamples | None
) -> tuple[Path, tuple[Path, ...], dict[str, Any]]:
    live_version = int(context.input.get("live_version", 11))
    audio = bool(context.input.get("audio", False))
    processes = context.runtime.settings.jobs.render_processes
    if processes > 0:
        from musia.jobs import cpu

        context.progress(RENDER_SPAN[0] if audio else WRITING_AT, "mixing" if audio else "writing")
        future = cpu.pool(processes).submit(
            cpu.write_project_files,
            plan.model_dump_json(),
            str(folder),
            live_version,
            audio,
            library,
        )
        written, paths, summary = future.result()
        return Path(written), tuple(Path(p) for p in paths), summary
    from musia.production.assemble import write_project

    progress = _part_progress(context, len(plan.parts)) if audio else None
    if not audio:
        context.progress(WRITING_AT, "writing")
    project = write_project(
        plan, folder, live_version=live_version, audio=audio, progress=progress, library=library
    )
    return project.folder, project.files, project.summary()


def _part_progress(context: JobContext, parts: int) -> Callable[[str], None]:
    """The preview calls this as each part starts to render: "rendering Bass 2/6", rising from
    the start of the render span; after the last part the set is written. `parts` is the plan's
    count; a song with more tracks than parts stretches it rather than overshooting."""
    started: list[str] = []
    start, end = RENDER_SPAN

    def progress(part: str) -> None:
        started.append(part)
        total = max(parts, len(started))
        done = len(started) - 1
        context.progress(
            start + (end - start) * done / total, f"rendering {part} {len(started)}/{total}"
        )

    return progress


def _load(context: JobContext) -> tuple[Plan, str, int]:
    with transaction(context.runtime.sessions) as session:
        version = Projects(session).version_by_id(str(context.input["version_id"]))
        if version is None or version.plan is None:
            raise NotFound("the project version to render is gone")
        return Plan.model_validate(version.plan), version.project_id, version.number


def _store(
    context: JobContext, folder: Path, written: tuple[Path, ...], prefix: str
) -> dict[str, str]:
    """Upload every file; `files` maps a format (als, mid, plan, wav, stem:<Part>,
    file:<path>) to its key."""
    files: dict[str, str] = {}
    start, end = STORE_SPAN
    every = max(1, -(-len(written) // STORE_STEPS))  # rounded up: at most STORE_STEPS events
    for index, path in enumerate(written):
        if index % every == 0:
            fraction = start + (end - start) * index / len(written)
            context.progress(fraction, f"storing {index + 1}/{len(written)}")
        relative = path.relative_to(folder).as_posix()
        key = f"{prefix}/{relative}"
        context.runtime.storage.put_file(key, path, CONTENT_TYPES.get(path.suffix))
        files[_format(relative)] = key
    return files


def _format(relative: str) -> str:
    """The key a stored file is listed under: `als`, `mid`, `wav` (the preview), `plan`,
    `stem:<Part>` for a part's stem in Samples/Imported/, and `file:<path>` for any other file
    of the folder (library samples, instrument samples) — one key per file, so the zip download,
    built from the list, holds everything the set references."""
    path = Path(relative)
    if relative == "plan.json":
        return "plan"
    if relative == "preview.wav":
        return "wav"
    if len(path.parts) == 1 and path.suffix in {".als", ".mid"}:
        return path.suffix.lstrip(".")
    if path.parent.as_posix() in {"stems", "Samples/Imported"}:
        return f"stem:{path.stem}"
    return f"file:{relative}"


def _save(context: JobContext, files: dict[str, str], summary: dict[str, Any], prefix: str) -> None:
    with transaction(context.runtime.sessions) as session:
        version = Projects(session).version_by_id(str(context.input["version_id"]))
        if version is None:  # the project was deleted while it rendered
            context.runtime.storage.delete_prefix(prefix)
            raise NotFound("the project was deleted while it rendered")
        version.files = files
        version.summary = summary
        version.status = "ready"
        from musia.services.library import record

        used = [str(s["sample_id"]) for s in summary.get("samples", [])]
        record(session, version.project_id, used)


def _failed(context: JobContext, error: str) -> None:
    """The version is marked failed and whatever a run stored of it is removed (a worker killed
    while it stored, then given up on, leaves files no version lists)."""
    prefix = None
    with transaction(context.runtime.sessions) as session:
        version = Projects(session).version_by_id(str(context.input.get("version_id", "")))
        if version is not None and version.status != "ready":  # a run that did finish stays
            version.status = "failed"
            prefix = version_prefix(version.project_id, version.number)
    if prefix is not None:
        context.runtime.storage.delete_prefix(prefix)


register(JobKind(RENDER_KIND, render, _failed))


def _inspect(context: JobContext) -> dict[str, Any]:
    from musia.services.imports import inspect_stored

    return inspect_stored(context)


def _inspect_failed(context: JobContext, error: str) -> None:
    from musia.services.imports import failed

    failed(context, error)


register(JobKind("project.inspect", _inspect, _inspect_failed))


def _edit(context: JobContext) -> dict[str, Any]:
    from musia.services.imports import edit_stored

    return edit_stored(context)


register(JobKind("project.edit", _edit, _inspect_failed))
