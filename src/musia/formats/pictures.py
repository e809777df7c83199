"""Pictures the web studio shows, drawn into RGB arrays and written as PNG: a part's piano
roll (time across, pitch up, bar lines and section markers) and an audio file's waveform."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from musia.formats.png import encode_rgb

Pixels = npt.NDArray[np.uint8]
BACKGROUND = (24, 26, 33)
LANE = (32, 35, 44)  # the rows of black keys
BAR_LINE = (58, 62, 76)
MARKER = (240, 180, 60)
NOTE_SOFT, NOTE_LOUD = (70, 120, 200), (120, 210, 255)
WAVE = (110, 200, 160)
AXIS = (70, 74, 88)
BLACK_KEYS = {1, 3, 6, 8, 10}
MIN_WIDTH_PX, MAX_WIDTH_PX = 64, 4096
MIN_HEIGHT_PX, MAX_HEIGHT_PX = 32, 1024


@dataclass(frozen=True, slots=True)
class RollNote:
    start_beats: float  # from the start of the arrangement
    duration_beats: float
    pitch: int
    velocity: float  # 1-127


def _canvas(height: int, width: int, colour: tuple[int, int, int]) -> Pixels:
    pixels = np.empty((height, width, 3), dtype=np.uint8)
    pixels[:, :] = colour
    return pixels


def _check_size(width_px: int, height_px: int) -> None:
    if not (MIN_WIDTH_PX <= width_px <= MAX_WIDTH_PX):
        raise ValueError(f"width must be {MIN_WIDTH_PX}-{MAX_WIDTH_PX} px")
    if not (MIN_HEIGHT_PX <= height_px <= MAX_HEIGHT_PX):
        raise ValueError(f"height must be {MIN_HEIGHT_PX}-{MAX_HEIGHT_PX} px")


def piano_roll(
    notes: Sequence[RollNote],
    length_beats: float,
    *,
    bar_beats: float = 4.0,
    markers_beats: Iterable[float] = (),
    width_px: int = 960,
    row_px: int = 4,
) -> bytes:
    """PNG of the notes between the lowest and highest pitch played (at least an octave)."""
    low = min((n.pitch for n in notes), default=60)
    high = max((n.pitch for n in notes), default=71)
    if high - low < 11:
        low = max(0, min(low, high - 11))
        high = min(127, low + 11)
    rows = high - low + 1
    height = max(MIN_HEIGHT_PX, min(MAX_HEIGHT_PX, rows * row_px))
    _check_size(width_px, height)
    row_px = max(1, height // rows)
    pixels = _canvas(height, width_px, BACKGROUND)
    for pitch in range(low, high + 1):
        if pitch % 12 in BLACK_KEYS:
            top = height - (pitch - low + 1) * row_px
            pixels[max(0, top) : top + row_px, :] = LANE
    length = max(length_beats, max((n.start_beats + n.duration_beats for n in notes), default=0))
    per_beat = width_px / max(length, bar_beats)
    _vertical_lines(pixels, per_beat, np.arange(0.0, length, max(bar_beats, 0.25)), BAR_LINE)
    for note in notes:
        x0 = int(note.start_beats * per_beat)
        x1 = max(x0 + 1, int((note.start_beats + note.duration_beats) * per_beat) - 1)
        top = height - (note.pitch - low + 1) * row_px
        loud = min(1.0, max(0.0, note.velocity / 127.0))
        colour = [round(s + (e - s) * loud) for s, e in zip(NOTE_SOFT, NOTE_LOUD, strict=True)]
        pixels[max(0, top) : top + max(1, row_px - 1), max(0, x0) : min(width_px, x1)] = colour
    _vertical_lines(pixels, per_beat, list(markers_beats), MARKER)
    return encode_rgb(pixels)


def _vertical_lines(
    pixels: Pixels, per_beat: float, beats: Iterable[float], colour: tuple[int, int, int]
) -> None:
    width = pixels.shape[1]
    for beat in beats:
        x = int(beat * per_beat)
        if 0 <= x < width:
            pixels[:, x] = colour


def waveform(
    samples: npt.NDArray[np.floating], *, width_px: int = 960, height_px: int = 160
) -> bytes:
    """PNG of the peaks (min and max of each column's samples), channels mixed to mono."""
    _check_size(width_px, height_px)
    signal = np.asarray(samples, dtype=np.float32)
    mono = signal.mean(axis=1) if signal.ndim == 2 else signal
    pixels = _canvas(height_px, width_px, BACKGROUND)
    middle = height_px // 2
    pixels[middle, :] = AXIS
    if mono.size == 0:
        return encode_rgb(pixels)
    edges = np.linspace(0, mono.size, width_px + 1).astype(np.int64)
    half = (height_px - 2) / 2
    for x in range(width_px):
        chunk = mono[edges[x] : max(edges[x] + 1, edges[x + 1])]
        top = middle - int(np.clip(float(chunk.max()), -1.0, 1.0) * half)
        bottom = middle - int(np.clip(float(chunk.min()), -1.0, 1.0) * half)
        pixels[max(0, top) : min(height_px, bottom + 1), x] = WAVE
    return encode_rgb(pixels)
