"""The application factory: one runtime (database, storage, job queue), the routers under
/api/v1, the web studio at / (static files under /static), the admin at /admin, one error
mapping, body limits, request ids and CORS."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from musia import __version__
from musia.events import OwnerBridge
from musia.production.firstsound import warm_up
from musia.runtime import Runtime, open_runtime
from musia.server import admin, errors, logs, web, ws_chat
from musia.server.limits import BodyLimit, route_limits
from musia.server.routers import (
    auth,
    boxes,
    chat,
    health,
    job_control,
    jobs,
    media,
    projects,
    studio,
)
from musia.server.security import RateLimiter
from musia.settings import Settings, load_settings

API = "/api/v1"


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Without arguments: the embedded default from the environment (SQLite, local storage,
    the in-process worker), migrated on start."""
    current = runtime or open_runtime(settings or load_settings())
    _ = current.settings.jwt_secret  # read or generate it now, not at the first login
    if current.queue is None:
        from musia.jobs.engines import make_queue

        current.queue = make_queue(current)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        assert current.queue is not None
        bridge = _owner_bridge(current.settings)
        current.queue.start()
        if current.settings.jobs.engine != "celery" and current.settings.jobs.render_processes == 0:
            # renders run in this process: their imports are paid now, not by the first song
            threading.Thread(target=warm_up, name="musia-warm-up", daemon=True).start()
        yield
        current.queue.stop()
        if bridge is not None:
            bridge.stop()

    app = FastAPI(
        title="Musia",
        version=__version__,
        description="A sentence becomes a music project: Live set, MIDI, preview.",
        lifespan=lifespan,
    )
    app.state.runtime = current
    app.state.login_limiter = RateLimiter(current.settings.auth.login_attempts_per_minute)
    errors.install(app)
    for router in (auth.router, chat.router, projects.router, media.router, jobs.router):
        app.include_router(router, prefix=API)
    app.include_router(job_control.router, prefix=API)
    app.include_router(boxes.router, prefix=API)
    app.include_router(studio.router, prefix=API)
    app.include_router(health.router)
    app.include_router(ws_chat.router)
    web.install(app)
    admin.install(app, current)
    _middleware(app, current.settings)
    return app


def _owner_bridge(settings: Settings) -> OwnerBridge | None:
    """With Celery, job events come from worker processes over Redis: relay them to this
    process's websockets (in-process jobs publish to the hub directly)."""
    if settings.jobs.engine != "celery":
        return None
    bridge = OwnerBridge(settings.jobs.broker_url)
    bridge.start()
    return bridge


def _middleware(app: FastAPI, settings: Settings) -> None:
    """Added innermost first: request ids wrap everything, so even a 413 carries one."""
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.http.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["X-Request-ID", "Content-Disposition"],
    )
    app.add_middleware(
        BodyLimit,
        limits=route_limits(settings),
        default_limit=settings.upload.max_json_bytes,
    )
    app.add_middleware(logs.RequestIds)
