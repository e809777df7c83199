"""A compact, explainable description of a short sound, for the sample classifier.

Every figure has a name a producer would recognise: how bright (spectral centroid, roll-off),
how noisy (flatness, zero crossings), where the energy sits (six band ratios from sub to air),
how it moves in time (attack, decay to -20 and -40 dB, how bright the tail is against the hit),
whether it has a pitch (autocorrelation of the body) and the timbre summary that speech and music
classifiers use (MFCC means and spreads). The sound is resampled to 22.05 kHz and only its first
three seconds after the onset are read: a one-shot says what it is at once.
"""

from __future__ import annotations

import itertools
import math
from functools import cache

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float64]
ANALYSIS_RATE = 22050
FFT_SIZE = 1024
HOP = 256
MAX_SOUND_S = 3.0
MFCC_COUNT = 13
AIR_HZ = 11000.0
BAND_EDGES_HZ = (0.0, 120.0, 300.0, 1000.0, 3000.0, 7000.0, ANALYSIS_RATE / 2)
_EPS = 1e-10
# How the sound changes in the hit, the body and the ring: the spectrum of each window after the
# onset, and the level at fixed times after the peak (a shaker and a snare differ there).
WINDOWS_S = ((0.0, 0.05), (0.05, 0.15), (0.15, 0.4))
WINDOW_MFCCS = 8
LEVEL_TIMES_S = (0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8)
# How each band rings on: a snare's wires hiss as long as its head sounds, a bongo's slap dies
# at once while its tone goes on. Levels re the band's own loudest frame, at times after the hit.
BAND_LEVEL_TIMES_S = (0.01, 0.03, 0.06, 0.12, 0.25, 0.5)
# Where the strongest partial between 30 Hz and 1.5 kHz sits in the hit, just after and in the
# body, and how far it stands above the rest: a kick's and a tom's pitch falls, a conga's holds.
PARTIAL_WINDOWS_S = ((0.0, 0.03), (0.03, 0.08), (0.08, 0.2))
PARTIAL_RANGE_HZ = (30.0, 1500.0)

FEATURE_NAMES: tuple[str, ...] = (
    "log_duration_s",
    "attack_s",
    "log_decay20_s",
    "log_decay40_s",
    "temporal_centroid_s",
    "centroid_log_hz",
    "bandwidth_log_hz",
    "rolloff_log_hz",
    "flatness",
    "zero_crossing_rate",
    "attack_centroid_log_hz",
    "tail_centroid_log_hz",
    "tail_level_db",
    "pitchedness",
    "peak_log_hz",
    *(f"band_{int(lo)}_{int(hi)}" for lo, hi in itertools.pairwise(BAND_EDGES_HZ)),
    *(f"mfcc{i}_mean" for i in range(1, MFCC_COUNT)),
    *(f"mfcc{i}_std" for i in range(1, MFCC_COUNT)),
    *(
        f"{name}_{int(1000 * lo)}_{int(1000 * hi)}ms"
        for lo, hi in WINDOWS_S
        for name in (
            "level_db", "centroid_log_hz", "bandwidth_log_hz", "flatness", "rolloff_log_hz",
            *(f"band_{int(a)}_{int(b)}" for a, b in itertools.pairwise(BAND_EDGES_HZ)),
            *(f"mfcc{i}" for i in range(1, WINDOW_MFCCS + 1)),
        )
    ),
    *(f"level_db_at_{int(1000 * t)}ms" for t in LEVEL_TIMES_S),
    *(
        name
        for lo, hi in itertools.pairwise(BAND_EDGES_HZ)
        for name in (
            f"band_{int(lo)}_{int(hi)}_peak_s",
            *(f"band_{int(lo)}_{int(hi)}_db_at_{int(1000 * t)}ms" for t in BAND_LEVEL_TIMES_S),
            f"band_{int(lo)}_{int(hi)}_log_decay20_s",
        )
    ),
    *(
        name
        for lo, hi in PARTIAL_WINDOWS_S
        for name in (
            f"partial_log_hz_{int(1000 * lo)}_{int(1000 * hi)}ms",
            f"partial_prominence_{int(1000 * lo)}_{int(1000 * hi)}ms",
        )
    ),
    "log_body_crest",
    "air_ratio",
)  # fmt: skip


