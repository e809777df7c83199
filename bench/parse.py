"""Live set reading speed and memory: Musia's reader against an existing Python reader.

    .venv/bin/pip install -e '.[bench-compare]'   # abletoolz, GPL-3.0: for the comparison only
    .venv/bin/python bench/parse.py [FOLDER_OR_FILES...]   # default ../shared/als-corpus

For each reader: total XML MB read per second of wall time over all sets, and for the largest set
its peak memory (tracemalloc: Python allocations, numpy included) relative to its XML size.
abletoolz reads a set as gzip → str → xml.etree (its `AbletonSet.parse`, then version, tempo and
tracks); when it is not installed, a plain ElementTree full parse stands in as the baseline.
"""

from __future__ import annotations

import contextlib
import gc
import gzip
import sys
import time
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from musia.errors import MusiaError
from musia.formats.als.reader import read_bytes, read_set

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "als-corpus"


def ours(path: Path) -> object:
    return read_set(path).info


def baseline() -> tuple[str, Callable[[Path], object]]:
    try:
        from abletoolz.ableton_set import AbletonSet  # type: ignore[import-not-found]
    except ImportError:

        def etree(path: Path) -> object:
            raw = path.read_bytes()
            return ET.fromstring(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)

        return "ElementTree full parse", etree

    def abletoolz(path: Path) -> object:
        s = AbletonSet(path)
        if not s.parse():  # abletoolz refuses plain-XML sets: parse those as it would
            s.root = ET.fromstring(path.read_bytes())
        for step in (s.load_version, s.load_tracks, s.get_bpm):
            with contextlib.suppress(Exception):  # abletoolz's own limits on old sets
                step()
        return s

    return "abletoolz", abletoolz


def throughput(read: Callable[[Path], object], files: list[Path], sizes: dict[Path, int]) -> float:
    started = time.perf_counter()
    for path in files:
        with contextlib.suppress(MusiaError):
            read(path)
    return sum(sizes.values()) / 1e6 / (time.perf_counter() - started)


def peak_ratio(read: Callable[[Path], object], path: Path, xml_bytes: int) -> float:
    gc.collect()
    tracemalloc.start()
    result = read(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    return peak / xml_bytes


def main(args: list[str]) -> None:
    targets = [Path(a) for a in args] or [DEFAULT]
    files = sorted(p for t in targets for p in ([t] if t.is_file() else t.glob("*.als")))
    sizes = {p: len(read_bytes(p)[0]) for p in files}
    largest = max(files, key=lambda p: sizes[p])
    name, other = baseline()
    print(f"{len(files)} sets, {sum(sizes.values()) / 1e6:.1f} MB of XML; largest {largest.name} "
          f"{sizes[largest] / 1e6:.1f} MB")  # fmt: skip
    rows = []
    for label, read in (("musia", ours), (name, other)):
        speed = throughput(read, files, sizes)
        ratio = peak_ratio(read, largest, sizes[largest])
        rows.append((label, speed, ratio))
        print(f"{label:<24} {speed:8.1f} MB/s   peak on the largest set {ratio:5.2f}x its XML")
    print(f"speed-up: {rows[0][1] / rows[1][1]:.2f}x (target >= 2x); "
          f"memory target: musia < 4x ({rows[0][2]:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
