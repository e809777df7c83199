"""The Live set reader over the whole corpus, as the tests do it on a sample.

The tests compare our index of a set (tags, attributes, order, text) with ElementTree's on every
third small set of `../shared/als-corpus`, and the facts our reader finds (tracks, clips, scenes,
locators, tempo, metre) with MANIFEST.tsv on every third set; this does both on every set, and
prints how many agree and how long it took. Exit code 1 when any set disagrees.

    .venv/bin/python bench/corpus_sweep.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the comparison is the tests' own, run in full

from tests.formats.als_reader.corpus import manifest, small_sets  # noqa: E402
from tests.formats.als_reader.test_manifest import manifest_mismatches  # noqa: E402
from tests.formats.als_reader.test_roundtrip import index_mismatches  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="only the first N sets")
    parser.add_argument("--json", action="store_true", help="a JSON summary instead of a line")
    args = parser.parse_args(argv)
    sets = small_sets()[: args.limit]
    started = time.perf_counter()
    wrong = index_mismatches(sets)
    index_s = time.perf_counter() - started
    rows = manifest()[: args.limit]
    started = time.perf_counter()
    facts_wrong = manifest_mismatches(rows)
    figures = {
        "sets": len(sets),
        "agree": len(sets) - len(wrong),
        "disagree": wrong,
        "seconds": round(index_s, 1),
        "manifest_sets": len(rows),
        "manifest_agree": len(rows) - len(facts_wrong),
        "manifest_disagree": [name for name, _ in facts_wrong],
        "manifest_seconds": round(time.perf_counter() - started, 1),
    }
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        print(
            f"{figures['agree']} of {figures['sets']} corpus sets: our index is what ElementTree "
            f"sees, in {figures['seconds']} s"
        )
        for name in wrong:
            print(f"DISAGREES {name}")
        print(
            f"{figures['manifest_agree']} of {figures['manifest_sets']} corpus sets: the facts "
            f"our reader finds are MANIFEST.tsv's, in {figures['manifest_seconds']} s"
        )
        for name, facts in facts_wrong:
            print(f"DIFFERS {name}: {facts}")
    return 1 if wrong or facts_wrong else 0


if __name__ == "__main__":
    sys.exit(main())
