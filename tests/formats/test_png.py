"""The PNG writer and the pictures drawn with it."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from musia.formats.pictures import (
    AXIS_TEXT,
    BACKGROUND,
    MARKER,
    PART_COLOURS,
    ROLL_GUTTER_PX,
    ROLL_RULER_PX,
    SECTION_BANDS,
    SECTION_LINE,
    WAVE,
    RollNote,
    piano_roll,
    song_roll,
    waveform,
)
from musia.formats.png import SIGNATURE, decode_rgb, encode_rgb
from tests.helpers import make_song


def test_pixels_round_trip_through_valid_chunks() -> None:
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, size=(7, 13, 3), dtype=np.uint8)
    data = encode_rgb(pixels)
    assert data.startswith(SIGNATURE)
    position = len(SIGNATURE)
    kinds = []
    while position < len(data):  # every chunk's CRC covers its type and body
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind_and_body = data[position + 4 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind_and_body) & 0xFFFFFFFF == crc
        kinds.append(kind_and_body[:4])
        position += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]
    assert np.array_equal(decode_rgb(data), pixels)


@pytest.mark.parametrize(
    "pixels",
    [np.zeros((4, 4), np.uint8), np.zeros((4, 4, 3), np.float32), np.zeros((0, 4, 3), np.uint8)],
)
def test_bad_pixel_arrays_are_refused(pixels: np.ndarray) -> None:
    with pytest.raises(ValueError, match="pixels"):
        encode_rgb(pixels)


def test_a_piano_roll_draws_each_note_where_it_plays() -> None:
    notes = [RollNote(0.0, 1.0, 60, 100), RollNote(2.0, 2.0, 67, 100)]
    pixels = decode_rgb(piano_roll(notes, 4.0, markers_beats=[2.0], width_px=400, row_px=4))
    assert pixels.shape[1] == 400
    assert (pixels[0, 150] == np.array(BACKGROUND)).all()  # pitch 67 (G) is a white key
    drawn = pixels[:, :, 2] > 150  # the notes' blue; lanes, bar lines and markers are darker
    # an octave at least: pitches 56-67, four pixels each, the highest at the top
    low_row, high_row = 4 * (67 - 60) + 2, 2
    assert drawn[low_row, 10:90].all() and not drawn[low_row, 110:190].any()
    assert drawn[high_row, 210:390].all()
    assert (pixels[:, 200] == np.array(MARKER)).all()  # the section marker at beat 2


def test_a_waveform_spans_the_peaks() -> None:
    sign = np.resize([1.0, -1.0], 2000)
    quiet_then_loud = (sign * np.repeat([0.1, 0.9], 1000)).astype(np.float32)
    pixels = decode_rgb(waveform(quiet_then_loud, width_px=100, height_px=100))
    heights = (pixels == np.array(WAVE)).all(axis=2).sum(axis=0)
    assert heights[:50].max() < 15 and heights[50:].min() > 40
    with pytest.raises(ValueError, match="width"):
        waveform(quiet_then_loud, width_px=10)


def _has_shade_of(pixels: np.ndarray, colour: tuple[int, int, int]) -> bool:
    """Whether some pixel is `colour` scaled by a note's loudness (45-100 %), within rounding."""
    rgb = pixels.reshape(-1, 3).astype(float)
    scale = rgb[:, 0] / max(colour[0], 1)
    expected = np.outer(scale, colour)
    close = np.all(np.abs(rgb - expected) <= 2.5, axis=1) & (scale >= 0.44) & (scale <= 1.0)
    return bool(close.any())


def test_song_roll_draws_each_part_in_its_colour_and_marks_every_section() -> None:
    song = make_song("house", 3, bars=32)
    pixels = decode_rgb(song_roll(song, width_px=640))
    assert pixels.shape[1] == 640
    for track in song.tracks:
        assert _has_shade_of(pixels, PART_COLOURS[track.part]), track.part
    per_beat = 640 / song.length_beats
    for section in song.sections:
        x = int(section.start_bar * song.bar_beats * per_beat)
        middle = int((section.start_bar + section.bars / 2) * song.bar_beats * per_beat)
        assert tuple(pixels[1, middle]) == SECTION_BANDS[section.name], section.name
        if section.start_bar:
            assert tuple(pixels[-1, x]) == SECTION_LINE, f"no line down at {section.name}"


def test_a_labelled_piano_roll_numbers_the_bars_and_names_the_cs() -> None:
    # 8 bars of 4/4 = 32 beats over the 936 px right of the gutter: 29.25 px a bar, so every bar
    # is numbered; C4 (middle C, MIDI 60) and C5 are named in the gutter beside their rows
    notes = [RollNote(0.0, 1.0, 60, 100), RollNote(31.0, 1.0, 72, 100)]
    pixels = decode_rgb(piano_roll(notes, 32.0, width_px=960, row_px=4, labels=True))
    ruler, gutter = pixels[:ROLL_RULER_PX], pixels[ROLL_RULER_PX:, :ROLL_GUTTER_PX]
    lit = (ruler == np.array(AXIS_TEXT)).all(axis=2)
    per_bar = (960 - ROLL_GUTTER_PX) / 8
    for bar in range(8):  # a digit right of every bar line
        x = ROLL_GUTTER_PX + int(bar * per_bar)
        assert lit[:, x + 2 : x + 8].any(), f"bar {bar + 1} is not numbered"
    named = (gutter == np.array(AXIS_TEXT)).all(axis=2).any(axis=1)
    height = gutter.shape[0]  # 13 rows of pitch 60-72, C5 on top, C4 at the bottom
    assert named[:8].any() and named[height - 8 :].any()
    area = pixels[ROLL_RULER_PX:].astype(int)
    drawn = (area[:, :, 2] > 190) & (area[:, :, 0] < 130)  # the notes' blue, not the grey names
    assert not drawn[:, :ROLL_GUTTER_PX].any()  # the notes start right of the names
    assert drawn[height - 2, ROLL_GUTTER_PX : ROLL_GUTTER_PX + 20].all()  # C4 at beat 0
    assert drawn[1, 960 - 25 : 960 - 2].all()  # C5 in the last beat: the axis ends at beat 32
