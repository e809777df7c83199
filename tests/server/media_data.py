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


def zero_channel_wav() -> bytes:
    """A WAV whose RIFF/WAVE header says 0 channels: its magic bytes are right, it does not play."""
    data = bytearray(wav_bytes(0.2))
    data[22:24] = struct.pack("<H", 0)
    return bytes(data)


def encoded(content_type: str, seconds: float = 0.3) -> bytes:
    """A whole, decodable file of each container HEADS names (written with soundfile)."""
    import numpy as np
    import soundfile

    formats = {"audio/flac": "FLAC", "audio/ogg": "OGG", "audio/mpeg": "MP3", "audio/aiff": "AIFF"}
    rate = 22050
    t = np.arange(int(seconds * rate)) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
    buffer = io.BytesIO()
    soundfile.write(buffer, tone, rate, format=formats[content_type])
    return buffer.getvalue()


def groove_wav() -> bytes:
    """Eight seconds of a 120 BPM click groove over a cadence, about −19 LUFS like the report."""
    beat = clicks(120.0, 8.0, ticks=True)
    harmony = cadence(48, "major", repeats=5)[: beat.shape[0]]
    stereo = np.repeat(0.35 * (beat + 0.5 * harmony), 2, axis=1).astype(np.float32)
    buffer = io.BytesIO()
    soundfile.write(buffer, stereo, RATE, format="WAV", subtype="PCM_16")
    return buffer.getvalue()
