"""numba's on-disk cache shared by processes (numba issue 10128): two processes that compile
the same cached functions at the same moment can leave cache files of two compilations, which
crash every later process that loads them. Musia's `first_call_locked` lets one process compile
while the others wait and then load what it saved.

Two real processes, started together on a fresh cache folder, each call a guarded function that
compiles a cached gufunc and a cached jitted function (the kinds librosa uses); exactly one of
them compiles, the other loads the cache, and both compute the same answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

KERNELS = """
import numba
import numpy as np


@numba.guvectorize(["void(float64[:], float64[:])"], "(n)->(n)", cache=True)
def running_sum(values, out):
    total = 0.0
    for i in range(values.shape[0]):
        total += values[i]
        out[i] = total


@numba.njit(cache=True)
def peak(values):
    best = values[0]
    for value in values:
        best = max(best, value)
    return best
"""

CHILD = '''
import json, sys, time
from pathlib import Path

import numpy as np
from numba.core import event

from musia.audio.jit import first_call_locked

folder, me, everyone = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
compiled = []


class CachedCompiles(event.Listener):
    """Compilations of functions that numba caches on disk (a cache hit compiles nothing)."""

    def on_start(self, ev):
        dispatcher = (ev.data or {}).get("dispatcher")
        if dispatcher is not None and type(dispatcher._cache).__name__ != "NullCache":
            compiled.append(dispatcher.py_func.__qualname__)

    def on_end(self, ev):
        pass


event.register("numba:compile", CachedCompiles())


@first_call_locked
def analyse(values):
    import kernels  # compiles the gufunc on import, as librosa's modules do

    return float(kernels.peak(kernels.running_sum(values)))


(folder / f"ready-{me}").touch()
deadline = time.monotonic() + 120
while len(list(folder.glob("ready-*"))) < everyone and time.monotonic() < deadline:
    time.sleep(0.005)  # all processes call at the same moment
print(json.dumps({"answer": analyse(np.arange(1.0, 101.0)), "compiled": compiled}))
'''


def test_processes_on_a_fresh_cache_compile_once_and_all_load_it(tmp_path: Path) -> None:
    (tmp_path / "kernels.py").write_text(textwrap.dedent(KERNELS))
    (tmp_path / "child.py").write_text(textwrap.dedent(CHILD))
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    processes = 2
    children = [
        subprocess.Popen(
            [sys.executable, str(tmp_path / "child.py"), str(tmp_path), str(n), str(processes)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    outputs = [child.communicate(timeout=300) for child in children]
    for child, (_out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err[-3000:]  # a crashed child: -11 (SIGSEGV)
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert {r["answer"] for r in results} == {5050.0}  # 1 + 2 + … + 100
    compiled = sorted((sorted(r["compiled"]) for r in results), key=len)
    # One process compiled; the other only loaded what it saved (before: both compiled and
    # both wrote the same cache files at once).
    assert compiled == [[], ["peak"]], compiled
    saved = [p.name for p in (tmp_path / "numba-cache").rglob("*.nbi")]
    assert any("running_sum" in name for name in saved), saved  # the gufunc is cached too
