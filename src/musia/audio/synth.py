"""A SoundFont sampler in numpy: each note is rendered whole (sample playback with loops, pitch,
volume envelope, low-pass filter swept by the modulation envelope, pan) and added into the
track's buffer.

Rendering note by note rather than block by block keeps Python out of the inner loop, and a voice
that repeats (a drum hit, a chord tone on every bar) is rendered once and copied, whatever its
velocity. Every voice ends: its note-off starts the release, a release is cut at `MAX_RELEASE_S`,
and the track buffer has a fixed length, so nothing can hang. On the drum channel a one-shot
sample plays to its end whatever the note length (as General MIDI drum kits do); a looped drum
sample (open hat, crash) stops at its note-off with its release, and the next sample of the same
exclusive class chokes it (a closed hat cuts the open one).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from musia.audio.soundfont import Envelope, Region, SoundFont

Audio = npt.NDArray[np.float32]  # (2, frames): stereo, channels first
Mono = npt.NDArray[np.float32]

MAX_RELEASE_S = 4.0  # a release longer than this is cut: the preview tail is bounded
CHOKE_S = 0.005  # the fade of a voice cut short (choked, or at the end of the track)
SILENCE_DB = -100.0
FILTER_STEP_CENTS = 150.0  # a swept filter changes its coefficients after this much movement,
FILTER_MIN_FRAMES = 1024  # and at most this often
_FILTER_OFF_CENTS = 13500.0
DENORMAL_GUARD = np.float32(1e-15)  # keeps a filter fed silence out of slow subnormal numbers
_LN10_20 = math.log(10.0) / 20.0


@dataclass(frozen=True, slots=True)
class NoteEvent:
    """A note in seconds, as the synth plays it."""

    start_s: float
    duration_s: float
    pitch: int
    velocity: int


@dataclass(frozen=True, slots=True)
class _Voice:
    start: int  # frame in the track
    region: Region
    pitch: int
    velocity: int
    gate: int  # frames until the note-off; -1: a one-shot that plays to the end of its sample
    limit: int  # frames after which it is cut (choked, or the end of the track)


def render_track(
    font: SoundFont,
    notes: Sequence[NoteEvent],
    *,
    program: int,
    drums: bool,
    frames: int,
    sample_rate: int,
    pan: float = 0.0,
) -> Audio:
    """Every note of one part into a (2, frames) stereo buffer. `pan` is -1 … +1."""
    regions = font.regions(program, drums=drums)
    voices = _choke(_voices(regions, notes, drums, frames, sample_rate), sample_rate)
    out = np.zeros((2, frames), dtype=np.float32)
    cache: dict[tuple[int, int, int, int], Mono] = {}
    for voice in voices:
        length = _length(voice, sample_rate)
        if length <= 0:
            continue
        key = (id(voice.region), voice.pitch, voice.gate, length)
        mono = cache.get(key)
        if mono is None:
            mono = cache[key] = _render_voice(font, voice, length, sample_rate)
        left, right = _gains(voice, pan)
        end = voice.start + len(mono)
        out[0, voice.start : end] += mono * left
        out[1, voice.start : end] += mono * right
    return out


def _voices(
    regions: Sequence[Region],
    notes: Sequence[NoteEvent],
    drums: bool,
    frames: int,
    sample_rate: int,
) -> list[_Voice]:
    voices = []
    for note in sorted(notes, key=lambda n: (n.start_s, n.pitch)):
        start = round(note.start_s * sample_rate)
        if start >= frames:
            continue
        gate = max(1, round(note.duration_s * sample_rate))
        for region in regions:
            if region.matches(note.pitch, note.velocity):
                one_shot = drums and not region.loops
                gate_frames = -1 if one_shot else gate
                voices.append(
                    _Voice(start, region, note.pitch, note.velocity, gate_frames, frames - start)
                )
    return voices


def _choke(voices: list[_Voice], sample_rate: int) -> list[_Voice]:
    """A voice is cut where the next voice of its exclusive class starts (the hi-hat rule)."""
    next_start: dict[int, int] = {}
    result = []
    for voice in reversed(voices):  # sorted by start: walk back, remembering the next start
        klass = voice.region.exclusive_class
        choked = voice
        if klass and next_start.get(klass, voice.start) > voice.start:
            cut = next_start[klass] - voice.start + round(CHOKE_S * sample_rate)
            choked = replace(voice, limit=min(voice.limit, cut))
        if klass:
            next_start[klass] = voice.start
        result.append(choked)
    result.reverse()
    return result


def _step(region: Region, pitch: int, sample_rate: int) -> float:
    """Source frames per output frame."""
    key = region.fixed_key if region.fixed_key >= 0 else pitch
    cents = (key - region.root_key) * region.scale_tuning + region.tune_cents
    return float(2.0 ** (cents / 1200.0) * region.sample_rate / sample_rate)


def _length(voice: _Voice, sample_rate: int) -> int:
    region = voice.region
    if voice.gate < 0:
        length = voice.limit
    else:
        release = min(region.release_s, MAX_RELEASE_S)
        length = min(voice.limit, voice.gate + max(1, round(release * sample_rate)))
    if not region.loops:  # a one-shot sample ends with its data
        length = min(
            length, int((region.end - 1 - region.start) / _step(region, voice.pitch, sample_rate))
        )
    return length


def _gains(voice: _Voice, track_pan: float) -> tuple[float, float]:
    """Velocity (40 dB over the MIDI range), the region's attenuation and an equal-power pan."""
    region = voice.region
    velocity_db = 40.0 * math.log10(voice.velocity / 127.0)
    gain = 10.0 ** ((velocity_db - region.attenuation_db) / 20.0)
    position = min(0.5, max(-0.5, region.pan + track_pan / 2.0))
    angle = (position + 0.5) * math.pi / 2.0
    return gain * math.cos(angle), gain * math.sin(angle)


