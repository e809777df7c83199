"""Request bodies are counted while they stream in: past its route's limit a request is cut off
with 413, whatever its Content-Length claimed, before the rest is read. Limits are keyed by route
template (`/api/v1/boxes/{box_id}/upload`), the way the routers spell their paths, so a route with
a path parameter gets its limit too, not the JSON default."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException
from starlette.routing import compile_path

from musia.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
MULTIPART_SLACK = 64 * 1024  # form boundaries and the other fields around the file


class BodyTooLarge(HTTPException):
    """An HTTPException, so that FastAPI's body parser lets it through unchanged."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over the {limit:,}-byte limit")


def route_limits(settings: Settings) -> dict[str, int]:
    """Body limit in bytes per route template; every route that takes a file is here (a test
    walks the app's routes to hold this)."""
    audio = settings.upload.max_audio_bytes + MULTIPART_SLACK
    return {
        "/api/v1/music/upload": audio,
        "/api/v1/samples/upload": audio,
        "/api/v1/boxes/{box_id}/upload": audio,
        "/api/v1/projects/import": settings.upload.max_set_bytes + MULTIPART_SLACK,
    }


class BodyLimit:
    def __init__(self, app: ASGIApp, limits: dict[str, int], default_limit: int) -> None:
        self.app = app
        self.templates = [(compile_path(template)[0], limit) for template, limit in limits.items()]
        self.default_limit = default_limit

    def limit_bytes(self, path: str) -> int:
        path = path.rstrip("/") or "/"
        for pattern, limit in self.templates:
            if pattern.match(path):
                return limit
        return self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_bytes(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    import json

    body = json.dumps(
        {"error": "too_large", "message": f"the request body is over the {limit:,}-byte limit"}
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
