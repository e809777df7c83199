"""Every set the composer can write for the shared dev prompts, checked by Live's profile.

The tests (tests/formats/als/test_checker.py) sample this sweep: each `generate` prompt of
`../shared/prompts/dev.jsonl` once with stem tracks and once without audio, seed and Live format
rotating. This writes all of it — every prompt with seeds 1–3 in both Live formats with stems,
and once without audio — runs `../shared/tools/als_check.py --samples` over every set and prints
how many conform, with the time it took. Exit code 1 when any set does not conform.

    .venv/bin/python bench/checker_sweep.py [--sampled] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the sweep is the tests' own, run in full

from tests.formats.als.helpers import problems  # noqa: E402
from tests.formats.als.test_checker import _prompt_cases, _write_and_check  # noqa: E402


def sweep(full: bool, limit: int | None = None) -> dict[str, object]:
    started = time.perf_counter()
    cases = _prompt_cases(full=full)[:limit]
    with tempfile.TemporaryDirectory(prefix="musia-sweep-") as folder:
        paths, runs = _write_and_check(cases, Path(folder))
        results = {name: result for run in runs for name, result in run.results.items()}
        failing = {
            case.case_id: problems(results[str(paths[case.case_id])])
            for case in cases
            if results[str(paths[case.case_id])].get("conformant") is not True
        }
    return {
        "sets": len(cases),
        "with_stems": sum(case.stems for case in cases),
        "conformant": len(cases) - len(failing),
        "failing": failing,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sampled", action="store_true", help="only what the tests write")
    parser.add_argument("--limit", type=int, help="only the first N sets")
    parser.add_argument("--json", action="store_true", help="a JSON summary instead of lines")
    args = parser.parse_args(argv)
    figures = sweep(full=not args.sampled, limit=args.limit)
    if args.json:
        print(json.dumps(figures, indent=1, ensure_ascii=False))
    else:
        print(
            f"{figures['sets']} sets ({figures['with_stems']} with stem tracks): "
            f"{figures['conformant']} conform to als_check.py --samples, "
            f"in {figures['seconds']} s"
        )
        failing = figures["failing"]
        assert isinstance(failing, dict)
        for case_id, problem in failing.items():
            print(f"NOT CONFORMANT {case_id}: {problem}")
    return 0 if not figures["failing"] else 1


if __name__ == "__main__":
    sys.exit(main())
