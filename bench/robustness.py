"""How fast hostile input is read or refused: the prompt parser and the Live set reader.

The tests check what happens (never a crash, a typed refusal); this prints how long it takes,
on this machine, now:

(a) The prompt parser: microseconds per typical prompt (the shared dev set; target < 500 µs),
    milliseconds for each hostile input of the tests (100,000 characters of noise, emoji,
    control characters …; target < 100 ms each), how the time grows when the text is 4× longer
    (linear work ≈ 4×, quadratic ≈ 16×; target < 11×), and import + lexicon load in a fresh
    interpreter (target < 150 ms; about 30 ms on an idle developer machine).
(b) The Live set reader: seconds to refuse each hostile set of the tests (a 600 MB gzip bomb, a
    billion laughs, an external entity, …; target < 2 s each), and the fuzz run in full: corpus
    sets with bytes flipped, cut, repeated or spliced (`--fuzz-cases`, 2,000 by default; the
    tests run 200), the slowest case in CPU seconds (target < 2 s) and how many were read or
    refused. Exit code 1 when a fuzz case raised anything but a typed error.

    .venv/bin/python bench/robustness.py [--fuzz-cases N] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the hostile inputs and the fuzz strategy are the tests' own

from hypothesis import HealthCheck, given, settings  # noqa: E402
from tests.core.test_prompt import DEV, HOSTILE, OWN  # noqa: E402
from tests.formats.als_reader.test_fuzz import SEEDS, mutated  # noqa: E402

from musia.core.prompt import read_prompt  # noqa: E402
from musia.errors import MusiaError  # noqa: E402
from musia.formats.als.reader import read_set  # noqa: E402

TARGET_PROMPT_US = 500.0
TARGET_HOSTILE_MS = 100.0
TARGET_SCAN_RATIO = 11.0
TARGET_IMPORT_MS = 150.0
TARGET_REFUSAL_S = 2.0
LIVE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Ableton MajorVersion="5" MinorVersion="11.0_11300">'
    b'\n\t<LiveSet>\n\t\t<NextPointeeId Value="10" />\n%s\t</LiveSet>\n</Ableton>\n'
)


def _best_s(work: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def prompt_figures() -> dict[str, Any]:
    prompts = [row["prompt"] for row in DEV] or [p for p, _, _ in OWN]
    per_prompt_s = _best_s(lambda: [read_prompt(p) for p in prompts], 5) / len(prompts)
    hostile_ms = {
        name: _best_s(lambda t=text: read_prompt(t)) * 1000 for name, text in HOSTILE.items()
    }
    unit = "house at 124 bpm in A minor with no drums, sin batería, в ля мінорі. "
    ratio = _best_s(lambda: read_prompt(unit * 80), 9) / max(
        _best_s(lambda: read_prompt(unit * 20), 9), 1e-6
    )
    return {
        "typical_prompt_us": per_prompt_s * 1e6,
        "hostile_ms": hostile_ms,
        "scan_ratio_4x_text": ratio,
        "import_and_lexicon_ms": _import_ms(),
    }


def _import_ms() -> float:
    """Import plus TOML loading in a fresh interpreter (stdlib preloaded, bytecode allowed)."""
    code = (
        "import re, unicodedata, tomllib, dataclasses, typing, time\n"
        "t = time.perf_counter()\n"
        "from musia.core.prompt import read_prompt\n"
        "read_prompt('house')\n"
        "print((time.perf_counter() - t) * 1000)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    return min(runs)


def _hostile_sets() -> dict[str, tuple[bytes, int | None]]:
    """The tests' hostile sets (tests/formats/als_reader/test_hostile.py): bytes and a cap."""
    zeros = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    bomb = b"".join(zeros.compress(chunk) for _ in range(600)) + zeros.flush()
    laughs = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    for n in range(1, 10):
        refs = f"&lol{n - 1};".encode() * 10 if n > 1 else b"&lol;" * 10
        laughs += b'<!ENTITY lol%d "%s">\n' % (n, refs)
    laughs += b"]>\n<Ableton><LiveSet>&lol9;</LiveSet></Ableton>\n"
    whole = gzip.compress(LIVE % b"")
    return {
        "gzip bomb (600 MB of zeros)": (bomb, 8 * 1024 * 1024),
        "plain file over the cap": (LIVE % (b" " * 5000), 4096),
        "billion laughs": (laughs, None),
        "truncated gzip": (whole[: len(whole) // 2], None),
        "binary noise": (bytes((i * 7919 + 13) % 256 for i in range(4096)), None),
    }


def refusal_figures(folder: Path) -> dict[str, float]:
    seconds = {}
    for name, (data, cap) in _hostile_sets().items():
        path = folder / "hostile.als"
        path.write_bytes(data)
        kwargs = {} if cap is None else {"max_xml_bytes": cap}
        started = time.perf_counter()
        with contextlib.suppress(MusiaError):
            read_set(path, **kwargs)
        seconds[name] = time.perf_counter() - started
    return seconds


def fuzz_figures(folder: Path, cases: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"cases": 0, "read": 0, "refused": 0, "slowest_cpu_s": 0.0}
    untyped: list[str] = []

    @settings(
        max_examples=cases,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=os.environ.get("MUSIA_FUZZ_RANDOM") != "1",
    )
    @given(case=mutated())
    def one(case: tuple[bytes, bool]) -> None:
        data, zipped = case
        body = gzip.compress(data, compresslevel=1) if zipped else data
        if zipped and len(body) > 40:
            body = body[: len(body) - (data[0] % 3) * 7]
        path = folder / "fuzz.als"
        path.write_bytes(body)
        started = time.process_time()
        outcome = "read"
        try:
            read_set(path)
        except MusiaError:
            outcome = "refused"
        except Exception as exc:  # what the tests forbid: listed, and the exit code says so
            outcome = "refused"
            untyped.append(f"{type(exc).__name__}: {exc}")
        elapsed = time.process_time() - started
        figures["cases"] += 1
        figures[outcome] += 1
        figures["slowest_cpu_s"] = max(figures["slowest_cpu_s"], elapsed)

    if SEEDS:
        one()
    figures["untyped_errors"] = untyped
    return figures


def _print(figures: dict[str, Any]) -> None:
    prompt = figures["prompt"]
    print("(a) prompt parser")
    print(f"  typical prompt        {prompt['typical_prompt_us']:8.0f} µs   (target < 500)")
    worst = max(prompt["hostile_ms"].items(), key=lambda item: item[1])
    print(f"  slowest hostile input {worst[1]:8.1f} ms   (target < 100): {worst[0]}")
    print(f"  4x longer text        {prompt['scan_ratio_4x_text']:8.1f} x    (target < 11)")
    print(f"  import + lexicon      {prompt['import_and_lexicon_ms']:8.0f} ms   (target < 150)")
    print("(b) Live set reader")
    for name, seconds in figures["refusals_s"].items():
        print(f"  refuses {name:<28} in {seconds:6.3f} s (target < 2)")
    fuzz = figures["fuzz"]
    print(
        f"  fuzz: {fuzz['cases']} cases, {fuzz['read']} read, {fuzz['refused']} refused, "
        f"slowest {fuzz['slowest_cpu_s']:.3f} CPU s (target < 2), "
        f"{len(fuzz['untyped_errors'])} untyped errors"
    )
    for error in fuzz["untyped_errors"][:20]:
        print(f"  UNTYPED {error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzz-cases", type=int, default=2000)
    parser.add_argument("--json", action="store_true", help="a JSON summary instead of lines")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="musia-robust-") as folder:
        figures = {
            "prompt": prompt_figures(),
            "refusals_s": refusal_figures(Path(folder)),
            "fuzz": fuzz_figures(Path(folder), args.fuzz_cases),
        }
    if args.json:
        print(json.dumps(figures, indent=1, ensure_ascii=False))
    else:
        _print(figures)
    return 1 if figures["fuzz"]["untyped_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
