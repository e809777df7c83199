"""Reading and writing audio files: every format, and every kind of bad file refused by type."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from musia.audio.analysis import analyze_file
from musia.audio.io import read_audio, write_audio
from musia.errors import AudioFormatError, AudioTooLong, FileFormatError, InvalidInput, MusiaError

RATE = 22_050


def _stereo(seconds: float = 1.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    left, right = 0.5 * np.sin(2 * np.pi * 440 * t), 0.25 * np.sin(2 * np.pi * 660 * t)
    return np.stack([left, right], axis=1).astype(np.float32)


def _wav_header(channels: int, rate: int, data_bytes: int, bits: int = 16) -> bytes:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, bits)
    riff_size = min(0xFFFFFFFF, 4 + 8 + len(fmt) + 8 + data_bytes)
    return (
        b"RIFF" + struct.pack("<I", riff_size) + b"WAVE"
        + b"fmt " + struct.pack("<I", len(fmt)) + fmt
        + b"data" + struct.pack("<I", data_bytes)
    )  # fmt: skip


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".aiff"])
def test_a_written_file_reads_back(suffix: str, tmp_path: Path) -> None:
    original = _stereo()
    path = write_audio(tmp_path / f"tone{suffix}", original, RATE)
    samples, rate = read_audio(path)
    assert rate == RATE and samples.dtype == np.float32 and samples.shape[1] == 2
    lossy = suffix == ".ogg"
    assert abs(samples.shape[0] - original.shape[0]) <= (2048 if lossy else 0)
    if not lossy:  # 16-bit PCM: within one step
        assert np.abs(samples - original).max() < 2 / 32768
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_mp3_reads(tmp_path: Path) -> None:
    import soundfile

    path = tmp_path / "tone.mp3"
    soundfile.write(str(path), _stereo(2.0), RATE, format="MP3")
    samples, rate = read_audio(path)
    assert rate == RATE and samples.shape[1] == 2
    assert samples.shape[0] == pytest.approx(2 * RATE, abs=3000)


def test_a_mono_file_reads_as_one_column(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "mono.wav", _stereo()[:, 0], RATE)
    samples, _ = read_audio(path)
    assert samples.shape == (RATE, 1)


def test_writing_an_unknown_suffix_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="suffix"):
        write_audio(tmp_path / "tone.xyz", _stereo(), RATE)
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioFormatError, match="empty"):
        read_audio(path)


def test_a_text_file_is_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("these are not samples\n" * 50)
    with pytest.raises(AudioFormatError, match="not a readable audio file"):
        read_audio(path)


def test_random_bytes_are_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "noise.flac"
    path.write_bytes(b"fLaC" + np.random.default_rng(0).bytes(5000))
    with pytest.raises(AudioFormatError):
        read_audio(path)


@pytest.mark.parametrize("suffix", [".wav", ".aiff"])
def test_a_truncated_file_is_refused(suffix: str, tmp_path: Path) -> None:
    path = write_audio(tmp_path / f"tone{suffix}", _stereo(2.0), RATE)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(AudioFormatError, match="truncated"):
        read_audio(path)


def test_a_truncated_flac_is_refused(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "tone.flac", np.random.default_rng(1).normal(
        0, 0.2, (RATE * 2, 2)).astype(np.float32), RATE)  # fmt: skip
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(AudioFormatError):
        read_audio(path)


def test_a_zero_channel_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "zero.wav"
    path.write_bytes(_wav_header(0, RATE, 4000) + bytes(4000))
    with pytest.raises(AudioFormatError, match="no audio channels"):
        read_audio(path)


def test_a_ten_hour_header_is_refused_before_decoding(tmp_path: Path) -> None:
    """The header promises ten hours of 8 kHz mono; the body is a few bytes. Refused as too
    long from the header alone (a decoder would read the short body without complaint)."""
    path = tmp_path / "long.wav"
    ten_hours = 10 * 3600 * 8000 * 2
    path.write_bytes(_wav_header(1, 8000, ten_hours) + bytes(4000))
    with pytest.raises(AudioTooLong, match="10:00:00"):
        read_audio(path)
    with pytest.raises(AudioTooLong):
        analyze_file(path)


def test_the_duration_cap_is_configurable(tmp_path: Path) -> None:
    path = write_audio(tmp_path / "tone.wav", _stereo(3.0), RATE)
    with pytest.raises(AudioTooLong, match="at most 0:02"):
        read_audio(path, max_duration_s=2.0)
    assert read_audio(path, max_duration_s=4.0)[0].shape[0] == 3 * RATE


def test_a_missing_file_and_a_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        read_audio(tmp_path / "missing.wav")
    with pytest.raises(InvalidInput, match="not a file"):
        read_audio(tmp_path)


def test_every_refusal_is_a_musia_error() -> None:
    assert issubclass(AudioFormatError, FileFormatError)
    assert issubclass(AudioTooLong, MusiaError)
