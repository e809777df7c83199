"""The chat under test: the real application on SQLite (the service tests cover PostgreSQL),
local storage and the in-process worker; websockets through the test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from musia.db.engine import make_engine
from musia.db.migrate import upgrade
from musia.runtime import Runtime, open_runtime
from musia.server.app import create_app
from musia.server.security import create_access_token
from musia.settings import ChatSettings
from tests.server.conftest import SECRET, make_settings, register


@pytest.fixture
def chat_settings() -> ChatSettings:
    return ChatSettings(glm_api_key=None, minimax_api_key=None)


@pytest.fixture
def runtime(tmp_path: Path, chat_settings: ChatSettings) -> Iterator[Runtime]:
    url = f"sqlite:///{tmp_path / 'musia.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    current = open_runtime(make_settings(tmp_path / "data", url, chat=chat_settings), migrate=False)
    yield current
    current.close()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as http:
        yield http


def token_of(client: TestClient, username: str) -> str:
    return register(client, username)["Authorization"].removeprefix("Bearer ")


def expired_token(user_id: str = "nobody") -> str:
    return create_access_token(user_id, SECRET, minutes=-1)


def receive_until(ws: Any, wanted: str, limit: int = 200) -> list[dict[str, Any]]:
    """Events up to and including the first of type `wanted`."""
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        event = ws.receive_json()
        seen.append(event)
        if event["type"] == wanted:
            return seen
    raise AssertionError(f"no {wanted} event in {limit}: {seen[-5:]}")
