"""The web service under load: `--clients` concurrent clients each POST /projects/generate,
long-poll GET /jobs/{id}?wait= until the job is done, then download the Live set, against a
server this script starts the way `make run` does (`musia serve`, embedded defaults, a fresh
data folder).

Prints projects/s and the p50/p95 latency from the POST to the last byte of the download, for a
3-minute six-part project without audio. Target: p95 ≤ 1 s with 8 clients.

    .venv/bin/python bench/api.py [--clients 8] [--projects 64] [--url URL] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

PROMPT = (
    "progressive house with drums, bass, chords, pad, lead and fx, 126 bpm, F# minor, 3 minutes"
)
TARGET_P95_S = 1.0
LONG_POLL_S = 10  # GET /jobs/{id}?wait= answers when the job ends
START_TIMEOUT_S = 180.0  # a loaded machine imports slowly
JOB_TIMEOUT_S = 120.0
PASSWORD = "bench password"


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(workers: int, processes: int) -> Iterator[str]:
    """`musia serve` in a subprocess on a free port with its own data folder."""
    with serving(workers, processes) as (url, _server):
        yield url


@contextmanager
def serving(workers: int, processes: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`served`, with the server's process (bench/soak.py reads its memory and descriptors)."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="musia-bench-") as data:
        env = {**os.environ, "MUSIA_DATA_DIR": data, "MUSIA_JOBS_WORKERS": str(workers)}
        env["MUSIA_JOBS_RENDER_PROCESSES"] = str(processes)
        env.pop("MUSIA_DATABASE_URL", None)
        env["MUSIA_AUTH_LOGIN_ATTEMPTS_PER_MINUTE"] = "1000"
        musia = Path(sys.executable).with_name("musia")
        command = [str(musia), "serve", "--host", "127.0.0.1", "--port", str(port)]
        log = Path(data) / "server.log"
        with log.open("wb") as output:
            server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
            try:
                url = f"http://127.0.0.1:{port}"
                _wait_ready(url, server, log)
                yield url, server
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()


def _wait_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not become ready in {START_TIMEOUT_S:g} s")


def _login(url: str, username: str) -> dict[str, str]:
    httpx.post(
        f"{url}/api/v1/auth/register",
        json={"username": username, "password": PASSWORD},
        timeout=30,
    )
    answer = httpx.post(
        f"{url}/api/v1/auth/login", data={"username": username, "password": PASSWORD}, timeout=30
    )
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def one_project(client: httpx.Client, seed: int) -> tuple[float, int]:
    """Seconds from the POST to the end of the download, and the bytes downloaded."""
    started = time.perf_counter()
    answer = client.post("/api/v1/projects/generate", json={"prompt": PROMPT, "seed": seed})
    answer.raise_for_status()
    body = answer.json()
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while True:
        job = client.get(f"/api/v1/jobs/{body['job']['id']}?wait={LONG_POLL_S}").json()
        if job["status"] == "COMPLETED":
            break
        if job["status"] in {"FAILED", "CANCELED"} or time.monotonic() > deadline:
            raise RuntimeError(f"job {job['id']} ended {job['status']}: {job.get('error')}")
    download = client.get(f"/api/v1/projects/{body['project']['id']}/download?format=als")
    download.raise_for_status()
    return time.perf_counter() - started, len(download.content)


def drive(url: str, clients: int, projects: int) -> dict[str, Any]:
    headers = _login(url, f"bench{int(time.time() * 1000)}")
    with httpx.Client(base_url=url, headers=headers, timeout=60) as warm:
        one_project(warm, 0)  # the first job loads styles and lexicons
    latencies: list[float] = []
    sizes: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(1, projects + 1))

    def client_loop() -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            while True:
                with lock:
                    seed = next(counter, None)
                if seed is None:
                    return
                try:
                    seconds, size = one_project(client, seed)
                except (httpx.HTTPError, RuntimeError) as exc:
                    with lock:
                        errors.append(str(exc))
                    continue
                with lock:
                    latencies.append(seconds)
                    sizes.append(size)

    started = time.perf_counter()
    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_s = time.perf_counter() - started
    return _report(clients, projects, latencies, sizes, errors, wall_s)


def _report(
    clients: int,
    projects: int,
    latencies: list[float],
    sizes: list[int],
    errors: list[str],
    wall_s: float,
) -> dict[str, Any]:
    done = len(latencies)
    return {
        "clients": clients,
        "projects": projects,
        "completed": done,
        "errors": errors[:5],
        "wall_s": round(wall_s, 3),
        "projects_per_s": round(done / wall_s, 3) if wall_s else 0.0,
        "p50_s": round(percentile(latencies, 0.5), 3) if latencies else None,
        "p95_s": round(percentile(latencies, 0.95), 3) if latencies else None,
        "max_s": round(max(latencies), 3) if latencies else None,
        "als_kb": round(sum(sizes) / len(sizes) / 1024, 1) if sizes else None,
        "target_p95_s": TARGET_P95_S,
    }


def print_report(report: dict[str, Any], workers: int, processes: int) -> None:
    print(f"prompt: {PROMPT}")
    print(
        f"{report['clients']} clients, {report['completed']}/{report['projects']} projects, "
        f"{workers} job workers, {processes} render processes, no audio, "
        f"Live set {report['als_kb']} kB"
    )
    print(f"throughput  {report['projects_per_s']:.2f} projects/s  ({report['wall_s']:.1f} s)")
    print(
        f"latency     p50 {report['p50_s']:.3f} s  p95 {report['p95_s']:.3f} s  "
        f"max {report['max_s']:.3f} s  (POST → job done → download; target p95 ≤ "
        f"{TARGET_P95_S:g} s)"
    )
    for error in report["errors"]:
        print(f"error: {error}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--projects", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="job worker threads (server)")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 2,
        help="render processes of the server (default: one per core, as `make run`); 0: threads",
    )
    parser.add_argument("--url", help="use a running server instead of starting one")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.projects < 1:
        print("bench/api.py: --clients and --projects must be at least 1", file=sys.stderr)
        return 2
    if args.url:
        report = drive(args.url, args.clients, args.projects)
    else:
        with served(args.workers, args.processes) as url:
            report = drive(url, args.clients, args.projects)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report, args.workers, args.processes)
    return 0 if report["completed"] else 1


if __name__ == "__main__":
    sys.exit(main())
