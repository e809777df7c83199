"""Key (tonic and mode) from audio: a pitch-class profile matched against key profiles.

One constant-Q transform (three bins per semitone, C2 … C7) gives two chromagrams: the whole
range, and the bass (below C4), which names the harmony's roots. The profile is the
log-compressed chroma summed over time, the bass chroma weighted in, and the end of the piece
(a cadence lands on the tonic) weighted in again. Each of the 24 keys is scored by the
correlation of that profile with the key's profile (Temperley's, which keeps fifths apart where
Krumhansl–Kessler's confuses them), and the best wins (Krumhansl–Schmuckler).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Temperley (2001, the Kostka–Payne corpus), C major and C minor.
TEMPERLEY_MAJOR = (5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0)
TEMPERLEY_MINOR = (5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0)
# Krumhansl–Kessler probe-tone ratings: the classic baseline.
KRUMHANSL_MAJOR = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
KRUMHANSL_MINOR = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)
KEY_RATE = 11_025  # fundamentals and first harmonics up to C7 fit under its Nyquist
KEY_HOP = 1024
BINS_PER_OCTAVE = 36
OCTAVES = 5
FMIN_MIDI = 36  # C2
BASS_OCTAVES = 2  # C2 … B3
BASS_WEIGHT = 0.5
ENDING_S = 4.0
ENDING_WEIGHT = 0.5


@dataclass(frozen=True)
class KeyEstimate:
    tonic_pc: int | None
    mode: str | None
    confidence: float
    scores: tuple[float, ...] = ()  # 24 correlations: C major … B major, C minor … B minor


def estimate_key(mono: npt.NDArray[np.float32], sample_rate: int) -> KeyEstimate:
    import numpy as np

    full, bass = chromagrams(mono, sample_rate)
    if full.shape[1] == 0 or float(full.sum()) <= 0:
        return KeyEstimate(None, None, 0.0)
    frame_s = KEY_HOP / KEY_RATE
    ending = max(1, int(ENDING_S / frame_s))
    profile = _normalised(full.sum(axis=1)) + BASS_WEIGHT * _normalised(bass.sum(axis=1))
    profile += ENDING_WEIGHT * _normalised(
        full[:, -ending:].sum(axis=1) + bass[:, -ending:].sum(axis=1)
    )
    scores = key_scores(profile, TEMPERLEY_MAJOR, TEMPERLEY_MINOR)
    order = np.argsort(scores)[::-1]
    best, second = int(order[0]), int(order[1])
    confidence = float(np.clip((scores[best] - scores[second]) * 5 + 0.2 * scores[best], 0, 1))
    return KeyEstimate(best % 12, "major" if best < 12 else "minor", confidence, tuple(scores))


def chromagrams(
    mono: npt.NDArray[np.float32], sample_rate: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(12, frames) log-compressed chroma of the whole range and of the bass, from one CQT."""
    import librosa
    import numpy as np

    per_bin = BINS_PER_OCTAVE // 12
    signal = mono
    if sample_rate != KEY_RATE:
        import soxr

        signal = soxr.resample(mono, sample_rate, KEY_RATE)
    cqt = np.abs(
        librosa.cqt(
            signal.astype(np.float32),
            sr=KEY_RATE,
            hop_length=KEY_HOP,
            fmin=librosa.midi_to_hz(FMIN_MIDI - 1 / per_bin),  # centre bins on the notes
            n_bins=BINS_PER_OCTAVE * OCTAVES,
            bins_per_octave=BINS_PER_OCTAVE,
        )
    ).astype(np.float64)
    compressed = np.log1p(100.0 * cqt / max(float(cqt.max()), 1e-12))
    # (octaves, 12, per_bin, frames): fold the octaves; the centre bin of each semitone counts
    # most, the side bins (where a slightly mistuned note lands) half.
    folded = compressed.reshape(OCTAVES, 12, per_bin, -1)
    weights = np.full(per_bin, 0.5)
    weights[per_bin // 2] = 1.0
    centre = np.einsum("osbf,b->osf", folded, weights)
    full = centre.sum(axis=0)
    bass = centre[:BASS_OCTAVES].sum(axis=0)
    return full, bass


def key_scores(
    profile: npt.NDArray[np.float64],
    major: tuple[float, ...],
    minor: tuple[float, ...],
) -> npt.NDArray[np.float64]:
    """Pearson correlation of `profile` with every rotation of the major and minor profiles."""
    import numpy as np

    scores = np.empty(24)
    for mode, template in enumerate((major, minor)):
        base = np.asarray(template, dtype=np.float64)
        for tonic in range(12):
            scores[mode * 12 + tonic] = np.corrcoef(profile, np.roll(base, tonic))[0, 1]
    return np.nan_to_num(scores, nan=-1.0)


def _normalised(vector: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    total = float(vector.sum())
    return vector / total if total > 0 else vector
