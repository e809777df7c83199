"""bench/soak.py: a few seconds with 2 clients against the server it starts; every figure it
prints parses, and a healthy short run has no errors and no job left unfinished."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO

FIGURES = {
    "throughput": r"^throughput: (?P<value>[\d.]+) operations/s \((\d+)\)$",
    "latency": r"^latency: p50 ([\d.]+) s p95 ([\d.]+) s p99 ([\d.]+) s \((\d+) requests\)$",
    "errors": r"^errors: (?P<value>\d+) \(target 0\)$",
    "rss": r"^server rss: start ([\d.]+) MB end ([\d.]+) MB growth (-?[\d.]+) %",
    "fds": r"^open fds: start (\d+) end (\d+)$",
    "not_final": r"^jobs not final: (?P<value>\d+) of (\d+) \(target 0\)$",
}


def test_a_short_soak_prints_every_figure() -> None:
    run = subprocess.run(
        [sys.executable, str(REPO / "bench" / "soak.py"), "--clients", "2", "--minutes", "0.1",
         "--processes", "0"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    lines = run.stdout.splitlines()
    found = {}
    for name, pattern in FIGURES.items():
        matches = [m for m in (re.match(pattern, line) for line in lines) if m]
        assert len(matches) == 1, (name, run.stdout)
        found[name] = matches[0]
    assert float(found["throughput"]["value"]) > 0
    assert int(found["errors"]["value"]) == 0
    assert int(found["not_final"]["value"]) == 0
    assert int(found["fds"].group(1)) > 0
    assert float(found["rss"].group(1)) > 0
