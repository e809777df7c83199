"""Celery engine fixtures: the Redis on this machine (fails, never skips, when CI=true), a
database both processes share (SQLite file or PostgreSQL), and real `musia worker` processes
started as subprocesses on a queue of their own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from musia.jobs.celery_engine import CeleryQueue
from musia.runtime import Runtime, open_runtime
from musia.settings import Settings, load_settings
from tests.service_fixtures import database_url, postgres_url

__all__ = ["database_url", "postgres_url"]


@dataclass
class Workers:
    """Worker subprocesses sharing the test's settings (from `env`)."""

    env: dict[str, str]
    logs: Path
    running: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, concurrency: int = 2) -> subprocess.Popen[bytes]:
        log = (self.logs / f"worker-{len(self.running)}.log").open("wb")
        command = [sys.executable, "-m", "musia.cli", "worker", "--concurrency", str(concurrency)]
        process = subprocess.Popen(
            [*command, "--loglevel", "WARNING"], env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@dataclass
class CeleryWorld:
    settings: Settings
    runtime: Runtime
    workers: Workers


CeleryFactory = Callable[..., CeleryWorld]


@pytest.fixture
def celery_world(
    redis_url: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CeleryFactory]:
    """Call with MUSIA_JOBS_* overrides (lease_s=…) to get settings, a runtime whose queue
    sends to Celery, and a worker launcher using the same settings."""
    made: list[CeleryWorld] = []
    queue = f"musia-test-{uuid.uuid4().hex[:10]}"

    def make(**jobs: object) -> CeleryWorld:
        values = {"lease_s": 3, "sweep_s": 0.5, "max_attempts": 3, "workers": 2} | jobs
        env = {
            "MUSIA_DATA_DIR": str(tmp_path / "data"),
            "MUSIA_DATABASE_URL": database_url,
            "MUSIA_JOBS": "celery",
            "MUSIA_JOBS_BROKER_URL": redis_url,
            "MUSIA_JOBS_QUEUE": queue,
            "MUSIA_HTTP_LOG_JSON": "false",
        } | {f"MUSIA_JOBS_{name.upper()}": str(value) for name, value in values.items()}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        settings = load_settings()
        runtime = open_runtime(settings, migrate=False)
        runtime.queue = CeleryQueue(runtime)
        world = CeleryWorld(settings, runtime, Workers(os.environ.copy(), tmp_path))
        made.append(world)
        return world

    yield make
    for world in made:
        world.workers.stop_all()
        world.runtime.close()
    _forget_queue(redis_url, queue)


def _forget_queue(url: str, queue: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.delete(queue, f"_kombu.binding.{queue}")
    client.close()


def wait_for(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.05)
