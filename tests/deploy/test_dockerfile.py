"""The Dockerfile as far as it can be checked without a Docker engine (none runs here, so the
image is never built by the tests): its base, user, install, volume, command and health check,
and that the command and the health check work when run as the image would run them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from musia.settings_doc import setting_variables
from tests.deploy.deploy_files import (
    DOCKERFILE,
    MUSIA_NAME,
    REPO,
    dockerfile_instructions,
    exec_form,
    parses_as_musia_command,
)

BIN = Path(sys.executable).parent


def _only(word: str) -> list[str]:
    return [arguments for name, arguments in dockerfile_instructions() if name == word]


def test_base_user_and_install() -> None:
    assert _only("FROM") == ["python:3.11-slim AS build", "python:3.11-slim"]
    runs = " ".join(_only("RUN"))
    # Exactly what uv.lock pins, installed by the uv release pinned with its hashes.
    assert "pip install --require-hashes -r requirements-uv.txt" in runs
    assert "uv sync --locked --no-default-groups --extra server --extra audio" in runs
    assert "dev" not in runs and "--group" not in runs  # no test or lint tools in the image
    # The final stage runs as a named user, never root.
    assert _only("USER") == ["musia"]
    assert "useradd --system --uid 10001" in runs
    assert _only("VOLUME") == ['["/data"]']
    assert _only("EXPOSE") == ["8000"]
    names = set(MUSIA_NAME.findall(DOCKERFILE.read_text("utf-8")))
    assert names == {"MUSIA_DATA_DIR"} <= setting_variables()


def test_the_image_command_is_a_real_serve_command() -> None:
    (cmd,) = _only("CMD")
    argv = exec_form(cmd)
    assert argv == ["musia", "serve", "--host", "0.0.0.0", "--port", "8000"]
    assert parses_as_musia_command(argv)


def test_the_build_context_holds_the_project_and_no_secrets() -> None:
    lines = [
        line
        for line in (REPO / ".dockerignore").read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[0] == "*"  # everything out (.env, .venv, data, .git) ...
    # ... but what the install needs
    assert {"!pyproject.toml", "!uv.lock", "!requirements-uv.txt", "!README.md", "!src/"} <= set(
        lines
    )
    copied = " ".join(_only("COPY"))
    assert "requirements-uv.txt" in copied
    assert "pyproject.toml uv.lock README.md" in copied
    assert "src ./src" in copied


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _healthcheck(port: int) -> subprocess.CompletedProcess[str]:
    (healthcheck,) = _only("HEALTHCHECK")
    argv = exec_form(healthcheck)
    assert argv[0] == "python"
    assert "http://127.0.0.1:8000/healthz" in argv[-1]
    script = argv[-1].replace(":8000/", f":{port}/")
    return subprocess.run(
        [sys.executable, *argv[1:-1], script],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )


def test_the_health_check_passes_on_a_serving_process_and_fails_without_one(
    tmp_path: Path,
) -> None:
    """The image's CMD and HEALTHCHECK, run here with the image's environment (only the port
    changes, and the address: this shared machine's loopback)."""
    port = _free_port()
    (cmd,) = _only("CMD")
    argv = exec_form(cmd)
    argv[argv.index("--port") + 1] = str(port)
    argv[argv.index("--host") + 1] = "127.0.0.1"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSIA_")}
    env["MUSIA_DATA_DIR"] = str(tmp_path / "data")  # the Dockerfile's ENV, moved here
    log = tmp_path / "serve.log"
    assert _healthcheck(port).returncode != 0  # nothing serves yet
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [str(BIN / argv[0]), *argv[1:]], env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )
        try:
            deadline = time.monotonic() + 90
            while (result := _healthcheck(port)).returncode != 0:
                assert process.poll() is None, log.read_text()
                if time.monotonic() > deadline:
                    pytest.fail(f"no healthy answer in 90 s: {result.stderr}")
                time.sleep(0.5)
            assert (tmp_path / "data" / "musia.db").is_file()  # it used the data folder
        finally:
            process.terminate()
            process.wait(timeout=30)
    assert _healthcheck(port).returncode != 0