def to_mono(samples: npt.NDArray[np.floating], sample_rate: int) -> Vector:
    """Average the channels of (frames, channels) audio, remove any DC offset and resample to
    `ANALYSIS_RATE`."""
    from scipy.signal import resample_poly

    mono = _native_mono(samples)
    if sample_rate != ANALYSIS_RATE and len(mono):
        divisor = math.gcd(int(sample_rate), ANALYSIS_RATE)
        mono = resample_poly(mono, ANALYSIS_RATE // divisor, int(sample_rate) // divisor)
    return np.nan_to_num(mono)


def _native_mono(samples: npt.NDArray[np.floating]) -> Vector:
    audio = np.nan_to_num(np.asarray(samples, dtype=np.float64))
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    return mono - mono.mean() if len(mono) else mono


def air_ratio(samples: npt.NDArray[np.floating], sample_rate: int) -> float:
    """The share of the energy above 11 kHz, which the analysis rate cannot see: where much of
    a drum machine's hi-hat lives. Measured on the first `MAX_SOUND_S` at the file's own rate."""
    from scipy.signal import butter, sosfilt

    mono = _native_mono(samples)[: round(MAX_SOUND_S * sample_rate)]
    total = float(np.dot(mono, mono))
    if sample_rate <= 2 * AIR_HZ * 1.05 or total <= _EPS:
        return 0.0
    high = sosfilt(butter(4, AIR_HZ, "highpass", fs=sample_rate, output="sos"), mono)
    return float(np.dot(high, high) / total)


def describe_sound(samples: npt.NDArray[np.floating], sample_rate: int) -> Vector:
    """`describe` of (frames, channels) audio at any rate, with its `air_ratio`."""
    return np.append(describe(to_mono(samples, sample_rate)), air_ratio(samples, sample_rate))


def trim_onset(mono: Vector, floor_db: float = -40.0) -> Vector:
    """From just before the first sample above `floor_db` re the peak, at most `MAX_SOUND_S`."""
    peak = float(np.max(np.abs(mono))) if len(mono) else 0.0
    if peak <= _EPS:
        return mono[: round(MAX_SOUND_S * ANALYSIS_RATE)]
    start = int(np.argmax(np.abs(mono) > peak * 10 ** (floor_db / 20)))
    start = max(0, start - round(0.002 * ANALYSIS_RATE))
    return mono[start : start + round(MAX_SOUND_S * ANALYSIS_RATE)]


def power_spectrogram(mono: Vector) -> Vector:
    """(frames, bins) power of Hann-windowed frames; a sound shorter than a frame is padded."""
    padded = np.pad(mono, (0, max(0, FFT_SIZE - len(mono))))
    count = 1 + (len(padded) - FFT_SIZE) // HOP
    index = np.arange(FFT_SIZE)[None, :] + HOP * np.arange(count)[:, None]
    frames = padded[index] * np.hanning(FFT_SIZE)[None, :]
    power: Vector = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    return power


@cache
def _mel_filters(bands: int = 40) -> Vector:
    def mel(hz: npt.ArrayLike) -> Vector:
        return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)

    edges_mel = np.linspace(mel(20.0), mel(ANALYSIS_RATE / 2), bands + 2)
    edges_hz = 700.0 * (10 ** (edges_mel / 2595.0) - 1.0)
    freqs = np.fft.rfftfreq(FFT_SIZE, 1 / ANALYSIS_RATE)
    filters = np.zeros((bands, len(freqs)))
    for band in range(bands):
        low, mid, high = edges_hz[band : band + 3]
        rising = (freqs - low) / (mid - low)
        falling = (high - freqs) / (high - mid)
        filters[band] = np.clip(np.minimum(rising, falling), 0.0, None)
    return filters


