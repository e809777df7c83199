"""The chat over a websocket, `/ws/chat`: authenticate (a JWT as `?token=` or in a first
`{"type": "auth", "token": …}` frame), send `{"type": "message", "text": …}` frames (with
`"audio": true` a started render also writes the preview and stems), receive
typed events (`message`, `progress`, `result`, `error`) for every job of the user.

Each connection reads hub events through its own bounded queue and sends them from its own
task, so a slow or dead client is closed (1008) without holding up anyone else."""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from contextlib import suppress
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from musia.chat.present import present
from musia.errors import MusiaError, Unauthorized
from musia.hub import HUB, Subscription
from musia.runtime import Runtime

router = APIRouter()
UNAUTHORIZED, POLICY, TOO_BIG = 4401, 1008, 1009
AUTH_TIMEOUT_S = 10.0
SEND_TIMEOUT_S = 10.0
FLOOD_FACTOR = 2  # past twice the rate limit in one window, the connection is closed


@router.websocket("/ws/chat")
async def chat_socket(websocket: WebSocket, token: str | None = None) -> None:
    runtime: Runtime = websocket.app.state.runtime
    await websocket.accept()
    user_id = await _authenticate(websocket, runtime, token)
    if user_id is None:
        return
    subscription = HUB.subscribe(user_id, runtime.settings.chat.ws_queue_events)
    tasks = {
        asyncio.create_task(_send_events(websocket, subscription, {})),
        asyncio.create_task(_receive(websocket, runtime, user_id)),
    }
    try:  # whichever ends first (client gone, closed by us, too slow) ends the other
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        HUB.unsubscribe(subscription)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError, Exception):
                await task
        with suppress(Exception):
            await websocket.close(POLICY, "too slow")


async def _authenticate(websocket: WebSocket, runtime: Runtime, token: str | None) -> str | None:
    if token is None:
        try:
            frame = await asyncio.wait_for(websocket.receive_text(), AUTH_TIMEOUT_S)
            first = json.loads(frame)
            token = first.get("token") if first.get("type") == "auth" else None
        except (TimeoutError, ValueError, AttributeError, KeyError, WebSocketDisconnect):
            token = None
    try:
        if not isinstance(token, str) or not token:
            raise Unauthorized("send {'type': 'auth', 'token': <access token>} first")
        return await run_in_threadpool(_user_id, runtime, token)
    except Unauthorized as exc:
        with suppress(Exception):
            await websocket.send_json({"type": "error", "code": exc.code, "message": exc.message})
            await websocket.close(UNAUTHORIZED, exc.message[:120])
        return None


def _user_id(runtime: Runtime, token: str) -> str:
    from musia.db.engine import transaction
    from musia.db.repos.accounts import Users
    from musia.server.security import user_id_from_access_token

    user_id = user_id_from_access_token(token, runtime.settings.jwt_secret)
    with transaction(runtime.sessions) as session:
        user = Users(session).get(user_id)
        if user is None or not user.is_active:
            raise Unauthorized("the account for this token no longer exists")
    return user_id


async def _receive(websocket: WebSocket, runtime: Runtime, user_id: str) -> None:
    limits = runtime.settings.chat
    recent: deque[float] = deque()
    while True:
        frame = await websocket.receive()
        if frame["type"] == "websocket.disconnect":
            return
        raw: str | bytes = frame.get("text") or frame.get("bytes") or ""
        if len(raw) > limits.ws_max_message_bytes:
            await websocket.close(TOO_BIG, "message too big")
            return
        if not _allowed(recent, limits.ws_messages_per_10s):
            if len(recent) > FLOOD_FACTOR * limits.ws_messages_per_10s:
                await websocket.close(POLICY, "too many messages")
                return
            await _error(websocket, "rate_limited", "too many messages; slow down")
            continue
        await _handle(websocket, runtime, user_id, raw)


def _allowed(recent: deque[float], per_10s: int) -> bool:
    now = time.monotonic()
    recent.append(now)
    while recent and recent[0] < now - 10.0:
        recent.popleft()
    return len(recent) <= per_10s


async def _handle(websocket: WebSocket, runtime: Runtime, user_id: str, raw: str | bytes) -> None:
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        await _error(websocket, "malformed", "frames are JSON objects")
        return
    if not isinstance(body, dict) or body.get("type") not in {"message", "ping"}:
        await _error(websocket, "malformed", "send {'type': 'message', 'text': …} or 'ping'")
        return
    if body["type"] == "ping":
        await websocket.send_json({"type": "pong"})
        return
    problem = _check_message(body)
    if problem:
        await _error(websocket, "invalid_input", problem)
        return
    try:
        await run_in_threadpool(_process, runtime, user_id, body)
    except MusiaError as exc:
        await _error(websocket, exc.code, exc.message)


def _check_message(body: dict[str, Any]) -> str | None:
    from musia.core.plan_builder import MAX_PROMPT_CHARS

    text, project_id = body.get("text"), body.get("project_id")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_PROMPT_CHARS:
        return f"'text' must be a non-empty string of at most {MAX_PROMPT_CHARS} characters"
    if project_id is not None and (not isinstance(project_id, str) or len(project_id) > 32):
        return "'project_id' must be a project id"
    request_id = body.get("request_id")
    if request_id is not None and (not isinstance(request_id, str) or len(request_id) > 64):
        return "'request_id' must be a string of at most 64 characters"
    if not isinstance(body.get("audio", False), bool):
        return "'audio' must be true or false"
    return None


def _process(runtime: Runtime, user_id: str, body: dict[str, Any]) -> None:
    from musia.chat.processor import brain_for, process
    from musia.services.projects import RenderOptions
    from musia.services.uow import UnitOfWork

    with UnitOfWork(runtime) as uow:  # the reply reaches the hub, then the job is queued
        process(
            uow,
            user_id,
            body["text"],
            body.get("project_id"),
            brain=brain_for(runtime.settings),
            options=RenderOptions(audio=bool(body.get("audio", False))),
            request_id=body.get("request_id"),
        )


async def _send_events(
    websocket: WebSocket, subscription: Subscription, languages: dict[str, str]
) -> None:
    while True:
        event = await subscription.queue.get()
        if subscription.overflowed:
            await websocket.close(POLICY, "too slow: events were dropped")
            return
        if event.get("type") == "message" and event.get("job_id"):
            languages[str(event["job_id"])] = str(event.get("language") or "en")
        shown = present(event, languages.get(str(event.get("job_id")), "en"))
        if shown is not None:
            await asyncio.wait_for(websocket.send_json(shown), SEND_TIMEOUT_S)


async def _error(websocket: WebSocket, code: str, message: str) -> None:
    await websocket.send_json({"type": "error", "code": code, "message": message})
