"""What a piece of audio is: duration, tempo and beats, key, loudness, peaks, onsets, spectrum.

`analyze_file(path)` reads the file (`musia.audio.io`, typed errors for bad files) and
`analyze_signal(samples, sample_rate)` analyses float samples shaped (frames, channels) or
(frames,). The estimators live in `musia.audio.tempo` and `musia.audio.key`; loudness is BS.1770
(`musia.audio.loudness`), true peak the peak of the signal oversampled 4×.

Everything is computed on one mono mix resampled to `ANALYSIS_RATE`, except loudness and peaks,
which use the file's own channels and rate.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from musia.audio.jit import first_call_locked
from musia.audio.key import estimate_key, key_name
from musia.audio.tempo import estimate_tempo, onset_bands
from musia.errors import AudioFormatError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

ANALYSIS_RATE = 22_050
HOP = 512  # 23 ms at 22.05 kHz
N_FFT = 2048
TRUE_PEAK_OVERSAMPLING = 4
TRUE_PEAK_BLOCK = 4096
TRUE_PEAK_MARGIN = 64  # frames either side: longer than the interpolation filter's half
TRUE_PEAK_SEARCH_DB = 6.0
TRUE_PEAK_RUN_BLOCKS = 64  # neighbouring blocks oversampled in one call (1 M samples at most)
MIN_DURATION_S = 0.05


@dataclass(frozen=True)
class Spectral:
    """Means over the file's frames (silent frames excluded)."""

    centroid_hz: float
    rolloff_hz: float  # 85 % of the energy lies below
    flatness: float  # 0 (tonal) … 1 (noise)
    bandwidth_hz: float
    low_band_ratio: float  # share of the energy under 150 Hz


