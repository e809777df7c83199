"""`musia render` and the audio of `musia generate`, run as a user runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import mido
import numpy as np
import pytest
import soundfile

from musia.formats.midi import song_to_midi
from musia.production.render import TAIL_S
from tests.cli.test_cli import run
from tests.helpers import make_song

PROMPT = "deep house, 122 bpm, D minor, 8 bars"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    result = run("generate", PROMPT, "--out", str(out), "--seed", "4", "--json")
    assert result.returncode == 0, result.stderr
    return Path(json.loads(result.stdout)["folder"])


def test_generate_writes_the_preview_and_one_stem_per_part(project: Path) -> None:
    plan = json.loads((project / "plan.json").read_text("utf-8"))
    info = soundfile.info(str(project / "preview.wav"))
    assert (info.samplerate, info.channels) == (44_100, 2)
    stems = sorted(p.stem.lower() for p in (project / "Samples" / "Imported").glob("*.wav"))
    assert stems == sorted(plan["parts"])
    assert not [p for p in project.parent.iterdir() if p.name.startswith(".")], "staging left"


def test_generate_json_reports_the_audio(tmp_path: Path) -> None:
    result = run("generate", "trap, 140 bpm, 4 bars", "--out", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    audio = json.loads(result.stdout)["audio"]
    assert audio["sample_rate"] == 44_100
    assert audio["loudness_lufs"] == pytest.approx(-10, abs=0.5)  # trap's master
    assert audio["peak_dbfs"] <= -1.0
    assert audio["instruments"] == "Musia" and audio["soundfont"] is None


def test_no_audio_writes_no_preview_and_no_stems(tmp_path: Path) -> None:
    result = run("generate", PROMPT, "--out", str(tmp_path), "--no-audio", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["audio"] is None
    # Only the instruments' one-shots: without them the set's MIDI tracks would be silent.
    wavs = list(tmp_path.rglob("*.wav"))
    assert wavs and all(w.parent.name == "Instruments" for w in wavs), wavs


def test_render_a_project_folder_and_its_plan_alike(project: Path, tmp_path: Path) -> None:
    """The folder's plan composes the same song again: the same samples as the preview."""
    for source, out in ((project, "folder.wav"), (project / "plan.json", "plan.wav")):
        result = run("render", str(source), "-o", str(tmp_path / out))
        assert result.returncode == 0, result.stderr
        assert "LUFS" in result.stdout and "Musia's instruments" in result.stdout
    preview = soundfile.read(project / "preview.wav")[0]
    for name in ("folder.wav", "plan.wav"):
        assert np.array_equal(soundfile.read(tmp_path / name)[0], preview)


def test_render_a_midi_file_with_stems(tmp_path: Path) -> None:
    song = make_song("techno", seed=2, bars=4)
    midi = tmp_path / "in.mid"
    midi.write_bytes(song_to_midi(song))
    result = run("render", str(midi), "--stems", str(tmp_path / "stems"), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["files"][0] == str(tmp_path / "in.wav")
    assert sorted(p.stem for p in (tmp_path / "stems").glob("*.wav")) == sorted(
        t.name for t in song.tracks
    )
    assert song.duration_s <= summary["duration_s"] <= song.duration_s + TAIL_S + 0.01


def _truncated(tmp_path: Path) -> Path:
    data = song_to_midi(make_song("house", seed=1, bars=2))
    path = tmp_path / "cut.mid"
    path.write_bytes(data[: len(data) // 2])
    return path


def _empty(tmp_path: Path) -> Path:
    midi = mido.MidiFile(type=1)
    midi.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500_000)]))
    path = tmp_path / "empty.mid"
    midi.save(path)
    return path


def _text(tmp_path: Path) -> Path:
    path = tmp_path / "notes.mid"
    path.write_text("not music")
    return path


def _bad_plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    path.write_text('{"style": "house", "bpm": "fast"}')
    return path


def _header_only(tmp_path: Path) -> Path:
    path = tmp_path / "header.mid"
    path.write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.mid", "no such file"),
        (_text, "not a MIDI file"),
        (_truncated, "corrupt or truncated"),
        (_header_only, "corrupt or truncated"),
        (_empty, "no notes"),
        (_bad_plan, "not a Musia plan"),
        (lambda tmp: tmp, "no plan.json"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(make: object, message: str, tmp_path: Path) -> None:
    source = make(tmp_path)  # type: ignore[operator]
    before = {p.name for p in tmp_path.iterdir()}
    result = run("render", str(source), "-o", str(tmp_path / "out" / "out.wav"))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert {p.name for p in tmp_path.iterdir()} == before, "nothing may be written"


def test_the_output_must_be_a_wav_and_never_the_source(tmp_path: Path) -> None:
    midi = tmp_path / "in.mid"
    midi.write_bytes(song_to_midi(make_song("house", seed=1, bars=2)))
    result = run("render", str(midi), "-o", str(tmp_path / "out.mp3"))
    assert result.returncode == 2 and ".wav" in result.stderr
    wav = tmp_path / "song.wav"
    shutil.copy(midi, wav)
    result = run("render", str(wav), "-o", str(wav))
    assert result.returncode == 2
    assert wav.read_bytes() == midi.read_bytes()


def test_a_missing_soundfont_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    result = run(
        "generate", PROMPT, "--out", str(tmp_path), "--soundfont", str(tmp_path / "none.sf2")
    )
    assert result.returncode == 2
    assert "SoundFont not found" in result.stderr
    assert not any(tmp_path.iterdir())


def test_without_the_audio_extra_generate_still_writes_the_project(tmp_path: Path) -> None:
    code = (
        "import sys, json\n"
        "sys.modules['scipy'] = None  # as if the audio extra were not installed\n"
        "from pathlib import Path\n"
        "from musia.production.assemble import generate_project\n"
        f"result = generate_project({PROMPT!r}, Path({str(tmp_path)!r}))\n"
        "print(json.dumps({'warnings': list(result.warnings),\n"
        "                  'files': [p.parent.name for p in result.files]}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    summary = json.loads(done.stdout)
    # the set, the MIDI file and the plan, and the effects' presets the set refers to; no samples
    folders = summary["files"]
    assert len([f for f in folders if f != "Presets"]) == 3 and "Presets" in folders, folders
    assert "audio extra" in summary["warnings"][0]
