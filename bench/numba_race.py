"""numba's cache on a fresh install, the way production meets it: `--processes` processes start
at the same moment on an empty cache folder and each analyses the same groove with Musia's
analysis (librosa's STFT, onsets, beat tracker and constant-Q under `musia.audio.jit`'s lock).

Prints, per process, the seconds it took from the common start, how many of librosa's cached
jitted functions it compiled (its gufuncs are built through another path and not counted; with
the lock one process compiles while the others wait, then load), and its exit code (a crash
from a mixed-up cache, numba issue 10128, is -11); then one more process on the now warm cache.
Every process must agree on the tempo.

Measured 2026-12-08 on the shared 2-core machine (load ~15), 3 processes with the lock: all
exit 0 at 176-183 s (one compiled, two waited and loaded), the tempo identical; a fourth
process on the warm cache: 10.3 s. `--unguarded`: two of the three crashed with SIGSEGV (-11),
and the cache they left crashed the fourth process too.

    nice -n 10 .venv/bin/python bench/numba_race.py [--processes 3] [--unguarded] [--json]

`--unguarded` runs the same analysis without the lock (what Musia did before): every process
then compiles, and each writes the same cache files at the same time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CHILD = r"""
import json, sys, time
from pathlib import Path

import numpy as np
from numba.core import event

import musia.audio.jit as jit
from musia.audio import analysis

folder, me, everyone, unguarded = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
compiled = []


class CachedCompiles(event.Listener):
    def on_start(self, ev):
        dispatcher = (ev.data or {}).get("dispatcher")
        if dispatcher is not None and type(dispatcher._cache).__name__ != "NullCache":
            compiled.append(dispatcher.py_func.__qualname__)

    def on_end(self, ev):
        pass


event.register("numba:compile", CachedCompiles())
if unguarded == "1":
    from contextlib import nullcontext
    jit.compile_lock = nullcontext  # what Musia did before: no lock around the first calls

rate = 22050
groove = np.zeros(rate * 8, dtype=np.float32)
for beat in range(16):  # 120 BPM: a decaying 60 Hz kick on every beat, a hat between
    start = beat * rate // 2
    t = np.arange(rate // 4) / rate
    kick = np.sin(2 * np.pi * 60 * t) * np.exp(-t * 18)
    groove[start:start + len(t)] += kick.astype(np.float32)
    hat = start + rate // 4
    groove[hat:hat + 400] += (np.random.default_rng(beat).normal(0, 0.1, 400)).astype(np.float32)
(folder / f"ready-{me}").touch()
deadline = time.monotonic() + 300
while len(list(folder.glob("ready-*"))) < everyone and time.monotonic() < deadline:
    time.sleep(0.005)
started = time.perf_counter()
found = analysis.analyze_signal(groove, rate)
print(json.dumps({"s": round(time.perf_counter() - started, 1), "tempo_bpm": found.tempo_bpm,
                  "compiled": len(compiled)}))
"""


def run_together(folder: Path, processes: int, unguarded: bool) -> list[dict[str, Any]]:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(folder / "numba-cache")}
    script = folder / "child.py"
    script.write_text(CHILD)
    for ready in folder.glob("ready-*"):
        ready.unlink()
    children = [
        subprocess.Popen(
            [sys.executable, str(script), str(folder), str(n), str(processes), str(int(unguarded))],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    results = []
    for child in children:
        out, err = child.communicate(timeout=1800)
        row: dict[str, Any] = {"exit": child.returncode}
        if child.returncode == 0:
            row |= json.loads(out.strip().splitlines()[-1])
        else:
            row["error"] = err[-500:]
        results.append(row)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--unguarded", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="musia-numba-race-") as name:
        folder = Path(name)
        started = time.perf_counter()
        fresh = run_together(folder, args.processes, args.unguarded)
        warm = run_together(folder, 1, args.unguarded)
        report = {
            "processes": args.processes,
            "guarded": not args.unguarded,
            "fresh_cache": fresh,
            "warm_cache": warm,
            "wall_s": round(time.perf_counter() - started, 1),
        }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        label = "without the lock" if args.unguarded else "with the lock"
        print(f"numba cache race, {args.processes} processes {label}:")
        for name, rows in (("fresh cache", fresh), ("warm cache", warm)):
            for n, row in enumerate(rows):
                detail = (
                    f"{row['s']:.1f} s, compiled {row['compiled']}, tempo {row['tempo_bpm']}"
                    if row["exit"] == 0
                    else row["error"].strip().splitlines()[-1:]
                )
                print(f"  {name} process {n}: exit {row['exit']}, {detail}")
        print(f"  wall {report['wall_s']:.1f} s")
    rows = fresh + warm
    healthy = all(r["exit"] == 0 for r in rows) and len({r["tempo_bpm"] for r in rows}) == 1
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
