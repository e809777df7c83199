"""Reading and writing audio files (WAV, FLAC, Ogg Vorbis, MP3, AIFF) with soundfile.

Uploads are hostile, so a file is judged before it is decoded: soundfile's header must make sense
(channels, sample rate, frames) and the duration must be under a cap. libsndfile believes the
file's length rather than a WAV or AIFF header's data size, so those headers are read here too:
a header that claims ten hours is refused as too long even when the body is short, and one that
claims more data than the file holds is refused as truncated.

Samples are float32, shape (frames, channels), the layout soundfile reads and writes.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from musia.errors import AudioFormatError, AudioTooLong, AudioUnavailable, InvalidInput
from musia.files import write_atomic

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]  # (frames, channels)

MAX_DURATION_S = 3600.0  # one hour, unless the caller allows more
MAX_SAMPLE_RATE = 384_000
MAX_CHANNELS = 64
WRITE_FORMATS = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".aiff": "AIFF", ".aif": "AIFF"}
WRITE_SUBTYPES = {"WAV": "PCM_16", "FLAC": "PCM_16", "OGG": "VORBIS", "AIFF": "PCM_16"}


def read_audio(path: Path, *, max_duration_s: float = MAX_DURATION_S) -> tuple[Samples, int]:
    """The file's samples as float32 (frames, channels) and its sample rate."""
    sf = _soundfile()
    path = Path(path)
    info = _checked_info(path, max_duration_s)
    try:
        samples, sample_rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError) as exc:
        raise AudioFormatError(f"{path.name} is corrupt ({_reason(exc)})") from exc
    _check_decoded(path, info, samples.shape[0])
    import numpy as np

    if not np.isfinite(samples).all():
        raise AudioFormatError(f"{path.name} holds samples that are not numbers (NaN or inf)")
    return samples, int(sample_rate)


def check_audio(path: Path, *, max_duration_s: float = MAX_DURATION_S) -> float:
    """Decode the whole file as `read_audio` would, block by block (an upload of 200 MB is never
    held in memory as floats), with the same checks; its duration in seconds. Raises what
    `read_audio` raises, so a file that passes here reads there."""
    sf = _soundfile()
    import numpy as np

    path = Path(path)
    info = _checked_info(path, max_duration_s)
    frames = 0
    try:
        with sf.SoundFile(str(path)) as file:
            for block in file.blocks(blocksize=1 << 16, dtype="float32", always_2d=True):
                if not np.isfinite(block).all():
                    raise AudioFormatError(
                        f"{path.name} holds samples that are not numbers (NaN or inf)"
                    )
                frames += block.shape[0]
    except (sf.LibsndfileError, RuntimeError, ValueError) as exc:
        raise AudioFormatError(f"{path.name} is corrupt ({_reason(exc)})") from exc
    _check_decoded(path, info, frames)
    return frames / int(info.samplerate)


def _checked_info(path: Path, max_duration_s: float) -> Any:
    """soundfile's view of the file, after the file and its header were judged."""
    sf = _soundfile()
    _check_file(path)
    _check_header(path, max_duration_s)
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise AudioFormatError(
            f"{path.name} is not a readable audio file ({_reason(exc)})"
        ) from exc
    _check_info(path, info.channels, info.samplerate, info.frames, max_duration_s)
    return info


def _check_decoded(path: Path, info: Any, frames: int) -> None:
    if frames == 0:
        raise AudioFormatError(f"{path.name} holds no audio frames")
    if info.frames > 0 and frames < info.frames * 0.99 and info.format != "MP3":
        raise AudioFormatError(
            f"{path.name} is truncated: {frames} of {info.frames} frames decoded"
        )


def write_audio(path: Path, samples: Samples, sample_rate: int) -> Path:
    """Write (frames, channels) float samples; the format follows the suffix (.wav 16-bit,
    .flac, .ogg, .aiff). Written to a temporary name and renamed into place."""
    sf = _soundfile()
    import numpy as np

    path = Path(path)
    kind = WRITE_FORMATS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(WRITE_FORMATS))
        raise InvalidInput(
            f"cannot write {path.name}: the suffix must be one of {known}", field="out"
        )
    data = np.asarray(samples, dtype=np.float32)
    if data.ndim == 1:
        data = data[:, None]
    if data.ndim != 2 or data.shape[1] < 1 or data.shape[0] < 1:
        raise InvalidInput(f"no audio to write to {path.name} (shape {data.shape})")
    data = np.clip(np.nan_to_num(data), -1.0, 1.0)

    def write(file: BinaryIO) -> None:
        sf.write(file, data, sample_rate, format=kind, subtype=WRITE_SUBTYPES[kind])

    return write_atomic(path, write)


