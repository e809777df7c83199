"""Redis and PostgreSQL restarted under a Celery worker while its jobs run: every job still ends
COMPLETED, each with the result of the attempt that finished it.

The restarted servers are this test's own (a Redis and a PostgreSQL cluster on free ports of
127.0.0.1, started from this machine's binaries): the machine's shared services stay up for the
tests that run beside this one in other workers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import redis

from musia.db.engine import make_engine, transaction
from musia.db.migrate import upgrade
from musia.db.models import Job, JobStatus
from musia.db.repos.jobs import Jobs
from musia.jobs.check import submit
from musia.jobs.handlers.noop import NOOP_KIND
from musia.runtime import Runtime
from tests.jobs.conftest import CeleryFactory, celery_world, wait_for

__all__ = ["celery_world"]  # fixture used here

PG_USER = "postgres"  # initdb and postgres refuse to run as root


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pg_bin(unavailable: Callable[[str], NoReturn]) -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found or shutil.which("runuser") is None or shutil.which("redis-server") is None:
        unavailable("PostgreSQL's server binaries, runuser and redis-server are needed")
    return found[-1].parent


class PrivateRedis:
    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.up, 30, "the private Redis")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=30)

    def up(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False


class PrivatePostgres:
    def __init__(self, bin_dir: Path, folder: Path) -> None:
        self.bin = bin_dir
        self.port = _free_port()
        self.data = folder / "data"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(folder, PG_USER)
        self._as_postgres("initdb", "-D", str(self.data), "-A", "trust", "-U", PG_USER)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{PG_USER}"

    def _as_postgres(self, tool: str, *args: str) -> None:
        # no pipes: the server pg_ctl starts would hold them open
        command = ["runuser", "-u", PG_USER, "--", str(self.bin / tool), *args]
        quiet = subprocess.DEVNULL
        subprocess.run(command, check=True, timeout=120, stdout=quiet, stderr=quiet)

    def _ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1"
        log = str(self.data.parent / "server.log")
        self._as_postgres("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", action)

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart")

    def stop(self) -> None:
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")

    def up(self) -> bool:
        ready = subprocess.run([str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p",
                                str(self.port)], check=False, capture_output=True)  # fmt: skip
        return ready.returncode == 0


@pytest.fixture
def private_redis(tmp_path: Path, unavailable: Callable[[str], NoReturn]) -> Iterator[PrivateRedis]:
    _pg_bin(unavailable)
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def private_postgres(unavailable: Callable[[str], NoReturn]) -> Iterator[PrivatePostgres]:
    folder = Path("/tmp") / f"musia-pg-{os.getpid()}-{_free_port()}"  # postgres must reach it
    server = PrivatePostgres(_pg_bin(unavailable), folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_url(private_redis: PrivateRedis) -> str:
    return private_redis.url


@pytest.fixture
def database_url(private_postgres: PrivatePostgres) -> str:
    engine = make_engine(private_postgres.url)
    upgrade(engine)
    engine.dispose()
    return private_postgres.url


def _job(runtime: Runtime, job_id: str) -> Job | None:
    try:
        with transaction(runtime.sessions) as session:
            return Jobs(session).get_any(job_id)
    except Exception:  # the database is restarting: ask again
        return None


def _final(runtime: Runtime, job_id: str) -> bool:
    job = _job(runtime, job_id)
    return job is not None and job.status in {JobStatus.COMPLETED, JobStatus.FAILED}


def test_jobs_finish_after_redis_and_postgresql_restart(
    celery_world: CeleryFactory, private_redis: PrivateRedis, private_postgres: PrivatePostgres
) -> None:
    world = celery_world(lease_s=3)
    world.workers.start()
    ids = [submit(world.runtime, NOOP_KIND, {"sleep_s": 2}) for _ in range(6)]

    def one_running() -> bool:
        jobs = [_job(world.runtime, i) for i in ids]
        return any(j is not None and j.status == JobStatus.PROCESSING for j in jobs)

    wait_for(one_running, 60, "a job to run")
    outage_started = time.monotonic()
    private_redis.stop()
    private_redis.start()
    private_postgres.restart()
    outage_s = time.monotonic() - outage_started
    for job_id in ids:
        wait_for(lambda job_id=job_id: _final(world.runtime, job_id), 240, f"job {job_id}")
    jobs = [_job(world.runtime, i) for i in ids]
    assert all(j is not None for j in jobs)
    outcomes = [(j.status, j.error, j.result, j.attempts) for j in jobs if j is not None]
    assert all(status == JobStatus.COMPLETED for status, *_ in outcomes), (outage_s, outcomes)
    for _, _, result, attempts in outcomes:  # one result each: the attempt that finished it
        assert result == {"slept_s": 2.0, "attempt": attempts}, outcomes
