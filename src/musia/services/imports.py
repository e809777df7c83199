"""Imported Live sets: the original is stored unchanged as version 1 of a new project, and a
job reads it (musia.formats.als.reader) into the summary that `inspect` returns. An instruction
on an imported project becomes set edits (tempo, transpose, added parts) applied by the set
editor to the current version's bytes, stored as a new version: what an edit does not touch
stays byte for byte."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from musia.db.engine import transaction
from musia.db.models import Job, Project, ProjectVersion
from musia.db.repos.jobs import Jobs
from musia.db.repos.projects import Projects
from musia.errors import InvalidInput, NotFound, SetFormatError
from musia.formats.als.scenes import session_rows
from musia.jobs.context import JobContext
from musia.services.projects import formats_of, version_prefix
from musia.services.uow import UnitOfWork

INSPECT_KIND = "project.inspect"
EDIT_KIND = "project.edit"
ADDABLE_PARTS = ("drums", "bass", "chords", "pad", "lead")


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
    context.progress(0.1, "reading the set")
    with context.runtime.scratch.temporary("import-") as folder:
        path = context.runtime.storage.fetch(key, Path(folder) / key.rsplit("/", 1)[-1])
        summary = set_summary(path)
    with transaction(context.runtime.sessions) as session:
        version = Projects(session).version_by_id(version_id)
        if version is None:
            raise NotFound("the imported project was deleted while it was read")
        version.summary = summary
        version.status = "ready"
    return {"version_id": version_id, "tracks": len(summary.get("tracks", []))}


def set_summary(path: Path) -> dict[str, Any]:
    from musia.formats.als.inspect import summary
    from musia.formats.als.reader import read_set

    return summary(read_set(path).info)


def edits_from_instruction(instruction: str) -> dict[str, Any]:
    """What a sentence asks of an existing set, or a 422 naming what can be asked."""
    from musia.core.prompt import read_prompt

    reading = read_prompt(instruction)
    edits: dict[str, Any] = {}
    if reading.bpm is not None:
        edits["tempo"] = reading.bpm
    elif reading.tempo_direction:
        edits["tempo_factor"] = 1.05 if reading.tempo_direction == "faster" else 1 / 1.05
    if reading.transpose_semitones:
        edits["transpose"] = reading.transpose_semitones
    added = [p for p in reading.include if p in ADDABLE_PARTS]
    if added:
        edits["add_parts"] = added
    if not edits:
        raise InvalidInput(
            "an imported set can be edited by tempo ('make it 128 bpm', 'faster'), "
            "transposition ('transpose up 2 semitones') or added parts ('add a bass')",
            field="instruction",
        )
    return edits


def start_edit(
    uow: UnitOfWork, owner_id: str, project: Project, instruction: str, *, audio: bool = False
) -> tuple[ProjectVersion, Job]:
    """A new version of an imported set, edited in place; with `audio`, its MIDI tracks
    (arrangement, then the session's scenes) rendered as a preview on a General MIDI
    SoundFont."""
    projects = Projects(uow.session)
    current = projects.version(project)
    refuse_failed(uow.session, current, "edited")
    edits = edits_from_instruction(instruction)
    if "als" not in current.files:
        raise NotFound(f"version {current.number} has no Live set to edit")
    version = projects.add_version(project, plan=None, instruction=instruction, parent=current)
    payload = {
        "version_id": version.id,
        "source_key": current.files["als"],
        "edits": edits,
        "audio": audio,
        "max_audio_minutes": uow.runtime.settings.jobs.max_audio_minutes,
    }
    job = Jobs(uow.session).create(owner_id, EDIT_KIND, payload)
    version.job_id = job.id
    uow.enqueue_after_commit(job.id)
    return version, job


def edit_stored(context: JobContext) -> dict[str, Any]:
    from musia.formats.als.editor import SetEditor
    from musia.formats.als.inspect import summary
    from musia.formats.als.reader import read_set
    from musia.formats.als.save import save_set

    source_key = str(context.input["source_key"])
    name = source_key.rsplit("/", 1)[-1]
    with context.runtime.scratch.temporary("edit-") as folder:
        source = context.runtime.storage.fetch(source_key, Path(folder) / f"source-{name}")
        live_set = read_set(source)
        editor = SetEditor(live_set)
        _apply(editor, context.input["edits"], context.job_id)
        edited = Path(folder) / name
        save_set(editor.to_bytes(), edited, gzipped=live_set.gzipped)
        facts = summary(editor.info)
        audio = (
            _edited_preview(context, editor.info, Path(folder))
            if context.input.get("audio")
            else {}
        )
        version_id = str(context.input["version_id"])
        with transaction(context.runtime.sessions) as session:
            version = Projects(session).version_by_id(version_id)
            if version is None:
                raise NotFound("the project was deleted while its set was edited")
            prefix = version_prefix(version.project_id, version.number)
            key = f"{prefix}/{name}"
            context.runtime.storage.put_file(key, edited, "application/gzip")
            files = {"als": key}
            for kind, (path, content_type) in audio.get("files", {}).items():
                files[kind] = f"{prefix}/{'web/' if kind == 'web' else ''}{path.name}"
                context.runtime.storage.put_file(files[kind], path, content_type)
            version.files = files
            version.summary = facts | {k: v for k, v in audio.items() if k != "files"}
            version.status = "ready"
            project_id, number = version.project_id, version.number
    result: dict[str, Any] = {"version_id": version_id, "changes": editor.changes}
    result |= {"project_id": project_id, "version": number, "formats": formats_of(files)}
    if "preview_skipped" in audio:
        result["preview_skipped"] = audio["preview_skipped"]
    return result


def _edited_preview(context: JobContext, info: Any, folder: Path) -> dict[str, Any]:
    """The edited set's MIDI tracks as a preview.wav and its web copy: `files` maps `wav` and
    `web` to (path, content type); `audio` is the preview's summary. A set too long or without
    notes gets `preview_skipped` (the reason) instead: the edit itself stands."""
    from musia.errors import AudioUnavailable
    from musia.formats.als.export import set_to_song
    from musia.formats.webcopy import WEB_MEDIA_TYPE, write_web_copy
    from musia.production.render import render_song, write_wav

    # the session's scenes after the arrangement, unless they only copy it (Musia's own sets)
    song = set_to_song(info, session=bool(session_rows(info)))
    limit = float(context.input.get("max_audio_minutes", 30.0))
    if song.duration_s / 60 > limit:
        reason = (
            f"the set lasts {song.duration_s / 60:.1f} minutes; a preview is limited to {limit:g}"
        )
        return {"preview_skipped": reason}
    context.progress(0.3, "mixing")
    try:
        preview = render_song(song, balance=False)
    except (AudioUnavailable, InvalidInput) as exc:
        return {"preview_skipped": exc.message}
    context.progress(0.8, "writing")
    wav = write_wav(folder / "preview.wav", preview.mix, preview.sample_rate)
    web = write_web_copy(folder / "preview.ogg", preview.mix, preview.sample_rate)
    files = {"wav": (wav, "audio/wav"), "web": (web, WEB_MEDIA_TYPE)}
    return {"files": files, "audio": preview.summary(), "duration_s": round(song.duration_s, 3)}


def _apply(editor: Any, edits: dict[str, Any], job_id: str) -> None:
    if "tempo" in edits:
        editor.set_tempo(float(edits["tempo"]))
    elif "tempo_factor" in edits:
        editor.set_tempo(round(editor.info.tempo * float(edits["tempo_factor"]), 2))
    if edits.get("transpose"):
        editor.transpose(int(edits["transpose"]))
    if edits.get("add_parts"):
        from musia.formats.als.addpart import add_parts

        seed = int(job_id[:8], 16) & 0x7FFFFFFF
        add_parts(editor, list(edits["add_parts"]), key=None, seed=seed)


def failed(context: JobContext, error: str) -> None:
    """The version is marked failed; its job keeps the reason. A request answers from these
    two and never reads the file again (a refused gzip bomb cost up to 512 MB on every view)."""
    with transaction(context.runtime.sessions) as session:
        version = Projects(session).version_by_id(str(context.input.get("version_id", "")))
        if version is not None:
            version.status = "failed"


def refuse_failed(session: Session, version: ProjectVersion, doing: str) -> None:
    """Raise the remembered failure of a version whose set could not be read (422
    bad_live_set, with its job's reason), before anything opens its file."""
    if version.status != "failed":
        return
    job = session.get(Job, version.job_id) if version.job_id else None
    reason = job.error if job is not None and job.error else "its set could not be read"
    raise SetFormatError(f"version {version.number} cannot be {doing}: {reason}")
