"""The sample library's figures: how long the analysis of an upload takes (the job's work, as
`musia samples index` does it), how long the starter pack takes, and how long a search of the
service's library takes when it runs the CLI's query over rows described in Python (after the
database has read them).

    .venv/bin/python bench/sample_library.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import namedtuple
from pathlib import Path

from musia.audio.sample_analysis import analyze_sample, thumbnail_peaks
from musia.audio.sample_search import SampleQuery, matches, rank
from musia.audio.sample_starter import write_starter_pack
from musia.services.samples import describe

# The columns `Samples.facts` reads for a search (its rows read like this tuple); the database's
# part (reading 20,000 rows) is not timed here.
Facts = namedtuple("Facts", "id name type bpm key style data")
QUERIES = {
    "type=kick": {"type_text": "kick"},
    "key=la menor": {"key_text": "la menor"},
    "bpm 118-126": {"bpm_min": 118.0, "bpm_max": 126.0},
    "q=dark kick": {"text": "dark kick"},
}


def _analysis(folder: Path) -> list[tuple[Path, dict[str, object], list[float], float]]:
    done = []
    for path in sorted(folder.rglob("*.wav")):
        started = time.perf_counter()
        record = analyze_sample(path, folder).to_dict()
        peaks = thumbnail_peaks(path)
        done.append((path, record, peaks, time.perf_counter() - started))
    return done


def _rows(analysed: list[tuple[Path, dict[str, object], list[float], float]], count: int) -> list:  # type: ignore[type-arg]
    rows = []
    for number in range(count):
        path, record, peaks, _ = analysed[number % len(analysed)]
        rows.append(Facts(
            id=f"s{number}", name=f"{number} {path.name}", type=record["class_name"],
            bpm=record["bpm"], key=record["key_name"], style=None,
            data={"status": "analysed", "analysis": record, "peaks": peaks},
        ))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="musia-bench-samples-") as name:
        folder = Path(name)
        started = time.perf_counter()
        write_starter_pack(folder)
        synthesis_s = time.perf_counter() - started
        analysed = _analysis(folder)
    times = [t for *_, t in analysed]
    print(f"starter pack: {len(analysed)} files synthesised in {synthesis_s:.1f} s")
    print(f"analysis per file: first {times[0]:.2f} s (imports, model), then median "
          f"{statistics.median(times[1:]):.3f} s, max {max(times[1:]):.3f} s; "
          f"all {sum(times):.1f} s")  # fmt: skip
    rows = _rows(analysed, args.rows)
    for label, fields in QUERIES.items():
        query = SampleQuery.parse(**fields)  # type: ignore[arg-type]
        started = time.perf_counter()
        found = rank(query, [d for d in map(describe, rows) if matches(query, d)])
        took_ms = 1000 * (time.perf_counter() - started)
        print(f"search {label!r} over {len(rows)} rows: {len(found)} found in {took_ms:.0f} ms")


if __name__ == "__main__":
    main()
