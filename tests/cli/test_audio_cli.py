"""`musia analyze` and `musia transform` as a user runs them: outputs, the original left alone,
and bad input refused with exit code 2 and nothing written."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

from musia.audio.io import read_audio, write_audio
from tests.audio.signals import RATE, cadence, clicks
from tests.cli.test_cli import run


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def groove(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 s at 110 BPM: a beat with off-beat ticks over a C major cadence."""
    beat = clicks(110.0, 12.0, ticks=True)
    harmony = cadence(48, "major", repeats=3, chord_s=120 / 110)[: beat.shape[0]]
    path = tmp_path_factory.mktemp("groove") / "groove.wav"
    return write_audio(path, np.repeat(beat + 0.5 * harmony, 2, axis=1), RATE)


def test_analyze_prints_the_facts(groove: Path) -> None:
    result = run("analyze", str(groove))
    assert result.returncode == 0, result.stderr
    assert re.search(r"^tempo: (110\.[01]|109\.9)\d BPM", result.stdout, re.M), result.stdout
    assert "key: C major" in result.stdout
    assert "LUFS" in result.stdout


def test_analyze_json_has_the_keys_other_tools_read(groove: Path) -> None:
    result = run("analyze", str(groove), "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["tempo_bpm"] == pytest.approx(110.0, abs=0.2)
    assert (body["key_tonic_pc"], body["key_mode"]) == (0, "major")
    assert body["duration_s"] == pytest.approx(12.0, abs=0.01)
    assert body["loudness_lufs"] < 0
    assert len(body["beat_times_s"]) >= 15


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (["--ratio", "1.25"], "ratio"),
        (["--tempo", "132"], "tempo"),
        (["--semitones", "2"], "key"),
        (["--normalize", "-20"], "loudness"),
        (["--trim", "2:8", "--fade-in", "0.5", "--fade-out", "1"], "trim"),
        (["--add-drums", "house"], "drums"),
    ],
)
def test_transform_writes_a_new_file_and_keeps_the_original(
    groove: Path, tmp_path: Path, args: list[str], check: str
) -> None:
    before = _digest(groove)
    out = tmp_path / "out.flac"
    result = run("transform", str(groove), "-o", str(out), *args, "--json")
    assert result.returncode == 0, result.stderr
    assert _digest(groove) == before
    assert json.loads(result.stdout)["file"] == str(out)
    analysis = json.loads(run("analyze", str(out), "--json").stdout)
    if check == "ratio":
        assert analysis["tempo_bpm"] == pytest.approx(110 * 1.25, rel=0.02)
    elif check == "tempo":
        assert analysis["tempo_bpm"] == pytest.approx(132, rel=0.02)
    elif check == "key":
        assert (analysis["key_tonic_pc"], analysis["key_mode"]) == (2, "major")
    elif check == "loudness":
        assert analysis["loudness_lufs"] == pytest.approx(-20, abs=0.5)
    elif check == "trim":
        assert analysis["duration_s"] == pytest.approx(6.0, abs=0.01)
    else:
        assert analysis["duration_s"] >= 12.0 - 0.01
        assert (
            analysis["spectral"]["low_band_ratio"]
            > json.loads(run("analyze", str(groove), "--json").stdout)["spectral"]["low_band_ratio"]
        )
        samples, _ = read_audio(out)
        assert samples.shape[1] == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--semitones", "13"], "±12 semitones"),
        (["--ratio", "0"], "ratio"),
        (["--trim", "abc"], "START:END"),
        (["--tempo", "120", "--ratio", "1.1"], "not both"),
        (["--add-drums", "polka"], "unknown style"),
        ([], "no instruction"),
    ],
)
def test_an_unknown_or_impossible_instruction_exits_2_and_writes_nothing(
    groove: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out.wav"
    result = run("transform", str(groove), "-o", str(out), *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_option_exits_2(groove: Path, tmp_path: Path) -> None:
    result = run("transform", str(groove), "-o", str(tmp_path / "x.wav"), "--reverse")
    assert result.returncode == 2
    assert list(tmp_path.iterdir()) == []


def test_transform_refuses_to_overwrite_its_input(groove: Path) -> None:
    before = _digest(groove)
    result = run("transform", str(groove), "-o", str(groove), "--normalize", "-14")
    assert result.returncode == 2 and "overwrite" in result.stderr
    assert _digest(groove) == before


def test_transform_refuses_an_output_format_it_cannot_write(groove: Path, tmp_path: Path) -> None:
    result = run("transform", str(groove), "-o", str(tmp_path / "out.mp3"), "--normalize", "-14")
    assert result.returncode == 2 and "must end in" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"not audio at all\n" * 20, "not a readable audio file"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x00\x00\x44\xac\x00\x00"
         b"\x00\x00\x00\x00\x00\x00\x10\x00data\x00\x01\x00\x00" + bytes(256), "no audio channels"),
    ],
)  # fmt: skip
def test_bad_audio_exits_2_with_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    for args in (["analyze", str(path)], ["transform", str(path), "-o", str(tmp_path / "o.wav"),
                                          "--normalize", "-14"]):  # fmt: skip
        result = run(*args)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.wav"]
