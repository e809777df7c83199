"""The chat under load: N concurrent websocket clients, each its own user, each generating a
project, against a real server (uvicorn on 127.0.0.1 in a thread, SQLite and local storage in a
temporary folder, the in-process worker). Prints the time from sending the message to the first
progress event and to the result (p50/p95), and checks that every client received exactly its
own events: its reply, progress and result for its own job and nothing of anyone else's.

    .venv/bin/python bench/chat.py [--clients N] [--workers W] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SECRET = "bench-secret-" + "x" * 40
STYLES = ("house", "techno", "deep house", "trap", "lo-fi", "ambient", "pop", "dubstep")


@dataclass
class Client:
    number: int
    token: str
    first_progress_s: float | None = None
    result_s: float | None = None
    events: list[dict[str, Any]] = field(default_factory=list)


def _prompt(number: int) -> str:
    return f"{STYLES[number % len(STYLES)]} track, {100 + number % 60} bpm, 8 bars"


def start_server(folder: Path, workers: int) -> tuple[Any, int, Any]:
    import socket

    import uvicorn

    from musia.runtime import open_runtime
    from musia.server.app import create_app
    from musia.settings import (
        AuthSettings,
        DatabaseSettings,
        HttpSettings,
        JobSettings,
        Settings,
        StorageSettings,
        UploadSettings,
    )

    settings = Settings(
        data_dir=folder,
        database=DatabaseSettings(url=f"sqlite:///{folder / 'musia.db'}"),
        storage=StorageSettings(local_dir=folder / "storage"),
        upload=UploadSettings(),
        auth=AuthSettings(jwt_secret=SECRET),
        http=HttpSettings(log_json=False),
        jobs=JobSettings(workers=workers),
    )
    runtime = open_runtime(settings)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(runtime=runtime), port=port, log_level="warning")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server, port, runtime


def make_users(runtime: Any, count: int) -> list[Client]:
    """Users straight in the database (the login limiter guards against exactly this many)."""
    from musia.db.engine import transaction
    from musia.db.repos.accounts import Users
    from musia.server.security import create_access_token

    clients = []
    with transaction(runtime.sessions) as session:
        for number in range(count):
            user = Users(session).create(f"bench{number}", "not-a-password-hash")
            session.flush()
            clients.append(Client(number, create_access_token(user.id, SECRET, 60)))
    return clients


async def run_client(port: int, client: Client, timeout_s: float) -> None:
    import websockets

    url = f"ws://127.0.0.1:{port}/ws/chat?token={client.token}"
    async with websockets.connect(url, max_size=2**20) as ws:
        request = {
            "type": "message",
            "text": _prompt(client.number),
            "request_id": str(client.number),
        }
        sent = time.perf_counter()
        await ws.send(json.dumps(request))
        while client.result_s is None:
            event = json.loads(await asyncio.wait_for(ws.recv(), timeout_s))
            client.events.append(event)
            elapsed = time.perf_counter() - sent
            if event["type"] == "progress" and client.first_progress_s is None:
                client.first_progress_s = elapsed
            if event["type"] in {"result", "error"}:
                client.result_s = elapsed


def own_events_only(client: Client) -> bool:
    """Its reply first, then progress and a result for that reply's job alone."""
    if not client.events or client.events[0]["type"] != "message":
        return False
    reply = client.events[0]
    job_id = reply.get("job_id")
    others = client.events[1:]
    return (
        reply.get("request_id") == str(client.number)
        and job_id is not None
        and all(e.get("job_id") == job_id for e in others)
        and [e["type"] for e in others][-1] == "result"
        and sum(e["type"] == "result" for e in others) == 1
    )


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench(clients: int, workers: int, timeout_s: float = 300.0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="musia-bench-chat-") as folder:
        server, port, runtime = start_server(Path(folder), workers)
        try:
            users = make_users(runtime, clients)
            started = time.perf_counter()

            async def everyone() -> None:
                await asyncio.gather(*(run_client(port, c, timeout_s) for c in users))

            asyncio.run(everyone())
            wall_s = time.perf_counter() - started
        finally:
            server.should_exit = True
            time.sleep(0.2)
            runtime.close()
    first = [c.first_progress_s for c in users if c.first_progress_s is not None]
    done = [c.result_s for c in users if c.result_s is not None]
    return {
        "clients": clients,
        "workers": workers,
        "wall_s": round(wall_s, 3),
        "first_progress_p50_s": round(statistics.median(first), 3) if first else None,
        "first_progress_p95_s": round(percentile(first, 0.95), 3) if first else None,
        "result_p50_s": round(statistics.median(done), 3) if done else None,
        "result_p95_s": round(percentile(done, 0.95), 3) if done else None,
        "results": sum(c.events[-1]["type"] == "result" for c in users if c.events),
        "own_events_only": sum(own_events_only(c) for c in users),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = bench(args.clients, args.workers)
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"clients {figures['clients']}, job workers {figures['workers']}")
        for name in ("first_progress", "result"):
            p50, p95 = figures[f"{name}_p50_s"], figures[f"{name}_p95_s"]
            print(f"{name.replace('_', ' '):<16} p50 {p50} s   p95 {p95} s")
        print(f"wall time        {figures['wall_s']} s")
        print(f"results          {figures['results']}/{figures['clients']}")
        print(f"own events only  {figures['own_events_only']}/{figures['clients']}")
    ok = figures["own_events_only"] == figures["results"] == args.clients
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
