"""Projects: generate from a prompt or a plan, modify by an instruction (a new version whose
parent is the current one), and the render job that writes a version's files into storage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from musia.core.plan import Plan
from musia.db.models import Job, Project, ProjectVersion
from musia.db.repos.jobs import Jobs
from musia.db.repos.projects import Projects
from musia.errors import InvalidInput, NotUnderstood
from musia.services.uow import UnitOfWork

RENDER_KIND = "project.render"


@dataclass(frozen=True)
class RenderOptions:
    audio: bool = False
    live_version: int = 11


@dataclass(frozen=True)
class Started:
    project: Project
    version: ProjectVersion
    job: Job


def plan_for_prompt(prompt: str, seed: int | None) -> Plan:
    from musia.core.plan_builder import plan_from_text

    plan = plan_from_text(prompt, seed=seed)
    if plan.intent not in {"generate", "modify"}:
        raise NotUnderstood(
            f"this reads as a {plan.intent} request, not a description of music to make; "
            "try e.g. 'house track, 124 bpm, A minor'",
            field="prompt",
        )
    return plan


def start_generation(
    uow: UnitOfWork, owner_id: str, plan: Plan, options: RenderOptions, prompt: str | None
) -> Started:
    projects = Projects(uow.session)
    project = projects.create(owner_id, plan.title)
    version = projects.add_version(
        project, plan=plan.model_dump(mode="json"), instruction=prompt, parent=None
    )
    return Started(project, version, _render_job(uow, owner_id, version, options))


def start_modification(
    uow: UnitOfWork, owner_id: str, project_id: str, instruction: str, options: RenderOptions
) -> Started:
    """An edit starts from the current plan and keeps its seed (plan_from_text with `base`)."""
    from musia.core.plan_builder import plan_from_text

    projects = Projects(uow.session)
    project = projects.get(owner_id, project_id)
    current = projects.version(project)
    if current.plan is None:  # an imported set: edited in place by the set editor
        from musia.services.imports import start_edit

        version, job = start_edit(uow, owner_id, project, instruction, audio=options.audio)
        return Started(project, version, job)
    base = Plan.model_validate(current.plan)
    plan = plan_from_text(instruction, base=base)
    if plan.intent not in {"generate", "modify"}:
        raise NotUnderstood(
            f"this reads as a {plan.intent} request, not an edit; try e.g. 'make it 128 bpm'",
            field="instruction",
        )
    version = projects.add_version(
        project, plan=plan.model_dump(mode="json"), instruction=instruction, parent=current
    )
    project.name = plan.title
    return Started(project, version, _render_job(uow, owner_id, version, options))


def _render_job(
    uow: UnitOfWork, owner_id: str, version: ProjectVersion, options: RenderOptions
) -> Job:
    if options.live_version not in {11, 12}:
        raise InvalidInput("live_version must be 11 or 12", field="live_version")
    if options.audio:
        _check_audio_length(version, uow.runtime.settings.jobs.max_audio_minutes)
    payload: dict[str, Any] = {
        "version_id": version.id,
        "audio": options.audio,
        "live_version": options.live_version,
    }
    job = Jobs(uow.session).create(owner_id, RENDER_KIND, payload)
    version.job_id = job.id
    uow.enqueue_after_commit(job.id)
    return job


def _check_audio_length(version: ProjectVersion, max_minutes: float) -> None:
    from musia.core.theory.meter import Meter

    plan = Plan.model_validate(version.plan)
    minutes = plan.bars * Meter.parse(plan.time_signature).bar_beats / plan.bpm
    if minutes > max_minutes:
        raise InvalidInput(
            f"an audio preview is limited to {max_minutes:g} minutes; this song lasts "
            f"{minutes:.1f} minutes (ask without audio, or for fewer bars)",
            field="audio",
        )


DOWNLOAD_FORMATS = ("als", "mid", "wav")


STREAM_ONLY = frozenset({"web"})  # files a version keeps for the studio, not for download


def formats_of(files: dict[str, str] | None) -> list[str]:
    """The downloads a version offers, from its stored files: the set, the MIDI file and the
    preview (`wav` only when the mix preview.wav was written, never for the instruments' own
    samples), and the zip of everything whenever there is a file at all."""
    found = [f for f in DOWNLOAD_FORMATS if f in (files or {})]
    return [*found, "zip"] if files else []


def version_prefix(project_id: str, number: int) -> str:
    return f"projects/{project_id}/v{number}"


def delete_project(uow: UnitOfWork, owner_id: str, project_id: str) -> None:
    projects = Projects(uow.session)
    project = projects.get(owner_id, project_id)
    projects.delete(project)
    storage, prefix = uow.runtime.storage, f"projects/{project.id}"
    uow.after_commit(lambda: storage.delete_prefix(prefix))
