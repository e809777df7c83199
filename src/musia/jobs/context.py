"""What a handler sees: its job's id, owner and input, the runtime, and a progress reporter
that commits on its own (a watcher sees progress while the job's work is still open)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from musia.db.engine import transaction
from musia.db.repos.jobs import Jobs
from musia.runtime import Runtime


@dataclass(frozen=True)
class JobContext:
    job_id: str
    owner_id: str
    kind: str
    input: dict[str, Any]
    attempt: int
    runtime: Runtime

    def progress(self, fraction: float, message: str | None = None) -> None:
        with transaction(self.runtime.sessions) as session:
            Jobs(session).progress(self.job_id, fraction, message)
        from musia.events import publish  # watchers (the chat's websockets) see it at once

        event = {"type": "progress", "job_id": self.job_id, "kind": self.kind}
        publish(self.owner_id, {**event, "fraction": fraction, "message": message})
