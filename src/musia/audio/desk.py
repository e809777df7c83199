"""The mixing desk and the master, as a producer sets them, from a style's `Mix` (data):

1. **Gain staging**: each part is brought to `STAGE_LUFS` (measured with the BS.1770 gate, so a
   part that plays now and then is judged by how loud it is when it plays), then its fader
   (`gain_db`), then a soft clipper `CLIP_LU` above that level rounds its sharpest peaks.
2. **High-pass** on every part that has one (everything but the kick and the bass): the preview
   applies it to the instrument's zones (`multisample.instrument_for`), once per sample.
3. **Sidechain**: the kick ducks a part by `duck_db`, which comes back over `duck_release_beats`.
4. **Sends** to two returns: a reverb (our own: a decaying, darkening stereo noise tail with early
   reflections, convolved at a quarter of the sample rate, where a tail has nothing to lose) and a
   ping-pong delay synced to the tempo (`delay_beats`, `delay_feedback`).
5. **Glue**: a 2:1 bus compressor whose threshold is set so that the loudest stretch is pressed
   by `glue_db`, with attack and release of a bus compressor (10 ms, 150 ms).
6. **Loudness and true peak**: one gain brings the master to the style's `loudness_lufs`; a
   look-ahead limiter holds the 4x-oversampled true peak under `true_peak_dbtp`. The limiter takes
   a little loudness away, so the gain is raised by what the measurement finds missing.

Every stage is a gain curve or a linear filter applied to whole arrays, so the stems (each part
after its own desk) and the returns, times the master's gain curves, add up to the mix.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from musia.audio.loudness import (
    DENORMAL_GUARD,
    LIMITER_FRAME,
    LIMITER_HOLD_FRAMES,
    centre_ramps,
    gated_loudness,
    integrated_loudness,
    k_weighted,
    peak_limiter_gain,
    step_powers,
)
from musia.core.styles.schema import Mix, PartMix

Audio = npt.NDArray[np.float32]  # (2, frames)
Mono = npt.NDArray[np.float32]
STAGE_LUFS = -20.0
CLIP_LU = 10.0  # each part's clipper: this far above the part's loudness after its fader
DUCK_RESOLUTION = 32  # frames per step of the sidechain's gain curve
DUCK_ATTACK_S = 0.004
REVERB_DOWNSAMPLE = 4
REVERB_PREDELAY_S = 0.018
REVERB_DAMP_HZ = 5_000.0  # where the tail's top rolls off at its start; it darkens as it decays
DELAY_TAPS = 6
DELAY_BAND_HZ = (250.0, 6_000.0)
GLUE_RATIO = 2.0
GLUE_ATTACK_S, GLUE_RELEASE_S = 0.01, 0.15
GLUE_LOUD_PERCENTILE = 95.0
OVERSAMPLE = 4
INTERSAMPLE_RISE = 10 ** (-3.5 / 20)
GAIN_MARGIN = 10 ** (-3.0 / 20)
TRUE_PEAK_MARGIN_DB = 0.1  # the gain curve moves between block centres: a hair of headroom
LOUDNESS_TOLERANCE_LU = 0.05
CHUNK_BLOCKS = 256  # limiter blocks processed at a time where a gained copy is needed
NEUTRAL = PartMix(0.0, 0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Channel:
    """One part at the desk: its mono signal, its settings, its pan."""

    part: str
    audio: Mono
    pan: float = 0.0


@dataclass(frozen=True)
class Mastered:
    mix: Audio
    stems: tuple[Audio, ...]  # each part after the desk and the master's gains
    returns: Audio  # reverb and delay, after the master's gains
    gains_db: tuple[float, ...]  # each part's staging + fader
    loudness_lufs: float
    master_gain_db: float


def mix_down(
    channels: Sequence[Channel],
    mix: Mix,
    *,
    bpm: float,
    kicks_s: Sequence[float],
    sample_rate: int,
) -> Mastered:
    """Each channel through its strip, the sends, the returns, the glue and the master. The
    channels' buffers are scaled in place (a 3-minute part is 32 MB, and fresh memory costs a
    render more than its arithmetic); each stem is made once, from its part and the master's
    gain, in one pass."""
    seconds_per_beat = 60.0 / bpm
    frames = len(channels[0].audio)
    reverb_in = np.zeros(frames, dtype=np.float32)
    delay_in = np.zeros(frames, dtype=np.float32)
    total = np.zeros((2, frames), dtype=np.float32)
    scratch = np.empty(frames, dtype=np.float32)
    monos, pans, gains = [], [], []
    duck_shape = _duck_shape(
        kicks_s, frames, mix.duck_release_beats * seconds_per_beat, sample_rate
    )
    for channel in channels:
        settings = mix.parts.get(channel.part, NEUTRAL)
        mono, gain_db = _channel_strip(channel.audio, settings, duck_shape, sample_rate, scratch)
        pan = _pan_gains(channel.pan)
        for bus, level in (
            (reverb_in, settings.reverb),
            (delay_in, settings.delay),
            *zip(total, pan, strict=True),
        ):
            if level:
                np.add(bus, np.multiply(mono, np.float32(level), out=scratch), out=bus)
        monos.append(mono)
        pans.append(pan)
        gains.append(gain_db)
    returns = reverb(reverb_in, mix.reverb_s, sample_rate)
    delay(delay_in, mix.delay_beats * seconds_per_beat, mix.delay_feedback, sample_rate, returns)
    total += returns
    gain = glue_gain(total, mix.glue_db, sample_rate)
    master, limiter, loudness = master_gain(
        total, gain, mix.loudness_lufs, mix.true_peak_dbtp, sample_rate
    )
    gain *= limiter
    gain *= np.float32(master)
    total *= gain
    returns *= gain
    stems = tuple(_panned(mono, gain, pan) for mono, pan in zip(monos, pans, strict=True))
    return Mastered(total, stems, returns, tuple(gains), loudness, 20 * math.log10(master))


def _channel_strip(
    audio: Mono,
    settings: PartMix,
    duck_shape: Mono | None,
    sample_rate: int,
    scratch: Mono | None = None,
) -> tuple[Mono, float]:
    # Measured at half the rate: the gate and the K-weighting lose only what lies above 11 kHz.
    loudness = integrated_loudness(audio[None, ::2], sample_rate // 2)
    gain_db = (STAGE_LUFS - loudness if math.isfinite(loudness) else 0.0) + settings.gain_db
    # Kicks, stabs' attacks and the edges of detuned saws peak 15-20 dB over their part's
    # loudness. Unrounded, they had the master's limiter pull drum and bass drops down by up to
    # 10 dB, and the loudness target then raised the quieter sections: no lift into the drop.
    mono = np.multiply(audio, np.float32(10 ** (gain_db / 20)), out=audio)
    _soft_clip(mono, 10 ** ((STAGE_LUFS + settings.gain_db + CLIP_LU) / 20), scratch)
    if settings.duck_db > 0 and duck_shape is not None:
        depth = 1.0 - 10 ** (-settings.duck_db / 20)
        ducked = np.multiply(duck_shape, np.float32(-depth), out=scratch)
        ducked += np.float32(1.0)
        mono *= ducked
    return mono, gain_db


def _soft_clip(mono: Mono, ceiling: float, scratch: Mono | None = None) -> None:
    """A soft clipper (in place), as producers put on drums, basses and synths so that the
    master's limiter does not have to pin the drop: the signal as it is well under `ceiling`, its
    peaks rounded towards it (x / (1 + (|x|/c)^4)^(1/4): 1.5 dB down at the ceiling)."""
    scratch = np.multiply(mono, np.float32(1 / ceiling), out=scratch)
    np.square(scratch, out=scratch)
    np.square(scratch, out=scratch)
    scratch += np.float32(1.0)
    np.sqrt(scratch, out=scratch)
    np.sqrt(scratch, out=scratch)
    np.divide(mono, scratch, out=mono)


def _duck_shape(
    kicks_s: Sequence[float], frames: int, release_s: float, sample_rate: int
) -> Mono | None:
    """0 … 1 per frame: how far into its ducking a part is (1 just after a kick, back to 0 over
    `release_s`, eased out), on a grid of `DUCK_RESOLUTION` frames."""
    if not kicks_s:
        return None
    steps = frames // DUCK_RESOLUTION + 1
    step_s = DUCK_RESOLUTION / sample_rate
    times = np.arange(steps) * step_s
    kicks = np.sort(np.asarray(kicks_s, dtype=np.float64))
    last = np.searchsorted(kicks, times + DUCK_ATTACK_S, side="right") - 1
    since = np.where(last >= 0, times - kicks[np.maximum(last, 0)], np.inf)
    attack = np.clip((since + DUCK_ATTACK_S) / DUCK_ATTACK_S, 0.0, 1.0)  # ramps in before
    release = np.clip(1.0 - since / max(release_s, 1e-3), 0.0, 1.0) ** 2
    shape = np.where(since < 0, attack, release).astype(np.float32)
    return np.repeat(shape, DUCK_RESOLUTION)[:frames]


def _pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power pan, 0 dB per side in the centre."""
    angle = (min(1.0, max(-1.0, pan)) + 1.0) * math.pi / 4
    return math.cos(angle) * math.sqrt(2), math.sin(angle) * math.sqrt(2)


