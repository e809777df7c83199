"""Tempo and beats from an onset-strength envelope.

1. **Candidates**: the envelope's autocorrelation (over the whole file: a steady groove gives
   sharp peaks at the beat period and its multiples), sampled on a fine tempo grid by
   interpolation, so the period is not rounded to a whole frame.
2. **Octave decision**: a tempo and its double or half are all periodicities of the same
   groove; each candidate is scored by its own autocorrelation, the evidence one level down (the
   pulses between its beats) and a broad prior around 120 BPM. See `_choose`.
3. **Beats**: librosa's dynamic-programming beat tracker, started at the chosen tempo; then a
   least-squares line through the beat times (each beat numbered by the chosen period) gives the
   tempo to a hundredth of a BPM, where the tracker alone is quantised to its frame grid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MIN_BPM, MAX_BPM = 60.0, 200.0
PRIOR_CENTRE_BPM = 120.0
PRIOR_OCTAVES = 1.0  # standard deviation of the log2-normal prior
MIN_BEATS = 4
# (multiple of the beat period, weight): the metrical levels a beat resonates with.
LEVELS = ((1.0, 1.0), (0.5, 0.5), (2.0, 0.5), (4.0, 0.25))


@dataclass(frozen=True)
class TempoEstimate:
    bpm: float | None
    confidence: float
    beat_times_s: tuple[float, ...]
    onset_times_s: tuple[float, ...]


def onset_envelope(
    spectrum: npt.NDArray[np.float32], sample_rate: int, hop: int
) -> npt.NDArray[np.float32]:
    """Spectral flux of the log-mel spectrum (librosa's onset strength) from an STFT magnitude."""
    import librosa
    import numpy as np

    mel = librosa.feature.melspectrogram(S=spectrum**2, sr=sample_rate, n_mels=128)
    envelope: npt.NDArray[np.float32] = librosa.onset.onset_strength(
        S=librosa.power_to_db(mel, ref=np.max), sr=sample_rate, hop_length=hop
    )
    return envelope


def estimate_tempo(envelope: npt.NDArray[np.float32], sample_rate: int, hop: int) -> TempoEstimate:
    import librosa
    import numpy as np

    frame_s = hop / sample_rate
    onsets = librosa.onset.onset_detect(
        onset_envelope=envelope, sr=sample_rate, hop_length=hop, units="time"
    )
    onset_times = tuple(float(t) for t in onsets)
    if len(envelope) * frame_s < 2.0 or float(envelope.max()) <= 0:
        return TempoEstimate(None, 0.0, (), onset_times)
    autocorrelation = _autocorrelation(envelope)
    bpm, confidence = _choose(autocorrelation, frame_s)
    if bpm is None:
        return TempoEstimate(None, 0.0, (), onset_times)
    bpm = _refine(autocorrelation, bpm, frame_s)
    _, beat_frames = librosa.beat.beat_track(
        onset_envelope=envelope,
        sr=sample_rate,
        hop_length=hop,
        bpm=bpm,
        tightness=400,
        trim=False,
    )
    beat_times = np.asarray(beat_frames, dtype=np.float64) * frame_s
    fitted = _line_fit(beat_times, 60.0 / bpm)
    if fitted is not None and abs(fitted - bpm) / bpm < 0.04:
        bpm = fitted
    return TempoEstimate(bpm, confidence, tuple(float(t) for t in beat_times), onset_times)


def _refine(autocorrelation: npt.NDArray[np.float64], bpm: float, frame_s: float) -> float:
    """The autocorrelation's own peak within 3 % of the chosen tempo (a parabola through the
    three frames around it), so the beat tracker starts at the groove's period."""
    import numpy as np

    lag = 60.0 / bpm / frame_s
    low, high = max(1, int(lag * 0.97)), min(len(autocorrelation) - 2, math.ceil(lag * 1.03))
    if high <= low:
        return bpm
    peak = low + int(np.argmax(autocorrelation[low : high + 1]))
    if not low < peak < high:
        return bpm
    a, b, c = autocorrelation[peak - 1 : peak + 2]
    denominator = a - 2 * b + c
    offset = 0.5 * (a - c) / denominator if denominator < 0 else 0.0
    return 60.0 / ((peak + offset) * frame_s)


def _autocorrelation(envelope: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """The centred envelope's autocorrelation, normalised to 1 at lag 0 (by FFT)."""
    import numpy as np

    signal = envelope.astype(np.float64) - float(envelope.mean())
    size = 1 << math.ceil(math.log2(2 * len(signal)))
    spectrum = np.fft.rfft(signal, size)
    result = np.fft.irfft(spectrum * np.conj(spectrum), size)[: len(signal)]
    # Unbiased: a long lag has fewer overlapping frames.
    result /= np.arange(len(signal), 0, -1)
    if result[0] <= 0:
        return np.zeros_like(result)
    normalised: npt.NDArray[np.float64] = result / result[0]
    return normalised


def _choose(autocorrelation: npt.NDArray[np.float64], frame_s: float) -> tuple[float | None, float]:
    """The best tempo on a 0.1 BPM grid: metrical resonance × prior.

    A beat period resonates with the levels around it in a duple groove: the half beat (the
    eighth notes the hats and bass play) and the two- and four-beat spans (the bar). A lag of
    three eighths (the 2:3 error) has a strong autocorrelation too, but its half is off the
    grid; a lag of two beats has its own half at the beat. The prior then picks between the
    octaves (`PRIOR_CENTRE_BPM`, one octave wide)."""
    import numpy as np

    grid = np.arange(MIN_BPM, MAX_BPM + 0.05, 0.1)
    lags = 60.0 / grid / frame_s
    index = np.arange(len(autocorrelation))

    def at(multiple: float) -> npt.NDArray[np.float64]:
        values = np.interp(lags * multiple, index, autocorrelation, right=0.0)
        return np.asarray(np.maximum(values, 0.0), dtype=np.float64)

    resonance = np.zeros_like(grid)
    for multiple, weight in LEVELS:
        resonance += weight * at(multiple)
    if float(resonance.max()) <= 0:
        return None, 0.0
    prior = np.exp(-0.5 * (np.log2(grid / PRIOR_CENTRE_BPM) / PRIOR_OCTAVES) ** 2)
    best = int(np.argmax(resonance * prior))
    confidence = float(np.clip(at(1.0)[best], 0.0, 1.0))
    return float(grid[best]), confidence


def _line_fit(beat_times: npt.NDArray[np.float64], period_s: float) -> float | None:
    """BPM from a least-squares line through the beats, each numbered by the nearest whole number
    of periods from the first, so a skipped or doubled beat does not bend the line; beats more
    than a tenth of a period off the first line (the tracker's guesses where the groove stops)
    are left out of the second."""
    import numpy as np

    if len(beat_times) < MIN_BEATS:
        return None
    numbers = np.round((beat_times - beat_times[0]) / period_s)
    keep = np.ones(len(beat_times), dtype=bool)
    slope = 0.0
    for _ in range(3):
        if keep.sum() < MIN_BEATS or np.ptp(numbers[keep]) <= 0:
            return None
        slope, offset = np.polyfit(numbers[keep], beat_times[keep], 1)
        if slope <= 0:
            return None
        residual = np.abs(beat_times - (slope * numbers + offset))
        keep = residual < 0.1 * period_s
    return 60.0 / float(slope)
