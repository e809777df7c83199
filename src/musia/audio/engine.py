"""Musia's synthesis engine: a patch (data, `musia/audio/patches/*.toml`) and a pitch → one mono
note, in numpy and scipy, whole arrays at a time (no per-sample Python).

Three kinds of patch:

- **drum**: layers mixed and driven: a sine or triangle whose pitch falls from `start_hz` to
  `end_hz` (kicks, toms, snare bodies), band-passed noise (snares, claps with `bursts`, hats,
  cymbals), and `metal`, six detuned square waves FM'd against each other (808-style hats,
  cowbells). Each layer has its own decay (time to -60 dB).
- **tone**: oscillators (saw, square, sine, triangle, noise; unison `voices` spread in cents,
  `octave` offsets), a resonant low-pass whose cut-off follows the key and an envelope (acid,
  plucks, stabs), an ADSR, drive (tanh: the 808's harmonics), a pitch drop at the start. A
  `sustained` tone is rendered long enough to hold a steady stretch that becomes its loop:
  the loop's end is cross-faded with what precedes its start, so the jump back is seamless.
- the fx notes use both: an impact is a drum, a riser a sustained noise tone that the build's
  filter automation opens.

Every random choice comes from a generator seeded by the patch's name: a patch always renders
to the same samples.
"""

from __future__ import annotations

import itertools
import math
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 44_100
Mono = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
FILTER_BLOCK = 128  # frames a swept filter keeps its coefficients for
LOOP_FADE_S = 0.25  # the cross-fade that makes a sustain loop seamless
DENORMAL_GUARD = 1e-15
CUTOFF_STEP = 0.01  # a swept filter's coefficients change where log(cut-off) crosses a step


@dataclass(frozen=True, slots=True)
class Rendered:
    """One note of a patch: the samples and, for a sustained sound, its loop (frames)."""

    audio: Mono
    loop: tuple[int, int] | None = None


def render_note(name: str, patch: dict[str, Any], pitch: int) -> Rendered:
    """`patch` played at MIDI `pitch`, peak-normalised to -1 dBFS."""
    rng = np.random.default_rng(zlib.crc32(f"{name}|{pitch}".encode()))
    kind = patch.get("kind", "tone")
    if kind == "drum":
        return Rendered(_normalised(_drum(patch, pitch, rng)))
    if kind == "tone":
        return _tone(patch, pitch, rng)
    raise ValueError(f"patch {name!r}: unknown kind {kind!r}")


def hz(pitch: float) -> float:
    return float(440.0 * 2.0 ** ((pitch - 69) / 12))


def _time(seconds: float) -> F64:
    return np.arange(max(1, round(seconds * SAMPLE_RATE))) / SAMPLE_RATE


def _decay(t: F64, decay_s: float) -> F64:
    """Falls 60 dB in `decay_s`."""
    return np.exp(-6.91 * t / max(decay_s, 1e-4))


def _band(signal: F64, low_hz: float, high_hz: float, order: int = 2) -> F64:
    from scipy.signal import butter, sosfilt

    nyquist = SAMPLE_RATE / 2
    high_hz = min(high_hz, nyquist * 0.95) if high_hz > 0 else 0.0
    if low_hz > 0 and high_hz > 0:
        sos = butter(order, [low_hz, high_hz], "bandpass", fs=SAMPLE_RATE, output="sos")
    elif low_hz > 0:
        sos = butter(order, low_hz, "highpass", fs=SAMPLE_RATE, output="sos")
    elif high_hz > 0:
        sos = butter(order, high_hz, "lowpass", fs=SAMPLE_RATE, output="sos")
    else:
        return signal
    filtered: F64 = sosfilt(sos, signal)
    return filtered


def _wave(shape: str, cycles: F64, out: F64 | None = None) -> F64:
    """A naive waveform from a phase in cycles, into `out` (a fresh buffer when None; not
    `cycles` itself). The saw and square are rounded a little (a one-pole smoothing follows in
    the tone's filter, and aliasing above 10 kHz is faint). In place, because a fresh
    multi-megabyte buffer costs more in page faults than the arithmetic it holds."""
    if out is None:
        out = np.empty_like(cycles)
    if shape not in ("saw", "square", "triangle"):
        np.multiply(cycles, 2 * np.pi, out=out)
        return np.sin(out, out=out)
    frac = np.subtract(cycles, np.floor(cycles, out=out), out=out)
    if shape == "saw":
        frac *= 2.0
        frac -= 1.0
    elif shape == "square":
        np.less(frac, 0.5, out=frac, casting="unsafe")
        frac *= 2.0
        frac -= 1.0
    else:
        frac -= 0.5
        np.abs(frac, out=frac)
        frac *= 4.0
        frac -= 1.0
    return frac