def _panned(mono: Mono, gain: Mono, pan: tuple[float, float]) -> Audio:
    """The stereo stem: `mono` × the master's `gain`, panned."""
    out = np.empty((2, len(mono)), dtype=np.float32)
    np.multiply(mono, gain, out=out[0])
    np.multiply(out[0], np.float32(pan[1]), out=out[1])
    out[0] *= np.float32(pan[0])
    return out


def reverb_response(decay_s: float, sample_rate: int) -> npt.NDArray[np.float32]:
    """A stereo impulse response at `sample_rate`: a few early reflections, then noise falling
    60 dB in `decay_s` whose top end falls faster (air absorbs the highs first)."""
    from scipy.signal import butter, sosfilt

    rng = np.random.default_rng(20)
    frames = round((decay_s * 1.1 + REVERB_PREDELAY_S) * sample_rate)
    t = np.arange(frames) / sample_rate
    late = rng.standard_normal((2, frames)) * np.exp(-6.91 * t / decay_s)
    dark = sosfilt(butter(1, REVERB_DAMP_HZ / 4, fs=sample_rate, output="sos"), late, axis=-1)
    mix = np.clip(t / decay_s, 0.0, 1.0)  # bright at first, dark later
    response = late * (1 - mix) + dark * mix * 2.0
    response *= np.clip(t / 0.03, 0.0, 1.0)  # the tail builds up
    predelay = round(REVERB_PREDELAY_S * sample_rate)
    for index, (at_s, level) in enumerate(((0.007, 0.5), (0.013, 0.35), (0.021, 0.3))):
        response[index % 2, round(at_s * sample_rate)] += level * 6.0
    response = np.concatenate((np.zeros((2, predelay)), response), axis=1)
    response /= math.sqrt(float(np.sum(response**2)) / 2)  # unit energy per channel
    return response.astype(np.float32)


