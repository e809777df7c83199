"""Synthesised test signals whose tempo and key are known by construction."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from musia.core.model import Song
from musia.formats.preview import Preview, render_song
from tests.helpers import make_song

RATE = 22_050
Samples = npt.NDArray[np.float32]  # (frames, channels)


def clicks(bpm: float, seconds: float, rate: int = RATE, *, ticks: bool = False) -> Samples:
    """A kick-like thump on every beat (with `ticks`, a soft noise tick on every off-beat)."""
    frames = round(seconds * rate)
    out = np.zeros(frames, dtype=np.float32)
    t = np.arange(round(0.12 * rate)) / rate
    kick = (np.sin(2 * np.pi * 60 * t * (1 + 2 * np.exp(-t * 40))) * np.exp(-t * 30)).astype(
        np.float32
    )
    tick = (np.random.default_rng(1).normal(0, 0.2, len(t)) * np.exp(-t * 200)).astype(np.float32)
    period = 60.0 / bpm
    for index in range(int(seconds / period * 2)):
        start = round(index * period / 2 * rate)
        if index % 2 and not ticks:
            continue
        sound = kick if index % 2 == 0 else tick
        end = min(frames, start + len(sound))
        out[start:end] += sound[: end - start]
    return (0.5 * out)[:, None]


def tone(pitches: list[int], seconds: float, rate: int = RATE) -> npt.NDArray[np.float32]:
    """Harmonic tones (five partials, falling 1/n) for MIDI `pitches`, with a soft envelope."""
    t = np.arange(round(seconds * rate)) / rate
    out = np.zeros(len(t))
    for pitch in pitches:
        f0 = 440.0 * 2 ** ((pitch - 69) / 12)
        for n in range(1, 6):
            if n * f0 < rate / 2:
                out += np.sin(2 * np.pi * n * f0 * t) / n
    envelope = np.minimum(1.0, t / 0.02) * np.minimum(1.0, (t[-1] - t) / 0.05)
    return (out * envelope / max(1, len(pitches)) * 0.3).astype(np.float32)


def cadence(
    tonic_midi: int, mode: str, repeats: int = 3, rate: int = RATE, *, chord_s: float = 0.5
) -> Samples:
    """I–IV–V–I (i–iv–V–i in minor) with the bass on the roots, `chord_s` a chord."""
    third = 4 if mode == "major" else 3
    chords = [(0, third, 7), (5, 5 + third, 12), (7, 11, 14), (0, third, 7)]
    pieces = []
    for _ in range(repeats):
        for chord in chords:
            pitches = [tonic_midi + 12 + step for step in chord] + [tonic_midi - 12 + chord[0]]
            pieces.append(tone(pitches, chord_s, rate))
    return np.concatenate(pieces)[:, None]


def rendered(style: str = "house", seed: int = 3, **fields: object) -> tuple[Song, Preview]:
    song = make_song(style, seed, **fields)
    return song, render_song(song)
