"""How fast a song renders to audio: the preview mix and its stems, for a 3-minute six-part song.

The first call is timed on its own: it pays for importing numpy and scipy and reading the
SoundFont, which a running server pays once. Then `--runs` warm renders. Each is `render_song`
(every part rendered, balanced, normalised, limited: the mix and the stems in memory); writing
the WAV files (mix + stems, 16-bit) is timed apart. Target: ≥ 50× real time, warm. The rendered
preview's loudness, sample peak and true peak (4× oversampled) are printed too.

Then the written preview (a 3-minute WAV file) is analysed with `musia.audio.analysis.analyze_file`
(tempo, beats, key, loudness, peaks, spectrum): the first call, which imports librosa and
compiles or loads its numba kernels, and the best of `--runs` warm calls. Target: ≤ 2 s warm.

    .venv/bin/python bench/render.py [--runs N] [--prompt TEXT] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PROMPT = (
    "progressive house with drums, bass, chords, pad, lead and fx, 126 bpm, F# minor, 3 minutes"
)
TARGET_REALTIME = 50.0
TARGET_ANALYSIS_S = 2.0


def timed_render(song: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    from musia.production.render import render_song  # the first call pays for the imports

    preview = render_song(song)
    return time.perf_counter() - start, preview


def true_peak_dbfs(mix: Any) -> float:
    """Peak of the mix upsampled 4× (the BS.1770 true-peak method, without its filter spec)."""
    import numpy as np
    from scipy.signal import resample_poly

    upsampled = resample_poly(mix.astype(np.float64), 4, 1, axis=-1)
    return float(20 * np.log10(np.abs(upsampled).max()))


def timed_analysis(path: Path, runs: int) -> dict[str, Any]:
    """`analyze_file` on the written preview: the first call (importing librosa, compiling its
    numba kernels, or loading them from numba's cache) and the best of `runs` warm calls."""
    start = time.perf_counter()
    from musia.audio.analysis import analyze_file

    result = analyze_file(path)
    first_s = time.perf_counter() - start
    warm, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        analyze_file(path)
        warm.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {
        "first_call_s": round(first_s, 3),
        "warm_s": [round(w, 3) for w in warm],
        "warm_best_s": round(min(warm), 3),
        # CPU time of this process: what the analysis costs when the machine is shared.
        "warm_cpu_best_s": round(min(cpu), 3),
        "tempo_bpm": round(result.tempo_bpm, 2) if result.tempo_bpm else None,
        "key": result.key_name,
        "loudness_lufs": round(result.loudness_lufs, 2) if result.loudness_lufs else None,
    }


def bench(prompt: str, runs: int) -> dict[str, Any]:
    from musia.core.compose import compose
    from musia.core.plan_builder import plan_from_text

    song = compose(plan_from_text(prompt))
    cold_s, preview = timed_render(song)
    warm = [timed_render(song)[0] for _ in range(runs)]
    from musia.production.render import write_preview

    with tempfile.TemporaryDirectory(prefix="musia-render-") as folder:
        start = time.perf_counter()
        files = write_preview(preview, Path(folder))
        write_s = time.perf_counter() - start
        megabytes = sum(f.stat().st_size for f in files) / 1e6
        analysis = timed_analysis(files[0], runs)
    return {
        "prompt": prompt,
        "song": {
            "duration_s": round(song.duration_s, 2),
            "parts": [t.part for t in song.tracks],
            "notes": sum(len(t.absolute_notes()) for t in song.tracks),
        },
        "machine": {"cpus": os.cpu_count(), "load_1m": round(os.getloadavg()[0], 2)},
        "soundfont": str(preview.soundfont),
        "audio_s": round(preview.duration_s, 2),
        "first_call_s": round(cold_s, 3),
        "warm_s": [round(w, 3) for w in warm],
        "warm_best_s": round(min(warm), 3),
        "realtime_first": round(song.duration_s / cold_s, 1),
        "realtime_warm": round(song.duration_s / min(warm), 1),
        "write_s": round(write_s, 3),
        "write_mb": round(megabytes, 1),
        "files": len(files),
        "loudness_lufs": round(preview.loudness_lufs, 2),
        "peak_dbfs": round(preview.peak_dbfs, 2),
        "true_peak_dbfs": round(true_peak_dbfs(preview.mix), 2),
        "target_realtime": TARGET_REALTIME,
        "analysis": analysis,
        "target_analysis_s": TARGET_ANALYSIS_S,
    }


def render_report(report: dict[str, Any]) -> str:
    song, analysis = report["song"], report["analysis"]
    verdict = "PASS" if report["realtime_warm"] >= TARGET_REALTIME else "FAIL"
    target = f"target ≥ {TARGET_REALTIME:g}x: {verdict}"
    return "\n".join(
        [
            f"Musia audio preview speed — prompt: {report['prompt']!r}",
            f"song: {song['duration_s']:.1f} s, {len(song['parts'])} parts "
            f"({', '.join(song['parts'])}), {song['notes']} notes; "
            f"SoundFont {Path(report['soundfont']).name}",
            f"machine: {report['machine']['cpus']} CPUs, load average "
            f"{report['machine']['load_1m']:.2f} (1 min)",
            "",
            f"first call (imports, SoundFont) {report['first_call_s']:>7.3f} s "
            f"{report['realtime_first']:>7.1f}x real time",
            f"warm render, best of {len(report['warm_s'])}       {report['warm_best_s']:>7.3f} s "
            f"{report['realtime_warm']:>7.1f}x real time   {target}",
            f"writing {report['files']} WAV files ({report['write_mb']:.0f} MB)  "
            f"{report['write_s']:>7.3f} s",
            "",
            f"preview: {report['audio_s']:.2f} s, {report['loudness_lufs']:.2f} LUFS, "
            f"sample peak {report['peak_dbfs']:.2f} dBFS, "
            f"true peak {report['true_peak_dbfs']:.2f} dBTP",
            "",
            f"analysis of the {report['audio_s']:.0f} s preview (musia analyze): first call "
            f"{analysis['first_call_s']:.3f} s, warm best of {len(analysis['warm_s'])} "
            f"{analysis['warm_best_s']:.3f} s (CPU {analysis['warm_cpu_best_s']:.3f} s)   "
            f"target ≤ {report['target_analysis_s']:g} s warm: "
            f"{'PASS' if analysis['warm_best_s'] <= report['target_analysis_s'] else 'FAIL'}",
            f"  found {analysis['tempo_bpm']} BPM, {analysis['key']}, "
            f"{analysis['loudness_lufs']} LUFS",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="warm renders to time")
    parser.add_argument("--prompt", default=PROMPT, help="what to compose and render")
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be ≥ 1")
    try:
        report = bench(args.prompt, args.runs)
    except ImportError as exc:
        print(f"render: the audio extra is not installed: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2) if args.json else render_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
