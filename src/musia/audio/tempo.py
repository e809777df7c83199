"""Tempo and beats from an onset-strength envelope.

1. **Candidates**: the envelope's autocorrelation (over the whole file: a steady groove gives
   sharp peaks at the beat period and its multiples), sampled on a fine tempo grid by
   interpolation, so the period is not rounded to a whole frame.
2. **Octave decision**: a tempo and its double or half are all periodicities of the same
   groove; each candidate is scored by its own autocorrelation, the evidence one level down (the
   pulses between its beats) and a broad prior around 120 BPM. See `_choose`.
3. **Precise tempo**: the autocorrelation peak (a parabola through its frames), then the
   period and phase of the comb of beats that collects the most onset strength (`_comb_fit`):
   a few hundredths of a BPM, where a beat tracker alone is quantised to its 23 ms frames.
4. **Beats**: librosa's dynamic-programming beat tracker at that tempo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MIN_BPM, MAX_BPM = 60.0, 200.0
PRIOR_CENTRE_BPM = 140.0  # fitted on rendered grooves of 70–180 BPM (bench/analysis_accuracy.py)
PRIOR_OCTAVES = 1.0  # standard deviation of the log2-normal prior
MIN_BEATS = 4
COMB_SPAN = 0.015
COMB_STEPS = 31
# (multiple of the beat period, weight): the metrical levels a beat resonates with.
LEVELS = ((1.0, 1.0), (0.5, 1.0), (2.0, 0.25), (4.0, 0.5))


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
    bpm = _comb_fit(envelope, _refine(autocorrelation, bpm, frame_s), frame_s)
    _, beat_frames = librosa.beat.beat_track(
        onset_envelope=envelope,
        sr=sample_rate,
        hop_length=hop,
        bpm=bpm,
        tightness=400,
        trim=True,
    )
    beat_times = np.asarray(beat_frames, dtype=np.float64) * frame_s
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


def _comb_fit(envelope: npt.NDArray[np.float32], bpm: float, frame_s: float) -> float:
    """The period (within 1.5 % of `bpm`) and phase whose comb of beats collects the most onset
    strength, the envelope read between frames by linear interpolation. Over many beats the comb
    samples every fraction of a frame, so the period comes out far finer than the 23 ms grid."""
    import numpy as np

    period = 60.0 / bpm / frame_s
    periods = period * np.linspace(1 - COMB_SPAN, 1 + COMB_SPAN, COMB_STEPS)
    beats = int((len(envelope) - 1) / periods.max())
    if beats < MIN_BEATS:
        return bpm
    signal = envelope.astype(np.float64)
    index = np.arange(len(signal))
    phases = np.arange(0.0, period, 0.25)
    k = np.arange(beats)
    best, best_score = period, -math.inf
    for candidate in periods:
        grid = phases[:, None] + candidate * k[None, :]
        score = np.interp(grid, index, signal, right=0.0).sum(axis=1).max()
        if score > best_score:
            best, best_score = candidate, float(score)
    # A finer pass around the winner.
    for candidate in best * np.linspace(0.999, 1.001, 21):
        grid = phases[:, None] + candidate * k[None, :]
        score = np.interp(grid, index, signal, right=0.0).sum(axis=1).max()
        if score > best_score:
            best, best_score = candidate, float(score)
    return 60.0 / (best * frame_s)


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
