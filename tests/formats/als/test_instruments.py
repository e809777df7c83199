"""The MIDI tracks carry Live's stock instruments playing Musia's own sounds: a Drum Rack whose
pads listen to the drum notes the clips play, each pad a one-shot Simpler with the kit's piece;
every other part's zones in one instrument (Live 12: a Sampler with a sample part per zone;
Live 11: an Instrument Rack with a key-zoned Simpler per zone), sustained sounds with their
loop; every sample they reference is a file of the project; the checker passes."""

from __future__ import annotations

import io
import wave
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from musia.formats.als import sample_file, write_als
from musia.formats.als.drumrack import pad_note, receiving_note
from musia.formats.als.instruments import MultiSampled, SampleZone, rack_presets
from musia.formats.als.versions import live_format
from musia.instruments import render_instruments
from tests.conftest import shared_path
from tests.formats.als.helpers import (
    hostile_song,
    problems,
    read_set,
    run_checker,
    tiny_instruments,
    tiny_stems,
    value,
)
from tests.helpers import make_song

VERSIONS = (11, 12)


def _midi_tracks(root: ET.Element) -> list[ET.Element]:
    return root.findall("LiveSet/Tracks/MidiTrack")


def _devices(track: ET.Element) -> list[ET.Element]:
    devices = track.find("DeviceChain/DeviceChain/Devices")
    assert devices is not None
    return list(devices)


def _written(tmp_path: Path, version: int, *, stems: bool = False) -> tuple[Path, ET.Element]:
    song = make_song("house", 3)
    project = tmp_path / f"live{version}"
    project.mkdir()
    instruments = tiny_instruments(song, project, live_version=version)
    tracks = tiny_stems(song, project) if stems else []
    path = write_als(
        song, project / "set.als", live_version=version, stems=tracks, instruments=instruments
    )
    return path, read_set(path)


@pytest.mark.parametrize("version", VERSIONS)
def test_drum_pads_listen_to_the_notes_the_drum_clips_play(tmp_path: Path, version: int) -> None:
    song = make_song("house", 3)
    _, root = _written(tmp_path, version)
    (index,) = [i for i, t in enumerate(song.tracks) if t.is_drums]
    played = {n.pitch for c in song.tracks[index].clips for n in c.notes}
    assert {36, 42} <= played  # a house groove: kick and closed hat at least
    (rack,) = _devices(_midi_tracks(root)[index])
    assert rack.tag == "DrumGroupDevice"
    branches = rack.findall("Branches/DrumBranch")
    pads = [pad_note(int(value(b, "BranchInfo/ReceivingNote"))) for b in branches]
    assert sorted(pads) == sorted(played) and len(pads) == len(set(pads))
    for branch in branches:
        assert value(branch, "BranchInfo/SendingNote") == "60"
        (pad_simpler,) = branch.findall("DeviceChain/MidiToAudioDeviceChain/Devices/*")
        assert pad_simpler.tag == "OriginalSimpler"
        assert value(pad_simpler, "Globals/PlaybackMode") == "1"  # one-shot: the hit plays out
        part = "Player/MultiSampleMap/SampleParts/MultiSamplePart"
        assert value(pad_simpler, f"{part}/RootKey") == "60"  # unshifted on the sent note


def test_receiving_notes_are_mirrored_as_live_stores_them() -> None:
    assert receiving_note(36) == 92  # Live's kick pad (C1)
    assert [pad_note(receiving_note(n)) for n in range(128)] == list(range(128))


PART = "Player/MultiSampleMap/SampleParts/MultiSamplePart"