def mfcc(power: Vector) -> Vector:
    """(frames, MFCC_COUNT) cepstra of a power spectrogram (40 mel bands, log, DCT-II)."""
    from scipy.fft import dct

    mel_power = power @ _mel_filters().T
    cepstra: Vector = dct(np.log(mel_power + _EPS), type=2, norm="ortho", axis=1)
    return cepstra[:, :MFCC_COUNT]


def baseline_features(mono: Vector) -> Vector:
    """The plain baseline: the mean of 13 MFCCs over the whole sound."""
    result: Vector = mfcc(power_spectrogram(trim_onset(mono))).mean(axis=0)
    return result


def describe(mono: Vector) -> Vector:
    """The `FEATURE_NAMES` vector of a mono sound at `ANALYSIS_RATE`, but its `air_ratio`."""
    sound = trim_onset(mono)
    power = power_spectrogram(sound)
    energy = power.sum(axis=1) + _EPS
    weights = energy / energy.sum()
    freqs: Vector = np.fft.rfftfreq(FFT_SIZE, 1 / ANALYSIS_RATE).astype(np.float64)
    envelope = _envelope_features(energy, len(mono))
    spectrum = _spectral_features(power, weights, freqs, sound)
    bands = _band_ratios(power.sum(axis=0), freqs)
    cepstra = mfcc(power)[:, 1:]
    mean = weights @ cepstra
    spread = np.sqrt(weights @ (cepstra - mean) ** 2)
    windows = [_window_features(power, cepstra, freqs, lo, hi) for lo, hi in WINDOWS_S]
    levels = _levels_after_peak(energy)
    band_envelopes = _band_envelopes(power, freqs)
    partials = _partials(sound)
    crest = _body_crest(power)
    return np.concatenate(
        [envelope, spectrum, bands, mean, spread, *windows, levels, band_envelopes, partials, crest]
    )


def _band_envelopes(power: Vector, freqs: Vector) -> Vector:
    """Per band of `BAND_EDGES_HZ`: when it peaks (s), its level at `BAND_LEVEL_TIMES_S` after
    the whole sound's peak (dB re its own peak) and the log of its time to fall 20 dB."""
    edges = np.asarray(BAND_EDGES_HZ)
    index = np.clip(np.searchsorted(edges, freqs, side="right") - 1, 0, len(edges) - 2)
    per_band = np.stack([power[:, index == b].sum(axis=1) for b in range(len(edges) - 1)], 1)
    per_band += _EPS
    frame_s = HOP / ANALYSIS_RATE
    peak = int(np.argmax(per_band.sum(axis=1)))
    result = []
    for level in (10 * np.log10(band / band.max()) for band in per_band.T):
        own_peak = int(np.argmax(level))
        frames = [peak + round(t / frame_s) for t in BAND_LEVEL_TIMES_S]
        below = np.nonzero(level[own_peak:] < -20.0)[0]
        decay_frames = below[0] if len(below) else len(level) - own_peak
        result += [
            own_peak * frame_s,
            *(max(float(level[f]), -80.0) if f < len(level) else -80.0 for f in frames),
            math.log(decay_frames * frame_s + 0.005),
        ]
    return np.array(result)


def _partials(sound: Vector) -> Vector:
    """For each of `PARTIAL_WINDOWS_S`: the log frequency of the strongest partial in
    `PARTIAL_RANGE_HZ` and its prominence (its magnitude over the range's mean)."""
    size = 16384
    freqs = np.fft.rfftfreq(size, 1 / ANALYSIS_RATE)
    in_range = (freqs >= PARTIAL_RANGE_HZ[0]) & (freqs <= PARTIAL_RANGE_HZ[1])
    result: list[float] = []
    for lo, hi in PARTIAL_WINDOWS_S:
        segment = sound[round(lo * ANALYSIS_RATE) : round(hi * ANALYSIS_RATE)]
        if len(segment) < 128:
            result += [_log_hz(0.0), 0.0]
            continue
        magnitude = np.abs(np.fft.rfft(segment * np.hanning(len(segment)), size))[in_range]
        strongest = int(np.argmax(magnitude))
        result += [
            _log_hz(float(freqs[in_range][strongest])),
            float(magnitude[strongest] / (magnitude.mean() + _EPS)),
        ]
    return np.array(result)


