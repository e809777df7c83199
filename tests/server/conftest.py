"""The API under test: the real application on a real database (SQLite and PostgreSQL), local
storage in a temporary folder and the in-process worker, driven through an HTTP client."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from musia.runtime import Runtime, open_runtime
from musia.server.app import create_app
from musia.settings import (
    AuthSettings,
    ChatSettings,
    DatabaseSettings,
    HttpSettings,
    JobSettings,
    Settings,
    StorageSettings,
    UploadSettings,
)
from tests.service_fixtures import database_url, postgres_url

__all__ = ["database_url", "postgres_url"]
SECRET = "test-secret-" + "x" * 40


def make_settings(data_dir: Path, url: str, **groups: Any) -> Settings:
    return Settings(
        data_dir=data_dir,
        database=groups.get("database", DatabaseSettings(url=url)),
        storage=groups.get("storage", StorageSettings(local_dir=data_dir / "storage")),
        upload=groups.get("upload", UploadSettings()),
        auth=groups.get("auth", AuthSettings(jwt_secret=SECRET)),
        http=groups.get("http", HttpSettings(log_json=False)),
        jobs=groups.get("jobs", JobSettings(workers=2)),
        chat=groups.get("chat", ChatSettings()),
    )


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path / "data", database_url)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    current = open_runtime(settings, migrate=False)  # the fixture database is migrated
    yield current
    current.close()


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime=runtime), raise_server_exceptions=False) as http:
        yield http


Headers = dict[str, str]


def register(client: TestClient, username: str, password: str = "correct horse") -> Headers:
    answer = client.post("/api/v1/auth/register", json={"username": username, "password": password})
    assert answer.status_code == 201, answer.text
    login = client.post("/api/v1/auth/login", data={"username": username, "password": password})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


@pytest.fixture
def alice(client: TestClient) -> Headers:
    return register(client, "alice")


@pytest.fixture
def bob(client: TestClient) -> Headers:
    return register(client, "bob")


def wait_for_job(
    client: TestClient, headers: Headers, job_id: str, timeout_s: float = 180
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in {"COMPLETED", "FAILED", "CANCELED"}:
            return dict(job)
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout_s} s")


Poll = Callable[[str], dict[str, Any]]
