"""Transforms by instruction: tempo, pitch, loudness, trim and fades, and laying drums under.

Every function takes float32 samples shaped (frames, channels) and returns new samples; the
caller writes them to a new file (`musia.audio.io.write_audio`), so the original is never
touched.

Time-stretch and pitch-shift use librosa's phase vocoder (ISC licence) on each channel: clean
for tonal material and pitch-exact, at the cost of some phasiness and softened transients.
Rubber Band and pedalboard are cleaner but GPL, so they are not used by default. A pitch shift
is a stretch by the frequency ratio followed by resampling back to the original length (soxr),
so the tempo is kept exactly.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from musia.audio.jit import first_call_locked
from musia.errors import InvalidInput, UnknownInstruction

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from musia.audio.analysis import AudioAnalysis

    Samples = npt.NDArray[np.float32]  # (frames, channels)

MIN_RATIO, MAX_RATIO = 0.25, 4.0
MAX_SEMITONES = 12
MIN_TARGET_LUFS, MAX_TARGET_LUFS = -60.0, 0.0
PEAK_CEILING_DBFS = -1.0
DRUMS_BELOW_DB = 2.0  # the drums sit this far under the original's loudness
STRETCH_N_FFT = 2048
BAR_BEATS = 4  # the drums are composed in 4/4
DOWNBEAT_LOW_HZ = 150.0
DOWNBEAT_WINDOW_S = 0.1
LIMIT_ROUNDS = 8


@first_call_locked
def time_stretch(samples: Samples, ratio: float) -> Samples:
    """Play `ratio` times as fast (1.25: 25 % faster, 0.8 of the length), pitch kept."""
    import librosa
    import numpy as np

    if not (math.isfinite(ratio) and MIN_RATIO <= ratio <= MAX_RATIO):
        raise UnknownInstruction(
            f"a tempo ratio must be between {MIN_RATIO} and {MAX_RATIO}, got {ratio}",
            field="ratio",
        )
    if abs(ratio - 1.0) < 1e-9:
        return samples.copy()
    channels = [
        librosa.effects.time_stretch(
            np.ascontiguousarray(samples[:, c]), rate=ratio, n_fft=STRETCH_N_FFT
        )
        for c in range(samples.shape[1])
    ]
    return _stack(channels)


def stretch_to_tempo(samples: Samples, source_bpm: float, target_bpm: float) -> Samples:
    if not (math.isfinite(target_bpm) and target_bpm > 0):
        raise UnknownInstruction(f"a target tempo must be a positive BPM, got {target_bpm}")
    return time_stretch(samples, target_bpm / source_bpm)


@first_call_locked
def transpose(samples: Samples, sample_rate: int, semitones: float) -> Samples:
    """Shift the pitch by `semitones` (−12 … +12), tempo and length kept."""
    import librosa
    import numpy as np

    if not (math.isfinite(semitones) and abs(semitones) <= MAX_SEMITONES):
        raise UnknownInstruction(
            f"a transposition must be within ±{MAX_SEMITONES} semitones, got {semitones}",
            field="semitones",
        )
    if semitones == 0:
        return samples.copy()
    channels = [
        librosa.effects.pitch_shift(
            np.ascontiguousarray(samples[:, c]),
            sr=sample_rate,
            n_steps=semitones,
            n_fft=STRETCH_N_FFT,
            res_type="soxr_hq",
        )
        for c in range(samples.shape[1])
    ]
    return _stack(channels)


def normalize(
    samples: Samples,
    sample_rate: int,
    target_lufs: float,
    *,
    ceiling_dbfs: float = PEAK_CEILING_DBFS,
) -> Samples:
    """One gain to `target_lufs` integrated (BS.1770); where that pushes the true peak over
    `ceiling_dbfs`, the look-ahead limiter takes the peaks down and the gain is raised by what
    the limiter took, a round or two, so the loudness still lands on the target."""
    import numpy as np

    from musia.audio.analysis import true_peak
    from musia.audio.loudness import integrated_loudness, limiter_gain

    if not (math.isfinite(target_lufs) and MIN_TARGET_LUFS <= target_lufs <= MAX_TARGET_LUFS):
        raise UnknownInstruction(
            f"a loudness target must be between {MIN_TARGET_LUFS:g} and {MAX_TARGET_LUFS:g} "
            f"LUFS, got {target_lufs}",
            field="normalize",
        )
    channels_first = np.ascontiguousarray(samples.T)
    loudness = integrated_loudness(channels_first, sample_rate)
    if not math.isfinite(loudness):
        raise InvalidInput("the audio is silent (or shorter than 0.4 s): nothing to normalise")
    target_peak = 10 ** (ceiling_dbfs / 20)
    ceiling = target_peak  # the limiter's ceiling on samples; lowered while true peaks overshoot
    gain = 10 ** ((target_lufs - loudness) / 20)
    result = channels_first * np.float32(gain)
    for _ in range(LIMIT_ROUNDS):
        result = channels_first * np.float32(gain)
        limited = limiter_gain(result, ceiling)
        if limited is not None:
            result *= limited
        peak = true_peak(result)
        missing = target_lufs - integrated_loudness(result, sample_rate)
        if peak <= target_peak * 1.001 and abs(missing) < 0.05:
            break
        if peak > target_peak:
            ceiling *= target_peak / peak
        if limited is not None:
            gain *= 10 ** (missing / 20)
    return np.ascontiguousarray(result.T, dtype=np.float32)


def trim(samples: Samples, sample_rate: int, start_s: float, end_s: float | None) -> Samples:
    """The part from `start_s` to `end_s` (None: to the end), with 5 ms fades against clicks."""
    frames = samples.shape[0]
    end_s = frames / sample_rate if end_s is None else end_s
    if not (math.isfinite(start_s) and math.isfinite(end_s) and 0 <= start_s < end_s):
        raise UnknownInstruction(
            f"a trim needs 0 <= START < END, got {start_s:g}:{end_s:g}", field="trim"
        )
    start, end = round(start_s * sample_rate), min(frames, round(end_s * sample_rate))
    if start >= frames or end - start < 1:
        raise UnknownInstruction(
            f"the trim {start_s:g}:{end_s:g} s lies outside the audio "
            f"({frames / sample_rate:.2f} s)",
            field="trim",
        )
    result = samples[start:end].copy()
    return fade(
        result, sample_rate, in_s=0.005 if start > 0 else 0.0, out_s=0.005 if end < frames else 0.0
    )


def fade(samples: Samples, sample_rate: int, *, in_s: float = 0.0, out_s: float = 0.0) -> Samples:
    """Raised-cosine fades in and out (each at most the whole length)."""
    import numpy as np

    duration_s = samples.shape[0] / sample_rate
    for value, name in ((in_s, "fade-in"), (out_s, "fade-out")):
        if not (math.isfinite(value) and 0 <= value <= duration_s):
            raise UnknownInstruction(
                f"a {name} must be between 0 and the length ({duration_s:.2f} s), got {value:g}",
                field=name,
            )
    result = samples.copy()
    for seconds, rising in ((in_s, True), (out_s, False)):
        length = round(seconds * sample_rate)
        if length < 2:
            continue
        curve = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, length))).astype(np.float32)
        if rising:
            result[:length] *= curve[:, None]
        else:
            result[-length:] *= curve[::-1, None]
    return result


def lay_drums(
    samples: Samples, sample_rate: int, drums: Samples, analysis: AudioAnalysis
) -> Samples:
    """`drums` (a drum part at the analysed tempo, (frames, 2), from its first downbeat; see
    `musia.production.drums`) laid with its one on the music's one and mixed `DRUMS_BELOW_DB`
    under the original's loudness; the peaks of the mix are limited to `PEAK_CEILING_DBFS`. The
    result is as long as the original."""
    import numpy as np

    from musia.audio.loudness import integrated_loudness, limiter_gain

    require_beat(analysis)
    offset = _first_bar_frame(samples, sample_rate, analysis)
    frames, channels = samples.shape
    placed = np.zeros((frames, channels), dtype=np.float32)
    length = min(frames - offset, drums.shape[0])
    source = drums if channels == 2 else np.repeat(drums.mean(axis=1, keepdims=True), channels, 1)
    placed[offset : offset + length] = source[:length]
    original_lufs = integrated_loudness(np.ascontiguousarray(samples.T), sample_rate)
    drums_lufs = integrated_loudness(np.ascontiguousarray(placed.T), sample_rate)
    if math.isfinite(original_lufs) and math.isfinite(drums_lufs):
        placed *= np.float32(10 ** ((original_lufs - DRUMS_BELOW_DB - drums_lufs) / 20))
    mix = np.ascontiguousarray((samples + placed).T)
    limited = limiter_gain(mix, 10 ** (PEAK_CEILING_DBFS / 20))
    if limited is not None:
        mix *= limited
    return np.ascontiguousarray(mix.T, dtype=np.float32)


def require_beat(analysis: AudioAnalysis) -> None:
    """Drums are laid on the analysed beats: audio without a steady one cannot take them."""
    if analysis.tempo_bpm is None or not analysis.beat_times_s:
        raise InvalidInput("no steady beat found in the audio: cannot line drums up with it")


def _first_bar_frame(samples: Samples, sample_rate: int, analysis: AudioAnalysis) -> int:
    """Where the drums' first downbeat goes: on the analysed beats, at the beat of the bar where
    the original's low end hits hardest (the kick and bass mark the one), moved back by whole
    bars as close to the start as it gets, so the drums play from the top with their one on the
    music's one."""
    assert analysis.tempo_bpm is not None
    bar_s = BAR_BEATS * 60.0 / analysis.tempo_bpm
    beats = analysis.beat_times_s
    phase = downbeat_phase(samples, sample_rate, beats)
    first = beats[phase] if phase < len(beats) else beats[0]
    return round((first - bar_s * math.floor(first / bar_s)) * sample_rate)


def downbeat_phase(samples: Samples, sample_rate: int, beat_times_s: tuple[float, ...]) -> int:
    """Which of the first `BAR_BEATS` beats starts a bar: the phase whose beats carry the most
    low-end energy (under `DOWNBEAT_LOW_HZ`) in the `DOWNBEAT_WINDOW_S` after them."""
    import numpy as np
    from scipy.signal import butter, sosfilt

    mono = samples.mean(axis=1)
    low = sosfilt(butter(4, DOWNBEAT_LOW_HZ, fs=sample_rate, output="sos"), mono)
    window = max(1, round(DOWNBEAT_WINDOW_S * sample_rate))
    energy = np.zeros(BAR_BEATS)
    for index, time_s in enumerate(beat_times_s):
        start = round(time_s * sample_rate)
        energy[index % BAR_BEATS] += float(np.sum(low[start : start + window] ** 2))
    return int(np.argmax(energy))


def _stack(channels: list[npt.NDArray[np.floating]]) -> Samples:
    import numpy as np

    length = min(len(c) for c in channels)
    return np.ascontiguousarray(np.stack([c[:length] for c in channels], axis=1), dtype=np.float32)
