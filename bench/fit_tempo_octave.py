"""Fit the tempo octave decision's logistic weights (`musia.audio.tempo.OCTAVE_WEIGHTS`,
`OCTAVE_BIAS`) on the tune half of the electronic set and print them, so the shipped numbers can
be made again.

For every file of seed `TUNE_SEED` (originals and the Rubber Band and sox versions; rendered or
read from the cache by `analysis_sets`), the analysis's own steps run up to the octave decision:
the onset bands, their autocorrelations and the tempo `_choose` picks, B. The pairs the decision
weighs are (B/2 against B) and (B against 2B); a pair is a training row when the true tempo is
one of its two (within 4 %), labelled 1 when it is the faster one. The features are
`pair_features` and `accent` of the slower tempo, as `_octave` computes them. The fit is
L2-regularised logistic regression (Newton's method, `--l2` on the weights, none on the bias),
which keeps the weights finite where the halves separate cleanly.

It prints the fitted weights as Python to paste into tempo.py, the shipped ones, and how each
decides the tune half's files (Acc1 of the whole tempo estimate with those weights). The test
half is never read here; `analysis_accuracy.py` scores it.

    .venv/bin/python bench/fit_tempo_octave.py [--per-style K] [--styles S,...] [--l2 X]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # analysis_sets, beside this script

import analysis_accuracy
import analysis_sets
from analysis_sets import TUNE_SEED, Piece

TOLERANCE = 0.04  # Acc1's


@dataclass(frozen=True)
class Row:
    """One pair (slow tempo, its double) of one file."""

    piece: str
    style: str
    features: tuple[float, ...]
    faster: bool  # the truth is the double


@dataclass(frozen=True)
class Heard:
    """What the octave decision of one file works from."""

    piece: Piece
    bands: Any
    curves: tuple[Any, ...]
    chosen_bpm: float
    onset_rate: float
    frame_s: float


def hear(piece: Piece) -> Heard | None:
    """The octave decision's inputs for `piece`, from the onset bands `analysis_accuracy` measures
    (and caches) as the analysis does."""
    import librosa

    from musia.audio import analysis, tempo

    heard = analysis_accuracy._heard(piece)
    bands = tempo.OnsetBands(*heard["bands"])
    frame_s = analysis.HOP / analysis.ANALYSIS_RATE
    autocorrelation = tempo._autocorrelation(bands.full)
    bpm, _ = tempo._choose(autocorrelation, frame_s)
    if bpm is None:
        return None
    onsets = librosa.onset.onset_detect(
        onset_envelope=bands.full, sr=analysis.ANALYSIS_RATE, hop_length=analysis.HOP
    )
    curves = (
        autocorrelation,
        tempo._autocorrelation(bands.low),
        tempo._autocorrelation(bands.high),
    )
    onset_rate = len(onsets) / max(len(bands.full) * frame_s, 1e-9)
    return Heard(piece, bands, curves, bpm, onset_rate, frame_s)


def features(heard: Heard, low_bpm: float) -> tuple[float, ...]:
    from musia.audio import tempo

    pair = tempo.pair_features(heard.curves, low_bpm, heard.onset_rate, heard.frame_s)
    return (*pair, tempo.accent(heard.bands.full, low_bpm, heard.frame_s))


def near(estimate: float, truth: float) -> bool:
    return abs(estimate - truth) <= TOLERANCE * truth


def rows_of(heard: Heard) -> list[Row]:
    truth = heard.piece.bpm
    assert truth is not None
    rows = []
    for low in (heard.chosen_bpm / 2, heard.chosen_bpm):
        if near(low, truth) or near(2 * low, truth):
            rows.append(
                Row(heard.piece.name, heard.piece.group, features(heard, low), near(2 * low, truth))
            )
    return rows


def fit(rows: Sequence[Row], l2: float, steps: int = 100) -> tuple[list[float], float]:
    """(weights, bias) maximising the L2-penalised log-likelihood, by Newton's method."""
    import numpy as np

    x = np.asarray([(*r.features, 1.0) for r in rows], dtype=np.float64)
    y = np.asarray([float(r.faster) for r in rows])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not pulled to zero
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-10:
            break
    return [round(float(v), 3) for v in w[:-1]], round(float(w[-1]), 3)


def tune_acc1(heards: Sequence[Heard], weights: Sequence[float], bias: float) -> float:
    """Acc1 of the octave the decision takes (before the fine tempo) with these weights."""
    from musia.audio import tempo

    saved = tempo.OCTAVE_WEIGHTS, tempo.OCTAVE_BIAS
    tempo.OCTAVE_WEIGHTS, tempo.OCTAVE_BIAS = tuple(weights), bias
    try:
        hits = 0
        for heard in heards:
            onsets = round(heard.onset_rate * len(heard.bands.full) * heard.frame_s)
            bpm, _ = tempo._octave(
                heard.bands, heard.curves[0], heard.chosen_bpm, onsets, heard.frame_s
            )
            hits += near(bpm, heard.piece.bpm or 0.0)
        return hits / len(heards) if heards else 0.0
    finally:
        tempo.OCTAVE_WEIGHTS, tempo.OCTAVE_BIAS = saved


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--per-style", type=int, default=analysis_sets.KEYS_PER_STYLE)
    parser.add_argument("--styles", default="", help="only these styles (comma-separated)")
    parser.add_argument("--l2", type=float, default=1.0, help="penalty on the weights")
    parser.add_argument(
        "--cached-only", action="store_true", help="only the songs already rendered"
    )
    args = parser.parse_args(argv)
    from musia.audio import tempo

    styles = tuple(args.styles.split(",")) if args.styles else None
    pieces = analysis_sets.electronic_set(
        seeds=(TUNE_SEED,),
        per_style=args.per_style,
        styles=styles,
        progress=lambda s: print(s, file=sys.stderr, flush=True),
        cached_only=args.cached_only,
    )
    heards = [h for h in map(hear, pieces) if h is not None]
    rows = [row for heard in heards for row in rows_of(heard)]
    weights, bias = fit(rows, args.l2)
    faster = sum(r.faster for r in rows)
    print(
        f"tune half (seed {TUNE_SEED}): {len(pieces)} files, {len(rows)} pairs "
        f"({faster} the double, {len(rows) - faster} the slower), L2 {args.l2:g}, "
        f"renders {analysis_sets.render_fingerprint()}"
    )
    print(f"OCTAVE_WEIGHTS = {tuple(weights)}")
    print(f"OCTAVE_BIAS = {bias}")
    print(f"shipped: OCTAVE_WEIGHTS = {tempo.OCTAVE_WEIGHTS}, OCTAVE_BIAS = {tempo.OCTAVE_BIAS}")
    for name, (w, b) in (
        ("fitted", (weights, bias)),
        ("shipped", (tempo.OCTAVE_WEIGHTS, tempo.OCTAVE_BIAS)),
    ):
        print(
            f"  octave Acc1 on the tune half with the {name} weights: "
            f"{100 * tune_acc1(heards, w, b):.1f}%"
        )
    missed = [
        f"{h.piece.name} → {h.chosen_bpm:.1f}"
        for h in heards
        if not any(near(h.chosen_bpm * f, h.piece.bpm or 0.0) for f in (0.5, 1.0, 2.0))
    ]
    print(
        f"  files whose autocorrelation tempo is no octave of the truth: {len(missed)}"
        + (": " + "; ".join(missed) if missed else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
