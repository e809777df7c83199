"""The gateway through the API: the real app on a real database with the in-process worker,
presets installed into the database and pointed at fake vendors on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from musia.db.engine import transaction
from musia.db.models import AiModel
from musia.gateway.store import install_preset
from musia.runtime import Runtime, open_runtime
from musia.server.app import create_app
from musia.settings import HttpSettings, JobSettings, Settings
from tests.providers.fakes import BASE_PATHS, FakeVendor
from tests.server.conftest import make_settings, register
from tests.service_fixtures import database_url, postgres_url

__all__ = ["database_url", "postgres_url"]
FAST_POLL_S = 0.05


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    http = HttpSettings(log_json=False, allow_private_urls=True)  # the fakes live on 127.0.0.1
    return make_settings(tmp_path / "data", database_url, http=http, jobs=JobSettings(workers=2))


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    current = open_runtime(settings, migrate=False)
    yield current
    current.close()


@pytest.fixture
def api(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as http:
        yield http


@pytest.fixture
def alice(api: TestClient) -> dict[str, str]:
    return register(api, "alice")


@pytest.fixture
def bob(api: TestClient) -> dict[str, str]:
    return register(api, "bob")


def install(runtime: Runtime, fake: FakeVendor, preset_name: str) -> dict[str, str]:
    """The preset in the database at the fake's address, polling fast; model name → id."""
    base_url = fake.url + BASE_PATHS.get(preset_name, "")
    with transaction(runtime.sessions) as session:
        _, rows = install_preset(session, runtime.settings, preset_name, fake.api_key, base_url)
        for row in rows:
            if row.response_map.get("poll"):
                poll = {**row.response_map["poll"], "interval_s": FAST_POLL_S}
                row.response_map = {**row.response_map, "poll": poll}
        return {row.name: row.id for row in rows}


def model_ids(runtime: Runtime) -> list[str]:
    with transaction(runtime.sessions) as session:
        return list(session.scalars(select(AiModel.id)))


def wait_asset(
    api: TestClient, headers: dict[str, str], asset_id: str, timeout_s: float = 60
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        answer = api.get(f"/api/v1/assets/{asset_id}", headers=headers)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        if body["status"] in {"COMPLETED", "FAILED", "CANCELED"}:
            return body
        assert time.monotonic() < deadline, f"asset still {body['status']}"
        time.sleep(0.05)
