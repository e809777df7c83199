"""Where the server's memory goes under the soak's mixed traffic: the service runs in this
process (uvicorn in a thread, the same app `musia serve` builds) with tracemalloc on, every
client runs every operation once (the warm-up), then tracing starts and the clients run for
`--minutes`; the Python allocations made since and still held at the end are printed by source
line, biggest first, with the RSS of this process at each end.

A leak shows as a line whose growth keeps rising with the minutes run (run twice with
different `--minutes` to see it); warm-up shows nowhere, being before the first snapshot.
Render processes (`--processes`) are separate processes and are not traced: bench/soak.py
prints their memory.

    nice -n 10 .venv/bin/python bench/leaks.py [--clients 4] [--minutes 3] [--top 25]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import _free_port, _login  # sibling scripts, not a package
from soak import Client, Recorder, rss_bytes, warm_up

TRACE_FRAMES = 12


def serve_here(data: Path, processes: int) -> tuple[str, object]:
    import uvicorn

    from musia.server.app import create_app
    from musia.settings import load_settings

    os.environ["MUSIA_JOBS_RENDER_PROCESSES"] = str(processes)
    os.environ["MUSIA_AUTH_LOGIN_ATTEMPTS_PER_MINUTE"] = "1000"
    os.environ.pop("MUSIA_DATABASE_URL", None)
    port = _free_port()
    config = uvicorn.Config(
        create_app(load_settings(data)), host="127.0.0.1", port=port, log_config=None
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return url, server
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the in-process server did not become ready")


def run(clients: int, minutes: float, processes: int, top: int) -> None:
    with tempfile.TemporaryDirectory(prefix="musia-leaks-") as data:
        url, server = serve_here(Path(data), processes)
        users = [_login(url, f"leak{n}") for n in range(clients)]
        warm_up(url, users)
        gc.collect()
        tracemalloc.start(TRACE_FRAMES)  # what is allocated from now on and still held at the end
        before, rss_before = tracemalloc.take_snapshot(), rss_bytes(os.getpid())
        stop_at = time.monotonic() + minutes * 60
        record = Recorder()

        def loop(number: int) -> None:
            client = Client(url, users[number], number + 1, record)
            operations = client.operations()
            while time.monotonic() < stop_at:
                try:
                    client.random.choice(operations)()
                    record.done(None)
                except (httpx.HTTPError, RuntimeError) as exc:
                    record.done(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        time.sleep(2)  # the last jobs finish
        gc.collect()
        after, rss_after = tracemalloc.take_snapshot(), rss_bytes(os.getpid())
        server.should_exit = True  # type: ignore[attr-defined]
    noise = [tracemalloc.Filter(False, tracemalloc.__file__)]
    grown = after.filter_traces(noise).compare_to(before.filter_traces(noise), "lineno")
    traced_before = sum(s.size for s in before.statistics("filename"))
    traced_after = sum(s.size for s in after.statistics("filename"))
    print(f"operations: {record.operations}, errors: {len(record.errors)}")
    print(f"rss of this process: {rss_before / 2**20:.1f} MB -> {rss_after / 2**20:.1f} MB")
    print(f"traced python memory: {traced_before / 2**20:.1f} MB -> {traced_after / 2**20:.1f} MB")
    for stat in grown[:top]:
        frame = stat.traceback[0]
        print(
            f"  {stat.size_diff / 2**10:+9.1f} KiB {stat.count_diff:+7d} blocks  "
            f"{frame.filename}:{frame.lineno}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    run(args.clients, args.minutes, args.processes, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