# --- drums -------------------------------------------------------------------------------------


def _drum(patch: dict[str, Any], pitch: int, rng: np.random.Generator) -> F64:
    t = _time(float(patch.get("length_s", 0.5)))
    # A pitched drum (toms, percussion) follows the key from its root; a kit piece stays put.
    ratio = 2.0 ** ((pitch - patch["root"]) / 12) if "root" in patch else 1.0
    out = np.zeros_like(t)
    for layer in patch["layers"]:
        out += float(layer.get("level", 1.0)) * _layer(layer, t, ratio, rng)
    drive = float(patch.get("drive", 1.0))
    return np.tanh(drive * out) / math.tanh(drive) if drive > 1.0 else out


def _layer(layer: dict[str, Any], t: F64, ratio: float, rng: np.random.Generator) -> F64:
    source = layer.get("source", "sine")
    envelope = _decay(t, float(layer.get("decay_s", 0.2)))
    attack = float(layer.get("attack_s", 0.0))
    if attack > 0:
        envelope *= np.clip(t / attack, 0.0, 1.0)
    if source in ("sine", "triangle"):
        start, end = float(layer["start_hz"]) * ratio, float(layer.get("end_hz", 0) or 0) * ratio
        end = end or start
        freq = end + (start - end) * np.exp(-t / max(float(layer.get("sweep_s", 0.03)), 1e-4))
        signal = _wave(source, np.cumsum(freq) / SAMPLE_RATE)
    elif source == "metal":
        base = float(layer.get("start_hz", 400.0)) * ratio
        ratios = layer.get("ratios", [1.0, 1.4471, 1.6170, 1.9265, 2.5028, 2.6637])
        signal = np.zeros_like(t)
        for r in ratios:
            signal += _wave("square", base * r * t + rng.random())
        signal /= len(ratios)
    else:
        signal = rng.standard_normal(len(t))
        bursts = int(layer.get("bursts", 1))
        if bursts > 1:  # a clap: several hands a few ms apart, then the room
            gap = float(layer.get("burst_gap_s", 0.011))
            starts = np.arange(bursts)[:, None] * gap
            shots = np.where(t >= starts, _decay(np.maximum(t - starts, 0), 0.012), 0.0).max(0)
            envelope = np.maximum(envelope * 0.6, shots) * np.clip(t / 1e-3, 0, 1)
            envelope *= np.where(t >= bursts * gap, _decay(t, float(layer["decay_s"])), 1.0)
    signal = _band(signal, float(layer.get("low_hz", 0)), float(layer.get("high_hz", 0)))
    result: F64 = signal * envelope
    return result


# --- tones -------------------------------------------------------------------------------------


def _tone(patch: dict[str, Any], pitch: int, rng: np.random.Generator) -> Rendered:
    sustained = bool(patch.get("sustained", False))
    attack, decay = float(patch.get("attack_s", 0.002)), float(patch.get("decay_s", 0.3))
    steady_s = attack + decay + float(patch.get("env_decay_s", 0.2)) * 2
    loop_s = float(patch.get("loop_s", 1.0))
    length_s = steady_s + loop_s + 0.05 if sustained else float(patch.get("length_s", 1.0))
    t = _time(length_s)
    freq = hz(pitch) * np.ones_like(t)
    drop = float(patch.get("pitch_drop", 0.0))  # semitones above the note it starts at
    if drop:
        freq *= 2.0 ** (drop * _decay(t, float(patch.get("pitch_drop_s", 0.05))) / 12)
    signal = np.zeros_like(t)
    for osc in patch.get("oscillators", [{"wave": "saw"}]):
        signal += float(osc.get("level", 1.0)) * _oscillator(osc, freq, t, rng)
    signal = _filter(signal, patch, pitch, t)
    sustain = float(patch.get("sustain", 1.0))
    amp = sustain + (1.0 - sustain) * _decay(t, decay)
    amp *= np.clip(t / max(attack, 1e-4), 0.0, 1.0)
    signal *= amp
    drive = float(patch.get("drive", 1.0))
    if drive > 1.0:
        signal = np.tanh(drive * signal) / math.tanh(drive)
    if not sustained:
        return Rendered(_normalised(signal))
    start = round(steady_s * SAMPLE_RATE)
    end = start + round(loop_s * SAMPLE_RATE)
    audio = _normalised(signal[:end], fade=False)  # the loop's end must stay as it is
    return Rendered(seamless_loop(audio, start, end), (start, end))


