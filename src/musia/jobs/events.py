"""In-process job events: a worker in this process says "job N changed", and anyone waiting
(a long-polling request, later a websocket) wakes up to re-read the row. With a worker in
another process nobody notifies, so waiters also wake on a short timer."""

from __future__ import annotations

import threading

RECHECK_S = 0.5


class JobEvents:
    def __init__(self) -> None:
        self._changed = threading.Condition()

    def notify(self, job_id: str) -> None:
        with self._changed:
            self._changed.notify_all()

    def wait(self, timeout_s: float) -> None:
        with self._changed:
            self._changed.wait(min(timeout_s, RECHECK_S))
