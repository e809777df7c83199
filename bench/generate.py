"""How long a song takes: in-process plan + compose + MIDI bytes, and the whole `musia generate`.

(a) In-process, for a 3-minute six-part song: the first (cold) call on its own, then p50/p95 over
    `--iterations` calls after a warm-up, per stage and in total. Target: p50 ≤ 50 ms.
(b) `musia generate --no-audio` in a subprocess, interpreter start included, `--cli-runs` times
    (the audio preview has its own bench: render.py). Target: p50 ≤ 1.0 s. Then the slowest
    imports of the CLI (`python -X importtime`), to see what to make lazy.

(c) Writing the project without audio, in process, for the same song (composed beforehand, a
    new seed each time): the Live set (`song_to_als`), and the set + MIDI file + plan.json
    written to disk as `write_project` writes them without audio (with the instruments' samples,
    rendered once per process and sound). Target: set + MIDI p50 ≤ 100 ms.
    .venv/bin/python bench/generate.py [--iterations N] [--cli-runs N] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PROMPT = (
    "progressive house with drums, bass, chords, pad, lead and fx, 126 bpm, F# minor, 3 minutes"
)
EXPECTED_PARTS = 6
EXPECTED_SECONDS = 180.0
LENGTH_TOLERANCE = 0.1  # lengths asked in minutes round to whole 8-bar phrases
# A whole club track as a prompt without a length gets it: timed too, without a target.
CLUB_PROMPT = "techno with drums, bass, chords, pad, lead and fx, 130 bpm, F minor, 6 minutes"
TARGET_IN_PROCESS_MS = 50.0
TARGET_CLI_MS = 1000.0
TARGET_PROJECT_MS = 100.0
# What `musia generate` imports before it composes: the command module, then the project writer.
IMPORT_STATEMENT = "import musia.cli.main, musia.project"
IMPORT_RUNS = 3  # import times are noisy; the minimum over a few runs is the stable figure
TOP_IMPORTS = 8
CLI_TIMEOUT_S = 60


@dataclass(frozen=True)
class Stats:
    n: int
    min_ms: float
    p50_ms: float
    p95_ms: float
    max_ms: float


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def stats(samples_ms: Sequence[float]) -> Stats:
    return Stats(
        n=len(samples_ms),
        min_ms=min(samples_ms),
        p50_ms=percentile(samples_ms, 0.5),
        p95_ms=percentile(samples_ms, 0.95),
        max_ms=max(samples_ms),
    )


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter_ns()
    result = call()
    return result, (time.perf_counter_ns() - start) / 1e6


def machine() -> dict[str, Any]:
    """What else was running: a loaded machine explains a slow p95 better than the code does."""
    load_1m = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {"cpus": os.cpu_count(), "load_1m": round(load_1m, 2), "python": sys.version.split()[0]}


# --- (a) in process ------------------------------------------------------------------------------


def one_song(seed: int, prompt: str = PROMPT) -> tuple[dict[str, float], Any, Any]:
    """Plan, compose and write MIDI bytes once: (milliseconds per stage, plan, song)."""
    from musia.core.compose import compose
    from musia.core.plan_builder import plan_from_text
    from musia.formats.midi import song_to_midi

    plan, plan_ms = _timed(lambda: plan_from_text(prompt, seed=seed))
    song, compose_ms = _timed(lambda: compose(plan))
    _, midi_ms = _timed(lambda: song_to_midi(song))
    stages = {"plan": plan_ms, "compose": compose_ms, "midi": midi_ms}
    stages["total"] = plan_ms + compose_ms + midi_ms
    return stages, plan, song


def check_song(plan: Any, song: Any) -> list[str]:
    """The benchmark means a 3-minute six-part song; say so when the prompt no longer gives one."""
    problems = []
    if len(plan.parts) != EXPECTED_PARTS:
        problems.append(f"the plan has {len(plan.parts)} parts ({', '.join(plan.parts)}), not 6")
    if abs(song.duration_s - EXPECTED_SECONDS) > EXPECTED_SECONDS * LENGTH_TOLERANCE:
        problems.append(f"the song lasts {song.duration_s:.1f} s, not about {EXPECTED_SECONDS:g} s")
    return problems


def describe_song(plan: Any, song: Any) -> dict[str, Any]:
    return {
        "style": plan.style,
        "bpm": plan.bpm,
        "key": plan.key.name,
        "time_signature": plan.time_signature,
        "bars": plan.bars,
        "duration_s": round(song.duration_s, 1),
        "parts": list(plan.parts),
        "notes": sum(len(track.absolute_notes()) for track in song.tracks),
    }


def bench_in_process(iterations: int) -> dict[str, Any]:
    # Imports are done before the cold call so that it shows what the first song costs in a
    # running server (lexicons, style files), not interpreter start-up, which (b) measures.
    import musia.core.compose
    import musia.core.plan_builder
    import musia.formats.midi  # noqa: F401

    cold, plan, song = one_song(seed=0)
    one_song(seed=1)  # warm-up, not counted
    # A new seed each time, so no cache of the last song can make the figures look better.
    runs = [one_song(seed=2 + i)[0] for i in range(iterations)]
    return {
        "song": describe_song(plan, song),
        "problems": check_song(plan, song),
        "cold_ms": cold,
        "stages": {name: asdict(stats([r[name] for r in runs])) for name in cold},
    }


def bench_club_track(iterations: int) -> dict[str, Any]:
    """The same stages for a 6-minute club track, after the 3-minute song warmed everything."""
    one_song(seed=1, prompt=CLUB_PROMPT)  # warm-up, not counted
    runs = [one_song(seed=2 + i, prompt=CLUB_PROMPT) for i in range(iterations)]
    _, plan, song = runs[-1]
    return {
        "song": describe_song(plan, song),
        "stages": {name: asdict(stats([r[0][name] for r in runs])) for name in runs[0][0]},
    }


# --- (c) writing the project ---------------------------------------------------------------------


def one_project(seed: int, folder: Path) -> dict[str, float]:
    """Milliseconds to build the set's bytes, and to write set, MIDI and plan into `folder`."""
    import json as json_module

    from musia.core.compose import compose
    from musia.core.plan_builder import plan_from_text
    from musia.files import write_bytes_atomic
    from musia.formats.als import live_format, song_to_als, write_als
    from musia.formats.als.instruments import rack_presets
    from musia.formats.midi import write_midi
    from musia.instruments import instruments_for
    from musia.project import render_instruments, write_one_shots

    plan = plan_from_text(PROMPT, seed=seed)
    song = compose(plan)
    _, als_ms = _timed(lambda: song_to_als(song))
    plan_json = json_module.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2)

    def write_all() -> None:
        # As write_project does without audio: the instruments' zones (rendered once per
        # process and zone, then only written) and the set that plays them.
        shots, _ = render_instruments(song)
        samples = write_one_shots(shots, folder, folder, 0)
        instruments = instruments_for(shots, samples)
        instruments = rack_presets(instruments, song, live_format(11), folder, folder)
        write_als(song, folder / "song.als", instruments=instruments)
        write_midi(song, folder / "song.mid")
        write_bytes_atomic(folder / "plan.json", plan_json.encode("utf-8"))

    cpu_start = time.process_time_ns()
    _, files_ms = _timed(write_all)
    cpu_ms = (
        time.process_time_ns() - cpu_start
    ) / 1e6  # what other work on the machine cannot inflate
    return {"als": als_ms, "files": files_ms, "files_cpu": cpu_ms}