def _body_crest(power: Vector) -> Vector:
    """How peaked the spectrum of the body is (max over mean, frames 2-19), on a log scale:
    tonal drums and bells stand out from noisy snares and shakers."""
    body = power[2:20] if len(power) > 20 else power
    crest = float((body.max(axis=1) / (body.mean(axis=1) + _EPS)).mean())
    return np.array([math.log(crest + 1e-6)])


def _window_features(power: Vector, cepstra: Vector, freqs: Vector, lo: float, hi: float) -> Vector:
    """Level (dB re the whole sound), centroid, bandwidth, flatness, roll-off, band ratios and
    the first `WINDOW_MFCCS` MFCCs of the frames from `lo` to `hi` seconds after the onset."""
    first = round(lo * ANALYSIS_RATE / HOP)
    last = max(round(hi * ANALYSIS_RATE / HOP), first + 1)
    spectrum = (
        np.full(power.shape[1], _EPS)
        if first >= len(power)
        else power[first:last].sum(axis=0) + _EPS
    )
    total = float(spectrum.sum())
    centroid = float(spectrum @ freqs / total)
    bandwidth = float(np.sqrt(spectrum @ (freqs - centroid) ** 2 / total))
    flatness = float(np.exp(np.mean(np.log(spectrum))) / spectrum.mean())
    cumulative = np.cumsum(spectrum)
    rolloff = float(freqs[np.argmax(cumulative >= 0.85 * cumulative[-1])])
    level_db = 10 * math.log10(total / (float(power.sum()) + _EPS))
    cepstrum = (
        cepstra[first:last].mean(axis=0) if first < len(cepstra) else np.zeros(cepstra.shape[1])
    )
    return np.concatenate(
        [
            [
                max(level_db, -100.0),
                _log_hz(centroid),
                _log_hz(bandwidth),
                flatness,
                _log_hz(rolloff),
            ],
            _band_ratios(spectrum, freqs),
            cepstrum[:WINDOW_MFCCS],
        ]
    )


def _levels_after_peak(energy: Vector) -> Vector:
    level_db = 10 * np.log10(energy / energy.max())
    peak = int(np.argmax(level_db))
    frames = [peak + round(t * ANALYSIS_RATE / HOP) for t in LEVEL_TIMES_S]
    return np.array(
        [max(float(level_db[f]), -80.0) if f < len(level_db) else -80.0 for f in frames]
    )


def _envelope_features(energy: Vector, total_frames: int) -> Vector:
    level_db = 10 * np.log10(energy / energy.max())
    frame_s = HOP / ANALYSIS_RATE
    peak = int(np.argmax(level_db))

    def decay_s(drop_db: float) -> float:
        below = np.nonzero(level_db[peak:] < -drop_db)[0]
        frames = below[0] if len(below) else len(level_db) - peak
        return float(frames * frame_s + frame_s / 2)

    times = np.arange(len(energy)) * frame_s
    return np.array(
        [
            math.log(max(total_frames / ANALYSIS_RATE, 0.01)),
            peak * frame_s,
            math.log(decay_s(20.0)),
            math.log(decay_s(40.0)),
            float(times @ (energy / energy.sum())),
        ]
    )


def _centroid(power: Vector, freqs: Vector) -> Vector:
    result: Vector = (power @ freqs) / (power.sum(axis=-1) + _EPS)
    return result


