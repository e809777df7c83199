"""The PNG writer and the pictures drawn with it."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from musia.formats.pictures import BACKGROUND, MARKER, WAVE, RollNote, piano_roll, waveform
from musia.formats.png import SIGNATURE, decode_rgb, encode_rgb


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
