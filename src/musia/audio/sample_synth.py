"""Drum and instrument one-shots that Musia synthesises itself (numpy + scipy), deterministic.

Each voice is a recipe of the classic analogue kind (a swept sine for a kick, a tone plus noise
for a snare, six detuned square waves for a metallic hat, a bank of saws for a pad) whose knobs
are drawn from a seeded generator. The same recipes make the starter pack (`musia samples
starter`) and, with other seeds, the training set of the shipped sample classifier, so neither
needs a sound that somebody else recorded.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Mono = npt.NDArray[np.float32]
Rng = np.random.Generator
SAMPLE_RATE = 44100
_SR = SAMPLE_RATE


def _t(duration_s: float) -> npt.NDArray[np.float64]:
    return np.arange(round(duration_s * _SR)) / _SR


def _decay(t: npt.NDArray[np.float64], time_s: float) -> npt.NDArray[np.float64]:
    """An exponential fall reaching -60 dB after `time_s`."""
    return np.exp(-6.91 * t / time_s)


def _noise(rng: Rng, frames: int) -> npt.NDArray[np.float64]:
    return rng.standard_normal(frames)


def _band(
    signal: npt.NDArray[np.float64], low_hz: float, high_hz: float
) -> npt.NDArray[np.float64]:
    from scipy.signal import butter, sosfilt

    nyquist = _SR / 2
    if low_hz <= 0:
        sos = butter(2, min(high_hz, nyquist * 0.95), "lowpass", fs=_SR, output="sos")
    elif high_hz >= nyquist * 0.95:
        sos = butter(2, low_hz, "highpass", fs=_SR, output="sos")
    else:
        sos = butter(2, [low_hz, high_hz], "bandpass", fs=_SR, output="sos")
    filtered: npt.NDArray[np.float64] = sosfilt(sos, signal)
    return filtered


def _sweep(
    t: npt.NDArray[np.float64], start_hz: float, end_hz: float, time_s: float
) -> npt.NDArray[np.float64]:
    """Phase of a sine whose pitch falls exponentially from `start_hz` towards `end_hz`."""
    freq = end_hz + (start_hz - end_hz) * np.exp(-t / time_s)
    return 2 * np.pi * np.cumsum(freq) / _SR


def _saw(phase_cycles: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return 2.0 * (phase_cycles % 1.0) - 1.0


def _finish(signal: npt.NDArray[np.float64], peak: float = 0.89) -> Mono:
    """Peak-normalised to about -1 dBFS with a 2 ms fade-out so no file ends on a click."""
    fade = min(len(signal), round(0.002 * _SR))
    signal = signal.copy()
    signal[len(signal) - fade :] *= np.linspace(1.0, 0.0, fade)
    top = float(np.max(np.abs(signal))) or 1.0
    return (signal * (peak / top)).astype(np.float32)


def kick(rng: Rng) -> Mono:
    length_s = rng.uniform(0.3, 0.9)
    t = _t(length_s)
    body = np.sin(_sweep(t, rng.uniform(120, 260), rng.uniform(42, 62), rng.uniform(0.015, 0.05)))
    body *= _decay(t, length_s)
    click = _band(_noise(rng, len(t)), 1500, 6000) * _decay(t, rng.uniform(0.004, 0.012))
    drive = rng.uniform(1.0, 4.0)
    return _finish(np.tanh(drive * (body + rng.uniform(0.05, 0.3) * click)))


def snare(rng: Rng) -> Mono:
    length_s = rng.uniform(0.18, 0.45)
    t = _t(length_s)
    pitch_hz = rng.uniform(160, 260)
    tone = np.sin(_sweep(t, pitch_hz * 1.6, pitch_hz, 0.01)) + 0.5 * np.sin(
        2 * np.pi * pitch_hz * 1.47 * t
    )
    tone *= _decay(t, rng.uniform(0.06, 0.15))
    wires = _band(_noise(rng, len(t)), rng.uniform(1200, 2500), rng.uniform(7000, 12000))
    wires *= _decay(t, length_s)
    mix = rng.uniform(0.25, 0.6)  # the share of the wires: a snare's body is a drum's
    return _finish((1 - mix) * tone + mix * 2.0 * wires)


def clap(rng: Rng) -> Mono:
    length_s = rng.uniform(0.2, 0.45)
    t = _t(length_s)
    noise = _band(_noise(rng, len(t)), rng.uniform(700, 1100), rng.uniform(2500, 5000))
    envelope = np.zeros_like(t)
    spacing_s = rng.uniform(0.007, 0.013)
    bursts = int(rng.integers(3, 5))
    for index in range(bursts):
        start = round(index * spacing_s * _SR)
        envelope[start:] = np.maximum(envelope[start:], _decay(t[: len(t) - start], 0.02))
    tail_start = round(bursts * spacing_s * _SR)
    envelope[tail_start:] = np.maximum(
        envelope[tail_start:], 0.6 * _decay(t[: len(t) - tail_start], length_s)
    )
    return _finish(noise * envelope)


def _metal(rng: Rng, t: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Six square waves at inharmonic ratios, the TR-808's cymbal and hat source."""
    base_hz = rng.uniform(280, 420)
    ratios = np.array([1.0, 1.5, 1.73, 1.94, 2.53, 2.66]) * rng.uniform(0.97, 1.03, 6)
    return sum((np.sign(np.sin(2 * np.pi * base_hz * r * t)) for r in ratios), np.zeros_like(t))


