"""`musia serve` as `make run` starts it: a real uvicorn process on the embedded defaults, with
docs, CORS for the front end on :3000, JSON logs carrying request ids; bad settings stop it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

MUSIA = str(Path(sys.executable).with_name("musia"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    data = tmp_path_factory.mktemp("serve")
    log = data / "stderr.log"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSIA_")}
    command = [MUSIA, "serve", "--port", str(port), "--data-dir", str(data / "data")]
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert process.poll() is None, log.read_text()
                time.sleep(0.1)
        yield url, data / "data", log
        process.terminate()
        process.wait(timeout=30)


def test_docs_openapi_and_embedded_defaults(server: tuple[str, Path, Path]) -> None:
    url, data, _ = server
    assert "swagger" in httpx.get(f"{url}/docs").text.lower()
    spec = httpx.get(f"{url}/openapi.json").json()
    assert "/api/v1/projects/generate" in spec["paths"]
    assert httpx.get(f"{url}/readyz").json()["database"] == "sqlite"
    assert (data / "musia.db").is_file()
    assert (data / "jwt-secret").is_file()


def test_cors_allows_the_front_end_on_3000(server: tuple[str, Path, Path]) -> None:
    url, _, _ = server
    preflight = httpx.options(
        f"{url}/api/v1/projects",
        headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:3000"
    other = httpx.options(
        f"{url}/api/v1/projects",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in other.headers


def test_logs_are_json_lines_with_the_request_id(server: tuple[str, Path, Path]) -> None:
    url, _, log = server
    answer = httpx.get(f"{url}/api/v1/projects", headers={"X-Request-ID": "abc-123"})
    assert answer.status_code == 401
    assert answer.headers["x-request-id"] == "abc-123"
    generated = httpx.get(f"{url}/healthz").headers["x-request-id"]
    assert len(generated) == 32
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        ours = [line for line in lines if line.get("request_id") == "abc-123"]
        if ours:
            break
        time.sleep(0.1)
    assert ours[0]["path"] == "/api/v1/projects"
    assert ours[0]["status"] == 401
    assert {"time", "level", "logger", "message"} <= ours[0].keys()


def test_a_bad_setting_stops_the_service_with_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "MUSIA_UPLOAD_MAX_AUDIO_BYTES": "-1"}
    result = subprocess.run(
        [MUSIA, "serve", "--data-dir", str(tmp_path)],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "max_audio_bytes" in result.stderr
