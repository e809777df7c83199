"""A minimal PNG writer: 8-bit RGB pixels from a numpy array, compressed with zlib.

The web studio's pictures (piano rolls, waveforms) are a few flat colours, so filter type 0 on
every row and zlib level 6 give small files without an imaging library."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import numpy.typing as npt

SIGNATURE = b"\x89PNG\r\n\x1a\n"
RGB = 2  # PNG colour type: truecolour
MAX_SIDE_PX = 8192


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_rgb(pixels: npt.NDArray[np.uint8]) -> bytes:
    """PNG bytes for an (height, width, 3) array of 8-bit RGB values."""
    if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype != np.uint8:
        raise ValueError("pixels must be a (height, width, 3) uint8 array")
    height, width = int(pixels.shape[0]), int(pixels.shape[1])
    if not (0 < height <= MAX_SIDE_PX and 0 < width <= MAX_SIDE_PX):
        raise ValueError(f"a picture is 1 to {MAX_SIDE_PX} pixels on each side")
    rows = np.zeros((height, 1 + width * 3), dtype=np.uint8)  # a leading 0: no filter
    rows[:, 1:] = pixels.reshape(height, width * 3)
    header = struct.pack(">IIBBBBB", width, height, 8, RGB, 0, 0, 0)
    return b"".join(
        (
            SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)),
            _chunk(b"IEND", b""),
        )
    )


def decode_rgb(data: bytes) -> npt.NDArray[np.uint8]:
    """The pixels of a PNG that `encode_rgb` wrote (8-bit RGB, unfiltered rows): for tests and
    for checking what a picture shows."""
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG file")
    position, width, height, compressed = len(SIGNATURE), 0, 0, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if (depth, colour) != (8, RGB):
                raise ValueError("only 8-bit RGB pictures are read")
        elif kind == b"IDAT":
            compressed += body
    rows = np.frombuffer(zlib.decompress(compressed), dtype=np.uint8).reshape(height, -1)
    if np.any(rows[:, 0]):
        raise ValueError("only unfiltered rows are read")
    return rows[:, 1:].reshape(height, width, 3).copy()
