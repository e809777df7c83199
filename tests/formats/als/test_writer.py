"""Writing the file: determinism, gzip, atomic replacement, hostile names, bad versions."""

from __future__ import annotations

import gzip
import unicodedata
from pathlib import Path

import pytest

from musia.errors import InvalidInput
from musia.formats.als import LIVE_FORMATS, song_to_als, song_to_als_xml, write_als
from musia.formats.als.names import MAX_NAME_CHARS, clean_name
from tests.formats.als.helpers import (
    HOSTILE_NAME,
    empty_song,
    hostile_song,
    midi_tracks,
    parse_xml,
    read_set,
    value,
)
from tests.helpers import make_song


@pytest.mark.parametrize("version", sorted(LIVE_FORMATS))
def test_same_song_same_bytes(version: int) -> None:
    first = song_to_als(make_song("dubstep", 8, bars=16), version)
    again = song_to_als(make_song("dubstep", 8, bars=16), version)
    assert first == again
    assert song_to_als(make_song("dubstep", 9, bars=16), version) != first


def test_gzip_without_date_or_name(tmp_path: Path) -> None:
    song = make_song("trap", 2, bars=8)
    path = write_als(song, tmp_path / "Trap.als")
    data = path.read_bytes()
    assert data == song_to_als(song)
    assert data[:3] == b"\x1f\x8b\x08" and data[3] == 0  # no FNAME, FCOMMENT, FEXTRA
    assert data[4:8] == b"\x00\x00\x00\x00"  # MTIME 0: no wall-clock date anywhere
    xml = gzip.decompress(data)
    assert xml == song_to_als_xml(song)
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Ableton ')
    assert xml.endswith(b"</Ableton>\n") and b"\r" not in xml


def test_write_replaces_an_existing_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "Song.als"
    target.write_bytes(b"old")
    song = make_song("house", 3, bars=8)
    assert write_als(song, target, live_version=12) == target
    assert read_set(target).get("MinorVersion") == "12.0_12300"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Song.als"]


def test_write_into_a_missing_folder_fails_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_als(make_song("house", 3, bars=8), tmp_path / "missing" / "Song.als")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("version", [10, 13, 0])
def test_unknown_live_version_is_refused(version: int) -> None:
    with pytest.raises(InvalidInput, match="Live"):
        song_to_als_xml(make_song("house", 3, bars=4), version)


@pytest.mark.parametrize("version", sorted(LIVE_FORMATS))
def test_hostile_names_are_escaped_and_cleaned(version: int) -> None:
    song = hostile_song()
    xml = song_to_als_xml(song, version)
    xml.decode("utf-8")  # strict: no surrogate made it through
    root = parse_xml(xml)  # well-formed despite quotes, <&>, control characters
    names = [value(t, "Name/UserName") for t in midi_tracks(root)]
    assert names == [clean_name(t.name) for t in song.tracks]
    clip_names = {value(c, "Name") for c in root.iter("MidiClip")}
    scene_names = [value(s, "Name") for s in root.iter("Scene")]
    for name in [*names, *clip_names, *scene_names]:
        assert 0 < len(name) <= MAX_NAME_CHARS
        assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name)
        assert name.startswith("Bass/Lead \\ ") and "🎹🔥👩\u200d🎤" in name
    for name in [*names, *clip_names]:  # scene names are title-cased section names
        assert '"quoted"' in name and "<tag> & amp;" in name


def test_clean_name() -> None:
    assert clean_name("  Bass\n\tline\x00 2  ") == "Bass line 2"
    assert clean_name("\x07\x1b", "MIDI") == "MIDI"
    assert clean_name("a\ud800b\ufffe") == "ab"
    assert clean_name('k/s "x" <&>') == 'k/s "x" <&>'
    long = clean_name(HOSTILE_NAME)
    assert len(long) == MAX_NAME_CHARS and long.endswith("é")
    assert clean_name("🎹" * 99 + "👩\u200d🎤") == "🎹" * 99 + "👩"  # no dangling joiner


def test_empty_song_still_makes_a_set() -> None:
    root = parse_xml(song_to_als_xml(empty_song()))
    tracks = midi_tracks(root)
    assert len(tracks) == 1 and value(tracks[0], "Name/EffectiveName") == "MIDI"
    assert len(root.findall("LiveSet/Scenes/Scene")) == 1
    assert root.findall("LiveSet/Locators/Locators/Locator") == []
    assert len(tracks[0].findall("DeviceChain/MainSequencer/ClipSlotList/ClipSlot")) == 1


@pytest.mark.parametrize(
    ("bpm", "low", "high"), [(124.0, 60, 200), (40.0, 40, 200), (250, 60, 250)]
)
def test_tempo_range_covers_the_tempo(bpm: float, low: int, high: int) -> None:
    song = make_song("house", 1, bars=4, bpm=bpm)
    root = parse_xml(song_to_als_xml(song, 12))
    tempo = root.find("LiveSet/MainTrack/DeviceChain/Mixer/Tempo")
    assert tempo is not None
    assert float(value(tempo, "Manual")) == bpm
    assert (value(tempo, "MidiControllerRange/Min"), value(tempo, "MidiControllerRange/Max")) == (
        str(low),
        str(high),
    )
