"""Small audio files made on the spot (no binary fixtures in the repository)."""

from __future__ import annotations

import io
import math
import struct
import wave


def wav_bytes(seconds: float = 0.5, frequency_hz: float = 440.0, rate: int = 22050) -> bytes:
    frames = int(seconds * rate)
    samples = (int(12000 * math.sin(2 * math.pi * frequency_hz * n / rate)) for n in range(frames))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return buffer.getvalue()


# The first bytes of each container, enough for the sniffer (not for a decoder).
HEADS = {
    "audio/flac": b"fLaC\x00\x00\x00\x22" + bytes(34),
    "audio/ogg": b"OggS\x00\x02" + bytes(40),
    "audio/mpeg": b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(40),
    "audio/aiff": b"FORM\x00\x00\x00\x2eAIFFCOMM" + bytes(40),
}
