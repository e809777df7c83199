"""Job engines: throughput (jobs/s) and queue latency (created → started, p50/p95) for no-op
jobs on the in-process engine and on Celery + Redis, and project generation (Musia's own
generator as a `provider_generation` job) on Celery with 1 and 2 worker processes.

    .venv/bin/python bench/jobs.py [--noop N] [--projects N] [--json]

Needs the Redis at 127.0.0.1:6379 for the Celery rows (db 9, a queue of its own); a SQLite file
in a temporary folder is the database both the bench and its workers share."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from musia.db.engine import transaction
from musia.db.models import FINISHED, Job
from musia.gateway.generation import KIND as GENERATION
from musia.gateway.local import local_model_rows
from musia.jobs.check import check_worker, system_user_id
from musia.jobs.engines import make_queue
from musia.jobs.handlers.noop import NOOP_KIND
from musia.runtime import Runtime, open_runtime
from musia.settings import load_settings

REDIS_URL = "redis://127.0.0.1:6379/9"
PROMPT = "house at 124 bpm in A minor, 16 bars"


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _environment(folder: Path, engine: str) -> dict[str, str]:
    return {
        "MUSIA_DATA_DIR": str(folder),
        "MUSIA_JOBS": engine,
        "MUSIA_JOBS_BROKER_URL": REDIS_URL,
        "MUSIA_JOBS_QUEUE": f"musia-bench-{uuid.uuid4().hex[:8]}",
        "MUSIA_JOBS_WORKERS": "2",
        "MUSIA_HTTP_LOG_JSON": "false",
    }


def _run_batch(runtime: Runtime, kind: str, payloads: list[dict[str, Any]]) -> dict[str, float]:
    owner = system_user_id(runtime)
    with transaction(runtime.sessions) as session:
        rows = [Job(owner_id=owner, kind=kind, input=p) for p in payloads]
        session.add_all(rows)
        session.flush()
        ids = [row.id for row in rows]
    started = time.perf_counter()
    assert runtime.queue is not None
    for job_id in ids:
        runtime.queue.enqueue(job_id)
    jobs = _wait_all(runtime, ids)
    elapsed_s = time.perf_counter() - started
    latencies = [(j.started_at - j.created_at).total_seconds() for j in jobs if j.started_at]
    failed = sum(1 for j in jobs if j.status != "COMPLETED")
    return {
        "jobs": len(ids),
        "failed": failed,
        "jobs_per_s": len(ids) / elapsed_s,
        "latency_p50_ms": 1000 * percentile(latencies, 0.5),
        "latency_p95_ms": 1000 * percentile(latencies, 0.95),
    }


def _wait_all(runtime: Runtime, ids: list[str], timeout_s: float = 1800) -> list[Job]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with transaction(runtime.sessions) as session:
            jobs = list(session.scalars(select(Job).where(Job.id.in_(ids))))
        if all(job.status in FINISHED for job in jobs):
            return jobs
        time.sleep(0.05)
    raise SystemExit(f"jobs did not finish within {timeout_s} s")


def _local_model(runtime: Runtime) -> str:
    with transaction(runtime.sessions) as session:
        provider, model = local_model_rows(None)
        session.add(provider)
        session.flush()
        model.provider_id = provider.id
        session.add(model)
        session.flush()
        return model.id


def _measure(engine: str, workers: int, kind: str, count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="musia-bench-") as folder:
        env = _environment(Path(folder), engine)
        saved = dict(os.environ)
        os.environ.update(env)
        runtime = open_runtime(load_settings())
        os.environ.clear()
        os.environ.update(saved)
        runtime.queue = make_queue(runtime)
        runtime.queue.start()
        processes = [
            _worker(env, Path(folder), n) for n in range(workers if engine == "celery" else 0)
        ]
        try:
            check_worker(runtime, timeout_s=120)  # warm: the workers are up
            if kind == NOOP_KIND:
                payloads: list[dict[str, Any]] = [{} for _ in range(count)]
            else:
                model_id = _local_model(runtime)
                payloads = [{"model_id": model_id, "params": {"prompt": PROMPT}}] * count
            return _run_batch(runtime, kind, payloads)
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
            runtime.close()


def _worker(env: dict[str, str], folder: Path, number: int) -> subprocess.Popen[bytes]:
    log = (folder / f"worker-{number}.log").open("wb")
    command = [sys.executable, "-m", "musia.cli", "worker", "--loglevel", "WARNING"]
    return subprocess.Popen(
        command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--noop", type=int, default=500, help="no-op jobs per engine")
    parser.add_argument("--projects", type=int, default=8, help="generated projects per run")
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary")
    args = parser.parse_args(argv)
    rows = {
        "no-op, in-process (2 threads)": _measure("inprocess", 0, NOOP_KIND, args.noop),
        "no-op, celery (1 worker x 2 threads)": _measure("celery", 1, NOOP_KIND, args.noop),
        "project, celery, 1 worker": _measure("celery", 1, GENERATION, args.projects),
        "project, celery, 2 workers": _measure("celery", 2, GENERATION, args.projects),
    }
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'run':<40} {'jobs':>5} {'failed':>6} {'jobs/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for name, row in rows.items():
        print(
            f"{name:<40} {row['jobs']:>5.0f} {row['failed']:>6.0f} {row['jobs_per_s']:>8.1f} "
            f"{row['latency_p50_ms']:>8.1f} {row['latency_p95_ms']:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