def _hat(rng: Rng, length_s: float) -> Mono:
    t = _t(length_s)
    # Cymbal bronze rings from about 2 kHz up; a thin 6 kHz+ hiss is only one kind of hat.
    source = rng.uniform(0.2, 0.6) * _metal(rng, t) + rng.uniform(0.5, 1.5) * _noise(rng, len(t))
    bright = _band(source, rng.uniform(1800, 7000), _SR / 2)
    return _finish(bright * _decay(t, length_s))


def hat_closed(rng: Rng) -> Mono:
    return _hat(rng, rng.uniform(0.04, 0.12))


def hat_open(rng: Rng) -> Mono:
    return _hat(rng, rng.uniform(0.35, 0.9))


def cymbal(rng: Rng) -> Mono:
    length_s = rng.uniform(1.5, 3.0)
    t = _t(length_s)
    source = 0.3 * _metal(rng, t) + _noise(rng, len(t))
    wash = _band(source, rng.uniform(3000, 5000), _SR / 2) * _decay(t, length_s)
    ping = np.sin(2 * np.pi * rng.uniform(500, 900) * t) * _decay(t, length_s * 0.6)
    return _finish(wash + rng.uniform(0.0, 0.4) * ping)


def tom(rng: Rng) -> Mono:
    length_s = rng.uniform(0.3, 0.8)
    t = _t(length_s)
    pitch_hz = rng.uniform(80, 240)
    body = np.sin(_sweep(t, pitch_hz * 1.5, pitch_hz, 0.04)) * _decay(t, length_s)
    skin = _band(_noise(rng, len(t)), 300, 3000) * _decay(t, 0.04)
    return _finish(body + rng.uniform(0.05, 0.2) * skin)


def perc(rng: Rng) -> Mono:
    """One of four hand-percussion recipes: cowbell, clave, shaker, conga."""
    recipes: list[Callable[[Rng], Mono]] = [_cowbell, _clave, _shaker, _conga]
    return recipes[int(rng.integers(len(recipes)))](rng)


def _cowbell(rng: Rng) -> Mono:
    t = _t(rng.uniform(0.25, 0.5))
    base_hz = rng.uniform(520, 600)
    tone = np.sign(np.sin(2 * np.pi * base_hz * t)) + np.sign(
        np.sin(2 * np.pi * base_hz * 1.48 * t)
    )
    return _finish(_band(tone, 400, 3000) * _decay(t, len(t) / _SR))


def _clave(rng: Rng) -> Mono:
    t = _t(0.12)
    return _finish(
        np.sin(2 * np.pi * rng.uniform(1800, 2800) * t) * _decay(t, rng.uniform(0.04, 0.1))
    )


def _shaker(rng: Rng) -> Mono:
    length_s = rng.uniform(0.12, 0.25)
    t = _t(length_s)
    envelope = np.sin(np.pi * t / length_s) ** rng.uniform(1.5, 3.0)
    return _finish(_band(_noise(rng, len(t)), 4000, 12000) * envelope)


def _conga(rng: Rng) -> Mono:
    t = _t(rng.uniform(0.2, 0.4))
    pitch_hz = rng.uniform(260, 420)
    slap = _band(_noise(rng, len(t)), 1000, 5000) * _decay(t, 0.01)
    body = np.sin(_sweep(t, pitch_hz * 1.2, pitch_hz, 0.01)) * _decay(t, len(t) / _SR)
    return _finish(body + 0.3 * slap)


def _lowpass_saw(
    rng: Rng, pitch_hz: float, t: npt.NDArray[np.float64], cutoff_hz: float
) -> npt.NDArray[np.float64]:
    detune = rng.uniform(0.995, 1.005)
    wave = _saw(pitch_hz * t) + _saw(pitch_hz * detune * t)
    return _band(wave, 0, cutoff_hz)


def _adsr(t: npt.NDArray[np.float64], attack_s: float, release_s: float) -> npt.NDArray[np.float64]:
    length_s = float(t[-1]) if len(t) else 0.0
    rise = np.clip(t / attack_s, 0.0, 1.0)
    fall = np.clip((length_s - t) / release_s, 0.0, 1.0)
    return rise * fall


