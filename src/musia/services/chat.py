"""The chat's local answer (the chat issue brings an LLM): read the message with the prompt
parser; a description of music starts a generation, an edit of a named project a new version,
anything else gets a short answer saying what Musia can do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from musia.core.plan import Plan
from musia.db.models import ChatMessage, Job
from musia.db.repos.projects import Chat, Projects
from musia.errors import InvalidInput
from musia.services import projects as project_service
from musia.services.uow import UnitOfWork

HELP = (
    "Describe the music to make — e.g. 'house track, 124 bpm, A minor' — or, with a "
    "project_id, how to change it — e.g. 'make it 128 bpm, add a pad'."
)


@dataclass(frozen=True)
class Answer:
    message: ChatMessage
    reply: ChatMessage
    plan: dict[str, Any] | None
    job: Job | None


def answer(uow: UnitOfWork, owner_id: str, text: str, project_id: str | None) -> Answer:
    chat = Chat(uow.session)
    if project_id is not None:
        Projects(uow.session).get(owner_id, project_id)  # someone else's id answers 404
    said = chat.add(owner_id, "user", text, project_id=project_id)
    content, plan, job, project = _respond(uow, owner_id, text, project_id)
    reply = chat.add(
        owner_id,
        "assistant",
        content,
        project_id=project,
        job_id=job.id if job else None,
        data={"plan": plan} if plan else None,
    )
    return Answer(said, reply, plan, job)


def _respond(
    uow: UnitOfWork, owner_id: str, text: str, project_id: str | None
) -> tuple[str, dict[str, Any] | None, Job | None, str | None]:
    from musia.core.plan_builder import plan_from_text

    options = project_service.RenderOptions()
    try:
        if project_id is not None:
            started = project_service.start_modification(uow, owner_id, project_id, text, options)
            return _describe(started), _dump(started), started.job, project_id
        plan = plan_from_text(text)
        if plan.intent != "generate":
            return HELP, None, None, None
        started = project_service.start_generation(uow, owner_id, plan, options, text)
    except InvalidInput as exc:
        return f"{exc.message}. {HELP}", None, None, project_id
    return _describe(started), _dump(started), started.job, started.project.id


def _dump(started: project_service.Started) -> dict[str, Any] | None:
    return started.version.plan


def _describe(started: project_service.Started) -> str:
    number = started.version.number
    verb = "Composing" if number == 1 else f"Making version {number}"
    if started.version.plan is None:  # an imported set, edited in place
        return f"{verb} of {started.project.name}: {started.version.instruction}."
    plan = Plan.model_validate(started.version.plan)
    parts = ", ".join(plan.parts)
    return (
        f"{verb}: {plan.title} — {plan.style}, {plan.bpm:g} BPM, {plan.key.name}, "
        f"{plan.time_signature}, {plan.bars} bars, with {parts}."
    )
