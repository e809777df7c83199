"""Loudness (ITU-R BS.1770-4 integrated, in LUFS) and a look-ahead peak limiter, in numpy.

The measurement is split so that a mix can be measured without filtering it again: K-weighting is
linear, so the K-weighted mix is the gain-weighted sum of the K-weighted stems, and the power of
every 100 ms step (a quarter of a 400 ms gating block) is all the gate needs. pyloudnorm, the
reference implementation, agrees to 0.01 LU (tests/audio/test_loudness.py).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Signal = npt.NDArray[np.floating]  # (channels, frames)
STEP_S = 0.1  # the gating blocks (400 ms) overlap by 75 %: they are four 100 ms steps
BLOCK_STEPS = 4
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


def k_weighted(audio: Signal, sample_rate: int) -> npt.NDArray[np.float64]:
    from scipy.signal import sosfilt

    # A filter fed digital silence decays into subnormal numbers, which the CPU handles 30 times
    # slower; an offset far below hearing (the high-pass removes it) keeps the state normal.
    signal = np.asarray(audio, dtype=np.float64) + DENORMAL_GUARD
    weighted: npt.NDArray[np.float64] = sosfilt(k_weighting_sos(sample_rate), signal, axis=-1)
    return weighted


def step_powers(weighted: Signal, sample_rate: int) -> npt.NDArray[np.float64]:
    """Sum of squares per 100 ms step, all channels added (each weighs 1.0 in BS.1770 when there
    is no surround): one value per step. A last partial step is dropped, as BS.1770 drops a
    partial block."""
    step = round(STEP_S * sample_rate)
    steps = weighted.shape[-1] // step
    frames = np.asarray(weighted[..., : steps * step], dtype=np.float64).reshape(-1, steps, step)
    powers: npt.NDArray[np.float64] = np.einsum("cij,cij->i", frames, frames)
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


def limiter_gain(audio: Signal, ceiling: float) -> npt.NDArray[np.float32] | None:
    """A gain per frame (≤ 1) that keeps every sample of (channels, frames) `audio` at or under
    `ceiling`; None when no sample goes over.

    The gain each 256-frame block needs is spread to its neighbours (one block before: the
    look-ahead; `LIMITER_HOLD_FRAMES` after: the hold) and interpolated linearly between block
    centres. Both centres around any sample belong to blocks whose spread includes that sample's
    block, so the gain never exceeds what the sample needs, and it moves in ramps, not steps.
    """
    frames = audio.shape[-1]
    size = LIMITER_FRAME
    blocks = -(-frames // size)
    padded = np.zeros((audio.shape[0], blocks * size), dtype=np.float32)
    padded[:, :frames] = audio
    shaped = padded.reshape(audio.shape[0], blocks, size)
    block_peak = np.maximum(shaped.max(axis=(0, 2)), -shaped.min(axis=(0, 2)))
    need = np.minimum(1.0, ceiling / np.maximum(block_peak, 1e-12))
    if need.min() >= 1.0:
        return None
    spread = need.copy()
    ahead = np.concatenate((np.ones(LIMITER_HOLD_FRAMES), need, np.ones(1)))
    for shift in range(LIMITER_HOLD_FRAMES + 2):  # blocks k-hold … k+1 around block k
        np.minimum(spread, ahead[shift : shift + blocks], out=spread)
    spread = spread.astype(np.float32)
    ramp = np.arange(size, dtype=np.float32) / np.float32(size)
    between = spread[:-1, None] + (spread[1:] - spread[:-1])[:, None] * ramp  # centre to centre
    half = size // 2
    gain = np.concatenate(
        (np.full(half, spread[0]), between.ravel(), np.full(size - half, spread[-1]))
    )
    return gain[:frames]
