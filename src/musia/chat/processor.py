"""The chat processor: one message in, one reply out, in the user's language.

The local parser reads the intent (generate, modify, analyze, chat). A new song or an edit of
the current project starts a render job (an edit is a new version that keeps the seed); the plan
may come from a language model when one is configured, the local plan standing in on any
failure. The message and the reply are saved in the chat history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from musia.chat import edits, state
from musia.chat.analysis import analyse
from musia.chat.llm import Brain
from musia.chat.present import reply_event
from musia.chat.replies import detect_language, say
from musia.core.plan import Plan
from musia.db.models import ChatMessage, Job, Project
from musia.db.repos.projects import Chat, Projects
from musia.errors import InvalidInput
from musia.events import publish_owner
from musia.services import projects as project_service
from musia.services.uow import UnitOfWork
from musia.settings import Settings


@dataclass(frozen=True)
class Outcome:
    """What the reply says and did, before it is saved."""

    text: str
    intent: str
    plan: Plan | None = None
    started: project_service.Started | None = None
    project: Project | None = None
    planner: str = "local"
    changes: str | None = None  # the edit's changes in a line, in the user's language


@dataclass(frozen=True)
class Reply:
    language: str
    intent: str
    message: ChatMessage
    reply: ChatMessage
    plan: dict[str, Any] | None
    job: Job | None
    project_id: str | None
    version: int | None
    project_name: str | None = None
    changes: str | None = None


def process(
    uow: UnitOfWork,
    owner_id: str,
    text: str,
    project_id: str | None = None,
    *,
    brain: Brain | None = None,
    options: project_service.RenderOptions | None = None,
    request_id: str | None = None,
) -> Reply:
    """Every client of the user hears the reply (before the job is queued: the reply comes
    before the job's progress)."""
    language = detect_language(text)
    project = state.current_project(uow.session, owner_id, project_id)
    chat = Chat(uow.session)
    said = chat.add(owner_id, "user", text, project_id=project.id if project else None)
    outcome = _respond(uow, owner_id, text, project, language, brain, options)
    started = outcome.started
    shown = started.project if started else outcome.project
    plan = outcome.plan.model_dump(mode="json") if outcome.plan else None
    data = {"language": language, "intent": outcome.intent, "planner": outcome.planner}
    if outcome.changes:
        data["changes"] = outcome.changes
    reply = chat.add(
        owner_id,
        "assistant",
        outcome.text,
        project_id=shown.id if shown else None,
        job_id=started.job.id if started else None,
        data={**data, "plan": plan} if plan else data,
    )
    result = Reply(
        language,
        outcome.intent,
        said,
        reply,
        plan,
        started.job if started else None,
        shown.id if shown else None,
        started.version.number if started else None,
        shown.name if shown else None,
        outcome.changes,
    )
    publish_owner(uow.runtime.settings, owner_id, reply_event(result, request_id))
    return result


def _respond(
    uow: UnitOfWork,
    owner_id: str,
    text: str,
    project: Project | None,
    language: str,
    brain: Brain | None,
    options: project_service.RenderOptions | None,
) -> Outcome:
    from musia.core.plan_builder import plan_from_text

    base = _plan_of(uow, project)
    try:
        local = plan_from_text(text, base=base)
    except InvalidInput as exc:
        help_text = say(language, "help")
        return Outcome(f"{say(language, 'not_understood', error=exc.message)}\n{help_text}", "chat")
    if local.intent == "analyze":
        return Outcome(analyse(uow, owner_id, project, language, text), "analyze", project=project)
    if local.intent == "chat":
        answer = brain.talk(text, language) if brain else None
        planner = "model" if answer else "local"
        return Outcome(answer or say(language, "help"), "chat", project=project, planner=planner)
    if local.intent == "modify":
        if project is None:
            return Outcome(say(language, "no_project"), "modify")
        if base is None:
            return Outcome(say(language, "imported"), "modify", project=project)
        options = options or project_service.RenderOptions()
        return _edit(uow, owner_id, text, base, project, language, brain, options)
    else:
        local = plan_from_text(text)  # a new song: nothing carried over from the current one
    return _start(uow, owner_id, text, local, language, brain, options)


def _start(
    uow: UnitOfWork,
    owner_id: str,
    text: str,
    local: Plan,
    language: str,
    brain: Brain | None,
    options: project_service.RenderOptions | None,
) -> Outcome:
    """A new song."""
    proposed = brain.plan(text, local) if brain else None
    plan = proposed or local
    options = options or project_service.RenderOptions()
    started = project_service.start_generation(uow, owner_id, plan, options, text)
    words = _plan_words(plan) | {"version": started.version.number}
    planner = "model" if proposed else "local"
    said = say(language, "generated", **words)
    return Outcome(said, local.intent, plan, started, planner=planner)


def _edit(
    uow: UnitOfWork,
    owner_id: str,
    text: str,
    base: Plan,
    project: Project,
    language: str,
    brain: Brain | None,
    options: project_service.RenderOptions,
) -> Outcome:
    """A new version when the edit changes something; else the reason, and no version."""
    edit = edits.read_edit(text, base)
    proposed = brain.plan(text, edit.plan) if brain else None
    plan = proposed or edit.plan
    found = edits.changes(base, plan)
    if not found:
        number = Projects(uow.session).version(project).number
        said = edits.nothing_done(language, edit, base, number)
        return Outcome(said, "modify", project=project, planner="model" if proposed else "local")
    started = _new_version(uow, owner_id, project, plan, text, options)
    changed = edits.line(language, found)
    words = _plan_words(plan) | {"version": started.version.number}
    lines = [say(language, "modified", **words), say(language, "changes", changes=changed)]
    note = edits.unknown_note(language, edit, base)
    said = "\n".join([*lines, *([note] if note else [])])
    planner = "model" if proposed else "local"
    return Outcome(said, "modify", plan, started, planner=planner, changes=changed)


def _new_version(
    uow: UnitOfWork,
    owner_id: str,
    project: Project,
    plan: Plan,
    text: str,
    options: project_service.RenderOptions,
) -> project_service.Started:
    """The service's modification with a plan already made (by the parser or a model)."""
    from musia.db.repos.jobs import Jobs

    projects = Projects(uow.session)
    current = projects.version(project)
    dumped = plan.model_dump(mode="json")
    version = projects.add_version(project, plan=dumped, instruction=text, parent=current)
    project.name = plan.title
    payload = {"version_id": version.id, "audio": options.audio, "live_version": 11}
    job = Jobs(uow.session).create(owner_id, project_service.RENDER_KIND, payload)
    version.job_id = job.id
    uow.enqueue_after_commit(job.id)
    return project_service.Started(project, version, job)


def _plan_of(uow: UnitOfWork, project: Project | None) -> Plan | None:
    if project is None:
        return None
    current = Projects(uow.session).version(project)
    return Plan.model_validate(current.plan) if current.plan else None


def _plan_words(plan: Plan) -> dict[str, Any]:
    return {
        "title": plan.title,
        "style": plan.style,
        "bpm": f"{plan.bpm:g}",
        "key": plan.key.name,
        "meter": plan.time_signature,
        "bars": plan.bars,
        "parts": ", ".join(plan.parts),
    }


def brain_for(settings: Settings) -> Brain | None:
    """The configured language models, or None: the chat then answers locally."""
    from musia.chat.llm import available

    return Brain(settings.chat) if available(settings.chat) else None
