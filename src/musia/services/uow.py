"""A unit of work: one session, committed once at the request boundary; the jobs it created are
handed to the queue only after their rows are committed (a worker must find them), and the
files it stored are removed if its rows are not (no stored file that no row names)."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from musia.runtime import Runtime


class UnitOfWork:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.session = runtime.sessions()
        self._after: list[Callable[[], None]] = []
        self._undo: list[Callable[[], None]] = []

    def after_commit(self, action: Callable[[], None]) -> None:
        """Something that must not happen unless the rows are saved (deleting files, queueing)."""
        self._after.append(action)

    def after_rollback(self, action: Callable[[], None]) -> None:
        """Undo something done outside the database (a stored file) if the rows are not saved."""
        self._undo.append(action)

    def enqueue_after_commit(self, job_id: str) -> None:
        queue = self.runtime.queue
        if queue is not None:
            self.after_commit(lambda: queue.enqueue(job_id))

    def commit(self) -> None:
        try:
            self.session.commit()
        except BaseException:
            self._rolled_back()
            raise
        actions, self._after, self._undo = self._after, [], []
        for action in actions:
            action()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self.commit()
            else:
                self.session.rollback()
                self._rolled_back()
        finally:
            self.session.close()

    def _rolled_back(self) -> None:
        actions, self._undo, self._after = self._undo, [], []
        for action in reversed(actions):
            action()