@dataclass(frozen=True)
class AudioAnalysis:
    duration_s: float
    sample_rate: int
    channels: int
    tempo_bpm: float | None  # None: no steady pulse found
    tempo_confidence: float  # 0 … 1
    beat_times_s: tuple[float, ...]
    key_tonic_pc: int | None  # C = 0; None for silence or unpitched audio
    key_mode: str | None  # "major" | "minor"
    key_confidence: float  # 0 … 1: the share of estimates this sure that are right
    loudness_lufs: float | None  # None: silence, or shorter than a 400 ms gating block
    sample_peak_dbfs: float | None
    true_peak_dbfs: float | None
    onset_rate_per_s: float
    spectral: Spectral
    onset_times_s: tuple[float, ...] = field(default=(), repr=False)
    # Added by issue 21 (the names above are read by other tools and stay as they are):
    key_runner_up_pc: int | None = None  # the second most likely key
    key_runner_up_mode: str | None = None
    key_tonality: float = 0.0  # 0 (drums, noise: no key given) … 1 (one pitch class)
    tempo_alternatives_bpm: tuple[float, ...] = ()  # other octaves a listener might tap

    @property
    def key_name(self) -> str | None:
        return key_name(self.key_tonic_pc, self.key_mode)

    @property
    def key_runner_up_name(self) -> str | None:
        return key_name(self.key_runner_up_pc, self.key_runner_up_mode)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; other tools read `duration_s`, `tempo_bpm`, `key_tonic_pc`, `key_mode`,
        `loudness_lufs`."""
        body = asdict(self)
        body.pop("onset_times_s")
        body["key_name"] = self.key_name
        body["key_runner_up_name"] = self.key_runner_up_name
        body["tempo_alternatives_bpm"] = [round(t, 2) for t in self.tempo_alternatives_bpm]
        body["beat_times_s"] = [round(t, 4) for t in self.beat_times_s]
        body["spectral"] = {k: _rounded(v) for k, v in body["spectral"].items()}
        return {k: _rounded(v) for k, v in body.items()}


def _rounded(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) and math.isfinite(value) else value


def analyze_file(path: Path, *, max_duration_s: float | None = None) -> AudioAnalysis:
    from musia.audio.io import MAX_DURATION_S, read_audio

    samples, sample_rate = read_audio(Path(path), max_duration_s=max_duration_s or MAX_DURATION_S)
    return analyze_signal(samples, sample_rate)


def analyze_signal(samples: npt.ArrayLike, sample_rate: int) -> AudioAnalysis:
    import numpy as np

    audio = np.asarray(samples, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[:, None]
    if audio.ndim != 2 or audio.shape[1] < 1 or sample_rate <= 0:
        raise AudioFormatError(f"cannot analyse audio shaped {audio.shape} at {sample_rate} Hz")
    duration_s = audio.shape[0] / sample_rate
    if duration_s < MIN_DURATION_S:
        raise AudioFormatError(f"the audio lasts {duration_s:.3f} s: too short to analyse")
    channels_first = np.ascontiguousarray(audio.T)
    mono = _mono_at(channels_first, sample_rate)
    levels = _levels(channels_first, sample_rate)
    spectrum = _magnitude(mono)
    tempo = estimate_tempo(onset_bands(spectrum, ANALYSIS_RATE, HOP), ANALYSIS_RATE, HOP)
    spectral = _spectral(spectrum)
    key = estimate_key(mono, ANALYSIS_RATE, flatness=spectral.flatness)
    return AudioAnalysis(
        duration_s=duration_s,
        sample_rate=sample_rate,
        channels=audio.shape[1],
        tempo_bpm=tempo.bpm,
        tempo_confidence=tempo.confidence,
        beat_times_s=tempo.beat_times_s,
        key_tonic_pc=key.tonic_pc,
        key_mode=key.mode,
        key_confidence=key.confidence,
        key_runner_up_pc=key.runner_up[0] if key.runner_up else None,
        key_runner_up_mode=key.runner_up[1] if key.runner_up else None,
        key_tonality=key.tonality,
        tempo_alternatives_bpm=tempo.alternatives_bpm,
        loudness_lufs=levels[0],
        sample_peak_dbfs=levels[1],
        true_peak_dbfs=levels[2],
        onset_rate_per_s=len(tempo.onset_times_s) / duration_s,
        spectral=spectral,
        onset_times_s=tempo.onset_times_s,
    )


def _mono_at(channels_first: npt.NDArray[np.float32], sample_rate: int) -> npt.NDArray[np.float32]:
    import numpy as np

    mono = channels_first.mean(axis=0)
    if sample_rate != ANALYSIS_RATE:
        import soxr

        mono = soxr.resample(mono, sample_rate, ANALYSIS_RATE, quality="HQ")
    return np.ascontiguousarray(mono, dtype=np.float32)


def _levels(
    channels_first: npt.NDArray[np.float32], sample_rate: int
) -> tuple[float | None, float | None, float | None]:
    """Integrated loudness (LUFS), sample peak and true peak (dBFS); None where -inf."""
    import numpy as np

    from musia.audio.loudness import integrated_loudness

    loudness = integrated_loudness(channels_first, sample_rate)
    sample_peak = float(np.abs(channels_first).max())
    return _finite(loudness), _db(sample_peak), _db(true_peak(channels_first))


def true_peak(channels_first: npt.NDArray[np.float32]) -> float:
    """The peak (linear) of (channels, frames) audio oversampled 4× (BS.1770-4 annex 2).

    Only the blocks whose sample peak comes within `TRUE_PEAK_SEARCH_DB` of the loudest sample
    are oversampled (with a margin for the interpolation filter): between samples a band-limited
    signal rises a few dB at most, so the true peak lies in one of them, and a 3-minute file
    costs a fraction of the time."""
    import numpy as np
    from scipy.signal import upfirdn

    from musia.audio.loudness import block_peaks

    frames = channels_first.shape[-1]
    peaks = block_peaks(channels_first, TRUE_PEAK_BLOCK) if frames else np.zeros(1)
    sample_peak = float(peaks.max())
    if sample_peak <= 0:
        return 0.0
    threshold = sample_peak * 10 ** (-TRUE_PEAK_SEARCH_DB / 20)
    taps, up = _interpolator(), TRUE_PEAK_OVERSAMPLING
    delay = len(taps) // 2  # output frames before the first input frame's own
    peak = sample_peak
    for first, last in _runs(np.flatnonzero(peaks >= threshold).tolist()):
        start = max(0, first * TRUE_PEAK_BLOCK - TRUE_PEAK_MARGIN)
        end = min(frames, (last + 1) * TRUE_PEAK_BLOCK + TRUE_PEAK_MARGIN)
        # The margins only feed the filter; the file's own ends are measured.
        core_start = TRUE_PEAK_MARGIN if start > 0 else 0
        core_end = end - start - (TRUE_PEAK_MARGIN if end < frames else 0)
        if core_end <= core_start:
            continue
        for channel in channels_first[:, start:end]:
            upsampled = upfirdn(taps, channel, up=up)
            core = upsampled[delay + up * core_start : delay + up * core_end]
            peak = max(peak, float(np.abs(core).max()))
    return peak


@functools.cache
def _interpolator() -> npt.NDArray[np.float32]:
    """The 4× interpolation filter, designed once: scipy's resample_poly default (a Kaiser-windowed
    sinc, β 5, ten input frames either side), with the gain of the zeros stuffed in."""
    import numpy as np
    from scipy.signal import firwin

    up = TRUE_PEAK_OVERSAMPLING
    half = 10 * up
    taps: npt.NDArray[np.float32] = (
        firwin(2 * half + 1, 1.0 / up, window=("kaiser", 5.0)) * up
    ).astype(np.float32)
    return taps


def _runs(blocks: list[int]) -> list[tuple[int, int]]:
    """Sorted block numbers as runs of neighbours (first, last), each at most
    `TRUE_PEAK_RUN_BLOCKS` long: a loud, limited master has most of its blocks near the peak,
    and one oversampling call per run costs far less than one per block."""
    runs: list[tuple[int, int]] = []
    for block in blocks:
        if runs and block == runs[-1][1] + 1 and block - runs[-1][0] < TRUE_PEAK_RUN_BLOCKS:
            runs[-1] = (runs[-1][0], block)
        else:
            runs.append((block, block))
    return runs


def _db(linear: float) -> float | None:
    return 20 * math.log10(linear) if linear > 0 else None


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


@first_call_locked
def _magnitude(mono: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    import librosa
    import numpy as np

    spectrum: npt.NDArray[np.float32] = np.abs(librosa.stft(mono, n_fft=N_FFT, hop_length=HOP))
    return spectrum


def _spectral(spectrum: npt.NDArray[np.float32]) -> Spectral:
    import numpy as np

    freqs = np.linspace(0, ANALYSIS_RATE / 2, spectrum.shape[0], dtype=np.float32)
    power = spectrum * spectrum  # float32: a summary needs no more
    energy = power.sum(axis=0)
    loud = energy > max(float(energy.max()) * 1e-6, 1e-12)
    if not loud.any():
        return Spectral(0.0, 0.0, 1.0, 0.0, 0.0)
    if not loud.all():
        spectrum, power, energy = spectrum[:, loud], power[:, loud], energy[loud]
    # Moments as products with the frequency axis (no weighted copy of the spectrum); the
    # magnitudes carry a 1e-10 floor, so a frame's weights are (|X| + 1e-10) / their sum.
    floor = np.float32(1e-10)
    magnitude_sum = spectrum.sum(axis=0) + floor * len(freqs)
    centroid = (freqs @ spectrum + floor * freqs.sum()) / magnitude_sum
    squared = freqs * freqs
    second = (squared @ spectrum + floor * squared.sum()) / magnitude_sum
    bandwidth = np.sqrt(np.maximum(second - centroid * centroid, 0.0))
    cumulative = np.cumsum(power, axis=0)
    rolloff = freqs[np.argmax(cumulative >= 0.85 * cumulative[-1], axis=0)]
    del cumulative
    low = float(power[freqs < 150].sum() / energy.sum())
    power += np.float32(1e-20)  # in place: the log needs no copy
    flatness = np.exp(np.log(power).mean(axis=0)) / (energy / len(freqs) + 1e-20)
    return Spectral(
        centroid_hz=float(centroid.mean()),
        rolloff_hz=float(rolloff.mean()),
        flatness=float(flatness.mean()),
        bandwidth_hz=float(bandwidth.mean()),
        low_band_ratio=low,
    )
