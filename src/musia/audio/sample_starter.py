"""The starter pack: a small sample library Musia synthesises itself, so a fresh install has one.

36 mono 44.1 kHz 16-bit WAV files in one folder per class — kicks, snares, claps, closed and open
hats, cymbals, toms, percussion, bass, lead and pad one-shots, effects — and two loops at a known
tempo (a drum loop at 124 BPM, a chord loop at 120 BPM in A minor) whose names say so. The same
version of Musia writes the same bytes. Files already in the folder are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from musia.audio.sample_synth import SAMPLE_RATE, Mono, render_voice

# (folder, label, synth voice, how many); seeds are 1..count, the training set uses others.
PACK: tuple[tuple[str, str, str, int], ...] = (
    ("Kicks", "Kick", "kick", 4),
    ("Snares", "Snare", "snare", 4),
    ("Claps", "Clap", "clap", 3),
    ("Hats", "Closed Hat", "hat", 3),
    ("Hats", "Open Hat", "open hat", 2),
    ("Cymbals", "Cymbal", "cymbal", 2),
    ("Toms", "Tom", "tom", 3),
    ("Percussion", "Perc", "perc", 4),
    ("Bass", "Bass", "bass", 3),
    ("Leads", "Lead", "lead", 2),
    ("Pads", "Pad", "pad", 2),
    ("FX", "FX", "fx", 2),
)
DRUM_LOOP_BPM = 124.0
CHORD_LOOP_BPM = 120.0
CHORD_LOOP_KEY = (9, "minor")  # A minor
DRUM_LOOP_NAME = "Loops/Musia Drum Loop 124 BPM.wav"
CHORD_LOOP_NAME = "Loops/Musia Chord Loop 120 BPM A minor.wav"


@dataclass
class StarterReport:
    folder: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def starter_sounds() -> dict[str, tuple[str, Mono]]:
    """Relative path → (the class the file must be indexed as, samples)."""
    sounds: dict[str, tuple[str, Mono]] = {}
    for folder, label, voice, count in PACK:
        for number in range(1, count + 1):
            expected = "hat" if voice == "open hat" else voice
            sounds[f"{folder}/Musia {label} {number:02d}.wav"] = (
                expected,
                render_voice(voice, number),
            )
    sounds[DRUM_LOOP_NAME] = ("loop", drum_loop(DRUM_LOOP_BPM))
    sounds[CHORD_LOOP_NAME] = ("loop", chord_loop(CHORD_LOOP_BPM))
    return sounds


def write_starter_pack(folder: Path) -> StarterReport:
    from musia.audio.io import write_audio

    folder = Path(folder)
    report = StarterReport(folder)
    for relative, (_, samples) in starter_sounds().items():
        path = folder / relative
        if path.exists():
            report.kept.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        report.written.append(write_audio(path, samples[:, None], SAMPLE_RATE))
    return report


def _place(buffer: npt.NDArray[np.float64], sound: Mono, start_s: float, gain: float) -> None:
    start = round(start_s * SAMPLE_RATE)
    end = min(len(buffer), start + len(sound))
    buffer[start:end] += gain * sound[: end - start]


def drum_loop(bpm: float, bars: int = 2) -> Mono:
    """Four-on-the-floor kick, snare on 2 and 4, closed hats on the eighths, open hat off-beat."""
    beat_s = 60.0 / bpm
    buffer = np.zeros(round(bars * 4 * beat_s * SAMPLE_RATE))
    kick, snare = render_voice("kick", 1), render_voice("snare", 1)
    hat, open_hat = render_voice("hat", 1), render_voice("open hat", 1)
    for beat in range(bars * 4):
        _place(buffer, kick, beat * beat_s, 1.0)
        if beat % 2 == 1:
            _place(buffer, snare, beat * beat_s, 0.7)
        _place(buffer, hat, beat * beat_s, 0.3)
        _place(buffer, open_hat[: round(0.5 * beat_s * SAMPLE_RATE)], (beat + 0.5) * beat_s, 0.25)
    return _normalised(buffer)


def chord_loop(bpm: float) -> Mono:
    """i – iv – v – i in A minor (Am, Dm, Em, Am), one bar each, saw chords over a bass root."""
    beat_s = 60.0 / bpm
    bar_s = 4 * beat_s
    chords = ((57, 60, 64), (62, 65, 69), (64, 67, 71), (57, 60, 64))
    buffer = np.zeros(round(len(chords) * bar_s * SAMPLE_RATE))
    t = np.arange(round(bar_s * SAMPLE_RATE)) / SAMPLE_RATE
    envelope = np.minimum(1.0, t / 0.02) * np.minimum(1.0, (bar_s - t) / 0.05)
    for index, chord in enumerate(chords):
        tone = np.zeros_like(t)
        for note in (*chord, chord[0] - 12):
            freq = 440.0 * 2 ** ((note - 69) / 12)
            tone += sum(np.sin(2 * np.pi * freq * h * t) / h for h in range(1, 6))
        for beat in range(4):  # a pulse on every beat gives the loop its tempo
            start = round(beat * beat_s * SAMPLE_RATE)
            tone[start:] *= 1.0 - 0.5 * np.exp(-(t[: len(t) - start]) / 0.08)
        _place(buffer, (tone * envelope).astype(np.float32), index * bar_s, 1.0)
    return _normalised(buffer)


def _normalised(buffer: npt.NDArray[np.float64]) -> Mono:
    peak = float(np.max(np.abs(buffer))) or 1.0
    return (buffer * (0.89 / peak)).astype(np.float32)