def bench_project(iterations: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="musia-bench-") as tmp:
        one_project(1, Path(tmp))  # warm-up, not counted
        runs = [one_project(2 + i, Path(tmp)) for i in range(iterations)]
    return {name: asdict(stats([r[name] for r in runs])) for name in ("als", "files", "files_cpu")}


# --- (b) the command -----------------------------------------------------------------------------


def musia_command() -> list[str]:
    """The console script beside this interpreter (the virtualenv's), else `python -m musia.cli`."""
    script = Path(sys.executable).with_name("musia")
    return [str(script)] if script.exists() else [sys.executable, "-m", "musia.cli"]


def one_cli_run(out_dir: Path) -> float:
    # The audio preview has its own bench (render.py); this one times composing and writing.
    command = [*musia_command(), "generate", PROMPT, "--out", str(out_dir), "--no-audio"]
    done, elapsed_ms = _timed(
        lambda: subprocess.run(
            command, check=False, capture_output=True, text=True, timeout=CLI_TIMEOUT_S
        )
    )
    if done.returncode != 0:
        raise RuntimeError(f"musia generate failed ({done.returncode}): {done.stderr.strip()}")
    if not any(out_dir.rglob("*.mid")):
        raise RuntimeError(f"musia generate wrote no .mid file under {out_dir}")
    return float(elapsed_ms)