@pytest.mark.parametrize("version", VERSIONS)
def test_melodic_parts_play_every_zone_of_musias_instrument(tmp_path: Path, version: int) -> None:
    song = make_song("house", 3)
    _, root = _written(tmp_path, version)
    planned = {item.index: item for item in render_instruments(song)}
    tracks = _midi_tracks(root)
    melodic = [i for i, t in enumerate(song.tracks) if not t.is_drums]
    assert melodic
    for index in melodic:
        zones = planned[index].zones
        (device,) = _devices(tracks[index])
        if version == 12:
            assert device.tag == "MultiSampler"
            assert value(device, "Globals/IsSimpler") == "false"
            parts = device.findall(PART)
        else:
            assert device.tag == "InstrumentGroupDevice"
            branches = device.findall("Branches/InstrumentBranch")
            keys = [
                (
                    int(value(b, "ZoneSettings/KeyRange/Min")),
                    int(value(b, "ZoneSettings/KeyRange/Max")),
                )
                for b in branches
            ]
            assert keys == [(z.low_key, z.high_key) for z in zones]  # each chain plays its zone
            parts = [b.find(f"DeviceChain/MidiToAudioDeviceChain/Devices/OriginalSimpler/{PART}")
                     for b in branches]  # fmt: skip
        assert len(parts) == len(zones)
        for part, zone in zip(parts, zones, strict=True):
            assert part is not None
            assert int(value(part, "RootKey")) == zone.root_key
            assert value(part, "SampleRef/FileRef/RelativePath").endswith(zone.file_name)
            if version == 12:
                assert (int(value(part, "KeyRange/Min")), int(value(part, "KeyRange/Max"))) == (
                    zone.low_key,
                    zone.high_key,
                )
        # Zones meet: every key from the lowest zone's to the highest's sounds exactly once.
        covered = [k for z in zones for k in range(z.low_key, z.high_key + 1)]
        assert covered == list(range(zones[0].low_key, zones[-1].high_key + 1))
        played = {n.pitch for c in song.tracks[index].clips for n in c.notes}
        assert all(zones[0].low_key <= p <= zones[-1].high_key for p in played)


@pytest.mark.parametrize("version", VERSIONS)
def test_sustained_zones_carry_their_loop(tmp_path: Path, version: int) -> None:
    """A pad holds as long as its key: the sample part loops forward between the zone's loop
    points (Live's Sampler plays the loop while the key is down)."""
    song = make_song("house", 3)
    _, root = _written(tmp_path, version)
    (pad,) = [i for i, t in enumerate(song.tracks) if t.part == "pad"]
    zones = {item.index: item for item in render_instruments(song)}[pad].zones
    assert all(zone.loop is not None for zone in zones)
    parts = list(_midi_tracks(root)[pad].iter("MultiSamplePart"))
    assert len(parts) == len(zones)
    for part, zone in zip(parts, zones, strict=True):
        assert zone.loop is not None
        start, end = zone.loop
        assert value(part, "SustainLoop/Mode") == "1"  # forward
        assert int(value(part, "SustainLoop/Start")) == start
        assert int(value(part, "SustainLoop/End")) == min(end, int(value(part, "SampleEnd")))


def test_a_held_pad_sample_lasts_as_long_as_the_longest_note() -> None:
    """A Simpler plays its file through: the file holds the loop repeated past the part's
    longest note plus its release."""
    song = make_song("house", 3)
    (pad,) = [i for i, t in enumerate(song.tracks) if t.part == "pad"]
    item = {item.index: item for item in render_instruments(song)}[pad]
    longest_s = (
        max(n.duration_beats for c in song.tracks[pad].clips for n in c.notes) * 60 / song.bpm
    )
    for zone in item.zones:
        with wave.open(io.BytesIO(zone.data)) as reader:
            assert reader.getnframes() / reader.getframerate() >= longest_s


@pytest.mark.parametrize("version", VERSIONS)
def test_every_referenced_sample_is_a_file_of_the_project(tmp_path: Path, version: int) -> None:
    path, root = _written(tmp_path, version, stems=True)
    project = path.parent
    refs = list(root.iter("FileRef"))
    assert refs
    for ref in refs:
        relative = value(ref, "RelativePath")
        assert relative.startswith(("Samples/", "Presets/")), relative  # Presets: Live 11 racks
        assert (project / relative).is_file(), relative
        assert value(ref, "RelativePathType") == "3"  # from the project folder
    instrument_files = {
        value(r, "FileRef/RelativePath") for t in _midi_tracks(root) for r in t.iter("SampleRef")
    }
    on_disk = {p.relative_to(project).as_posix() for p in (project / "Samples").rglob("*.wav")}
    assert instrument_files == {p for p in on_disk if p.startswith("Samples/Instruments/")}