def _spectral_features(power: Vector, weights: Vector, freqs: Vector, sound: Vector) -> Vector:
    centroid = _centroid(power, freqs)
    spread = np.sqrt(
        np.sum(power * (freqs[None, :] - centroid[:, None]) ** 2, axis=1)
        / (power.sum(axis=1) + _EPS)
    )
    cumulative = np.cumsum(power, axis=1)
    rolloff = freqs[np.argmax(cumulative >= 0.85 * cumulative[:, -1:], axis=1)]
    flatness = np.exp(np.mean(np.log(power + _EPS), axis=1)) / (power.mean(axis=1) + _EPS)
    signs = np.signbit(sound)
    zcr = float(np.mean(signs[1:] != signs[:-1])) if len(sound) > 1 else 0.0
    attack_frames = max(1, round(0.05 * ANALYSIS_RATE / HOP))
    head, tail = power[:attack_frames].sum(axis=0), power[attack_frames:].sum(axis=0)
    tail_db = 10 * math.log10((tail.sum() + _EPS) / (power.sum() + _EPS))
    pitchedness, peak_hz = _pitch(sound)
    return np.array(
        [
            _log_hz(float(weights @ centroid)),
            _log_hz(float(weights @ spread)),
            _log_hz(float(weights @ rolloff)),
            float(weights @ flatness),
            zcr,
            _log_hz(float(_centroid(head, freqs))),
            _log_hz(float(_centroid(tail, freqs))) if tail.sum() > _EPS else _log_hz(0.0),
            max(tail_db, -60.0),
            pitchedness,
            _log_hz(peak_hz),
        ]
    )


def _log_hz(hz: float) -> float:
    return math.log(max(hz, 20.0))


def _band_ratios(total_power: Vector, freqs: Vector) -> Vector:
    edges = np.asarray(BAND_EDGES_HZ)
    index = np.clip(np.searchsorted(edges, freqs, side="right") - 1, 0, len(edges) - 2)
    sums = np.bincount(index, weights=total_power, minlength=len(edges) - 1)
    result: Vector = sums / (sums.sum() + _EPS)
    return result


def _pitch(sound: Vector) -> tuple[float, float]:
    """How periodic the body of the sound is (0 noise .. 1 a steady tone, by normalised
    autocorrelation at lags of 40-1000 Hz over 60 ms after the hit) and its strongest frequency."""
    start = round(0.02 * ANALYSIS_RATE)
    body = sound[start : start + round(0.06 * ANALYSIS_RATE)]
    if len(body) < 256 or float(np.dot(body, body)) <= _EPS:
        return 0.0, 0.0
    body = body - body.mean()
    spectrum = np.fft.rfft(body, 2 * len(body))
    correlation = np.fft.irfft(np.abs(spectrum) ** 2)[: len(body)]
    correlation /= correlation[0] + _EPS
    low, high = round(ANALYSIS_RATE / 1000), min(len(body) - 1, round(ANALYSIS_RATE / 40))
    pitchedness = float(np.max(correlation[low:high])) if high > low else 0.0
    magnitude = np.abs(np.fft.rfft(body * np.hanning(len(body)), 8192))
    peak_hz = float(np.argmax(magnitude) * ANALYSIS_RATE / 8192)
    return max(pitchedness, 0.0), peak_hz


def onset_count(mono: Vector) -> tuple[int, float]:
    """A rough count of the hits in a sound and the share of its length they span: rises of the
    log spectral flux over its running median, at least 60 ms apart. It only tells a loop from a
    one-shot cheaply; tempo is the analysis module's job."""
    from scipy.signal import find_peaks, medfilt

    power = power_spectrogram(mono[: round(60 * ANALYSIS_RATE)])
    if len(power) < 8:
        return (1 if float(power.sum()) > _EPS else 0), 0.0
    level = np.log(power + 1e-8)
    flux = np.maximum(np.diff(level, axis=0), 0.0).mean(axis=1)
    kernel = min(15, len(flux) - (1 - len(flux) % 2))  # odd, and no longer than the flux
    novelty = flux - medfilt(flux, kernel)
    loud = power.sum(axis=1)[1:] > power.sum(axis=1).max() * 1e-3
    novelty = np.where(loud, novelty, 0.0)
    # A hit raises the level of most bins at once by several dB; the flicker of a held tone
    # (beating, vibrato) does not reach a third of the loudest rise.
    height = max(1.0, 0.3 * float(novelty.max()))
    spacing = max(1, round(0.06 * ANALYSIS_RATE / HOP))
    peaks, _ = find_peaks(novelty, height=height, distance=spacing)
    if len(peaks) < 2:
        return len(peaks), 0.0
    return len(peaks), float((peaks[-1] - peaks[0]) / len(flux))
