"""Small audio files made on the spot (no binary fixtures in the repository)."""

from __future__ import annotations

import io
import math
import struct
import wave

import numpy as np
import soundfile

from tests.audio.signals import RATE, cadence, clicks


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


def groove_wav() -> bytes:
    """Eight seconds of a 120 BPM click groove over a cadence, about −19 LUFS like the report."""
    beat = clicks(120.0, 8.0, ticks=True)
    harmony = cadence(48, "major", repeats=5)[: beat.shape[0]]
    stereo = np.repeat(0.35 * (beat + 0.5 * harmony), 2, axis=1).astype(np.float32)
    buffer = io.BytesIO()
    soundfile.write(buffer, stereo, RATE, format="WAV", subtype="PCM_16")
    return buffer.getvalue()
