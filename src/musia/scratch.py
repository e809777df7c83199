"""Working folders that a killed process cannot leave behind for good.

Every process that writes temporaries (the server, a Celery worker, the CLI) keeps them in a
folder of its own inside one scratch area, and holds an exclusive `flock` on a lock file in it
for as long as it lives. The kernel drops that lock when the process ends, however it ends
(SIGKILL, out of memory, power cut), so `sweep()` at the next start can tell a dead process's
folder (the lock is free: remove it) from a live one's (another worker on the same data folder:
keep it), without guessing from ages or process ids, which containers reuse.

Folders are removed as soon as their work ends (`temporary()` is a `TemporaryDirectory`);
the sweep is only for what a kill left. No dependencies, so any layer may use it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, so nothing is ever swept
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".owner"
UNLOCKED_GRACE_S = 60.0  # a folder younger than this may be between its mkdir and its lock


class Scratch:
    """The scratch area at `root`: this process's own folder in it, and the sweep."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._owned: tuple[int, Path, int] | None = None  # (pid, folder, lock descriptor)

    def folder(self) -> Path:
        """This process's folder, made and locked on first use (again in a forked child)."""
        with self._lock:
            if self._owned is None or self._owned[0] != os.getpid() or not self._owned[1].is_dir():
                self._owned = self._claim()
            return self._owned[1]

    def temporary(self, prefix: str) -> tempfile.TemporaryDirectory[str]:
        """A folder for one piece of work, removed when the `with` block ends."""
        return tempfile.TemporaryDirectory(prefix=prefix, dir=self.folder())

    def _claim(self) -> tuple[int, Path, int]:
        self.root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=self.root))
        descriptor = os.open(folder / LOCK_NAME, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
        if fcntl is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        atexit.register(_remove_if_mine, os.getpid(), folder)  # a clean exit leaves nothing
        return os.getpid(), folder, descriptor

    def sweep(self) -> list[Path]:
        """Remove the folders whose process has ended; returns them."""
        if fcntl is None or not self.root.is_dir():
            return []
        removed = []
        for folder in self.root.iterdir():
            if folder.is_dir() and self._orphaned(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        return removed

    def _orphaned(self, folder: Path) -> bool:
        if self._owned is not None and folder == self._owned[1]:
            return False
        try:
            descriptor = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            try:
                return time.time() - folder.stat().st_mtime > UNLOCKED_GRACE_S
            except OSError:
                return False
        except OSError:
            return False
        try:
            assert fcntl is not None
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # its process holds the lock: alive
        finally:
            os.close(descriptor)  # the lock, if taken, goes with it; the folder goes next
        return True


def _remove_if_mine(owner_pid: int, folder: Path) -> None:
    if os.getpid() == owner_pid:  # not in a forked child, which inherits the exit handlers
        shutil.rmtree(folder, ignore_errors=True)
