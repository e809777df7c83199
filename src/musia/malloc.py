"""glibc's allocator, set for a long-running service.

The server's Python objects do not grow under load (bench/leaks.py: what stays allocated after
minutes of mixed traffic is well under a megabyte), yet its resident memory climbed by ~100 MB
in ten minutes of the soak: glibc keeps freed memory for reuse. Two of its defaults do it here.
Each of the many request and job threads gets an arena of its own (up to eight per core), and
a large buffer freed (a 1 MiB storage chunk, an 8 MiB zip spool, a preview's samples) raises
the size under which later buffers come from those arenas instead of their own mappings — so
they are never given back, and each arena keeps its own high-water mark.

`tune_for_service()` fixes the threshold (buffers of 128 KiB and more are mapped, and unmapped
when freed) and caps the arenas at two per core. Environment variables that set either
(`MALLOC_ARENA_MAX`, `MALLOC_MMAP_THRESHOLD_`) win; other C libraries (musl, macOS) are left
as they are.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

M_MMAP_THRESHOLD = -3  # mallopt parameters, from glibc's malloc.h
M_ARENA_MAX = -8
MMAP_THRESHOLD_BYTES = 128 * 1024  # glibc's own starting value, kept from moving up
ARENAS_PER_CORE = 2


def tune_for_service() -> dict[str, int]:
    """Returns what was set (empty when nothing was: not glibc, or the environment chose)."""
    if not sys.platform.startswith("linux"):
        return {}
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return {}
    wanted = {
        "MALLOC_MMAP_THRESHOLD_": (M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES),
        "MALLOC_ARENA_MAX": (M_ARENA_MAX, ARENAS_PER_CORE * (os.cpu_count() or 1)),
    }
    done = {}
    for variable, (parameter, value) in wanted.items():
        if variable not in os.environ and mallopt(parameter, value) == 1:
            done[variable] = value
    return done
