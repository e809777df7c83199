"""Key finding on a pitch-class histogram: the Krumhansl–Schmuckler algorithm.

The histogram (time spent on each pitch class, C = 0) is correlated with the Krumhansl–Kessler
major and minor profiles rotated to each of the 12 tonics; the best correlation names the key.
Symbolic notes carry no overtones, so the classic profiles suit them (on audio chroma the fifth's
harmonics pull those profiles a fifth off, which is why audio analysis uses Temperley's).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from musia.core.theory.key import Key

KK_MAJOR = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
KK_MINOR = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float:
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    denominator = math.sqrt(sum(d * d for d in dx) * sum(d * d for d in dy))
    return sum(a * b for a, b in zip(dx, dy, strict=True)) / denominator if denominator else 0.0


def key_scores(histogram: Sequence[float]) -> list[tuple[float, Key]]:
    """(correlation, key) for all 24 keys, best first."""
    scores = []
    for mode, profile in (("major", KK_MAJOR), ("minor", KK_MINOR)):
        for tonic in range(12):
            rotated = [profile[(pc - tonic) % 12] for pc in range(12)]
            scores.append((_correlation(histogram, rotated), Key(tonic, mode)))  # type: ignore[arg-type]
    scores.sort(key=lambda s: -s[0])
    return scores


def detect_key(histogram: Sequence[float]) -> Key | None:
    """The most likely key, or None when the histogram is empty or flat."""
    if len(histogram) != 12 or max(histogram, default=0) <= 0 or min(histogram) == max(histogram):
        return None
    return key_scores(histogram)[0][1]
