"""Pictures drawn into RGB arrays and written as PNG: a part's piano roll (time across, pitch up,
bar lines and section markers) and an audio file's waveform for the web studio, and the whole
song at a glance (`song_roll`: every part in its colour, its automation, the sections named)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from musia.core.model import Song, Track
from musia.formats.font import draw_text, text_width
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
ROLL_GUTTER_PX = 24  # note names ("C-1" is 17 px wide) left of a labelled roll
ROLL_RULER_PX = 11  # bar numbers above it


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
    labels: bool = False,
) -> bytes:
    """PNG of the notes between the lowest and highest pitch played (at least an octave).

    With `labels` (the studio's), a ruler on top numbers the bars and a gutter on the left names
    every C (C4 = middle C), and the time axis is exactly `length_beats` from `ROLL_GUTTER_PX`
    to the right edge, so a player's position maps onto it (notes past the end are cut)."""
    low = min((n.pitch for n in notes), default=60)
    high = max((n.pitch for n in notes), default=71)
    if high - low < 11:
        low = max(0, min(low, high - 11))
        high = min(127, low + 11)
    rows = high - low + 1
    top_px, left_px = (ROLL_RULER_PX, ROLL_GUTTER_PX) if labels else (0, 0)
    height = max(MIN_HEIGHT_PX, min(MAX_HEIGHT_PX, rows * row_px + top_px))
    _check_size(width_px, height)
    row_px = max(1, (height - top_px) // rows)
    pixels = _canvas(height, width_px, BACKGROUND)
    roll = pixels[top_px:, left_px:]  # a view: the notes' area
    for pitch in range(low, high + 1):
        if pitch % 12 in BLACK_KEYS:
            top = roll.shape[0] - (pitch - low + 1) * row_px
            roll[max(0, top) : top + row_px, :] = LANE
    notes_end = max((n.start_beats + n.duration_beats for n in notes), default=0)
    length = length_beats if labels and length_beats > 0 else max(length_beats, notes_end)
    per_beat = roll.shape[1] / max(length, bar_beats)
    _vertical_lines(roll, per_beat, np.arange(0.0, length, max(bar_beats, 0.25)), BAR_LINE)
    for note in notes:
        x0 = int(note.start_beats * per_beat)
        x1 = max(x0 + 1, int((note.start_beats + note.duration_beats) * per_beat) - 1)
        top = roll.shape[0] - (note.pitch - low + 1) * row_px
        loud = min(1.0, max(0.0, note.velocity / 127.0))
        colour = [round(s + (e - s) * loud) for s, e in zip(NOTE_SOFT, NOTE_LOUD, strict=True)]
        roll[max(0, top) : top + max(1, row_px - 1), max(0, x0) : min(roll.shape[1], x1)] = colour
    _vertical_lines(roll, per_beat, list(markers_beats), MARKER)
    if labels:
        _bar_numbers(pixels, per_beat, length, bar_beats)
        _note_names(pixels, low, high, row_px)
    return encode_rgb(pixels)


def _bar_numbers(pixels: Pixels, per_beat: float, length_beats: float, bar_beats: float) -> None:
    """Every bar numbered from 1, or every 2nd, 4th… when the bars are too narrow for it."""
    bar_px = bar_beats * per_beat
    widest = text_width(str(max(1, math.ceil(length_beats / bar_beats))))
    step = next((n for n in (1, 2, 4, 8, 16, 32, 64) if n * bar_px >= widest + 4), 128)
    for bar in range(0, max(1, math.ceil(length_beats / bar_beats - 1e-9)), step):
        x = ROLL_GUTTER_PX + int(bar * bar_px)
        pixels[:ROLL_RULER_PX, x] = BAR_LINE
        if x + 2 + text_width(str(bar + 1)) <= pixels.shape[1]:
            draw_text(pixels, str(bar + 1), x + 2, 2, AXIS_TEXT)


def _note_names(pixels: Pixels, low: int, high: int, row_px: int) -> None:
    """Each C's name beside its row (C4 = middle C = MIDI 60), and a tick at the row."""
    bottom = pixels.shape[0]
    for pitch in range(low, high + 1):
        if pitch % 12:
            continue
        row_top = bottom - (pitch - low + 1) * row_px
        y = min(max(ROLL_RULER_PX, row_top + row_px // 2 - 3), bottom - 7)
        draw_text(pixels, _note_name(pitch), 1, y, AXIS_TEXT)
        pixels[max(ROLL_RULER_PX, row_top) : row_top + row_px, ROLL_GUTTER_PX - 3 :
               ROLL_GUTTER_PX] = AXIS_TEXT  # fmt: skip


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


# --- the whole song ---------------------------------------------------------------------------

HEADER_PX = 22  # section bands with their names, then bar numbers
LANE_GAP_PX = 3
ENVELOPE_PX = 16  # the strip under a lane that holds automation
PART_COLOURS = {
    "drums": (200, 200, 210),
    "bass": (255, 140, 60),
    "chords": (120, 220, 110),
    "pad": (90, 170, 255),
    "lead": (255, 95, 170),
    "fx": (240, 220, 80),
}
OTHER_COLOUR = (180, 160, 255)
ENERGY_BANDS = ((40, 44, 56), (52, 74, 110), (92, 84, 150), (170, 70, 110))  # energy 0..3
# Sections named for their role get that role's colour, whatever energy a file says.
SECTION_BANDS = {
    "intro": (60, 66, 84),
    "outro": (60, 66, 84),
    "verse": (52, 90, 120),
    "build": (170, 120, 50),
    "swell": (170, 120, 50),
    "break": (50, 80, 150),
    "bridge": (50, 80, 150),
    "drop": (180, 60, 100),
    "chorus": (180, 60, 100),
    "peak": (180, 60, 100),
}
PHRASE_LINE, SECTION_LINE = (48, 52, 66), (150, 156, 180)
CUTOFF_LINE, BEND_LINE = (250, 210, 70), (240, 90, 240)
TEXT = (235, 238, 245)
AXIS_TEXT = (140, 146, 166)
MAX_SONG_HEIGHT_PX = 2048
_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def song_roll(song: Song, *, width_px: int = 2400) -> bytes:
    """PNG of a whole song: one lane per part in its colour (drums a row per drum, the others
    their pitch range), automation drawn under its lane, and the sections as bands on top with
    their names and a line down through every lane; faint lines every 8 bars."""
    _check_size(width_px, MIN_HEIGHT_PX)
    lanes = [_lane_layout(track) for track in song.tracks]
    height = HEADER_PX + sum(lane.height + LANE_GAP_PX for lane in lanes)
    height = min(MAX_SONG_HEIGHT_PX, max(MIN_HEIGHT_PX, height))
    pixels = _canvas(height, width_px, BACKGROUND)
    per_beat = width_px / max(song.length_beats, song.bar_beats)
    _phrase_lines(pixels, song, per_beat)
    _header(pixels, song, per_beat)
    top = HEADER_PX
    for track, lane in zip(song.tracks, lanes, strict=True):
        _draw_lane(pixels, track, lane, top, per_beat)
        top += lane.height + LANE_GAP_PX
    section_x = [int(s.start_bar * song.bar_beats * per_beat) for s in song.sections[1:]]
    for x in section_x:
        pixels[:, min(x, width_px - 1)] = SECTION_LINE
    return encode_rgb(pixels)


@dataclass(frozen=True, slots=True)
class _Lane:
    rows: tuple[int, ...]  # pitches, bottom row first
    row_px: int
    notes_px: int
    envelopes: bool

    @property
    def height(self) -> int:
        return self.notes_px + (ENVELOPE_PX if self.envelopes else 0)


def _lane_layout(track: Track) -> _Lane:
    pitches = sorted({n.pitch for c in track.clips for n in c.notes})
    if not track.is_drums and pitches:
        pitches = list(range(pitches[0], pitches[-1] + 1))
    rows = tuple(pitches) or (60,)
    row_px = 7 if track.is_drums else max(2, min(5, 150 // len(rows)))
    envelopes = any(c.envelopes for c in track.clips)
    return _Lane(rows, row_px, max(24, len(rows) * row_px), envelopes)


def _draw_lane(pixels: Pixels, track: Track, lane: _Lane, top: int, per_beat: float) -> None:
    # A song read from a MIDI file knows its parts only by their track names.
    colour = PART_COLOURS.get(track.part) or PART_COLOURS.get(track.name.lower(), OTHER_COLOUR)
    row_of = {pitch: i for i, pitch in enumerate(lane.rows)}
    bottom = top + lane.notes_px
    width = pixels.shape[1]
    for note in track.absolute_notes():
        y1 = bottom - row_of.get(note.pitch, 0) * lane.row_px
        y0 = max(top, y1 - max(1, lane.row_px - 1))
        x0 = int(note.start_beats * per_beat)
        x1 = max(x0 + 1, int(note.end_beats * per_beat))
        loud = 0.45 + 0.55 * note.velocity / 127
        shade = tuple(round(c * loud) for c in colour)
        pixels[y0:y1, max(0, x0) : min(width, x1)] = shade
    label = f"{track.name} {_note_name(lane.rows[0])}-{_note_name(lane.rows[-1])}"
    label = track.name if track.is_drums else label
    pixels[top : top + 11, 0 : text_width(label) + 6] = BACKGROUND
    draw_text(pixels, label, 3, top + 2, colour)
    if lane.envelopes:
        _draw_envelopes(pixels, track, bottom, per_beat)


def _draw_envelopes(pixels: Pixels, track: Track, top: int, per_beat: float) -> None:
    """Cutoff as a line from the strip's floor (closed) to its top (open); pitch bend about its
    middle, a semitone a pixel."""
    pixels[top : top + ENVELOPE_PX, :] = LANE
    width = pixels.shape[1]
    middle = top + ENVELOPE_PX // 2
    for clip in track.clips:
        x0 = int(clip.start_beats * per_beat)
        x1 = min(width, int((clip.start_beats + clip.length_beats) * per_beat))
        for envelope in clip.envelopes:
            for x in range(max(0, x0), x1):
                value = envelope.value_at(x / per_beat - clip.start_beats)
                if envelope.parameter == "cutoff":
                    y = top + ENVELOPE_PX - 1 - round(value * (ENVELOPE_PX - 2))
                    pixels[y, x] = CUTOFF_LINE
                else:
                    y = middle - round(max(-7.0, min(7.0, value)))
                    pixels[min(y, middle) : max(y, middle) + 1, x] = BEND_LINE


def _header(pixels: Pixels, song: Song, per_beat: float) -> None:
    width = pixels.shape[1]
    for section in song.sections:
        x0 = int(section.start_bar * song.bar_beats * per_beat)
        x1 = min(width, int((section.start_bar + section.bars) * song.bar_beats * per_beat))
        band = SECTION_BANDS.get(section.name, ENERGY_BANDS[max(0, min(3, section.energy))])
        pixels[0:12, x0:x1] = band
        pixels[0:12, x0] = BACKGROUND
        name = section.name.upper()
        if text_width(name) + 4 <= x1 - x0:
            draw_text(pixels, name, x0 + 3, 2, TEXT)
    for bar in range(0, song.bars, 16):
        draw_text(pixels, str(bar + 1), int(bar * song.bar_beats * per_beat) + 2, 13, AXIS_TEXT)


def _phrase_lines(pixels: Pixels, song: Song, per_beat: float) -> None:
    width = pixels.shape[1]
    for bar in range(0, song.bars, 8):
        x = int(bar * song.bar_beats * per_beat)
        if 0 <= x < width:
            pixels[HEADER_PX:, x] = PHRASE_LINE


def _note_name(pitch: int) -> str:
    return f"{_NAMES[pitch % 12]}{pitch // 12 - 1}"
