"""The web copy of a preview: Ogg Vorbis beside the WAV, a tenth of its size, for players that
stream it (`musia.server.files` answers their range requests).

Encoded with the libsndfile that the soundfile wheel bundles (Vorbis, Opus and MP3 are all
there: Vorbis is the fastest of the three here, ~1.2 s per minute of music, and takes 44.1 kHz
as it is, where Opus wants 48 kHz). libsndfile's Vorbis encoder crashed on one 60-second
write, so the audio goes in blocks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from musia.files import write_atomic

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

WEB_SUFFIX = ".ogg"
WEB_MEDIA_TYPE = "audio/ogg"
BLOCK_FRAMES = 16_384


def write_web_copy(path: Path, audio: npt.NDArray[np.float32], sample_rate: int) -> Path:
    """`audio` (channels, frames) as Ogg Vorbis at `path`, written under a temporary name and
    renamed (a player never opens half a file)."""
    import numpy as np
    import soundfile

    frames = np.ascontiguousarray(audio.T, dtype=np.float32)

    def write(file: BinaryIO) -> None:
        with soundfile.SoundFile(
            file, "w", sample_rate, frames.shape[1], format="OGG", subtype="VORBIS"
        ) as out:
            for start in range(0, len(frames), BLOCK_FRAMES):
                out.write(frames[start : start + BLOCK_FRAMES])

    return write_atomic(path, write)


def web_copy_of_wav(wav: Path, target: Path) -> Path:
    """The web copy of a WAV file on disk (the preview a render wrote)."""
    import soundfile

    data, rate = soundfile.read(str(wav), dtype="float32", always_2d=True)
    return write_web_copy(target, data.T, int(rate))