def reverb(send: Mono, decay_s: float, sample_rate: int) -> Audio:
    from scipy.signal import oaconvolve

    frames = len(send)
    if decay_s <= 0 or not np.any(send):
        return np.zeros((2, frames), dtype=np.float32)
    # Down by averaging, up by linear interpolation: crude filters, but the tail they carry is
    # dark (its response rolls off from `REVERB_DAMP_HZ`) and the dry signal never goes through.
    factor = REVERB_DOWNSAMPLE
    padded = np.pad(send, (0, -frames % factor))
    small = padded.reshape(-1, factor).mean(axis=1)
    response = reverb_response(decay_s, sample_rate // factor)
    weights = (np.arange(factor, dtype=np.float32) / factor)[None, :]
    wet = np.empty((2, len(padded)), dtype=np.float32)
    for channel in range(2):
        tail = oaconvolve(small, response[channel])[: len(small)].astype(np.float32)
        following = np.append(tail[1:], np.float32(0.0))
        steps = wet[channel].reshape(-1, factor)
        np.multiply(tail[:, None], 1 - weights, out=steps)
        steps += following[:, None] * weights
    return wet[:, :frames]


def delay(
    send: Mono, delay_s: float, feedback: float, sample_rate: int, out: Audio | None = None
) -> Audio:
    """A ping-pong delay: echoes `delay_s` apart, each `feedback` quieter, alternating sides,
    band-limited as a tape echo is; added into `out` when given (the returns)."""
    from scipy.signal import butter, sosfilt

    frames = len(send)
    wet = np.zeros((2, frames), dtype=np.float32) if out is None else out
    step = round(delay_s * sample_rate)
    if step <= 0 or feedback <= 0 or not np.any(send):
        return wet
    sos = butter(1, DELAY_BAND_HZ, "bandpass", fs=sample_rate, output="sos")
    echo = sosfilt(sos.astype(np.float32), send + np.float32(DENORMAL_GUARD))  # float32 in, out
    for tap in range(1, DELAY_TAPS + 1):
        shift = tap * step
        if shift >= frames:
            break
        side = (tap - 1) % 2
        wet[side, shift:] += echo[: frames - shift] * np.float32(feedback ** (tap - 1))
    return wet


def glue_gain(mix: Audio, glue_db: float, sample_rate: int) -> Mono:
    """The bus compressor's gain per frame: 2:1 over a threshold set `glue_db` × ratio/(ratio-1)
    under the loudness of the loudest stretch, so that stretch is pressed by about `glue_db`."""
    from scipy.signal import lfilter

    frames = mix.shape[-1]
    size = LIMITER_FRAME
    blocks = frames // size
    if glue_db <= 0 or blocks < 2:
        return np.ones(frames, dtype=np.float32)
    grid = mix[:, : blocks * size].reshape(mix.shape[0], blocks, size)
    power = np.einsum("cij,cij->i", grid, grid, dtype=np.float64) / (mix.shape[0] * size)
    block_s = size / sample_rate
    # Attack and release: a fast one-pole follows rises, a slow one falls; the louder wins.
    fast = lfilter(
        [1 - math.exp(-block_s / GLUE_ATTACK_S)], [1, -math.exp(-block_s / GLUE_ATTACK_S)], power
    )
    slow = lfilter(
        [1 - math.exp(-block_s / GLUE_RELEASE_S)], [1, -math.exp(-block_s / GLUE_RELEASE_S)], power
    )
    level_db = 10 * np.log10(np.maximum(np.maximum(fast, slow), 1e-12))
    audible = level_db[level_db > level_db.max() - 40]
    loud_db = float(np.percentile(audible, GLUE_LOUD_PERCENTILE))
    threshold = loud_db - glue_db * GLUE_RATIO / (GLUE_RATIO - 1)
    reduction_db = np.maximum(level_db - threshold, 0.0) * (1 - 1 / GLUE_RATIO)
    per_block = (10 ** (-reduction_db / 20)).astype(np.float32)
    return centre_ramps(per_block, size, frames)


class TruePeaks:
    """The 4x-oversampled peak of each `LIMITER_FRAME` block (all channels) of `audio` × `gain`,
    found lazily: `above(floor)` oversamples the blocks whose sample peak reaches `floor` and
    that no earlier call has (an intersample peak hardly rises 3.5 dB above its samples in
    music); the others keep their sample peak. Each block is oversampled at most once, however
    often the master's gain search lowers the floor. The interpolation: a 32-tap windowed sinc
    per phase (it reads a little higher than BS.1770's 12-tap filter and scipy's resampler: the
    ceiling holds by either)."""

    def __init__(self, audio: Audio, gain: Mono | None = None) -> None:
        self._audio, self._frames = audio, audio.shape[-1]
        self._gain = np.ones(self._frames, dtype=np.float32) if gain is None else gain
        size = LIMITER_FRAME
        blocks = -(-self._frames // size)
        whole = self._frames // size
        self.peaks: Mono = np.empty(blocks, dtype=np.float32)
        grid = audio[:, : whole * size].reshape(audio.shape[0], whole, size)
        gains = self._gain[: whole * size].reshape(whole, size)
        for lo in range(0, whole, CHUNK_BLOCKS):  # a chunk at a time: no gained copy of it all
            hi = min(whole, lo + CHUNK_BLOCKS)
            self.peaks[lo:hi] = np.abs(grid[:, lo:hi] * gains[lo:hi]).max(axis=(0, 2))
        if whole < blocks:
            tail = audio[:, whole * size :] * self._gain[whole * size :]
            self.peaks[whole] = np.abs(tail).max()
        self._sample_peaks = self.peaks.copy()
        self._checked = np.zeros(blocks, dtype=bool)

    def above(self, floor: float) -> Mono:
        """The peaks, every block whose sample peak reaches `floor` oversampled."""
        todo = np.flatnonzero((self._sample_peaks >= floor) & ~self._checked)
        size, taps = LIMITER_FRAME, _INTERPOLATOR.shape[1]
        for chunk in np.array_split(todo, max(1, len(todo) // 256)):  # bounded memory
            if len(chunk) == 0:
                continue
            index = chunk[:, None] * size + np.arange(-(taps // 2), size + taps // 2 - 1)[None, :]
            inside = (index >= 0) & (index < self._frames)  # beyond the ends: silence
            index = np.clip(index, 0, self._frames - 1)
            # (channels, blocks, frames with the filter's context either side)
            pieces = self._audio[:, index] * (self._gain[index] * inside)
            windows = np.lib.stride_tricks.sliding_window_view(pieces, taps, axis=-1)[:, :, :size]
            between = windows @ _INTERPOLATOR.T  # (channels, blocks, frames, phases)
            top = np.abs(between).max(axis=(0, 2, 3))
            self.peaks[chunk] = np.maximum(self.peaks[chunk], top)
        self._checked[todo] = True
        return self.peaks.copy()


def true_peaks(audio: Audio, gain: Mono | None = None, floor: float = 0.0) -> Mono:
    """`TruePeaks(audio, gain).above(floor)`: one measurement."""
    return TruePeaks(audio, gain).above(floor)


def _interpolator(phases: int = OVERSAMPLE, taps: int = 32) -> Mono:
    """Windowed-sinc filters for the 1/4, 2/4 and 3/4 points between samples."""
    rows = []
    for phase in range(1, phases):
        offset = np.arange(taps) - (taps // 2 - 1) - phase / phases  # sample times - the point
        kernel = np.sinc(offset) * np.kaiser(taps, 6.0)
        rows.append(kernel / kernel.sum())
    return np.array(rows, dtype=np.float32)


_INTERPOLATOR = _interpolator()


def master_gain(
    mix: Audio, glue: Mono, target_lufs: float, ceiling_dbtp: float, sample_rate: int
) -> tuple[float, Mono, float]:
    """The gain to `target_lufs`, the limiter's gain curve, and the loudness they give."""
    weighted = k_weighted(mix, sample_rate)
    ceiling = 10 ** ((ceiling_dbtp - TRUE_PEAK_MARGIN_DB) / 20)
    loudness = gated_loudness(step_powers(weighted, sample_rate, gain=glue), sample_rate)
    frames = mix.shape[-1]
    if not math.isfinite(loudness):
        return 1.0, np.ones(frames, dtype=np.float32), loudness
    master = 10 ** ((target_lufs - loudness) / 20)
    weighted_powers = _block_powers(weighted, glue)
    # First with the sample peaks (cheap), then with the true peaks of the blocks that come
    # near the ceiling at the gain found (again if the gain then rises past what was checked).
    measured = TruePeaks(mix, glue)
    peaks, checked_from = measured.above(math.inf), math.inf
    offset, limiter = 0.0, np.ones(frames, dtype=np.float32)
    for _ in range(6):
        master, limiter = _fit(
            peaks, weighted_powers, master, target_lufs + offset, ceiling, frames
        )
        floor = ceiling / master * INTERSAMPLE_RISE
        if floor < checked_from:
            checked_from = floor * GAIN_MARGIN
            peaks = measured.above(checked_from)
            continue
        powers = step_powers(weighted, sample_rate, gain=glue * limiter * np.float32(master))
        loudness = gated_loudness(powers, sample_rate)
        if abs(loudness - target_lufs) < LOUDNESS_TOLERANCE_LU:
            break
        offset += target_lufs - loudness
    else:  # out of rounds: the limiter must still fit the last peaks measured
        master, limiter = _fit(
            peaks, weighted_powers, master, target_lufs + offset, ceiling, frames
        )
        powers = step_powers(weighted, sample_rate, gain=glue * limiter * np.float32(master))
        loudness = gated_loudness(powers, sample_rate)
    return master, limiter, loudness


def _fit(
    peaks: Mono,
    powers: npt.NDArray[np.float64],
    master: float,
    target_lufs: float,
    ceiling: float,
    frames: int,
) -> tuple[float, Mono]:
    """The master gain that, limited to `ceiling`, measures `target_lufs` by `_quick_loudness`,
    and the limiter's gain."""
    for _ in range(12):
        loudness = _quick_loudness(powers, _limiter_blocks(peaks * master, ceiling), master)
        if abs(target_lufs - loudness) < LOUDNESS_TOLERANCE_LU / 2:
            break
        master *= 10 ** ((target_lufs - loudness) / 20)
    limited = peak_limiter_gain(peaks * master, frames, ceiling)
    return master, np.ones(frames, dtype=np.float32) if limited is None else limited


def _limiter_blocks(peaks: Mono, ceiling: float) -> Mono:
    """The limiter's gain at each block's centre, as `peak_limiter_gain` sets it (the need of
    the block and its look-ahead and hold neighbours), without spreading it over the frames."""
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12)).astype(np.float32)
    spread = need.copy()
    ahead = np.concatenate((np.ones(LIMITER_HOLD_FRAMES, np.float32), need, np.ones(1, np.float32)))
    for shift in range(LIMITER_HOLD_FRAMES + 2):
        np.minimum(spread, ahead[shift : shift + len(need)], out=spread)
    return spread


def _block_powers(weighted: npt.NDArray[np.floating], glue: Mono) -> npt.NDArray[np.float64]:
    """Mean square of each `LIMITER_FRAME` block of the K-weighted mix times the glue, all channels
    summed: with the limiter's gain (smooth at that scale) it gives the loudness without
    touching every frame again."""
    size = LIMITER_FRAME
    blocks = weighted.shape[-1] // size
    grid = weighted[:, : blocks * size].reshape(weighted.shape[0], blocks, size)
    glues = glue[: blocks * size].reshape(blocks, size)
    powers = np.empty(blocks, dtype=np.float64)
    for lo in range(0, blocks, CHUNK_BLOCKS):  # a chunk at a time: it stays in the cache
        glued = grid[:, lo : lo + CHUNK_BLOCKS] * glues[lo : lo + CHUNK_BLOCKS]
        powers[lo : lo + CHUNK_BLOCKS] = np.einsum("cij,cij->i", glued, glued, dtype=np.float64)
    powers /= size
    return powers


def _quick_loudness(powers: npt.NDArray[np.float64], limiter: Mono, master: float) -> float:
    """BS.1770's gated loudness from block powers: 400 ms windows (69 blocks) every 100 ms, with
    the limiter's gain at each block's centre. Within a tenth of a LU of the full measurement,
    which then corrects it."""
    gained = powers * limiter[: len(powers)].astype(np.float64) ** 2
    gained *= master**2
    window, hop = 69, 17
    cumulative = np.concatenate(([0.0], np.cumsum(gained)))
    if len(gained) < window:
        return -math.inf
    means = (cumulative[window::hop] - cumulative[: len(cumulative) - window : hop]) / window
    with np.errstate(divide="ignore"):
        lufs = -0.691 + 10 * np.log10(means)
    kept = means[lufs > -70.0]
    if len(kept) == 0:
        return -math.inf
    gate = -0.691 + 10 * math.log10(float(kept.mean())) - 10.0
    kept = means[(lufs > -70.0) & (lufs > gate)]
    return -0.691 + 10 * math.log10(float(kept.mean()))
