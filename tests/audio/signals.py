"""Synthesised test signals whose tempo and key are known by construction."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from musia.core.model import Song
from musia.production.render import Preview, render_song
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


def metronome(bpm: float, seconds: float, rate: int = RATE) -> Samples:
    """A metronome: a 30 ms 880 Hz click on every beat, every click alike, the first at 0 s."""
    out = np.zeros(round(seconds * rate), dtype=np.float32)
    length = round(0.03 * rate)
    click = (np.sin(2 * np.pi * 880 * np.arange(length) / rate) * np.hanning(length)).astype(
        np.float32
    )
    for start_s in np.arange(0.0, seconds, 60.0 / bpm):
        start = round(start_s * rate)
        end = min(len(out), start + length)
        out[start:end] += 0.8 * click[: end - start]
    return out[:, None]


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


def saw(
    pitch: int, seconds: float, rate: int = RATE, partials: int = 12
) -> npt.NDArray[np.float32]:
    """A bright synth-bass note: a sawtooth of `partials` harmonics (the n-th at 1/n), whose
    third and fifth partials (a fifth and a major third above) are as strong as in a real one."""
    t = np.arange(round(seconds * rate)) / rate
    f0 = 440.0 * 2 ** ((pitch - 69) / 12)
    out = sum(
        np.sin(2 * np.pi * n * f0 * t) / n for n in range(1, partials + 1) if n * f0 < rate / 2
    )
    envelope = np.minimum(1.0, t / 0.01) * np.exp(-t * 1.5)
    return (0.4 * out * envelope).astype(np.float32)


# Chord roots (semitones over the tonic) of loops as club tracks play them.
MINOR_LOOP = (0, 5, 8, 7)  # i – iv – VI – v
MAJOR_LOOP = (0, 7, 9, 5)  # I – V – vi – IV


def club_loop(tonic_midi: int, mode: str, bpm: float = 124.0, bars: int = 4,
              rate: int = RATE) -> Samples:  # fmt: skip
    """A bass-led loop: a sawtooth bass on the chord roots in octave 1–2 (eighth notes) under a
    soft sine triad, a bar per chord. It starts on the second chord, as a loop cut anywhere does,
    so nothing depends on where it begins or ends."""
    scale = (0, 2, 3, 5, 7, 8, 10) if mode == "minor" else (0, 2, 4, 5, 7, 9, 11)
    roots = MINOR_LOOP if mode == "minor" else MAJOR_LOOP
    bar_s, eighth_s = 240.0 / bpm, 30.0 / bpm
    pieces = []
    for bar in range(bars):
        degree = scale.index(roots[(bar + 1) % len(roots)])
        triad = [scale[(degree + step) % 7] + 12 * ((degree + step) // 7) for step in (0, 2, 4)]
        pad = tone([tonic_midi + 12 + pc for pc in triad], bar_s, rate) * 0.5
        bass = np.concatenate([saw(tonic_midi - 12 + triad[0], eighth_s, rate) for _ in range(8)])
        length = min(len(pad), len(bass))
        pieces.append(pad[:length] + bass[:length])
    return np.concatenate(pieces)[:, None]


# i7 – VImaj7 – VII – i7: a minor key voiced with its relative major's chords (in G minor, Gm7
# is Bb6 and Ebmaj7, F are Bb major's IV and V); only the bass says which is home.
RELATIVE_LOOP = ((0, 3, 7, 10), (8, 0, 3, 7), (10, 2, 5, 9), (0, 3, 7, 10))
BASS_STEPS = (0, 3, 4, 7, 8, 12, 14)  # sixteenths of a bar a deep-house bass plays on


def relative_loop(tonic_pc: int, bpm: float = 122.0, bars: int = 8,
                  rate: int = RATE) -> Samples:  # fmt: skip
    """`RELATIVE_LOOP` as a pad around G3–F#4 over a short-note sawtooth bass on the chord roots
    in octave 2 (C2–B2: sixteenths and eighths, whose low notes smear a semitone either side),
    with house drums as loud as the music."""
    bar_s, step_s = 240.0 / bpm, 15.0 / bpm
    pieces = []
    for bar in range(bars):
        chord = RELATIVE_LOOP[bar % len(RELATIVE_LOOP)]
        pad = tone([55 + (tonic_pc + pc - 55) % 12 for pc in chord], bar_s, rate) * 0.6
        root = 36 + (tonic_pc + chord[0]) % 12
        bass = np.zeros(len(pad), dtype=np.float32)
        for step in BASS_STEPS:
            note = saw(root, step_s * (1 if step % 2 else 2), rate)
            start = round(step * step_s * rate)
            bass[start : start + len(note)] += note[: len(bass) - start]
        pieces.append(pad + bass)
    music = np.concatenate(pieces)[:, None]
    drums = drum_groove(bpm, len(music) / rate, kicks=(0, 4, 8, 12), snares=(4, 12),
                        hats=(2, 6, 10, 14), rate=rate)  # fmt: skip
    return music + 2.0 * drums[: len(music)]


def drum_groove(bpm: float, seconds: float, *, kicks: tuple[int, ...], snares: tuple[int, ...],
                hats: tuple[int, ...], rate: int = RATE) -> Samples:  # fmt: skip
    """A drum loop on a 16-step bar: a pitched-down sine kick, a noise snare and short high
    hat ticks on the given steps."""
    frames = round(seconds * rate)
    out = np.zeros(frames, dtype=np.float32)
    noise = np.random.default_rng(5)
    t = np.arange(round(0.15 * rate)) / rate
    kick = np.sin(2 * np.pi * 50 * t * (1 + 1.5 * np.exp(-t * 30))) * np.exp(-t * 20)
    body = noise.normal(0, 0.3, len(t)) * np.exp(-t * 25)
    snare = body + 0.3 * np.sin(2 * np.pi * 190 * t) * np.exp(-t * 30)
    hat = np.diff(noise.normal(0, 0.2, len(t) + 1)) * np.exp(-t * 150)
    step_s = 15.0 / bpm
    for step in range(int(seconds / step_s)):
        start = round(step * step_s * rate)
        for steps, sound in ((kicks, kick), (snares, snare), (hats, hat)):
            if step % 16 in steps:
                end = min(frames, start + len(sound))
                out[start:end] += sound[: end - start].astype(np.float32)
    return (0.4 * out)[:, None]
