"""Job events as the chat shows them: typed JSON for the websocket, text in the user's language
(progress stages, the result with download links, a failure)."""

from __future__ import annotations

import re
from typing import Any

from musia.chat.replies import say, stage_template
from musia.hub import Event

API = "/api/v1"
LINK_FORMATS = ("als", "zip", "mid", "wav")
# A job's progress message: a stage word, maybe what it works on, maybe a count ("rendering
# Bass 2/6", "storing 3/40", "composing").
_MESSAGE = re.compile(r"^(?P<stage>\S+)(?: (?P<part>.+?))?(?: (?P<done>\d+)/(?P<total>\d+))?$")
# The sample library's own jobs (an upload analysed, the starter pack added) are shown on the
# library's page; in the chat their progress and finish would pass for the song's.
LIBRARY_JOBS = "samples."


def links(project_id: str, version: int, formats: list[str]) -> dict[str, str]:
    """The downloads that exist, in the order a producer wants them (the set first)."""
    base = f"{API}/projects/{project_id}/download?version={version}&format="
    return {f: base + f for f in LINK_FORMATS if f in formats}


def present(event: Event, language: str) -> Event | None:
    """The websocket event for a hub event, or None for events clients do not see."""
    kind = event.get("type")
    if kind in {"message", "preview"}:  # a preview: the first sound of a render, to play
        return event
    if kind in {"progress", "finished"} and str(event.get("kind") or "").startswith(LIBRARY_JOBS):
        return None
    if kind == "progress":
        return _progress(event, language)
    if kind == "finished":
        return _finished(event, language)
    return None


def _progress(event: Event, language: str) -> Event:
    """The stage in the user's language, with its count and the percentage done."""
    message = str(event.get("message") or "")
    fraction = round(float(event.get("fraction") or 0.0), 3)
    found = _MESSAGE.match(message)
    words = found.groupdict() if found else {}
    stage = say(
        language,
        stage_template(message),
        part=words.get("part") or "",
        done=words.get("done") or "",
        total=words.get("total") or "",
        message=message,
    )
    text = say(language, "progress", stage=stage, percent=round(fraction * 100))
    event_out: Event = {"type": "progress", "job_id": event["job_id"], "fraction": fraction}
    return event_out | {"text": text, "stage": words.get("stage") or message}


def _finished(event: Event, language: str) -> Event:
    job_id = event["job_id"]
    if event.get("status") != "COMPLETED":
        error = str(event.get("error") or "")
        text = say(language, "failed", error=error)
        return {"type": "error", "code": "job_failed", "job_id": job_id, "message": text}
    result: dict[str, Any] = dict(event.get("result") or {})
    out: Event = {"type": "result", "job_id": job_id, "result": result}
    if "project_id" in result and "version" in result:
        formats = [str(f) for f in result.get("formats", [])]
        out["links"] = links(str(result["project_id"]), int(result["version"]), formats)
        out["formats"] = [f for f in LINK_FORMATS if f in formats]
        out["project_id"], out["version"] = result["project_id"], result["version"]
        template = "done" if int(result["version"]) == 1 else "done_version"
        out["text"] = say(language, template, version=result["version"])
    return out


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
        "project_name": reply.project_name,
        "changes": reply.changes,
        "request_id": request_id,
    }