def _soundfile() -> Any:
    try:
        import soundfile
    except (ImportError, OSError) as exc:
        raise AudioUnavailable(
            "reading audio needs the audio extra: pip install 'musia[audio]'"
        ) from exc
    return soundfile


def _reason(exc: BaseException) -> str:
    text = str(exc).split(": ", 1)[-1] if ": " in str(exc) else str(exc)
    return text.strip().rstrip(".") or type(exc).__name__


def _check_file(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise InvalidInput(f"no such file: {path}", field="source") from exc
    except OSError as exc:
        raise AudioFormatError(f"cannot read {path}: {exc.strerror}") from exc
    if not path.is_file():
        raise InvalidInput(f"{path} is not a file", field="source")
    if size == 0:
        raise AudioFormatError(f"{path.name} is empty")


def _check_info(path: Path, channels: int, rate: int, frames: int, max_s: float) -> None:
    if channels < 1:
        raise AudioFormatError(f"{path.name} has no audio channels")
    if channels > MAX_CHANNELS:
        raise AudioFormatError(f"{path.name} claims {channels} channels (at most {MAX_CHANNELS})")
    if not 1000 <= rate <= MAX_SAMPLE_RATE:
        raise AudioFormatError(f"{path.name} has an unusable sample rate ({rate} Hz)")
    _check_duration(path, frames / rate, max_s)


def _check_duration(path: Path, duration_s: float, max_s: float) -> None:
    if duration_s > max_s:
        raise AudioTooLong(
            f"{path.name} lasts {_clock(duration_s)}; at most {_clock(max_s)} is accepted",
            field="source",
        )


def _clock(seconds: float) -> str:
    minutes, rest = divmod(math.ceil(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes}:{rest:02d}"


def _check_header(path: Path, max_s: float) -> None:
    """What a WAV or AIFF header claims (channels, rate, data size) against the cap and against
    the bytes the file really holds."""
    with path.open("rb") as file:
        head = file.read(1 << 16)
    size = path.stat().st_size
    claim = _wav_claim(head) if head[:4] == b"RIFF" and head[8:12] == b"WAVE" else None
    if claim is None and head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        claim = _aiff_claim(head)
    if claim is None:
        return
    channels, rate, frame_bytes, data_bytes, data_offset = claim
    if channels == 0:
        raise AudioFormatError(f"{path.name} has no audio channels (its header says 0)")
    if rate <= 0 or frame_bytes <= 0:
        raise AudioFormatError(
            f"{path.name} has a broken header (rate {rate}, frame {frame_bytes})"
        )
    _check_duration(path, data_bytes / frame_bytes / rate, max_s)
    if data_offset + data_bytes > size + frame_bytes:
        held = max(0, size - data_offset) / frame_bytes / rate
        promised = _clock(data_bytes / frame_bytes / rate)
        raise AudioFormatError(
            f"{path.name} is truncated: its header promises {promised} of audio, "
            f"the file holds {held:.2f} s"
        )


def _wav_claim(head: bytes) -> tuple[int, int, int, int, int] | None:
    fmt: tuple[int, int, int] | None = None
    offset = 12
    while offset + 8 <= len(head):
        kind, length = head[offset : offset + 4], struct.unpack_from("<I", head, offset + 4)[0]
        body = offset + 8
        if kind == b"fmt " and length >= 16 and body + 16 <= len(head):
            _, channels, rate, _, block_align, _ = struct.unpack_from("<HHIIHH", head, body)
            fmt = (channels, rate, block_align)
        elif kind == b"data":
            if fmt is None:
                return None
            if length == 0xFFFFFFFF:  # an unfinished recording: the size was never written
                return None
            return (*fmt, length, body)
        offset = body + length + (length & 1)
    return None


def _aiff_claim(head: bytes) -> tuple[int, int, int, int, int] | None:
    comm: tuple[int, int, int, int] | None = None
    offset = 12
    while offset + 8 <= len(head):
        kind, length = head[offset : offset + 4], struct.unpack_from(">I", head, offset + 4)[0]
        body = offset + 8
        if kind == b"COMM" and length >= 18 and body + 18 <= len(head):
            channels, frames, bits = struct.unpack_from(">HIH", head, body)
            rate = _extended(head[body + 8 : body + 18])
            comm = (channels, round(rate), max(1, channels * ((bits + 7) // 8)), frames)
        elif kind == b"SSND" and comm is not None:
            channels, rate, frame_bytes, frames = comm
            return channels, rate, frame_bytes, frames * frame_bytes, body + 8
        offset = body + length + (length & 1)
    return None


def _extended(data: bytes) -> float:
    """An 80-bit IEEE 754 extended float (AIFF's sample rate)."""
    exponent, mantissa = struct.unpack(">HQ", data)
    sign = -1.0 if exponent & 0x8000 else 1.0
    exponent &= 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 0.0
    return float(sign * mantissa * 2.0 ** (exponent - 16383 - 63))
