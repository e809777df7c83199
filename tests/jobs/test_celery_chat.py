"""The chat with jobs on Celery: the render runs in a `musia worker` process, and its real
progress reaches every websocket of the user through Redis and the API's owner bridge, while
another user's socket hears nothing of it."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from websockets.sync.client import ClientConnection, connect

from musia.db.engine import transaction
from musia.db.repos.accounts import Users
from musia.server.app import create_app
from musia.server.security import create_access_token
from tests.jobs.conftest import CeleryFactory

SONG = "house track, 124 bpm, A minor, 8 bars"
TIMEOUT_S = 90.0


@pytest.fixture
def served(celery_world: CeleryFactory) -> Iterator[tuple[int, Any]]:
    world = celery_world()
    world.workers.start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(runtime=world.runtime), port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the API server did not start"
        time.sleep(0.02)
    yield port, world
    server.should_exit = True
    thread.join(timeout=10)


def _token(world: Any, username: str) -> str:
    with transaction(world.runtime.sessions) as session:
        user = Users(session).create(username, "not-a-password-hash")
        session.flush()
        user_id = user.id
    return create_access_token(user_id, world.runtime.settings.jwt_secret, 10)


def _until(ws: ClientConnection, wanted: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        event = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        seen.append(event)
        if event["type"] == wanted:
            return seen
    raise AssertionError(f"no {wanted} event within {TIMEOUT_S} s: {seen[-5:]}")


def test_a_workers_progress_reaches_every_socket_of_the_user(served: tuple[int, Any]) -> None:
    port, world = served
    alice, bob = _token(world, "alice"), _token(world, "bob")
    url = f"ws://127.0.0.1:{port}/ws/chat?token="
    with connect(url + alice) as first, connect(url + alice) as second, connect(url + bob) as other:
        first.send(json.dumps({"type": "message", "text": SONG, "request_id": "r1"}))
        seen_first = _until(first, "result")
        seen_second = _until(second, "result")
        other.send(json.dumps({"type": "ping"}))
        assert json.loads(other.recv(timeout=10)) == {"type": "pong"}  # nothing of alice's
    assert seen_first == seen_second
    kinds = [event["type"] for event in seen_first]
    assert kinds[0] == "message" and kinds[-1] == "result"
    assert "progress" in kinds, f"no progress event came from the worker: {kinds}"
    progress = [event for event in seen_first if event["type"] == "progress"]
    fractions = [event["fraction"] for event in progress]
    assert fractions == sorted(fractions) and 0 < fractions[0] < 1
    result = seen_first[-1]
    assert result["job_id"] == seen_first[0]["job_id"]
    assert result["text"].startswith("✅ Project ready")