def bass(rng: Rng) -> Mono:
    """A low synth note: either a filtered saw or an 808-style long sine with drive."""
    length_s = rng.uniform(0.7, 1.6)
    t = _t(length_s)
    pitch_hz = 440.0 * 2 ** ((int(rng.integers(28, 46)) - 69) / 12)  # E1..A#2
    if rng.random() < 0.5:
        tone = _lowpass_saw(rng, pitch_hz, t, rng.uniform(250, 700)) * _adsr(t, 0.005, 0.05)
    else:
        tone = np.tanh(rng.uniform(1.0, 2.5) * np.sin(_sweep(t, pitch_hz * 1.3, pitch_hz, 0.03)))
        tone *= _decay(t, length_s * 1.4)
    return _finish(tone)


def lead(rng: Rng) -> Mono:
    length_s = rng.uniform(0.5, 1.2)
    t = _t(length_s)
    pitch_hz = 440.0 * 2 ** ((int(rng.integers(60, 84)) - 69) / 12)
    vibrato = 1 + 0.006 * np.sin(2 * np.pi * 5.5 * t) * np.clip(t / 0.3, 0, 1)
    phase = np.cumsum(pitch_hz * vibrato) / _SR
    wave = _saw(phase) if rng.random() < 0.5 else np.sign(np.sin(2 * np.pi * phase))
    return _finish(_band(wave, 0, rng.uniform(2500, 6000)) * _adsr(t, 0.01, 0.08))


def pad(rng: Rng) -> Mono:
    length_s = rng.uniform(2.0, 3.5)
    t = _t(length_s)
    root = int(rng.integers(45, 60))
    chord = (0, 3, 7, 10) if rng.random() < 0.5 else (0, 4, 7, 11)
    voices = [
        _lowpass_saw(rng, 440.0 * 2 ** ((root + step - 69) / 12), t, rng.uniform(900, 1800))
        for step in chord
    ]
    return _finish(sum(voices, np.zeros_like(t)) * _adsr(t, rng.uniform(0.3, 0.8), 0.6))


def fx(rng: Rng) -> Mono:
    """A riser (noise swept up), a zap (a fast downward sweep) or an impact (boom and noise)."""
    choice = int(rng.integers(3))
    if choice == 0:
        length_s = rng.uniform(1.5, 3.0)
        t = _t(length_s)
        noise = _noise(rng, len(t))
        halves = np.array_split(noise, 16)
        swept = [_band(h, 300 * 2 ** (i / 3), 20000) for i, h in enumerate(halves)]
        return _finish(np.concatenate(swept) * (t / length_s) ** 2)
    if choice == 1:
        t = _t(rng.uniform(0.15, 0.4))
        return _finish(
            np.sin(_sweep(t, rng.uniform(2000, 5000), 80, 0.03)) * _decay(t, len(t) / _SR)
        )
    t = _t(rng.uniform(1.5, 2.5))
    boom = np.sin(_sweep(t, 90, 35, 0.3)) * _decay(t, len(t) / _SR)
    return _finish(boom + 0.5 * _band(_noise(rng, len(t)), 200, 8000) * _decay(t, 0.8))


VOICES: dict[str, Callable[[Rng], Mono]] = {
    "kick": kick,
    "snare": snare,
    "clap": clap,
    "hat": hat_closed,
    "open hat": hat_open,
    "cymbal": cymbal,
    "tom": tom,
    "perc": perc,
    "bass": bass,
    "lead": lead,
    "pad": pad,
    "fx": fx,
}
"""The recipes by name; "open hat" is a hat of the `hat` class with a long tail."""


def varied(sound: Mono, rng: Rng) -> Mono:
    """The same hit as another drum, room and microphone would give it: tuned 0.8-1.25x, tilted
    by a first-order shelf, often with a short noise-tail room, over a faint noise floor. The
    training set learns from these so that the model hears past the synth's clean recipes."""
    from scipy.signal import fftconvolve

    signal = sound.astype(np.float64)
    speed = rng.uniform(0.8, 1.25)
    frames = max(16, int(len(signal) / speed))
    signal = np.interp(np.arange(frames) * speed, np.arange(len(signal)), signal)
    signal = signal + rng.uniform(-0.7, 1.0) * _band(signal, 0, rng.uniform(300, 4000))
    if rng.random() < 0.7:
        room_s = rng.uniform(0.05, 0.5)
        t = _t(room_s)
        response = _noise(rng, len(t)) * _decay(t, room_s)
        response /= np.sqrt(np.sum(response**2))
        signal = signal + rng.uniform(0.05, 0.4) * fftconvolve(signal, response)[: len(signal)]
    floor = float(np.max(np.abs(signal))) * 10 ** (rng.uniform(-75, -50) / 20)
    return _finish(signal + floor * _noise(rng, len(signal)))


def voice_class(voice: str) -> str:
    return "hat" if voice == "open hat" else voice


def render_voice(voice: str, seed: int) -> Mono:
    """One sound of a recipe; the same voice and seed give the same samples."""
    return VOICES[voice](np.random.default_rng([seed, sorted(VOICES).index(voice)]))