def _render_voice(font: SoundFont, voice: _Voice, length: int, sample_rate: int) -> Mono:
    region = voice.region
    mono = _play_sample(font.samples, region, _step(region, voice.pitch, sample_rate), length)
    key = region.fixed_key if region.fixed_key >= 0 else voice.pitch
    t = np.arange(length, dtype=np.float32) / np.float32(sample_rate)
    if region.filtered:
        mono = _low_pass(
            mono, region, _mod_envelope(region.mod_env, t, voice.gate, key), sample_rate
        )
    mono *= _volume_envelope(region, t, voice.gate, key)
    if voice.limit <= length:  # cut short: fade instead of clicking
        fade = min(length, round(CHOKE_S * sample_rate))
        mono[length - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return mono


def _play_sample(samples: Mono, region: Region, step: float, length: int) -> Mono:
    """Read the sample at `step` source frames per output frame, looping when the region does,
    with linear interpolation."""
    position = region.start + step * np.arange(length, dtype=np.float64)
    if region.loops:
        loop_length = region.loop_end - region.loop_start
        past = position >= region.loop_end
        position[past] = region.loop_start + np.mod(position[past] - region.loop_start, loop_length)
    index = np.floor(position).astype(np.int64)
    fraction = (position - index).astype(np.float32)
    np.clip(index, 0, len(samples) - 2, out=index)
    now = samples[index]
    result: Mono = now + (samples[index + 1] - now) * fraction
    return result


def _volume_envelope(
    region: Region, t: npt.NDArray[np.float32], gate: int, key: int
) -> npt.NDArray[np.float32]:
    """Delay, linear attack, hold, a decay of 100 dB per decay time down to the sustain level,
    and from the note-off a release of 100 dB per release time."""
    hold = region.hold_s * 2.0 ** (region.key_to_hold * (60 - key) / 1200.0)
    decay = region.decay_s * 2.0 ** (region.key_to_decay * (60 - key) / 1200.0)
    decay_start = region.delay_s + region.attack_s + hold
    level_db = np.maximum(t - np.float32(decay_start), 0.0) * np.float32(-100.0 / max(decay, 1e-3))
    np.maximum(level_db, np.float32(-region.sustain_db), out=level_db)
    attack = _attack(region.delay_s, region.attack_s, t)
    if 0 <= gate < len(t):
        reached_db = float(level_db[gate]) + 20.0 * math.log10(max(float(attack[gate]), 1e-5))
        rate = -100.0 / max(min(region.release_s, MAX_RELEASE_S), 1e-3)
        level_db[gate:] = np.float32(reached_db) + (t[gate:] - t[gate]) * np.float32(rate)
        attack[gate:] = 1.0
    np.maximum(level_db, np.float32(SILENCE_DB), out=level_db)
    gain: npt.NDArray[np.float32] = np.exp(level_db * np.float32(_LN10_20)) * attack
    return gain


def _attack(delay_s: float, attack_s: float, t: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    if attack_s > 0:
        ramp: npt.NDArray[np.float32] = np.clip(
            (t - np.float32(delay_s)) / np.float32(attack_s), 0.0, 1.0
        )
        return ramp
    return (t >= np.float32(delay_s)).astype(np.float32)


def _mod_envelope(
    env: Envelope, t: npt.NDArray[np.float32], gate: int, key: int
) -> npt.NDArray[np.float32]:
    """The modulation envelope, linear 0 … 1: attack, hold, decay to sustain, release."""
    hold = env.hold_s * 2.0 ** (env.key_to_hold * (60 - key) / 1200.0)
    decay = max(env.decay_s * 2.0 ** (env.key_to_decay * (60 - key) / 1200.0), 1e-3)
    decay_start = env.delay_s + env.attack_s + hold
    level = 1.0 - np.maximum(t - np.float32(decay_start), 0.0) / np.float32(decay)
    np.maximum(level, np.float32(env.sustain), out=level)
    level *= _attack(env.delay_s, env.attack_s, t)
    if 0 <= gate < len(t):
        release = max(env.release_s, 1e-3)
        level[gate:] = float(level[gate]) - (t[gate:] - t[gate]) / np.float32(release)
    result: npt.NDArray[np.float32] = np.maximum(level, 0.0)
    return result


def _low_pass(
    mono: Mono, region: Region, mod_env: npt.NDArray[np.float32], sample_rate: int
) -> Mono:
    """The region's resonant low-pass (RBJ biquad), its cut-off moved by the modulation envelope:
    piecewise constant, with new coefficients each time it has moved `FILTER_STEP_CENTS` (and
    `FILTER_MIN_FRAMES` have passed)."""
    from scipy.signal import lfilter

    cents = region.filter_cents + region.mod_env_to_filter * mod_env
    top = 1200.0 * math.log2(0.45 * sample_rate / 8.176)
    cents = np.minimum(cents, np.float32(min(top, _FILTER_OFF_CENTS)))
    steps = np.floor(cents / FILTER_STEP_CENTS)
    bounds = [0]
    for change in (np.flatnonzero(np.diff(steps)) + 1).tolist():
        if change - bounds[-1] >= FILTER_MIN_FRAMES:
            bounds.append(change)
    bounds.append(len(mono))
    q = max(0.7071, 10.0 ** (region.filter_q_db / 20.0) * 0.7071)
    out = np.empty_like(mono)
    state = np.zeros(2)
    for lo, hi in itertools.pairwise(bounds):
        b, a = _biquad(8.176 * 2.0 ** (float(cents[lo]) / 1200.0), q, sample_rate)
        out[lo:hi], state = lfilter(b, a, mono[lo:hi] + DENORMAL_GUARD, zi=state)
    return out


def _biquad(
    cutoff_hz: float, q: float, sample_rate: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """RBJ low-pass coefficients (b, a), normalised so that a[0] = 1."""
    w0 = 2.0 * math.pi * cutoff_hz / sample_rate
    alpha, cos_w0 = math.sin(w0) / (2.0 * q), math.cos(w0)
    a0 = 1.0 + alpha
    b = np.array([(1 - cos_w0) / 2, 1 - cos_w0, (1 - cos_w0) / 2]) / a0
    return b, np.array([1.0, -2 * cos_w0 / a0, (1 - alpha) / a0])