def bench_cli(runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="musia-bench-") as tmp:
        # The first run pays for cold disk caches and .pyc writing; it is reported on its own.
        cold = one_cli_run(Path(tmp) / "cold")
        samples = [one_cli_run(Path(tmp) / f"run-{i}") for i in range(runs)]
    command = [*musia_command(), "generate", "PROMPT", "--out", "DIR", "--no-audio"]
    return {"command": command, "cold_ms": cold, "stats": asdict(stats(samples))}


@dataclass(frozen=True)
class ImportCost:
    self_ms: float
    cumulative_ms: float  # includes what the module imports in turn
    imported_by: str  # the module whose import pulled it in: where a lazy import would go


def parse_importtime(stderr: str) -> dict[str, ImportCost]:
    """`-X importtime` lines → cost per module. Python prints a module after everything it
    imported, indented two spaces a level, so a line adopts the pending lines one level deeper."""
    result: dict[str, ImportCost] = {}
    pending: list[tuple[int, str]] = []  # (depth, module) whose parent is not printed yet
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "[us]" in line:
            continue
        self_us, cumulative_us, raw_name = line.removeprefix("import time:").split("|")
        name = raw_name.strip()
        depth = (len(raw_name) - len(raw_name.lstrip()) - 1) // 2
        for child_depth, child in [p for p in pending if p[0] == depth + 1]:
            result[child] = ImportCost(result[child].self_ms, result[child].cumulative_ms, name)
            pending.remove((child_depth, child))
        result[name] = ImportCost(int(self_us) / 1000, int(cumulative_us) / 1000, "")
        pending.append((depth, name))
    return result


def import_costs(runs: int = IMPORT_RUNS, top: int = TOP_IMPORTS) -> dict[str, Any]:
    best: dict[str, ImportCost] = {}
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", IMPORT_STATEMENT],
            check=True,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_S,
            env=os.environ | {"PYTHONDONTWRITEBYTECODE": "1"},
        )
        for name, cost in parse_importtime(done.stderr).items():
            seen = best.get(name, cost)
            best[name] = ImportCost(
                min(cost.self_ms, seen.self_ms),
                min(cost.cumulative_ms, seen.cumulative_ms),
                cost.imported_by,
            )
    rows = [{"module": name} | asdict(cost) for name, cost in best.items()]
    return {
        "statement": IMPORT_STATEMENT,
        "runs": runs,
        "total_ms": sum(r["cumulative_ms"] for r in rows if not r["imported_by"]),
        "by_cumulative": sorted(rows, key=lambda r: -r["cumulative_ms"])[:top],
        "by_self": sorted(rows, key=lambda r: -r["self_ms"])[:top],
    }


# --- output --------------------------------------------------------------------------------------


def _verdict(value_ms: float, target_ms: float) -> str:
    return "PASS" if value_ms <= target_ms else "FAIL"


def _row(label: str, s: dict[str, float], unit: str = "ms", target: str = "") -> str:
    scale, digits = (1000.0, 3) if unit == "s" else (1.0, 2)
    figures = "".join(
        f"{s[k] / scale:>10.{digits}f} {unit:<2}" for k in ("min_ms", "p50_ms", "p95_ms", "max_ms")
    )
    return f"{label:<34}{int(s['n']):>4}{figures}  {target}".rstrip()


