"""Loudness (ITU-R BS.1770-4 integrated, in LUFS) and a look-ahead peak limiter, in numpy.

The measurement is split so that a mix can be measured without filtering it again: K-weighting is
linear, so the K-weighted mix is the gain-weighted sum of the K-weighted stems, and the power of
every 100 ms step (a quarter of a 400 ms gating block) is all the gate needs. pyloudnorm, the
reference implementation, agrees to 0.01 LU (tests/audio/test_synth.py).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Signal = npt.NDArray[np.floating]  # (channels, frames)
STEP_S = 0.1  # the gating blocks (400 ms) overlap by 75 %: they are four 100 ms steps
BLOCK_STEPS = 4
GAIN_CHUNK_STEPS = 16  # steps gained at a time by `step_powers`
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
DENORMAL_GUARD = 1e-15
LIMITER_FRAME = 256  # the limiter's resolution: its gain ramps over one frame (5.8 ms)
LIMITER_HOLD_FRAMES = 8  # the gain stays down this long after a peak before it recovers


def k_weighting_sos(sample_rate: int) -> npt.NDArray[np.float64]:
    """BS.1770's two stages as second-order sections: a +4 dB shelf above ~1.5 kHz (the head) and
    a high-pass at 38 Hz (the RLB curve), designed for any sample rate as pyloudnorm does."""
    gain_db, q_shelf, f_shelf = 4.0, 1 / math.sqrt(2), 1500.0
    a = 10 ** (gain_db / 40)
    w0 = 2 * math.pi * f_shelf / sample_rate
    alpha, cos_w0 = math.sin(w0) / (2 * q_shelf), math.cos(w0)
    shelf = [
        a * ((a + 1) + (a - 1) * cos_w0 + 2 * math.sqrt(a) * alpha),
        -2 * a * ((a - 1) + (a + 1) * cos_w0),
        a * ((a + 1) + (a - 1) * cos_w0 - 2 * math.sqrt(a) * alpha),
        (a + 1) - (a - 1) * cos_w0 + 2 * math.sqrt(a) * alpha,
        2 * ((a - 1) - (a + 1) * cos_w0),
        (a + 1) - (a - 1) * cos_w0 - 2 * math.sqrt(a) * alpha,
    ]
    w0 = 2 * math.pi * 38.0 / sample_rate
    alpha, cos_w0 = math.sin(w0) / (2 * 0.5), math.cos(w0)
    high_pass = [
        (1 + cos_w0) / 2,
        -(1 + cos_w0),
        (1 + cos_w0) / 2,
        1 + alpha,
        -2 * cos_w0,
        1 - alpha,
    ]
    sos = np.array([shelf, high_pass], dtype=np.float64)
    sos[:, :3] /= sos[:, 3:4]
    sos[:, 3:] /= sos[:, 3:4]
    return sos


def k_weighted(audio: Signal, sample_rate: int) -> npt.NDArray[np.floating]:
    """`audio` through the K-weighting filter, in its own precision: float32 audio is filtered in
    float32 (its rounding lies 140 dB under the signal, far below what loudness can tell) with
    half the memory of float64: on a long mix, fresh memory costs more than the filtering."""
    from scipy.signal import sosfilt

    dtype: type[np.floating] = np.float32 if np.asarray(audio).dtype == np.float32 else np.float64
    # A filter fed digital silence decays into subnormal numbers, which the CPU handles 30 times
    # slower; an offset far below hearing (the high-pass removes it) keeps the state normal.
    signal: npt.NDArray[np.floating] = np.array(audio, dtype=dtype)  # a copy: the guard goes in
    np.add(signal, DENORMAL_GUARD, out=signal, dtype=dtype)
    weighted: npt.NDArray[np.floating] = sosfilt(
        k_weighting_sos(sample_rate).astype(dtype), signal, axis=-1
    )
    return weighted


def step_powers(
    weighted: Signal, sample_rate: int, gain: npt.NDArray[np.floating] | None = None
) -> npt.NDArray[np.float64]:
    """Sum of squares per 100 ms step, all channels added (each weighs 1.0 in BS.1770 when there
    is no surround): one value per step; with `gain` (one per frame), of `weighted` times that
    gain, without a gained copy of the signal. A last partial step is dropped, as BS.1770 drops
    a partial block."""
    step = round(STEP_S * sample_rate)
    steps = weighted.shape[-1] // step
    frames = weighted[..., : steps * step].reshape(-1, steps, step)
    # Summed in float64 (einsum casts a chunk at a time: no float64 copy of the signal).
    if gain is None:
        powers: npt.NDArray[np.float64] = np.einsum("cij,cij->i", frames, frames, dtype=np.float64)
        return powers
    gains = gain[: steps * step].reshape(steps, step)
    powers = np.empty(steps, dtype=np.float64)
    # A few seconds at a time: the gained copy stays in the CPU's cache (a whole one is 64 MB of
    # fresh memory for a 3-minute mix, and page faults cost more than the arithmetic).
    for lo in range(0, steps, GAIN_CHUNK_STEPS):
        hi = min(steps, lo + GAIN_CHUNK_STEPS)
        gained = frames[:, lo:hi] * gains[lo:hi]
        powers[lo:hi] = np.einsum("cij,cij->i", gained, gained, dtype=np.float64)
    return powers


def gated_loudness(powers: npt.NDArray[np.float64], sample_rate: int) -> float:
    """Integrated loudness (LUFS) from `step_powers`; -inf for silence or under 400 ms."""
    step = round(STEP_S * sample_rate)
    if len(powers) < BLOCK_STEPS:
        return -math.inf
    cumulative = np.concatenate(([0.0], np.cumsum(powers)))
    summed = (cumulative[BLOCK_STEPS:] - cumulative[:-BLOCK_STEPS]) / (BLOCK_STEPS * step)
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10 * np.log10(summed)
    gated = summed[block_lufs > ABSOLUTE_GATE_LUFS]
    if len(gated) == 0:
        return -math.inf
    relative_gate = -0.691 + 10 * math.log10(float(gated.mean())) + RELATIVE_GATE_LU
    gated = summed[(block_lufs > ABSOLUTE_GATE_LUFS) & (block_lufs > relative_gate)]
    return -0.691 + 10 * math.log10(float(gated.mean()))


def integrated_loudness(audio: Signal, sample_rate: int) -> float:
    return gated_loudness(step_powers(k_weighted(audio, sample_rate), sample_rate), sample_rate)


def block_peaks(audio: Signal, size: int = LIMITER_FRAME) -> npt.NDArray[np.float32]:
    """The largest |sample| of each `size`-frame block of (channels, frames) `audio`, over all
    channels (a last partial block included). A gain scales them with it, so a caller trying
    several gains measures once."""
    whole = audio.shape[-1] // size * size
    blocks = audio[:, :whole].reshape(audio.shape[0], -1, size)  # a view: no copy of the audio
    peaks = np.maximum(blocks.max(axis=2), -blocks.min(axis=2)).max(axis=0)
    if whole < audio.shape[-1]:
        tail = audio[:, whole:]
        peaks = np.append(peaks, max(float(tail.max()), -float(tail.min())))
    result: npt.NDArray[np.float32] = peaks.astype(np.float32, copy=False)
    return result


def limiter_gain(audio: Signal, ceiling: float) -> npt.NDArray[np.float32] | None:
    """A gain per frame (≤ 1) that keeps every sample of (channels, frames) `audio` at or under
    `ceiling`; None when no sample goes over."""
    return peak_limiter_gain(block_peaks(audio), audio.shape[-1], ceiling)


def peak_limiter_gain(
    peaks: npt.NDArray[np.floating], frames: int, ceiling: float
) -> npt.NDArray[np.float32] | None:
    """`limiter_gain` from the `block_peaks` of audio `frames` long.

    The gain each 256-frame block needs is spread to its neighbours (one block before: the
    look-ahead; `LIMITER_HOLD_FRAMES` after: the hold) and interpolated linearly between block
    centres. Both centres around any sample belong to blocks whose spread includes that sample's
    block, so the gain never exceeds what the sample needs, and it moves in ramps, not steps.
    """
    size = LIMITER_FRAME
    blocks = len(peaks)
    need = np.minimum(1.0, ceiling / np.maximum(peaks.astype(np.float64), 1e-12))
    if need.min() >= 1.0:
        return None
    spread = need.copy()
    ahead = np.concatenate((np.ones(LIMITER_HOLD_FRAMES), need, np.ones(1)))
    for shift in range(LIMITER_HOLD_FRAMES + 2):  # blocks k-hold … k+1 around block k
        np.minimum(spread, ahead[shift : shift + blocks], out=spread)
    return centre_ramps(spread.astype(np.float32), size, frames)


def centre_ramps(
    values: npt.NDArray[np.float32], size: int, frames: int
) -> npt.NDArray[np.float32]:
    """One value per `size`-frame block → one per frame, linear from block centre to block
    centre (flat before the first centre and after the last): `np.interp` over the frames,
    without searching for each frame's neighbours."""
    blocks = len(values)
    ramp = np.arange(size, dtype=np.float32) / np.float32(size)
    half = size // 2
    out = np.empty(max(blocks * size, frames), dtype=np.float32)
    out[:half] = values[0]
    between = out[half : half + (blocks - 1) * size].reshape(blocks - 1, size)
    np.multiply((values[1:] - values[:-1])[:, None], ramp, out=between)  # centre to centre
    between += values[:-1, None]
    out[half + (blocks - 1) * size :] = values[-1]
    return out[:frames]
