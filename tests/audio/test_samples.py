"""The sample library on the starter pack Musia synthesises: classes, loops, search, re-indexing
only what changed, and files that cannot be read."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from musia.audio.io import write_audio
from musia.audio.sample_starter import (
    CHORD_LOOP_NAME,
    DRUM_LOOP_NAME,
    starter_sounds,
    write_starter_pack,
)
from musia.audio.sample_synth import SAMPLE_RATE, render_voice
from musia.audio.samples import SampleIndex
from musia.errors import FileFormatError, InvalidInput

EXPECTED = {path: expected for path, (expected, _) in starter_sounds().items()}


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pack")
    report = write_starter_pack(folder)
    assert len(report.written) == len(EXPECTED) and not report.kept
    return folder


@pytest.fixture(scope="module")
def library(pack: Path, tmp_path_factory: pytest.TempPathFactory) -> SampleIndex:
    index = SampleIndex(tmp_path_factory.mktemp("index") / "samples.sqlite")
    report = index.update(pack)
    assert len(report.added) == len(EXPECTED) and not report.skipped
    return index


def _by_relative(index: SampleIndex, root: Path) -> dict[str, dict[str, object]]:
    return {Path(str(r["path"])).relative_to(root.resolve()).as_posix(): r for r in index.rows()}


def test_the_starter_pack_has_every_promised_kind() -> None:
    classes = set(EXPECTED.values())
    assert {"kick", "snare", "clap", "hat", "perc", "bass", "pad", "loop"} <= classes
    assert sum(1 for c in EXPECTED.values() if c == "kick") >= 3


def test_the_starter_pack_is_the_same_bytes_every_time(pack: Path, tmp_path: Path) -> None:
    write_starter_pack(tmp_path)
    for relative in ("Kicks/Musia Kick 01.wav", "Pads/Musia Pad 02.wav", DRUM_LOOP_NAME):
        digests = {
            hashlib.sha256((root / relative).read_bytes()).hexdigest() for root in (pack, tmp_path)
        }
        assert len(digests) == 1, relative


def test_the_starter_pack_keeps_files_already_there(pack: Path) -> None:
    report = write_starter_pack(pack)
    assert not report.written and len(report.kept) == len(EXPECTED)


def test_every_starter_sample_gets_its_class(pack: Path, library: SampleIndex) -> None:
    rows = _by_relative(library, pack)
    assert set(rows) == set(EXPECTED)
    for relative, expected in EXPECTED.items():
        row = rows[relative]
        assert row["class_name"] == expected, (relative, row)
        if expected != "loop":
            assert row["kind"] == "one-shot"
            assert row["audio_class"] == expected, (relative, row)  # the sound agrees with the name
            assert row["class_source"] == "name+audio"
            assert row["loudness_lufs"] is not None and -40 < float(str(row["loudness_lufs"])) < 0


def test_the_classifier_labels_the_starter_pack_by_sound_alone(pack: Path, tmp_path: Path) -> None:
    """Names that say nothing: every one-shot is classified from its sound."""
    blind = tmp_path / "unnamed"
    blind.mkdir()
    truth = {}
    for number, (relative, expected) in enumerate(EXPECTED.items()):
        if expected != "loop":
            shutil.copy(pack / relative, blind / f"sample {number:03d}.wav")
            truth[f"sample {number:03d}.wav"] = expected
    with SampleIndex(tmp_path / "blind.sqlite") as index:
        index.update(blind)
        found = {str(r["name"]): r for r in index.rows()}
    assert {name: found[name]["class_name"] for name in truth} == truth
    assert all(found[name]["class_source"] == "audio" for name in truth)
    assert all(found[name]["kind"] == "one-shot" for name in truth)


def test_loops_carry_the_tempo_and_key_their_names_state(pack: Path, library: SampleIndex) -> None:
    rows = _by_relative(library, pack)
    drums, chords = rows[DRUM_LOOP_NAME], rows[CHORD_LOOP_NAME]
    assert (drums["kind"], drums["bpm"], drums["bpm_source"]) == ("loop", 124.0, "name")
    assert drums["key_name"] is None  # a drum loop has no key
    assert (chords["bpm"], chords["key_tonic_pc"], chords["key_mode"]) == (120.0, 9, "minor")


def test_a_loop_without_a_telling_name_is_found_by_its_sound(pack: Path, tmp_path: Path) -> None:
    """The analysis module finds its pulse (loop, 120 BPM) and its key (A minor)."""
    folder = tmp_path / "misc"
    folder.mkdir()
    shutil.copy(pack / CHORD_LOOP_NAME, folder / "untitled 7.wav")
    with SampleIndex(tmp_path / "one.sqlite") as index:
        index.update(folder)
        (row,) = index.rows()
    assert row["kind"] == "loop" and row["bpm_source"] == "audio"
    assert abs(float(str(row["bpm"])) - 120.0) < 2.4
    assert (row["key_tonic_pc"], row["key_mode"]) == (9, "minor")


def test_reindexing_analyses_only_what_changed(pack: Path, tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    shutil.copytree(pack, folder)
    with SampleIndex(tmp_path / "lib.sqlite") as index:
        first = index.update(folder)
        assert len(first.added) == len(EXPECTED)
        before = {r["path"]: r for r in index.rows()}
        touched, modified = folder / "Kicks/Musia Kick 01.wav", folder / "Kicks/Musia Kick 02.wav"
        deleted, added = folder / "Snares/Musia Snare 01.wav", folder / "Claps/Musia Clap 99.wav"
        os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
        write_audio(modified, render_voice("kick", 77)[:, None], SAMPLE_RATE)
        deleted.unlink()
        write_audio(added, render_voice("clap", 77)[:, None], SAMPLE_RATE)
        second = index.update(folder)
        after = {r["path"]: r for r in index.rows()}
    assert second.updated == [str(modified.resolve())]
    assert second.added == [str(added.resolve())]
    assert second.removed == [str(deleted.resolve())]
    assert second.unchanged == len(EXPECTED) - 2
    assert after[str(added.resolve())]["class_name"] == "clap"
    assert (
        after[str(modified.resolve())]["duration_s"]
        != before[str(modified.resolve())]["duration_s"]
    )
    # a touched file keeps its analysis: same row, new modification time
    key = str(touched.resolve())
    assert after[key]["indexed_at"] == before[key]["indexed_at"]
    assert after[key]["mtime_ns"] != before[key]["mtime_ns"]
    untouched = str((folder / "Pads/Musia Pad 01.wav").resolve())
    assert after[untouched] == before[untouched]


def _write_bad_files(folder: Path, pack: Path) -> dict[str, str]:
    """name -> a word the skip reason must hold."""
    folder.mkdir()
    (folder / "empty.wav").write_bytes(b"")
    (folder / "text.mp3").write_text("this is not audio at all, just words\n" * 20)
    (folder / "noise.wav").write_bytes(np.random.default_rng(1).bytes(5000))
    whole = (pack / "Pads/Musia Pad 01.wav").read_bytes()
    (folder / "truncated.wav").write_bytes(whole[: len(whole) // 3])
    shutil.copy(pack / "Kicks/Musia Kick 01.wav", folder / "good kick.wav")
    return {"empty.wav": "empty", "text.mp3": "", "noise.wav": "", "truncated.wav": "truncated"}


def test_unreadable_files_are_skipped_with_their_reason(pack: Path, tmp_path: Path) -> None:
    bad = _write_bad_files(tmp_path / "mixed", pack)
    with SampleIndex(tmp_path / "mixed.sqlite") as index:
        report = index.update(tmp_path / "mixed")
        assert {Path(p).name for p in report.skipped} == set(bad)
        for path, reason in report.skipped.items():
            assert bad[Path(path).name] in reason and reason, (path, reason)
        assert [r["name"] for r in index.rows()] == ["good kick.wav"]
        assert {r["name"] for r in index.skipped()} == set(bad)
        again = index.update(tmp_path / "mixed")  # not retried until they change
        assert not again.skipped and again.unchanged == len(bad) + 1


def test_a_missing_folder_or_a_file_is_refused(tmp_path: Path) -> None:
    with SampleIndex(tmp_path / "x.sqlite") as index:
        with pytest.raises(InvalidInput, match="no such folder"):
            index.update(tmp_path / "nowhere")
        (tmp_path / "file.wav").write_bytes(b"RIFF")
        with pytest.raises(InvalidInput, match="not a folder"):
            index.update(tmp_path / "file.wav")


def test_an_index_file_that_is_not_an_index_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "samples.sqlite"
    path.write_bytes(b"definitely not sqlite" * 100)
    with pytest.raises(FileFormatError, match="not a Musia sample index"):
        SampleIndex(path)
    assert path.read_bytes() == b"definitely not sqlite" * 100  # left as it was


def test_an_index_of_another_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "samples.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('schema', '99')")
    with pytest.raises(FileFormatError, match="schema 99"):
        SampleIndex(path)


def test_the_default_index_lives_in_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from musia.audio.samples import default_index_path

    monkeypatch.setenv("MUSIA_DATA_DIR", str(tmp_path))
    assert default_index_path() == tmp_path / "samples.sqlite"
    monkeypatch.delenv("MUSIA_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_index_path() == tmp_path / "xdg" / "musia" / "samples.sqlite"


def test_a_subfolder_and_its_library_share_their_analyses(pack: Path, tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    shutil.copytree(pack, folder)
    with SampleIndex(tmp_path / "lib.sqlite") as index:
        assert len(index.update(folder / "Kicks").added) == 4
        whole = index.update(folder)
        assert len(whole.added) == len(EXPECTED) - 4 and whole.unchanged == 4
        shutil.rmtree(folder / "Kicks")
        again = index.update(folder / "Snares")  # only what lies under the folder indexed
        assert not again.removed and again.unchanged == 4
        assert len(index.update(folder).removed) == 4
        assert len(index.rows()) == len(EXPECTED) - 4


def test_an_unnamed_drum_loop_gets_its_tempo_and_no_key(tmp_path: Path) -> None:
    """Drums have no key: the analysis says so (no tonal content), so the library stores none
    even though the name does not say "drums"."""
    from tests.audio.signals import RATE, drum_groove

    folder = tmp_path / "misc"
    folder.mkdir()
    groove = drum_groove(124.0, 240.0 / 124.0 * 4, kicks=(0, 4, 8, 12), snares=(4, 12),
                         hats=(2, 6, 10, 14))  # fmt: skip
    write_audio(folder / "untitled 3.wav", np.repeat(groove, 2, axis=1), RATE)
    with SampleIndex(tmp_path / "one.sqlite") as index:
        index.update(folder)
        (row,) = index.rows()
    assert row["kind"] == "loop" and row["bpm_source"] == "audio"
    assert abs(float(str(row["bpm"])) - 124.0) < 1.0
    assert row["key_tonic_pc"] is None and row["key_name"] is None


def test_a_loops_tempo_is_the_octave_that_makes_it_whole_bars() -> None:
    """Loops are cut to 1, 2, 4, 8 or 16 bars: of the analysed tempo and its other octaves, the
    first at which the loop is whole bars is its tempo, and a loop read under 64 BPM whose
    double is whole bars too is taken at the double."""
    from dataclasses import replace

    from musia.audio.analysis import AudioAnalysis, Spectral
    from musia.audio.sample_analysis import loop_tempo

    def bars_at(bars: int, bpm: float) -> float:
        return bars * 240.0 / bpm

    base = AudioAnalysis(
        duration_s=bars_at(4, 124.0), sample_rate=44_100, channels=2, tempo_bpm=124.0,
        tempo_confidence=0.5, beat_times_s=(), key_tonic_pc=None, key_mode=None,
        key_confidence=0.0, loudness_lufs=None, sample_peak_dbfs=None, true_peak_dbfs=None,
        onset_rate_per_s=4.0, spectral=Spectral(0.0, 0.0, 0.0, 0.0, 0.0),
        tempo_alternatives_bpm=(62.0, 248.0),
    )  # fmt: skip
    assert loop_tempo(base) == 124.0  # 4 bars: the analysis stands
    # 16 bars at 70 read at 140 would be 32 bars: the loop says 70.
    assert loop_tempo(replace(base, duration_s=bars_at(16, 70.0), tempo_bpm=140.0,
                              tempo_alternatives_bpm=(70.0,))) == 70.0  # fmt: skip
    # A chord loop of 8 bars at 124 read at 62 (4 bars): slower than any style, so 124.
    assert loop_tempo(replace(base, duration_s=bars_at(8, 124.0), tempo_bpm=62.0,
                              tempo_alternatives_bpm=(124.0, 31.0))) == 124.0  # fmt: skip
    # Three bars are whole at no octave: the analysis stands.
    assert loop_tempo(replace(base, duration_s=bars_at(3, 124.0))) == 124.0
