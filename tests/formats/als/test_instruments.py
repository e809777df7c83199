"""The MIDI tracks carry Live's stock instruments: a Drum Rack whose pads listen to the drum notes
the clips play, each pad a one-shot Simpler; a Classic-mode Simpler at the part's root key on
every other part; every sample they reference is a file of the project; the checker passes."""

from __future__ import annotations

import statistics
import wave
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from musia.formats.als import sample_file, write_als
from musia.formats.als.drumrack import pad_note, receiving_note
from musia.formats.als.instruments import MultiSampled, SampleZone
from musia.production.instruments import plan_instruments, root_key
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
    instruments = tiny_instruments(song, project)
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


def test_root_keys_are_the_nearest_c_or_f_sharp() -> None:
    assert [root_key(p) for p in ([40, 41, 42], [36], [59, 60, 61], [65, 66, 67], [127])] == [
        42,
        36,
        60,
        66,
        126,
    ]


def test_receiving_notes_are_mirrored_as_live_stores_them() -> None:
    assert receiving_note(36) == 92  # Live's kick pad (C1)
    assert [pad_note(receiving_note(n)) for n in range(128)] == list(range(128))


@pytest.mark.parametrize("version", VERSIONS)
def test_melodic_parts_play_a_classic_simpler_at_their_root_key(
    tmp_path: Path, version: int
) -> None:
    song = make_song("house", 3)
    _, root = _written(tmp_path, version)
    planned = {item.index: item for item in plan_instruments(song)}
    tracks = _midi_tracks(root)
    melodic = [i for i, t in enumerate(song.tracks) if not t.is_drums]
    assert melodic
    for index in melodic:
        (device,) = _devices(tracks[index])
        assert device.tag == "OriginalSimpler"
        shot = planned[index].shot
        assert shot is not None
        part = "Player/MultiSampleMap/SampleParts/MultiSamplePart"
        assert int(value(device, f"{part}/RootKey")) == shot.pitch
        pitches = sorted(n.pitch for c in song.tracks[index].clips for n in c.notes)
        middle = statistics.median(pitches)
        assert shot.pitch % 6 == 0 and abs(shot.pitch - middle) <= 3  # the C or F# nearest
        assert value(device, "Globals/PlaybackMode") == "0"
        assert value(device, "Player/LoopModulators/LoopOn/Manual") == "false"
        release = float(value(device, "VolumeAndPan/Envelope/ReleaseTime/Manual"))
        assert release == planned[index].voice.release_ms


@pytest.mark.parametrize("version", VERSIONS)
def test_every_referenced_sample_is_a_file_of_the_project(tmp_path: Path, version: int) -> None:
    path, root = _written(tmp_path, version, stems=True)
    project = path.parent
    refs = list(root.iter("FileRef"))
    assert refs
    for ref in refs:
        relative = value(ref, "RelativePath")
        assert relative.startswith("Samples/"), relative
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
    planned = plan_instruments(replace(song, tracks=(silent, *song.tracks[1:])))
    assert [item.index for item in planned] == list(range(1, len(song.tracks)))


def test_one_shot_file_names_are_safe_and_unique() -> None:
    song = hostile_song()
    names = [shot.file_name for item in plan_instruments(song) for shot in item.shots]
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
        instruments=tiny_instruments(song, hostile_project),
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


@pytest.mark.parametrize("version", VERSIONS)
def test_a_multi_sampled_pad_plays_its_middle_zone_with_its_sustain_loop(
    tmp_path: Path, version: int
) -> None:
    song = make_song("house", 3)
    project = tmp_path / "project"
    instruments = tiny_instruments(song, project)
    zones = []
    for index, root in enumerate((48, 54, 60)):
        path = project / "Samples" / "Instruments" / f"pad-{root}.wav"
        _zone_wav(path, 8000)
        sample = sample_file(path, project, 1_700_000_000)
        zones.append(SampleZone(sample, root, root - 3, root + 2, 2000 + index, 7000))
    (pad,) = [i for i, t in enumerate(song.tracks) if t.part == "pad"]
    instruments[pad] = MultiSampled("Pad", tuple(zones), attack_ms=300.0, release_ms=900.0)
    path = write_als(song, project / "set.als", live_version=version, instruments=instruments)
    (simpler,) = _devices(_midi_tracks(read_set(path))[pad])[:1]
    assert simpler.tag == "OriginalSimpler"
    # Simpler's loop switch stays off: see simpler._sustain_loop (the checker admits no loop
    # that would not repeat the attack); the sample part carries the sustain loop.
    assert value(simpler, "Player/LoopModulators/LoopOn/Manual") == "false"
    part = "Player/MultiSampleMap/SampleParts/MultiSamplePart"
    assert value(simpler, f"{part}/RootKey") == "54"  # the middle zone
    assert (value(simpler, f"{part}/SustainLoop/Start"), value(simpler, f"{part}/SustainLoop/End"),
            value(simpler, f"{part}/SustainLoop/Mode")) == ("2001", "7000", "1")  # fmt: skip
    assert value(simpler, f"{part}/SampleRef/FileRef/RelativePath").endswith("pad-54.wav")
    run = run_checker(shared_path("tools", "als_check.py"), [path])
    assert run.exit_code == 0, problems(run.results[str(path)])