@pytest.mark.parametrize("version", VERSIONS)
def test_the_stems_group_is_muted_when_instruments_play(tmp_path: Path, version: int) -> None:
    _, root = _written(tmp_path, version, stems=True)
    (group,) = root.findall("LiveSet/Tracks/GroupTrack")
    assert value(group, "DeviceChain/Mixer/Speaker/Manual") == "false"
    song = make_song("house", 3)
    plain = tmp_path / f"plain{version}"
    plain.mkdir()
    path = write_als(song, plain / "set.als", live_version=version, stems=tiny_stems(song, plain))
    (group,) = read_set(path).findall("LiveSet/Tracks/GroupTrack")
    assert value(group, "DeviceChain/Mixer/Speaker/Manual") == "true"  # the stems are the sound


def test_a_track_without_notes_gets_no_instrument() -> None:
    song = make_song("house", 3)
    silent = replace(song.tracks[1], clips=())
    planned = render_instruments(replace(song, tracks=(silent, *song.tracks[1:])))
    assert [item.index for item in planned] == list(range(1, len(song.tracks)))


def test_one_shot_file_names_are_safe_and_unique() -> None:
    song = hostile_song()
    names = [zone.file_name for item in render_instruments(song) for zone in item.zones]
    assert len(names) == len(set(names))
    for name in names:
        assert "/" not in name and "\\" not in name and "\n" not in name and name.endswith(".wav")


@pytest.mark.shared
@pytest.mark.parametrize("version", VERSIONS)
def test_sets_with_instruments_pass_the_checker(tmp_path: Path, version: int) -> None:
    path, _ = _written(tmp_path, version, stems=True)
    hostile_project = tmp_path / f"hostile{version}"
    hostile_project.mkdir()
    song = hostile_song()
    hostile = write_als(
        song,
        hostile_project / "set.als",
        live_version=version,
        instruments=tiny_instruments(song, hostile_project, live_version=version),
    )
    run = run_checker(shared_path("tools", "als_check.py"), [path, hostile])
    for result in run.results.values():
        assert result.get("conformant") is True, problems(result)
    assert run.exit_code == 0, run.output


def _zone_wav(path: Path, frames: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(44100)
        writer.writeframes(b"\x00\x00" * frames)


@pytest.mark.shared
@pytest.mark.parametrize("version", VERSIONS)
def test_a_multi_sampled_pad_plays_all_its_zones_and_passes_the_checker(
    tmp_path: Path, version: int
) -> None:
    song = make_song("house", 3)
    project = tmp_path / "project"
    instruments = tiny_instruments(song, project, live_version=version)
    zones = []
    for index, root in enumerate((48, 54, 60)):
        path = project / "Samples" / "Instruments" / f"pad-{root}.wav"
        _zone_wav(path, 8000)
        sample = sample_file(path, project, 1_700_000_000)
        zones.append(SampleZone(sample, root, root - 3, root + 2, 2000 + index, 7000))
    (pad,) = [i for i, t in enumerate(song.tracks) if t.part == "pad"]
    instruments[pad] = MultiSampled("Pad", tuple(zones), attack_ms=300.0, release_ms=900.0)
    instruments = rack_presets(instruments, song, live_format(version), project, project)
    path = write_als(song, project / "set.als", live_version=version, instruments=instruments)
    (device,) = _devices(_midi_tracks(read_set(path))[pad])
    assert device.tag == ("MultiSampler" if version == 12 else "InstrumentGroupDevice")
    parts = list(device.iter("MultiSamplePart"))
    assert [value(p, "RootKey") for p in parts] == ["48", "54", "60"]
    loops = [
        tuple(value(p, f"SustainLoop/{tag}") for tag in ("Start", "End", "Mode")) for p in parts
    ]
    assert loops == [("2000", "7000", "1"), ("2001", "7000", "1"), ("2002", "7000", "1")]
    assert value(parts[1], "SampleRef/FileRef/RelativePath").endswith("pad-54.wav")
    if version == 11:  # the rack names its own preset, a file of the project
        preset = value(device, "LastPresetRef/Value/FilePresetRef/FileRef/RelativePath")
        assert (project / preset).is_file() and preset.endswith(".adg")
    run = run_checker(shared_path("tools", "als_check.py"), [path])
    assert run.exit_code == 0, problems(run.results[str(path)])
