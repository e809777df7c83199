"""One process at a time compiles librosa's numba code into the shared cache.

librosa compiles its numba functions on first use and caches them on disk (`cache=True`). Two
processes that compile the same functions at the same moment — the server's job threads, its
render processes and Celery workers on a fresh install — can leave a cache whose files come
from two different compilations (numba issue 10128); every process that loads it afterwards
crashes with a segmentation fault, until the cache is deleted.

So Musia keeps numba's cache in its own cache folder (`$MUSIA_CACHE_DIR/numba`, else
`~/.cache/musia/numba`, unless `NUMBA_CACHE_DIR` says otherwise), and the first call of each
function that reaches librosa (`@first_call_locked`) runs under an exclusive `flock` on
`compile.lock` there: a process compiles and saves while every other waits, then finds the cache
full and only loads from it. After its first call a function runs without the lock, so the lock
costs one wait per function per process, not one per call.

Why not the alternatives: a cache folder per process would compile everything again in every
render process and CLI run (about two minutes of compiling on this machine, against seconds to
load a warm cache); turning librosa's caching off would cost the same on every start; warming
the cache once at start would not cover a function first reached later (transforms, a new
feature), which would compile unguarded.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

from musia.files import cache_folder

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: numba's own behaviour, unguarded
    fcntl = None  # type: ignore[assignment]

NUMBA_CACHE_ENV = "NUMBA_CACHE_DIR"
LOCK_NAME = "compile.lock"

P = ParamSpec("P")
R = TypeVar("R")


def cache_dir() -> Path:
    """numba's cache folder, chosen once per process before numba is imported."""
    explicit = os.environ.get(NUMBA_CACHE_ENV)
    if explicit:
        return Path(explicit)
    folder = cache_folder("numba")
    os.environ[NUMBA_CACHE_ENV] = str(folder)  # read by numba when it is imported
    return folder


CACHE_DIR = cache_dir()  # at import: every module that calls librosa imports this one first


class _CompileLock:
    """Exclusive across processes (a flock) and threads (an RLock); re-entrant within a thread,
    as guarded calls nest (the analysis calls the tempo and key estimators)."""

    def __init__(self) -> None:
        self.threads = threading.RLock()
        self.depth = 0  # guarded calls open in the thread that holds `threads`

    @contextmanager
    def held(self) -> Iterator[None]:
        with self.threads:
            if self.depth > 0 or fcntl is None:
                yield from self._nested()
                return
            try:
                CACHE_DIR.mkdir(parents=True, exist_ok=True)
                flags = os.O_CREAT | os.O_RDWR | os.O_CLOEXEC
                descriptor = os.open(CACHE_DIR / LOCK_NAME, flags, 0o644)
            except OSError:  # a read-only home: numba caches nothing there either
                yield from self._nested()
                return
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
                yield from self._nested()
            finally:
                os.close(descriptor)  # releases the flock

    def _nested(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1


_LOCK = _CompileLock()


def compile_lock() -> AbstractContextManager[None]:
    """Held while a guarded function runs its first call."""
    return _LOCK.held()


def first_call_locked(function: Callable[P, R]) -> Callable[P, R]:
    """`function` reaches librosa: its calls run under `compile_lock` until one returns."""
    done = threading.Event()

    @functools.wraps(function)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        if done.is_set():
            return function(*args, **kwargs)
        with compile_lock():
            result = function(*args, **kwargs)
        done.set()
        return result

    return guarded
