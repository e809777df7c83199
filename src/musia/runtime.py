"""What a request and a job both need: settings, the database, storage and the job queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from musia.db.base import utcnow
from musia.db.engine import make_engine, session_factory
from musia.jobs.events import JobEvents
from musia.scratch import Scratch
from musia.settings import Settings
from musia.storage import Storage, make_storage

if TYPE_CHECKING:
    from musia.jobs import JobQueue


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    storage: Storage
    queue: JobQueue | None = field(default=None)
    events: JobEvents = field(default_factory=JobEvents)
    # What leases and the sweeper call "now": the tests move it instead of sleeping.
    clock: Callable[[], datetime] = field(default=utcnow)

    @cached_property
    def scratch(self) -> Scratch:
        """Where requests and jobs keep their temporaries (`<data dir>/tmp/<process>/`)."""
        return Scratch(self.settings.data_dir / "tmp")

    def close(self) -> None:
        if self.queue is not None:
            self.queue.stop()
        self.engine.dispose()


def open_runtime(settings: Settings, *, migrate: bool = True) -> Runtime:
    """Connect, bring the schema up to date (the embedded default needs no separate step) and
    open the storage."""
    engine = make_engine(settings.database_url, echo=settings.database.echo)
    if migrate:
        from musia.db.migrate import upgrade

        upgrade(engine)
    runtime = Runtime(settings, engine, session_factory(engine), make_storage(settings))
    runtime.scratch.sweep()  # what a killed server or worker left
    return runtime