def _oscillator(osc: dict[str, Any], freq: F64, t: F64, rng: np.random.Generator) -> F64:
    shape = str(osc.get("wave", "saw"))
    if shape == "noise":
        return rng.standard_normal(len(t))
    voices = int(osc.get("voices", 1))
    spread = float(osc.get("spread_cents", 0.0))
    base = freq * 2.0 ** (float(osc.get("octave", 0)) + float(osc.get("detune_cents", 0)) / 1200)
    cycles = np.cumsum(base) / SAMPLE_RATE
    if voices == 1:
        return _wave(shape, cycles)
    out, voice, wave = np.zeros_like(t), np.empty_like(t), np.empty_like(t)
    for cents in np.linspace(-spread, spread, voices):
        np.multiply(cycles, 2.0 ** (cents / 1200), out=voice)
        voice += rng.random()
        out += _wave(shape, voice, out=wave)
    out /= math.sqrt(voices)
    return out


def _filter(signal: F64, patch: dict[str, Any], pitch: int, t: F64) -> F64:
    """The resonant low-pass: `cutoff_hz` at middle C, moved by `key_track` (1: with the key)
    and by an envelope that adds `env_hz` at the start and decays over `env_decay_s`."""
    cutoff = float(patch.get("cutoff_hz", 0.0))
    if cutoff <= 0:
        return signal
    cutoff *= 2.0 ** (float(patch.get("key_track", 0.5)) * (pitch - 60) / 12)
    env = float(patch.get("env_hz", 0.0)) * _decay(t, float(patch.get("env_decay_s", 0.2)))
    q = 0.707 + 12.0 * float(patch.get("resonance", 0.0)) ** 2
    return swept_low_pass(signal, (cutoff + env)[::FILTER_BLOCK], q)


def swept_low_pass(signal: F64, cutoff_hz: F64 | float, q: float, block: int = FILTER_BLOCK) -> F64:
    """An RBJ low-pass biquad whose cut-off may move: `cutoff_hz` is one value, or one per
    `block` frames; the coefficients change where it crosses a 1 % step (a slow sweep moves
    less than that from one block to the next, but crosses steps all the same), the filter's
    state carried across (a stretch where it does not move is one call)."""
    from scipy.signal import lfilter

    blocks = -(-len(signal) // block)
    per_block = np.clip(
        np.broadcast_to(np.asarray(cutoff_hz, dtype=np.float64), (blocks,)),
        20.0,
        SAMPLE_RATE * 0.45,
    )
    moved = np.flatnonzero(np.diff(np.round(np.log(per_block) / CUTOFF_STEP))) + 1
    bounds = [0, *(moved * block).tolist(), len(signal)]
    out = np.empty_like(signal)
    state = np.zeros(2)
    for lo, hi in itertools.pairwise(bounds):
        b, a = low_pass_coefficients(float(per_block[lo // block]), q)
        out[lo:hi], state = lfilter(b, a, signal[lo:hi] + DENORMAL_GUARD, zi=state)
    return out


def low_pass_coefficients(cutoff_hz: float, q: float) -> tuple[F64, F64]:
    w0 = 2.0 * math.pi * min(max(cutoff_hz, 20.0), SAMPLE_RATE * 0.45) / SAMPLE_RATE
    alpha, cos_w0 = math.sin(w0) / (2.0 * q), math.cos(w0)
    a0 = 1.0 + alpha
    b = np.array([(1 - cos_w0) / 2, 1 - cos_w0, (1 - cos_w0) / 2]) / a0
    return b, np.array([1.0, -2 * cos_w0 / a0, (1 - alpha) / a0])


def seamless_loop(audio: Mono, start: int, end: int) -> Mono:
    """The loop [start, end) made seamless: its last `LOOP_FADE_S` fade into the frames that lead
    up to `start`, so playing on from `end` back to `start` continues as the sound did."""
    fade = min(round(LOOP_FADE_S * SAMPLE_RATE), start, (end - start) // 2)
    out = audio[:end].copy()
    if fade <= 0:
        return out
    ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
    out[end - fade : end] = (
        audio[end - fade : end] * (1 - ramp) + audio[start - fade : start] * ramp
    )
    return out


def _normalised(signal: F64, peak: float = 0.89, *, fade: bool = True) -> Mono:
    """Peak at `peak`, and a 3 ms fade-out so that a one-shot never ends on a click."""
    top = float(np.max(np.abs(signal))) if len(signal) else 0.0
    out = (signal * (peak / top if top > 0 else 1.0)).astype(np.float32)
    if fade:
        frames = min(len(out), round(0.003 * SAMPLE_RATE))
        out[len(out) - frames :] *= np.linspace(1.0, 0.0, frames, dtype=np.float32)
    return out
