"""Every set we write passes `../shared/tools/als_check.py --samples`: the structure of sets saved
by Live 11.3 / 12.3 (children, order, attributes, value kinds) and every invariant Live keeps.

Every `generate` prompt of `dev.jsonl` is written in both Live formats, with one stem track per
part and each MIDI track's instrument (a Drum Rack or a Simpler; real WAV files in the set's
`Samples/`, tiny and silent so that hundreds of sets need no render; `tests/test_project.py`
checks projects with rendered stems and one-shots), and without audio (instruments only). The
tests sample: each prompt once with stems and once without, seed and format rotating, and the
style matrix with seed 1. `bench/checker_sweep.py` (or `MUSIA_ALS_FULL=1`) writes every prompt
with seeds 1–3 in both formats, with and without stems, and every style with seeds 1–3.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

from musia.core.arrange import short_form
from musia.core.compose import compose
from musia.core.model import Song
from musia.core.plan_builder import plan_from_text
from musia.core.prompt.reading import STYLES
from musia.core.styles import load_style
from musia.formats.als import write_als
from tests.conftest import shared_path
from tests.formats.als.helpers import (
    CheckerRun,
    empty_song,
    hostile_song,
    problems,
    run_checker,
    tiny_instruments,
    tiny_stems,
    with_tempo,
)
from tests.helpers import make_song

FULL = os.environ.get("MUSIA_ALS_FULL", "") not in ("", "0")
VERSIONS = (11, 12)
SEEDS = (1, 2, 3) if FULL else (1,)
METERS = (
    ("pop", (3, 4), 2),
    ("trap", (3, 4), 3),
    ("techno", (6, 8), 2),
    ("ambient", (6, 8), 3),
    ("house", (7, 8), 2),
    ("lo-fi", (7, 8), 3),
)
CHECKER_PROCESSES = 2  # the CI machine has two cores


@dataclass(frozen=True)
class Case:
    case_id: str
    live_version: int
    make: Callable[[], Song]
    stems: bool = False


def _style_cases() -> list[Case]:
    """Each style in 32 bars, and one whole club track (its default length) per format."""
    cases = [
        Case(f"{style}-seed{seed}-live{v}", v, partial(make_song, style, seed, bars=32))
        for style in STYLES
        for seed in SEEDS
        for v in VERSIONS
    ]
    return cases + [Case(f"techno-whole-track-live{v}", v, partial(make_song, "techno", 6))
                    for v in VERSIONS]  # fmt: skip


def _meter_cases() -> list[Case]:
    return [
        Case(f"{style}-{n}_{d}-seed{seed}-live{v}", v, partial(_metered, style, seed, (n, d)))
        for style, (n, d), seed in METERS
        for v in VERSIONS
    ]


def _metered(style: str, seed: int, meter: tuple[int, int]) -> Song:
    return make_song(style, seed, time_signature=meter, bars=32)


def _edge_cases() -> list[Case]:
    cases = [Case(f"hostile-names-live{v}", v, hostile_song) for v in VERSIONS]
    cases += [Case(f"empty-song-live{v}", v, empty_song) for v in VERSIONS]
    slow, fast = partial(make_song, "ambient", 5, bars=8), partial(make_song, "house", 5, bars=8)
    cases += [
        Case("tempo-40-live12", 12, lambda: with_tempo(slow(), 40.0)),
        Case("tempo-250-live11", 11, lambda: with_tempo(fast(), 250.0)),
        Case("tempo-124.5-live11", 11, lambda: with_tempo(fast(), 124.5)),
    ]
    # Stem tracks where names, meters and tempi are awkward: sections starting off the beat
    # (7/8), slow and fractional tempi stretch the warp markers.
    seven_eight = partial(_metered, "house", 2, (7, 8))
    cases += [Case(f"hostile-names-live{v}-stems", v, hostile_song, True) for v in VERSIONS]
    cases += [Case(f"house-7_8-live{v}-stems", v, seven_eight, True) for v in VERSIONS]
    cases += [
        Case("tempo-40-live12-stems", 12, lambda: with_tempo(slow(), 40.0), True),
        Case("tempo-124.5-live11-stems", 11, lambda: with_tempo(fast(), 124.5), True),
        Case("empty-song-live11-stems", 11, empty_song, True),
    ]
    return cases


CASES = _style_cases() + _meter_cases() + _edge_cases()


def _prompt_cases(full: bool = FULL) -> list[Case]:
    """Every `generate` prompt of the shared dev set with stem tracks (a set with stems holds
    everything a set without them does, plus the audio tracks) and without audio, as
    `--no-audio` writes it: sampled (seed and format rotating), or `full` (seeds 1–3, both
    formats, with stems, and each prompt once without)."""
    rows = [json.loads(line) for line in shared_path("prompts", "dev.jsonl").open(encoding="utf-8")]
    prompts = [(r["id"], r["prompt"]) for r in rows if r.get("intent") == "generate"]
    cases = []
    for i, (row_id, text) in enumerate(prompts):
        seeds = (1, 2, 3) if full else (i % 3 + 1,)
        versions = VERSIONS if full else (VERSIONS[i % 2],)
        cases += [
            Case(
                f"{row_id}-seed{seed}-live{v}-stems",
                v,
                partial(_from_prompt, text, seed, full),
                True,
            )
            for seed in seeds
            for v in versions
        ]
        seed, v = (i + 1) % 3 + 1, VERSIONS[(i + 1) % 2]
        song = partial(_from_prompt, text, seed, full)
        cases.append(Case(f"{row_id}-seed{seed}-live{v}", v, song))
    return cases


def _from_prompt(text: str, seed: int, whole: bool = True) -> Song:
    """The prompt's song, whole (the sweep), or cut to a sketch (the tests: a set's structure,
    parts, metre, tempo, key and instruments do not depend on its length, and sets of 5-7
    minutes take long to write and check; one whole track per format is among `CASES`)."""
    plan = plan_from_text(text, seed=seed)
    if whole:
        return compose(plan)
    sections = short_form(load_style(plan.style), "sketch", plan.parts)
    update = {"bars": sum(s.bars for s in sections), "sections": sections}
    return compose(plan.model_copy(update=update))


def _write_and_check(cases: list[Case], folder: Path) -> tuple[dict[str, Path], list[CheckerRun]]:
    checker = shared_path("tools", "als_check.py")
    folder.mkdir(parents=True, exist_ok=True)
    paths = {case.case_id: _write_case(case, folder / f"{i:03d}") for i, case in enumerate(cases)}
    files = list(paths.values())
    batches = [
        files[i::CHECKER_PROCESSES] for i in range(CHECKER_PROCESSES) if files[i::CHECKER_PROCESSES]
    ]
    with ThreadPoolExecutor(len(batches)) as pool:
        runs = list(pool.map(partial(run_checker, checker), batches))
    return paths, runs


def _write_case(case: Case, project: Path) -> Path:
    """The set in a project folder of its own (its stems under `Samples/`)."""
    project.mkdir()
    song = case.make()
    stems = tiny_stems(song, project) if case.stems else []
    instruments = tiny_instruments(song, project, live_version=case.live_version)
    set_path = project / "set.als"
    return write_als(
        song, set_path, live_version=case.live_version, stems=stems, instruments=instruments
    )


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], list[CheckerRun]]:
    return _write_and_check(CASES, tmp_path_factory.mktemp("sets"))


@pytest.mark.shared
def test_checker_exits_0_on_every_set(checked: tuple[dict[str, Path], list[CheckerRun]]) -> None:
    paths, runs = checked
    assert sum(len(run.results) for run in runs) == len(paths)
    assert [run.exit_code for run in runs] == [0] * len(runs), [run.output for run in runs]


@pytest.mark.shared
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.case_id)
def test_set_conforms(case: Case, checked: tuple[dict[str, Path], list[CheckerRun]]) -> None:
    paths, runs = checked
    results = {name: result for run in runs for name, result in run.results.items()}
    result = results[str(paths[case.case_id])]
    assert result.get("conformant") is True, problems(result)
    assert result["structure_pct"] == 100.0 and result["unprofiled"] == 0
    assert result["invariants_held"] == result["invariants_total"]
    expected = "11.0_11300" if case.live_version == 11 else "12.0_12300"
    assert result["minor_version"] == expected and result["profile_group"] == expected


@pytest.mark.shared
def test_every_dev_prompt_conforms(tmp_path: Path) -> None:
    cases = _prompt_cases()
    assert len(cases) >= (20 * 3 * 2 + 20 if FULL else 20 * 2)
    paths, runs = _write_and_check(cases, tmp_path)
    results = {name: result for run in runs for name, result in run.results.items()}
    failing = {
        case.case_id: problems(results[str(paths[case.case_id])])
        for case in cases
        if results[str(paths[case.case_id])].get("conformant") is not True
    }
    assert not failing, failing
    assert [run.exit_code for run in runs] == [0] * len(runs)
