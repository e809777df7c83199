"""The web service under a long mixed load: `--clients` concurrent clients, for `--minutes`,
each repeating generate (a fifth of them with an audio preview), modify, sample upload,
download and chat against a server this script starts the way `make run` does (`musia serve`,
a fresh data folder, a free port on 127.0.0.1).

Prints the operations per second, the p50/p95/p99 latency of the requests (job waits are not
requests: a long poll is left out), the errors (target 0), the server's memory (RSS of the
server and its render processes) after the warm-up and at the end (target: growth ≤ 20 %), its
open file descriptors, and the jobs not final once the clients stopped and the queue drained
(target 0).

Memory is measured honestly: before the start reading every client runs every operation once,
all at the same time (so each render process exists and has loaded its libraries, styles and
instruments, and each download format and the chat have answered once); then the server's RSS
is sampled every `--sample-s` seconds and printed as a curve, with the growth over the second
half of the measured phase, which separates a leak (it keeps rising) from warm-up (it levels
off).

    nice -n 10 .venv/bin/python bench/soak.py [--clients 8] [--minutes 10] [--audio-share 0.2]
        [--sample-s 10] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import sys
import threading
import time
import wave
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import _login, percentile, serving  # a sibling script, not a package

PROMPTS = ("techno, 8 bars", "house track, 124 bpm, A minor, 8 bars", "lo-fi hip hop, 8 bars")
EDITS = ("make it 128 bpm", "transpose up 2 semitones", "faster")
LONG_POLL_S = 10
JOB_TIMEOUT_S = 300.0
DRAIN_TIMEOUT_S = 300.0
TARGET_GROWTH = 0.20
AUDIO_SHARE = 0.2  # of the generations: previews exercise the instruments and their caches
FINAL = {"COMPLETED", "FAILED", "CANCELED"}


def tone_wav(seconds: float, frequency_hz: float, rate: int = 22050) -> bytes:
    frames = bytearray()
    for n in range(int(seconds * rate)):
        value = int(8000 * math.sin(2 * math.pi * frequency_hz * n / rate))
        frames += value.to_bytes(2, "little", signed=True)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(bytes(frames))
    return buffer.getvalue()


def rss_bytes(pid: int) -> int:
    """Resident memory of the process and of its children (the render processes)."""
    return sum(rss_by_process(pid).values())


def rss_by_process(pid: int) -> dict[int, int]:
    """Resident memory of the process and of each of its descendants, by process id."""
    found: dict[int, int] = {}
    for each in _tree(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    found[each] = int(line.split()[1]) * 1024
        except OSError:
            continue  # ended meanwhile
    return found


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def _tree(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                queue.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
    return found


class Client:
    """One user's session: its projects, its jobs, each request timed."""

    def __init__(
        self,
        url: str,
        headers: dict[str, str],
        seed: int,
        record: Recorder,
        audio_share: float = AUDIO_SHARE,
    ) -> None:
        self.headers = headers
        self.audio_share = audio_share
        self.http = httpx.Client(base_url=url, headers=headers, timeout=120)
        self.random = random.Random(seed)
        self.record = record
        self.projects: list[str] = []
        self.sample = tone_wav(0.25, 55.0 + seed)

    def request(self, operation: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        started = time.perf_counter()
        answer = self.http.request(method, path, **kwargs)
        self.record.latency(operation, time.perf_counter() - started)
        if answer.status_code >= 400:
            raise RuntimeError(f"{operation}: {answer.status_code} {answer.text[:200]}")
        return answer

    def wait(self, job_id: str) -> None:
        self.record.job(job_id, self.headers)
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while time.monotonic() < deadline:
            job = self.http.get(f"/api/v1/jobs/{job_id}?wait={LONG_POLL_S}").json()
            if job["status"] == "COMPLETED":
                return
            if job["status"] in FINAL:
                raise RuntimeError(f"job {job_id} ended {job['status']}: {job.get('error')}")
        raise RuntimeError(f"job {job_id} not done in {JOB_TIMEOUT_S:g} s")

    def generate(self) -> None:
        body = {"prompt": self.random.choice(PROMPTS), "seed": self.random.randrange(1 << 20)}
        if self.random.random() < self.audio_share:
            body["audio"] = True  # a preview: the render processes' instruments at work
        started = self.request("generate", "POST", "/api/v1/projects/generate", json=body).json()
        self.wait(started["job"]["id"])
        self.projects.append(started["project"]["id"])

    def modify(self) -> None:
        if not self.projects:
            return self.generate()
        project = self.random.choice(self.projects)
        body = {"instruction": self.random.choice(EDITS)}
        started = self.request("modify", "POST", f"/api/v1/projects/{project}/modify", json=body)
        self.wait(started.json()["job"]["id"])
        return None

    def upload(self) -> None:
        files = {"file": ("Soak Kick.wav", self.sample, "audio/wav")}
        self.request("upload", "POST", "/api/v1/samples/upload", files=files, data={"type": "kick"})

    def download(self) -> None:
        if not self.projects:
            return self.generate()
        project = self.random.choice(self.projects)
        fmt = self.random.choice(("als", "mid", "zip"))
        self.request("download", "GET", f"/api/v1/projects/{project}/download?format={fmt}")
        return None

    def chat(self) -> None:
        self.request("chat", "POST", "/api/v1/chat/message", json={"message": "what can you do?"})

    def operations(self) -> list[Callable[[], None]]:
        return [self.generate, self.modify, self.upload, self.download, self.chat]

    def warm_up(self) -> None:
        """Every operation once, and every download format."""
        if self.audio_share > 0:
            self.audio_share, share = 1.0, self.audio_share
            self.generate()  # one preview
            self.audio_share = share
        self.generate()
        self.modify()
        self.upload()
        for fmt in ("als", "mid", "zip"):
            project = self.projects[-1]
            self.request("download", "GET", f"/api/v1/projects/{project}/download?format={fmt}")
        self.chat()


class MemorySampler(threading.Thread):
    """The server's RSS (with its render processes) every `every_s` seconds until stopped."""

    def __init__(self, pid: int, every_s: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.every_s = pid, every_s
        self.started = time.monotonic()
        self.samples: list[tuple[float, int, int]] = []  # (seconds, server bytes, children bytes)
        self.halt = threading.Event()

    def sample(self) -> None:
        by_process = rss_by_process(self.pid)
        server = by_process.pop(self.pid, 0)
        self.samples.append((time.monotonic() - self.started, server, sum(by_process.values())))

    def run(self) -> None:
        while not self.halt.wait(self.every_s):
            self.sample()

    def stop(self) -> None:
        self.halt.set()
        self.join()
        self.sample()


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.operations = 0
        self.errors: list[str] = []
        self.jobs: list[tuple[str, dict[str, str]]] = []  # (job id, its owner's headers)

    def latency(self, operation: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(operation, []).append(seconds)

    def job(self, job_id: str, headers: dict[str, str]) -> None:
        with self.lock:
            self.jobs.append((job_id, headers))

    def done(self, error: str | None) -> None:
        with self.lock:
            self.operations += 1
            if error is not None:
                self.errors.append(error)


def warm_up(url: str, users: list[dict[str, str]], audio_share: float = AUDIO_SHARE) -> None:
    """Every client runs every operation once, at the same time, so that every render process
    is started and has done each kind of work before memory is first read."""
    errors: list[str] = []

    def one(number: int) -> None:
        try:
            Client(url, users[number], 1000 + number, Recorder(), audio_share).warm_up()
        except (httpx.HTTPError, RuntimeError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"the warm-up failed: {errors[0]}")


def drive(
    url: str,
    pid: int,
    clients: int,
    minutes: float,
    sample_s: float = 10.0,
    audio_share: float = AUDIO_SHARE,
) -> dict[str, Any]:
    record = Recorder()
    users = [_login(url, f"soak{int(time.time() * 1000)}-{n}") for n in range(clients)]
    warm_started = time.perf_counter()
    rss_before_warm_up = rss_bytes(pid)
    warm_up(url, users, audio_share)
    warm_up_s = time.perf_counter() - warm_started
    sampler = MemorySampler(pid, sample_s)
    sampler.sample()
    rss_start, fds_start = rss_bytes(pid), open_fds(pid)
    sampler.start()
    stop_at = time.monotonic() + minutes * 60

    def client_loop(number: int) -> None:
        client = Client(url, users[number], number + 1, record, audio_share)
        operations = client.operations()
        while time.monotonic() < stop_at:
            try:
                client.random.choice(operations)()
                record.done(None)
            except (httpx.HTTPError, RuntimeError) as exc:
                record.done(f"{type(exc).__name__}: {exc}")
        client.http.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_s = time.perf_counter() - started
    not_final = _not_final(url, record.jobs)
    sampler.stop()
    all_latencies = [s for values in record.latencies.values() for s in values]
    rss_end, fds_end = rss_bytes(pid), open_fds(pid)
    curve = sampler.samples
    middle = min(curve, key=lambda sample: abs(sample[0] - curve[-1][0] / 2))
    return {
        "clients": clients,
        "minutes": minutes,
        "audio_share": audio_share,
        "wall_s": round(wall_s, 1),
        "operations": record.operations,
        "operations_per_s": round(record.operations / wall_s, 3) if wall_s else 0.0,
        "requests": len(all_latencies),
        "p50_s": _rounded(all_latencies, 0.50),
        "p95_s": _rounded(all_latencies, 0.95),
        "p99_s": _rounded(all_latencies, 0.99),
        "by_operation": {
            name: {"count": len(v), "p95_s": _rounded(v, 0.95)}
            for name, v in sorted(record.latencies.items())
        },
        "errors": len(record.errors),
        "error_samples": record.errors[:5],
        "warm_up_s": round(warm_up_s, 1),
        "rss_before_warm_up_mb": round(rss_before_warm_up / 2**20, 1),
        "rss_start_mb": round(rss_start / 2**20, 1),
        "rss_end_mb": round(rss_end / 2**20, 1),
        "rss_growth": round(rss_end / rss_start - 1, 3) if rss_start else None,
        "rss_growth_second_half": round(rss_end / (middle[1] + middle[2]) - 1, 3),
        "rss_curve": [
            {"s": round(t, 1), "server_mb": round(a / 2**20, 1), "children_mb": round(b / 2**20, 1)}
            for t, a, b in curve
        ],
        "fds_start": fds_start,
        "fds_end": fds_end,
        "jobs": len(record.jobs),
        "jobs_not_final": not_final,
    }


def _rounded(values: Sequence[float], fraction: float) -> float | None:
    return round(percentile(values, fraction), 3) if values else None


def _not_final(url: str, jobs: list[tuple[str, dict[str, str]]]) -> int:
    """Jobs still PENDING or PROCESSING after the queue had time to drain, each asked with its
    owner's token."""
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    pending = dict(jobs)
    owners: dict[str, httpx.Client] = {}  # one connection per owner, not one per question
    try:
        while pending and time.monotonic() < deadline:
            for job_id, headers in list(pending.items()):
                token = headers["Authorization"]
                if token not in owners:
                    owners[token] = httpx.Client(base_url=url, headers=headers, timeout=30)
                answer = owners[token].get(f"/api/v1/jobs/{job_id}")
                if answer.status_code == 200 and answer.json()["status"] in FINAL:
                    del pending[job_id]
            if pending:
                time.sleep(1)
    finally:
        for client in owners.values():
            client.close()
    return len(pending)


def print_report(report: dict[str, Any]) -> None:
    print(
        f"soak: {report['clients']} clients, {report['wall_s']:.1f} s of mixed traffic "
        f"({100 * report['audio_share']:g} % of generations with an audio preview)"
    )
    print(f"throughput: {report['operations_per_s']:.3f} operations/s ({report['operations']})")
    print(
        f"latency: p50 {report['p50_s']:.3f} s p95 {report['p95_s']:.3f} s "
        f"p99 {report['p99_s']:.3f} s ({report['requests']} requests)"
    )
    for name, figures in report["by_operation"].items():
        print(f"  {name}: {figures['count']} requests, p95 {figures['p95_s']:.3f} s")
    print(f"errors: {report['errors']} (target 0)")
    for sample in report["error_samples"]:
        print(f"  error: {sample}")
    print(
        f"server rss: start {report['rss_start_mb']:.1f} MB end {report['rss_end_mb']:.1f} MB "
        f"growth {100 * (report['rss_growth'] or 0.0):.1f} % (target ≤ {100 * TARGET_GROWTH:g} %)"
    )
    print(
        f"  warm-up: {report['warm_up_s']:.1f} s, rss {report['rss_before_warm_up_mb']:.1f} MB "
        f"before it; growth over the second half {100 * report['rss_growth_second_half']:.1f} %"
    )
    curve = report["rss_curve"]
    shown = curve if len(curve) <= 13 else curve[:: -(-len(curve) // 12)] + curve[-1:]
    for point in shown:
        print(
            f"  rss at {point['s']:7.1f} s: server {point['server_mb']:7.1f} MB, "
            f"render processes {point['children_mb']:7.1f} MB"
        )
    print(f"open fds: start {report['fds_start']} end {report['fds_end']}")
    print(f"jobs not final: {report['jobs_not_final']} of {report['jobs']} (target 0)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="job worker threads (server)")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 2,
        help="render processes of the server (default: one per core, as `make run`); 0: threads",
    )
    parser.add_argument(
        "--audio-share",
        type=float,
        default=AUDIO_SHARE,
        help="share of the generations that ask for an audio preview",
    )
    parser.add_argument(
        "--sample-s", type=float, default=10.0, help="seconds between two memory readings"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.minutes <= 0:
        print("bench/soak.py: --clients must be at least 1, --minutes above 0", file=sys.stderr)
        return 2
    with serving(args.workers, args.processes) as (url, server):
        report = drive(url, server.pid, args.clients, args.minutes, args.sample_s, args.audio_share)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    healthy = report["errors"] == 0 and report["jobs_not_final"] == 0
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
