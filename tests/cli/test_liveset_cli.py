"""`musia inspect / export-midi / edit` on a set Musia writes (corpus sets are never copied)."""

from __future__ import annotations

import json
from pathlib import Path

import mido
import pytest

from musia.core.model import Song
from musia.formats.als import write_als
from tests.cli.test_cli import run
from tests.helpers import make_song


@pytest.fixture(scope="module")
def song() -> Song:
    return make_song("house", seed=3, bpm=126.0)


@pytest.fixture
def live_set(tmp_path: Path, song: Song) -> Path:
    return write_als(song, tmp_path / "song.als")


def test_inspect_json_has_the_keys_other_tools_read(live_set: Path, song: Song) -> None:
    result = run("inspect", str(live_set), "--json")
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout)
    assert facts["tempo"] == 126.0 and facts["time_signature"] == "4/4"
    assert facts["live_version"].startswith("11.")
    assert isinstance(facts["scenes"], list) and isinstance(facts["locators"], list)
    midi = [t for t in facts["tracks"] if t["type"] == "midi"]
    assert [t["name"] for t in midi] == [t.name for t in song.tracks]
    for track, ours in zip(midi, song.tracks, strict=True):
        arrangement = [c for c in track["clips"] if c["location"] == "arrangement"]
        assert [c["start_beats"] for c in arrangement] == [c.start_beats for c in ours.clips]
        assert [c["note_count"] for c in arrangement] == [len(c.notes) for c in ours.clips]
        assert all({"end_beats", "note_count"} <= set(c) for c in track["clips"])
    assert {loc["name"] for loc in facts["locators"]} and all(
        "time_beats" in x for x in facts["locators"]
    )


def test_export_midi_holds_every_arrangement_note(
    live_set: Path, song: Song, tmp_path: Path
) -> None:
    out = tmp_path / "out.mid"
    result = run("export-midi", str(live_set), "-o", str(out))
    assert result.returncode == 0, result.stderr
    midi = mido.MidiFile(str(out))
    ons = sum(1 for track in midi.tracks for m in track if m.type == "note_on" and m.velocity)
    assert ons == sum(len(c.notes) for t in song.tracks for c in t.clips)
    tempos = [m.tempo for m in midi.tracks[0] if m.type == "set_tempo"]
    assert tempos == [round(60_000_000 / 126)]


def test_edit_never_overwrites_the_input_without_in_place(live_set: Path) -> None:
    before = live_set.read_bytes()
    result = run("edit", str(live_set), "-o", str(live_set), "--tempo", "100")
    assert result.returncode == 2 and "overwrite the input" in result.stderr
    assert run("edit", str(live_set), "--tempo", "100").returncode == 2
    assert live_set.read_bytes() == before
    result = run("edit", str(live_set), "--tempo", "100", "--in-place")
    assert result.returncode == 0, result.stderr
    assert live_set.with_name("song.als.bak").read_bytes() == before
    assert json.loads(run("inspect", str(live_set), "--json").stdout)["tempo"] == 100


def test_edit_refusals_are_one_line_with_exit_2(live_set: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "o.als")
    for args in (
        ["--mute", "Nope"],
        ["--rename-track", "no-equals-sign"],
        ["--tempo", "5"],
        ["--add-part", "banjo"],
        ["--add-part", "bass", "--key", "H minor"],
        [],
    ):
        result = run("edit", str(live_set), "-o", out, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not Path(out).exists()


def test_transpose_leaves_drums_alone(live_set: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.als"
    assert run("edit", str(live_set), "-o", str(out), "--transpose", "5").returncode == 0
    before = json.loads(run("inspect", str(live_set), "--json").stdout)
    after = json.loads(run("inspect", str(out), "--json").stdout)
    assert [t["drums"] for t in after["tracks"]] == [t["drums"] for t in before["tracks"]]
    from musia.formats.als.reader import read_set

    old, new = read_set(live_set).info, read_set(out).info
    for a, b in zip(old.tracks, new.tracks, strict=True):
        shift = 0 if a.is_drums or a.type != "midi" else 5
        assert [n.pitch + shift for c in a.clips for n in c.notes] == [
            n.pitch for c in b.clips for n in c.notes
        ]


def test_add_part_to_a_set_of_recordings_hears_their_key(tmp_path: Path) -> None:
    """A set of recordings with a drum MIDI track (the pitched MIDI tracks are gone, the
    preview's audio stems are left) has no notes to read a key from: `--add-part` listens to
    its audio clips instead."""
    made = run("generate", "deep house 122 bpm G minor, 8 bars, no lead", "--out", str(tmp_path),
               "--seed", "7", "--json")  # fmt: skip
    assert made.returncode == 0, made.stderr
    project = next(tmp_path.glob("* Project"))
    source = next(project.glob("*.als"))
    facts = json.loads(run("inspect", str(source), "--json").stdout)
    deletions = [a for t in facts["tracks"] if t["type"] == "midi" and t["name"] != "Drums"
                 for a in ("--delete-track", t["name"])]  # fmt: skip
    audio_only = project / "audio only.als"
    emptied = run("edit", str(source), "--out", str(audio_only), *deletions)
    assert emptied.returncode == 0, emptied.stderr
    added = run("edit", str(audio_only), "--out", str(project / "added.als"), "--add-part",
                "bass", "--json")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "in G minor" in json.loads(added.stdout)["changes"][-1]
