"""Tempo and beats from an onset-strength envelope.

1. **Candidates**: the envelope's autocorrelation (over the whole file: a steady groove gives
   sharp peaks at the beat period and its multiples), sampled on a fine tempo grid by
   interpolation, so the period is not rounded to a whole frame.
2. **Octave decision**: a tempo and its double or half are all periodicities of the same
   groove; each candidate is scored by its own autocorrelation, the evidence one level down (the
   pulses between its beats) and a broad prior (`_choose`). Then the tempo a listener would tap
   is decided between it and its half and double (`_octave`): a half-time groove (dubstep, trap:
   the snare once a bar) and a double-time one (drum and bass: two-step kicks under 16th hats)
   are told apart by where the kick (the low band's onsets) and the hats (the high band's) repeat
   and by how many onsets fall in a beat, weighed by a logistic model fitted on one half of
   Musia's renders (bench/analysis_accuracy.py scores it on the other). The model only weighs
   evidence the sound has: a half is heard only where alternate beats differ (`alternation`),
   so onsets all alike and evenly spaced (a metronome) are tapped where they are. The other
   octaves are reported as alternatives.
3. **Precise tempo**: the autocorrelation peak (a parabola through its frames), then the
   period and phase of the comb of beats that collects the most onset strength (`_comb_fit`):
   a few hundredths of a BPM, where a beat tracker alone is quantised to its 23 ms frames.
4. **Beats**: librosa's dynamic-programming beat tracker at that tempo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from musia.audio.jit import first_call_locked

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MIN_BPM, MAX_BPM = 60.0, 200.0
OCTAVE_MIN_BPM, OCTAVE_MAX_BPM = 50.0, 220.0  # where half and double tempi may land
MEL_BANDS = 128
LOW_BAND_HZ = 200.0  # kick and bass
HIGH_BAND_HZ = 5000.0  # hats and cymbals
PRIOR_CENTRE_BPM = 140.0  # fitted on rendered grooves of 70–180 BPM (bench/analysis_accuracy.py)
PRIOR_OCTAVES = 1.0  # standard deviation of the log2-normal prior
MIN_BEATS = 4
COMB_SPAN = 0.015
COMB_STEPS = 31
# (multiple of the beat period, weight): the metrical levels a beat resonates with.
LEVELS = ((1.0, 1.0), (0.5, 1.0), (2.0, 0.25), (4.0, 0.5))


@dataclass(frozen=True)
class OnsetBands:
    """Onset-strength envelopes (spectral flux of the log-mel spectrum) of the whole spectrum,
    of the low band (kick, bass) and of the high band (hats, cymbals)."""

    full: npt.NDArray[np.float32]
    low: npt.NDArray[np.float32]
    high: npt.NDArray[np.float32]


@dataclass(frozen=True)
class TempoEstimate:
    bpm: float | None
    confidence: float
    beat_times_s: tuple[float, ...]
    onset_times_s: tuple[float, ...]
    alternatives_bpm: tuple[float, ...] = ()  # the same groove at half or double speed


@first_call_locked
def onset_bands(spectrum: npt.NDArray[np.float32], sample_rate: int, hop: int) -> OnsetBands:
    """Spectral flux of the log-mel spectrum (librosa's onset strength) from an STFT magnitude,
    whole and in the kick and hat bands."""
    import librosa
    import numpy as np

    mel = librosa.feature.melspectrogram(S=spectrum**2, sr=sample_rate, n_mels=MEL_BANDS)
    decibels = librosa.power_to_db(mel, ref=np.max)
    centres = librosa.mel_frequencies(n_mels=MEL_BANDS, fmax=sample_rate / 2)

    def flux(rows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        envelope: npt.NDArray[np.float32] = librosa.onset.onset_strength(
            S=rows, sr=sample_rate, hop_length=hop
        )
        return envelope

    return OnsetBands(
        full=flux(decibels),
        low=flux(decibels[centres < LOW_BAND_HZ]),
        high=flux(decibels[centres > HIGH_BAND_HZ]),
    )


@first_call_locked
def estimate_tempo(bands: OnsetBands, sample_rate: int, hop: int) -> TempoEstimate:
    import librosa
    import numpy as np

    envelope = bands.full
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
    bpm, factors = _octave(bands, autocorrelation, bpm, len(onset_times), frame_s)
    bpm = _comb_fit(envelope, _refine(autocorrelation, bpm, frame_s), frame_s)
    alternatives = tuple(round(float(bpm) * factor, 3) for factor in factors)
    _, beat_frames = librosa.beat.beat_track(
        onset_envelope=envelope,
        sr=sample_rate,
        hop_length=hop,
        bpm=bpm,
        tightness=400,
        trim=True,
    )
    beat_times = np.asarray(beat_frames, dtype=np.float64) * frame_s
    return TempoEstimate(
        bpm, confidence, tuple(float(t) for t in beat_times), onset_times, alternatives
    )


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


# Logistic weights for "a listener taps twice as fast", over `_pair_features` of a tempo L
# against 2L; fitted on one half of Musia's renders (bench/analysis_accuracy.py).
OCTAVE_WEIGHTS = (-2.226, 4.015, 0.25, -0.384, 0.338, 2.928, 0.047)
OCTAVE_BIAS = -2.131
MAX_ACCENT = 2.0  # octaves; renders of every style measure under 2.1
OCTAVE_SURE = 0.7  # the model must be this sure to move away from the autocorrelation's octave:
# house-family renders of the electronic set (both seeds) read up to 0.59 for a wrong double;
# dubstep and the double-time test grooves 0.95 and up for the right octave.
# Alternate beats must differ this much (`alternation`) for a half to be heard at all: clicks
# measure under 0.08 (6 s of them), grooves with a kick and a snare in turn 0.25 and up.
MIN_ALTERNATION = 0.15


def _octave(
    bands: OnsetBands,
    autocorrelation: npt.NDArray[np.float64],
    bpm: float,
    onsets: int,
    frame_s: float,
) -> tuple[float, tuple[float, ...]]:
    """The octave a listener would tap, between `bpm`, its double and its half; and the factors
    (½, 2) that give the other octaves in range, likelier first.

    Halving needs evidence in the sound itself: a half is heard when alternate beats differ (a
    kick and a snare, a loud beat and a soft one). Evenly spaced onsets that are all alike (a
    metronome, a four-on-the-floor kick alone) are tapped where they are, whatever the model's
    tempo prior says: never halved, and doubled when the autocorrelation took every other one
    for the beat."""
    onset_rate = onsets / max(len(bands.full) * frame_s, 1e-9)
    curves = (autocorrelation, _autocorrelation(bands.low), _autocorrelation(bands.high))

    def doubles(low_bpm: float) -> float:
        features = pair_features(curves, low_bpm, onset_rate, frame_s)
        return double_probability((*features, accent(bands.full, low_bpm, frame_s)))

    chosen = bpm
    other: list[tuple[float, float]] = []  # (probability, factor)
    if bpm * 2 <= OCTAVE_MAX_BPM and (
        doubles(bpm) > OCTAVE_SURE or alternation(bands, bpm * 2, frame_s) < MIN_ALTERNATION
    ):
        chosen = bpm * 2
    elif (
        bpm / 2 >= OCTAVE_MIN_BPM
        and alternation(bands, bpm, frame_s) >= MIN_ALTERNATION
        and doubles(bpm / 2) < 1 - OCTAVE_SURE
    ):
        chosen = bpm / 2
    for factor in (0.5, 2.0):
        if OCTAVE_MIN_BPM <= chosen * factor <= OCTAVE_MAX_BPM:
            low = min(chosen * factor, chosen)
            share = doubles(low) if factor > 1 else 1 - doubles(low)
            other.append((share, factor))
    return chosen, tuple(factor for _, factor in sorted(other, reverse=True))


def pair_features(
    curves: tuple[npt.NDArray[np.float64], ...], low_bpm: float, onset_rate: float, frame_s: float
) -> tuple[float, ...]:
    """What tells `low_bpm` from its double: the tempo itself, the onsets per beat of the
    double, and how much more the whole, kick and hat envelopes repeat at the double's beat than
    at `low_bpm`'s (a kick on every beat of the double; hats on its beats), and the hats one
    level further down."""
    full, low, high = curves
    fast = 2 * low_bpm

    def at(curve: npt.NDArray[np.float64], bpm: float, multiple: float = 1.0) -> float:
        lag = 60.0 / bpm / frame_s * multiple
        if lag >= len(curve) - 1:
            return 0.0
        index = int(lag)
        return float(curve[index] + (lag - index) * (curve[index + 1] - curve[index]))

    return (
        math.log2(low_bpm / 100.0),
        math.log2(max(onset_rate * 60.0 / fast, 1e-3)),
        at(full, fast) - at(full, low_bpm),
        at(low, fast) - at(low, low_bpm),
        at(high, fast) - at(high, low_bpm),
        at(high, fast, 0.5),
    )


def accent(envelope: npt.NDArray[np.float32], bpm: float, frame_s: float) -> float:
    """log2 of how much stronger the onsets on the beats of `bpm` are than those halfway
    between: a kick on every beat over soft offbeat ticks is tapped on the kick; a pattern whose
    halves are as strong is as likely tapped twice as fast."""
    strengths = _beat_strengths((envelope,), bpm, frame_s)
    if strengths is None:
        return 0.0
    ((on_beat, off_beat),) = strengths
    ratio = math.log2((float(on_beat.sum()) + 1e-9) / (float(off_beat.sum()) + 1e-9))
    return min(max(ratio, -MAX_ACCENT), MAX_ACCENT)  # silence between beats: a finite word


def alternation(bands: OnsetBands, bpm: float, frame_s: float) -> float:
    """How much alternate beats of `bpm` differ, 0 (all alike) … 1: each beat of `bpm / 2`
    against the beat of `bpm` after it, in the whole, kick and hat envelopes, |difference| over
    sum. A kick and a snare in turn, or a strong beat and a weak one, measure 0.25 and up; a
    metronome under 0.08; empty off-beats 1."""
    strengths = _beat_strengths((bands.full, bands.low, bands.high), bpm / 2, frame_s)
    if strengths is None:
        return 0.0
    difference = sum(float(abs(on - off).sum()) for on, off in strengths)
    total = sum(float((on + off).sum()) for on, off in strengths)
    return difference / total if total > 0 else 0.0


def _beat_strengths(
    envelopes: tuple[npt.NDArray[np.float32], ...], bpm: float, frame_s: float
) -> tuple[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]], ...] | None:
    """Per envelope, the onset strength on each beat of `bpm` and halfway after it, the beats'
    phase the one that collects the most of the first envelope. Each position reads three frames
    around it: an onset that straddles two frames splits its strength between them. The first
    frame is left out: it has no frame before it to measure an onset against, so a file that
    starts on a beat would read that beat as silent."""
    import numpy as np
    from scipy.ndimage import uniform_filter1d

    period = 60.0 / bpm / frame_s
    beats = int((len(envelopes[0]) - 2 - period / 2) / period)  # every off-beat inside too
    if beats < MIN_BEATS:
        return None
    index = np.arange(len(envelopes[0]))
    around = [uniform_filter1d(e.astype(np.float64), size=3, mode="nearest") for e in envelopes]
    phases = np.arange(1.0, period + 1.0, 0.5)
    grid = phases[:, None] + period * np.arange(beats)[None, :]
    best = grid[int(np.argmax(np.interp(grid, index, around[0]).sum(axis=1)))]
    return tuple(
        (np.interp(best, index, signal), np.interp(best + period / 2, index, signal))
        for signal in around
    )


def double_probability(features: tuple[float, ...]) -> float:
    score = OCTAVE_BIAS + sum(w * f for w, f in zip(OCTAVE_WEIGHTS, features, strict=True))
    return 1.0 / (1.0 + math.exp(-score))
