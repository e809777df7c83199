"""Job events as the chat shows them: typed JSON for the websocket, text in the user's language
(progress stages, the result with download links, a failure)."""

from __future__ import annotations

from typing import Any

from musia.chat.replies import say, stage_template
from musia.hub import Event

API = "/api/v1"
LINK_FORMATS = ("als", "mid", "wav", "zip")


def links(project_id: str, version: int, formats: list[str]) -> dict[str, str]:
    base = f"{API}/projects/{project_id}/download?version={version}&format="
    return {f: base + f for f in LINK_FORMATS if f in formats or f == "zip"}


def present(event: Event, language: str) -> Event | None:
    """The websocket event for a hub event, or None for events clients do not see."""
    kind = event.get("type")
    if kind == "message":
        return event
    if kind == "progress":
        return _progress(event, language)
    if kind == "finished":
        return _finished(event, language)
    return None


def _progress(event: Event, language: str) -> Event:
    message = event.get("message") or ""
    part = message.split(" ", 1)[1] if " " in message else ""
    text = say(language, stage_template(message), part=part, message=message)
    fraction = float(event.get("fraction") or 0.0)
    return {"type": "progress", "job_id": event["job_id"], "fraction": fraction, "text": text}


def _finished(event: Event, language: str) -> Event:
    job_id = event["job_id"]
    if event.get("status") != "COMPLETED":
        error = str(event.get("error") or "")
        text = say(language, "failed", error=error)
        return {"type": "error", "code": "job_failed", "job_id": job_id, "message": text}
    result: dict[str, Any] = dict(event.get("result") or {})
    out: Event = {"type": "result", "job_id": job_id, "result": result}
    if "project_id" in result and "version" in result:
        formats = [_format(f) for f in result.get("files", [])]
        found = links(str(result["project_id"]), int(result["version"]), formats)
        template = "done" if int(result["version"]) == 1 else "done_version"
        out["links"] = found
        out["project_id"], out["version"] = result["project_id"], result["version"]
        out["text"] = say(language, template, version=result["version"], als=found.get("als", ""))
    return out


def _format(key: str) -> str:
    """A stored file's format from its key (…/song.als → als)."""
    name = str(key).rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1] if "." in name else name


def reply_event(reply: Any, request_id: str | None = None) -> Event:
    """The `message` event for a processor reply (musia.chat.processor.Reply)."""
    return {
        "type": "message",
        "role": "assistant",
        "text": reply.reply.content,
        "language": reply.language,
        "intent": reply.intent,
        "message_id": reply.reply.id,
        "job_id": reply.job.id if reply.job else None,
        "project_id": reply.project_id,
        "version": reply.version,
        "plan": reply.plan,
        "request_id": request_id,
    }
