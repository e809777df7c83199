"""The chat's answer over HTTP: the chat processor (musia.chat.processor) reads the message,
in the user's language, and may start a generation or a new version of the current project."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from musia.db.models import ChatMessage, Job
from musia.services.uow import UnitOfWork


@dataclass(frozen=True)
class Answer:
    message: ChatMessage
    reply: ChatMessage
    plan: dict[str, Any] | None
    job: Job | None


def answer(
    uow: UnitOfWork, owner_id: str, text: str, project_id: str | None, audio: bool = False
) -> Answer:
    """`audio`: a started render also writes the preview and stems."""
    from musia.chat.processor import brain_for, process
    from musia.services.projects import RenderOptions

    brain = brain_for(uow.runtime.settings)
    options = RenderOptions(audio=audio)
    reply = process(uow, owner_id, text, project_id, brain=brain, options=options)
    return Answer(reply.message, reply.reply, reply.plan, reply.job)