def render(report: dict[str, Any]) -> str:
    song, host = report["in_process"]["song"], report["machine"]
    head = f"{'':<34}{'n':>4}" + "".join(f"{h:>13}" for h in ("min", "p50", "p95", "max"))
    lines = [
        f"Musia generation speed — prompt: {PROMPT!r}",
        f"song: {song['style']}, {song['bpm']:g} BPM, {song['key']}, {song['time_signature']}, "
        f"{song['bars']} bars = {song['duration_s']:.1f} s, {len(song['parts'])} parts "
        f"({', '.join(song['parts'])}), {song['notes']} notes",
        f"machine: {host['cpus']} CPUs, load average {host['load_1m']:.2f} (1 min, at the start): "
        "timings are noisy when other work runs",
        *(f"WARNING: {p}" for p in report["in_process"]["problems"]),
        "",
        f"(a) in process, {report['iterations']} iterations after a cold call and a warm-up",
        head,
    ]
    lines += _in_process_rows(report["in_process"])
    if report.get("club"):
        club, stages = report["club"]["song"], report["club"]["stages"]
        lines += [
            "",
            f"(a') a whole club track, {report['iterations']} iterations: {CLUB_PROMPT!r}",
            f"song: {club['style']}, {club['bpm']:g} BPM, {club['bars']} bars = "
            f"{club['duration_s']:.1f} s, {club['notes']} notes",
            head,
            _row("compose", stages["compose"]),
            _row("song_to_midi", stages["midi"]),
            _row("total: plan + compose + MIDI", stages["total"], target="(no target)"),
        ]
    if report.get("cli"):
        cli = report["cli"]
        p50 = cli["stats"]["p50_ms"]
        lines += [
            "",
            f"(b) `{' '.join(cli['command'])}` in a subprocess, interpreter start included",
            head,
            _row("first run", _single(cli["cold_ms"]), "s"),
            _row(
                "musia generate",
                cli["stats"],
                "s",
                f"target p50 ≤ {TARGET_CLI_MS / 1000:g} s: {_verdict(p50, TARGET_CLI_MS)}",
            ),
        ]
    if report.get("project"):
        project = report["project"]
        p50 = project["files"]["p50_ms"]
        target = f"target p50 ≤ {TARGET_PROJECT_MS:g} ms: {_verdict(p50, TARGET_PROJECT_MS)}"
        lines += [
            "",
            f"(c) writing the project without audio, {report['iterations']} songs",
            head,
            _row("song_to_als (the set's bytes)", project["als"]),
            _row("project: set + MIDI + plan on disk", project["files"], target=target),
            _row("the same, CPU time of this process", project["files_cpu"]),
        ]
    if report.get("imports"):
        lines += ["", *_import_rows(report["imports"])]
    return "\n".join(lines)


def _single(value_ms: float) -> dict[str, float]:
    return {"n": 1, "min_ms": value_ms, "p50_ms": value_ms, "p95_ms": value_ms, "max_ms": value_ms}


def _in_process_rows(in_process: dict[str, Any]) -> list[str]:
    stages = in_process["stages"]
    p50 = stages["total"]["p50_ms"]
    target = f"target p50 ≤ {TARGET_IN_PROCESS_MS:g} ms: {_verdict(p50, TARGET_IN_PROCESS_MS)}"
    return [
        _row("first call (cold): total", _single(in_process["cold_ms"]["total"])),
        _row("plan_from_text", stages["plan"]),
        _row("compose", stages["compose"]),
        _row("song_to_midi", stages["midi"]),
        _row("total: plan + compose + MIDI", stages["total"], target=target),
    ]


def _import_rows(imports: dict[str, Any]) -> list[str]:
    lines = [
        f"imports: python -X importtime -c {imports['statement']!r}, minimum of "
        f"{imports['runs']} runs: {imports['total_ms']:.1f} ms in all (start-up modules included)",
    ]
    for key, title in (("by_cumulative", "with what they import"), ("by_self", "on their own")):
        lines += [
            f"slowest {len(imports[key])} {title}:",
            f"{'cumulative':>12}{'self':>12}  {'module':<36}imported by",
        ]
        lines += [
            f"{r['cumulative_ms']:>9.1f} ms{r['self_ms']:>9.1f} ms  "
            f"{r['module']:<36}{r['imported_by'] or '-'}".rstrip()
            for r in imports[key]
        ]
    return lines


# --- command line --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=50, help="in-process songs to time")
    parser.add_argument("--cli-runs", type=int, default=10, help="`musia generate` runs; 0 skips")
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary")
    args = parser.parse_args(argv)
    if args.iterations < 1 or args.cli_runs < 0:
        parser.error("--iterations must be ≥ 1 and --cli-runs ≥ 0")
    try:
        report: dict[str, Any] = {
            "prompt": PROMPT,
            "machine": machine(),
            "iterations": args.iterations,
            "in_process": bench_in_process(args.iterations),
            "club": bench_club_track(args.iterations),
            "project": bench_project(args.iterations),
        }
    except ImportError as exc:  # the project is not installed, or a module has not landed yet
        print(f"generate: cannot import the project: {exc}", file=sys.stderr)
        return 2
    if args.cli_runs:
        try:
            report["cli"] = bench_cli(args.cli_runs)
            report["imports"] = import_costs()
        except (RuntimeError, subprocess.SubprocessError) as exc:
            print(f"generate: {exc}", file=sys.stderr)
            return 2
    report["targets_ms"] = {
        "in_process_p50": TARGET_IN_PROCESS_MS,
        "project_p50": TARGET_PROJECT_MS,
        "cli_p50": TARGET_CLI_MS,
    }
    print(json.dumps(report, indent=2) if args.json else render(report))
    # Timings below target are a measurement, not a failure; measuring the wrong song is.
    return 1 if report["in_process"]["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
