"""`musia serve` as a real process on 127.0.0.1 for the fault tests: started on a data folder
that outlives it (so a restart finds its jobs), stopped politely or killed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

MUSIA = str(Path(sys.executable).with_name("musia"))
START_TIMEOUT_S = 180.0  # a loaded machine imports slowly


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def serve(data: Path, port: int, *, prefix: tuple[str, ...] = (), **settings: str) -> Served:
    """Settings as MUSIA_* variables (e.g. JOBS_LEASE_S="3"); nothing inherited from ours.
    `prefix` runs the server inside another command (a mount namespace of its own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSIA_")}
    env |= {f"MUSIA_{name}": value for name, value in settings.items()}
    env["MUSIA_DATA_DIR"] = str(data)
    env["MUSIA_AUTH_LOGIN_ATTEMPTS_PER_MINUTE"] = "1000"
    for kept in ("MUSIA_CACHE_DIR", "MUSIA_SOUNDFONT"):
        if kept in os.environ:
            env[kept] = os.environ[kept]
    log = data.parent / f"serve-{port}-{time.monotonic_ns()}.log"
    command = [*prefix, MUSIA, "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"musia serve exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(f"{served.url}/readyz", timeout=1).status_code == 200:
                return served
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    served.stop()
    raise AssertionError(f"musia serve was not ready in {START_TIMEOUT_S:g} s")


def login(url: str, username: str) -> dict[str, str]:
    password = "fault password"
    httpx.post(
        f"{url}/api/v1/auth/register",
        json={"username": username, "password": password},
        timeout=30,
    )
    answer = httpx.post(
        f"{url}/api/v1/auth/login", data={"username": username, "password": password}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def wait_final(url: str, headers: dict[str, str], job_id: str, timeout_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = httpx.get(f"{url}/api/v1/jobs/{job_id}?wait=5", headers=headers, timeout=30).json()
        if job["status"] in {"COMPLETED", "FAILED", "CANCELED"}:
            return dict(job)
    raise AssertionError(f"job {job_id} not final in {timeout_s:g} s")
