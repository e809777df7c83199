"""A memo bounded by the bytes it holds, not by its count of entries.

`functools.lru_cache(maxsize=1024)` bounds how many results a process keeps, not how much memory
they take: 1,024 rendered instrument zones of ~0.4 MB each is 400 MB in every render process, kept
for good after a long run of varied previews. `bytes_lru` keeps the most recently used results up
to a total size and drops the oldest beyond it; what it drops is made again (the callers read it
back from their disk cache in milliseconds). No dependencies, so any layer may use it.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class MemoInfo:
    entries: int
    bytes: int
    max_bytes: int
    hits: int
    misses: int


class BytesMemo(Generic[P, R]):
    """`function`'s results by its arguments, the most recently used first, `size(result)` bytes
    each, at most `max_bytes` in all (a single result larger than that is returned, not kept)."""

    def __init__(self, function: Callable[P, R], max_bytes: int, size: Callable[[R], int]) -> None:
        self.function, self.max_bytes, self.size = function, max_bytes, size
        self._entries: OrderedDict[Hashable, tuple[R, int]] = OrderedDict()
        self._bytes = self._hits = self._misses = 0
        self._lock = threading.Lock()
        functools.update_wrapper(self, function)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        key = (args, tuple(sorted(kwargs.items())))
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self._hits += 1
                return found[0]
            self._misses += 1
        result = self.function(*args, **kwargs)  # unlocked: another thread may make it too
        self._keep(key, result)
        return result

    def _keep(self, key: Hashable, result: R) -> None:
        size = self.size(result)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (result, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def cache_clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = self._hits = self._misses = 0

    def cache_info(self) -> MemoInfo:
        with self._lock:
            return MemoInfo(
                len(self._entries), self._bytes, self.max_bytes, self._hits, self._misses
            )


def bytes_lru(
    max_bytes: int, size: Callable[[Any], int]
) -> Callable[[Callable[P, R]], BytesMemo[P, R]]:
    """Decorator: `@bytes_lru(64 * 2**20, size=len)`."""

    def decorate(function: Callable[P, R]) -> BytesMemo[P, R]:
        return BytesMemo(function, max_bytes, size)

    return decorate
