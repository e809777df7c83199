"""How the preview sounds, in figures: Musia's instruments and desk next to the General MIDI render
of the same songs.

For house, techno, trap, drum and bass, hip-hop and ambient (the first dev prompt of each style in
../shared/prompts/dev.jsonl, seeds 1 and 2), each song is rendered twice: as the preview plays it
(Musia's instruments, mixed and mastered) and with the General MIDI SoundFont. Per render:

- `low`: share of the power below 60 Hz in the drops (the sections at the song's top energy:
  drop, chorus, peak). Target ≥ 0.30 for house, techno, trap, drum and bass (real club and
  hip-hop records measure 0.36–0.66).
- `crest`: peak over RMS (dB) of 3 s windows in the drops, the median window. Target ≤ 12.5 dB.
- `lufs`: integrated loudness (BS.1770); target: the style's `mix.loudness_lufs` ± 1 LU (the GM
  render aims at -14).
- `tp`: true peak, 4x oversampled with scipy's polyphase resampler (independent of the desk's
  own estimate). Target ≤ -1.0 dBTP.
- `lift`: the drop's short-term loudness (3 s windows, median over the first drop) minus the
  last 3 s before it. Target ≥ 3 dB.

Then speed: the warm render of bench/render.py's 3-minute six-part song (wall and CPU seconds, ×
real time; target ≥ 50× warm), and cold one-shot synthesis: every zone that song's instruments
need rendered from nothing (the caches emptied; target ≤ 2 s). With --pictures DIR, one
spectrogram PNG per style (the first seed's preview) is written there.

    .venv/bin/python bench/sound.py [--quick] [--styles STYLE …] [--pictures DIR] [--json]

--quick: one seed, songs of 32 bars, no speed run (the inner loop and the test's smoke run).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

STYLES = ("house", "techno", "trap", "drum and bass", "hip-hop", "ambient")
CLUB = frozenset({"house", "techno", "trap", "drum and bass"})
PROMPTS = Path(__file__).resolve().parent.parent.parent / "shared" / "prompts" / "dev.jsonl"
SPEED_PROMPT = (
    "progressive house with drums, bass, chords, pad, lead and fx, 126 bpm, F# minor, 3 minutes"
)
TARGET_LOW_SHARE = 0.30
TARGET_CREST_DB = 12.5
TARGET_LOUDNESS_LU = 1.0
TARGET_TRUE_PEAK_DBTP = -1.0
TARGET_LIFT_DB = 3.0
TARGET_REALTIME = 50.0
TARGET_COLD_S = 2.0
LOW_HZ = 60.0
WINDOW_S = 3.0
QUICK_BARS = 32
GM_TARGET_LUFS = -14.0


def style_prompts(path: Path = PROMPTS) -> dict[str, str]:
    """The first generate prompt of each style in the dev set (a plain one where it has none)."""
    found: dict[str, str] = {}
    if path.is_file():
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            style = row.get("expect", {}).get("style")
            if row.get("intent") == "generate" and style in STYLES and style not in found:
                found[style] = row["prompt"]
    return {style: found.get(style, f"{style} track") for style in STYLES}


def song_for(prompt: str, seed: int, bars: int | None) -> Any:
    from musia.core.compose import compose
    from musia.core.plan_builder import plan_from_text

    plan = plan_from_text(prompt, seed=seed)
    if bars is not None and plan.bars > bars:
        plan = plan_from_text(f"{prompt}, {bars} bars", seed=seed)
    return compose(plan)


def drop_spans(song: Any, rate: int) -> tuple[list[tuple[int, int]], int | None]:
    """Frames of the sections at the song's top energy, and where the first of them starts
    (None when the song opens with it: no build before)."""
    top = max(s.energy for s in song.sections)
    seconds_per_bar = song.bar_beats * 60.0 / song.bpm
    spans = [
        (
            round(s.start_bar * seconds_per_bar * rate),
            round((s.start_bar + s.bars) * seconds_per_bar * rate),
        )
        for s in song.sections
        if s.energy == top
    ]
    first = spans[0][0] if spans and spans[0][0] > 0 else None
    return spans, first


def low_share(mono: np.ndarray, rate: int) -> float:
    from scipy.signal import welch

    freqs, power = welch(mono, fs=rate, nperseg=16384)
    total = float(power.sum())
    return float(power[freqs < LOW_HZ].sum()) / total if total > 0 else math.nan


def crest_db(mono: np.ndarray, rate: int) -> float:
    size = round(WINDOW_S * rate)
    windows = len(mono) // size
    if windows == 0:
        return math.nan
    grid = mono[: windows * size].reshape(windows, size)
    rms = np.sqrt(np.mean(grid.astype(np.float64) ** 2, axis=1))
    peak = np.abs(grid).max(axis=1)
    keep = rms > 1e-6
    return float(np.median(20 * np.log10(peak[keep] / rms[keep]))) if keep.any() else math.nan


def short_term(audio: np.ndarray, rate: int, start: int, end: int) -> float:
    """Short-term loudness (BS.1770 K-weighting, 3 s, ungated) of audio[start:end]."""
    from musia.audio.loudness import k_weighted

    piece = k_weighted(audio[:, max(0, start) : end], rate)
    power = float(np.mean(np.sum(piece.astype(np.float64) ** 2, axis=0)))
    return -0.691 + 10 * math.log10(power) if power > 0 else -math.inf


def lift_db(audio: np.ndarray, rate: int, spans: list[tuple[int, int]], first: int | None) -> float:
    if first is None:
        return math.nan
    size = round(WINDOW_S * rate)
    before = short_term(audio, rate, first - size, first)
    start, end = spans[0]
    drop = [short_term(audio, rate, at, at + size) for at in range(start, end - size + 1, rate)]
    return float(np.median(drop)) - before if drop else math.nan


def true_peak_dbtp(audio: np.ndarray) -> float:
    from scipy.signal import resample_poly

    up = resample_poly(audio.astype(np.float64), 4, 1, axis=-1)
    return float(20 * np.log10(np.abs(up).max()))


def figures(preview: Any, song: Any, target_lufs: float) -> dict[str, float]:
    rate = preview.sample_rate
    audio = preview.mix
    spans, first = drop_spans(song, rate)
    drops = np.concatenate([audio[:, a:b] for a, b in spans], axis=1)
    mono = drops.mean(axis=0)
    from musia.audio.loudness import integrated_loudness

    loudness = integrated_loudness(audio, rate)
    return {
        "low": round(low_share(mono, rate), 3),
        "crest": round(crest_db(mono, rate), 2),
        "lufs": round(loudness, 2),
        "lufs_off": round(loudness - target_lufs, 2),
        "tp": round(true_peak_dbtp(audio), 2),
        "lift": round(lift_db(audio, rate, spans, first), 2),
    }


def passes(style: str, row: dict[str, float]) -> list[str]:
    """The targets a render misses, by name."""
    missed = []
    if style in CLUB and not row["low"] >= TARGET_LOW_SHARE:
        missed.append("low")
    if not row["crest"] <= TARGET_CREST_DB:
        missed.append("crest")
    if not abs(row["lufs_off"]) <= TARGET_LOUDNESS_LU:
        missed.append("lufs")
    if not row["tp"] <= TARGET_TRUE_PEAK_DBTP:
        missed.append("tp")
    if not (math.isnan(row["lift"]) or row["lift"] >= TARGET_LIFT_DB):
        missed.append("lift")
    return missed


def spectrogram_png(audio: np.ndarray, rate: int, title: str, width: int = 1600) -> bytes:
    """Time across, log frequency up (30 Hz … 16 kHz), level as colour (-90 … 0 dB)."""
    from scipy.signal import stft

    from musia.formats.font import draw_text
    from musia.formats.png import encode_rgb

    height = 400
    mono = audio.mean(axis=0)
    hop = max(256, len(mono) // width)
    _, _, spec = stft(mono, fs=rate, nperseg=4096, noverlap=4096 - hop, boundary=None)
    power_db = 20 * np.log10(np.abs(spec) + 1e-9)
    bins = np.fft.rfftfreq(4096, 1 / rate)
    rows = np.geomspace(30.0, 16000.0, height)[::-1]
    index = np.clip(np.searchsorted(bins, rows), 0, len(bins) - 1)
    image = power_db[index][:, :width]
    level = np.clip((image - power_db.max() + 90) / 90, 0, 1)
    pixels = np.zeros((height, level.shape[1], 3), dtype=np.uint8)
    pixels[..., 0] = (255 * np.clip(level * 1.6 - 0.4, 0, 1)).astype(np.uint8)
    pixels[..., 1] = (255 * np.clip(level * 1.8 - 0.9, 0, 1)).astype(np.uint8)
    pixels[..., 2] = (255 * np.clip(0.6 - abs(level - 0.4) * 1.5, 0, 1)).astype(np.uint8)
    for hz, label in ((60, "60"), (250, "250"), (1000, "1k"), (4000, "4k")):
        row = int(np.argmin(np.abs(rows - hz)))
        pixels[row, :, :] = np.maximum(pixels[row, :, :], 70)
        draw_text(pixels, label, 4, max(0, row - 10), (230, 230, 230))
    draw_text(pixels, title, 40, 4, (255, 255, 255))
    return encode_rgb(pixels)


def speed(prompt: str) -> dict[str, float]:
    """Cold one-shot synthesis (every zone of the song's instruments, caches emptied), then the
    warm render of the song (best of two)."""
    import scipy.signal  # noqa: F401  (the import is not synthesis: a full run has it already)

    from musia.audio import multisample
    from musia.core.styles import load_style
    from musia.production.render import render_song

    song = song_for(prompt, 1, None)
    with tempfile.TemporaryDirectory() as cache:
        previous = os.environ.get("MUSIA_CACHE_DIR")
        os.environ["MUSIA_CACHE_DIR"] = cache
        try:
            multisample.rendered_zone.cache_clear()
            multisample.high_passed.cache_clear()
            mix = load_style(song.style).mix
            start, start_cpu = time.perf_counter(), time.process_time()
            for track in song.tracks:
                keys = [n.pitch for c in track.clips for n in c.notes]
                if keys:
                    part = mix.parts.get(track.part)
                    multisample.instrument_for(
                        song.style,
                        track.part,
                        keys,
                        drums=track.is_drums,
                        highpass_hz=part.highpass_hz if part else 0.0,
                    )
            cold_s, cold_cpu_s = time.perf_counter() - start, time.process_time() - start_cpu
        finally:
            if previous is None:
                os.environ.pop("MUSIA_CACHE_DIR", None)
            else:
                os.environ["MUSIA_CACHE_DIR"] = previous
    walls, cpus = [], []
    for _ in range(2):
        start, start_cpu = time.perf_counter(), time.process_time()
        render_song(song)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    seconds = song.duration_s
    return {
        "song_s": round(seconds, 1),
        "cold_zones_s": round(cold_s, 3),
        "cold_zones_cpu_s": round(cold_cpu_s, 3),
        "warm_s": round(min(walls), 3),
        "warm_cpu_s": round(min(cpus), 3),
        "realtime": round(seconds / min(walls), 1),
        "realtime_cpu": round(seconds / min(cpus), 1),
    }


def bench(quick: bool, pictures: Path | None, styles: Sequence[str] = STYLES) -> dict[str, Any]:
    from musia.core.styles import load_style
    from musia.production.render import render_song

    seeds = (1,) if quick else (1, 2)
    rows = []
    for style, prompt in style_prompts().items():
        if style not in styles:
            continue
        for seed in seeds:
            song = song_for(prompt, seed, QUICK_BARS if quick else None)
            target = load_style(song.style).mix.loudness_lufs
            musia = render_song(song)
            general = render_song(song, general_midi=True)
            ours, gm = figures(musia, song, target), figures(general, song, GM_TARGET_LUFS)
            rows.append(
                {
                    "style": style,
                    "song_style": song.style,
                    "seed": seed,
                    "prompt": prompt,
                    "seconds": round(song.duration_s, 1),
                    "target_lufs": target,
                    "musia": ours,
                    "gm": gm,
                    "missed": passes(style, ours),
                }
            )
            if pictures is not None and seed == seeds[0]:
                pictures.mkdir(parents=True, exist_ok=True)
                name = style.replace(" ", "_")
                title = f"{style} seed {seed}: Musia"
                (pictures / f"{name}.png").write_bytes(spectrogram_png(musia.mix, 44100, title))
                (pictures / f"{name}_gm.png").write_bytes(
                    spectrogram_png(general.mix, 44100, f"{style} seed {seed}: General MIDI")
                )
    result: dict[str, Any] = {"quick": quick, "renders": rows}
    if not quick:
        result["speed"] = speed(SPEED_PROMPT)
    return result


def print_table(result: dict[str, Any]) -> None:
    keys = ("low", "crest", "lufs", "tp", "lift")
    print(
        f"{'style':15} {'seed':>4} {'s':>6}  "
        + "  ".join(f"{k + ' musia':>11} {k + ' gm':>8}" for k in keys)
        + "  missed"
    )
    for row in result["renders"]:
        cells = "  ".join(f"{row['musia'][k]:>11} {row['gm'][k]:>8}" for k in keys)
        print(
            f"{row['style']:15} {row['seed']:>4} {row['seconds']:>6}  {cells}  "
            f"{','.join(row['missed']) or '-'}"
        )
    print(
        f"targets: low >= {TARGET_LOW_SHARE} (club), crest <= {TARGET_CREST_DB} dB, lufs within "
        f"{TARGET_LOUDNESS_LU} LU of the style's, tp <= {TARGET_TRUE_PEAK_DBTP} dBTP, "
        f"lift >= {TARGET_LIFT_DB} dB"
    )
    if "speed" in result:
        s = result["speed"]
        print(
            f"speed: {s['song_s']} s song, warm render {s['warm_s']} s ({s['realtime']}x real "
            f"time; CPU {s['warm_cpu_s']} s, {s['realtime_cpu']}x), cold zones {s['cold_zones_s']}"
            f" s (CPU {s['cold_zones_cpu_s']} s); targets >= {TARGET_REALTIME}x, <= "
            f"{TARGET_COLD_S} s"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="one seed, 32-bar songs, no speed")
    parser.add_argument("--pictures", type=Path, help="write one spectrogram PNG per style here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--styles", nargs="+", choices=STYLES, default=list(STYLES), help="only these styles"
    )
    args = parser.parse_args(argv)
    result = bench(args.quick, args.pictures, tuple(args.styles))
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
