"""The style's mix as Live's stock devices: faders, sends, each part's channel rack (EQ Eight
high-pass, a Compressor keyed from the Drums track, Auto Filter moved by the build automation),
Reverb and Delay on the returns, Glue Compressor and the -1 dB ceiling on the master; every style's
set passes the checker with `--samples` in both formats, the presets it names being files of the
project; `musia inspect` counts the samples the instruments play."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from musia.core.model import Song
from musia.core.styles import load_style, style_names
from musia.files import write_zip_atomic
from musia.formats.als import PROJECT_INFO_FOLDER, mix_for, write_als, write_project_info
from musia.formats.als.envelopes import cutoff_note
from musia.formats.als.inspect import describe
from musia.formats.als.mixer import db_to_gain
from musia.formats.als.params import SEND_OFF
from musia.formats.als.reader import read_set as read_live_set
from tests.conftest import shared_path
from tests.formats.als.helpers import (
    main_track,
    midi_tracks,
    problems,
    read_set,
    run_checker,
    tiny_instruments,
    value,
)
from tests.helpers import make_song

VERSIONS = (11, 12)
STYLE = "house"


def _write(song: Song, project: Path, version: int) -> Path:
    project.mkdir(parents=True, exist_ok=True)
    instruments = tiny_instruments(song, project, live_version=version)
    mix = mix_for(song, version, project, project)
    return write_als(
        song, project / "set.als", live_version=version, instruments=instruments, mix=mix
    )


@pytest.fixture(scope="module", params=VERSIONS)
def written(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, Song, Path, ET.Element]:
    version = int(request.param)
    song = make_song(STYLE, 1)
    path = _write(song, tmp_path_factory.mktemp(f"mix{version}"), version)
    return version, song, path, read_set(path)


def _rack_devices(track: ET.Element) -> dict[str, ET.Element]:
    """The devices of the track's channel rack, by tag."""
    racks = track.findall("DeviceChain/DeviceChain/Devices/AudioEffectGroupDevice")
    assert len(racks) <= 1
    if not racks:
        return {}
    chain = "Branches/AudioEffectBranch/DeviceChain/AudioToAudioDeviceChain/Devices/*"
    return {d.tag: d for d in racks[0].findall(chain)}


def _manual(device: ET.Element, path: str) -> float:
    return float(value(device, f"{path}/Manual"))


def test_faders_and_sends_follow_the_mix(written: tuple[int, Song, Path, ET.Element]) -> None:
    _, song, _, root = written
    mix = load_style(song.style).mix
    for track, element in zip(song.tracks, midi_tracks(root), strict=True):
        part = mix.parts[track.part]
        volume = float(value(element, "DeviceChain/Mixer/Volume/Manual"))
        assert volume == pytest.approx(db_to_gain(track.volume_db + part.gain_db), rel=1e-6)
        holders = element.findall("DeviceChain/Mixer/Sends/TrackSendHolder")
        sends = [float(value(h, "Send/Manual")) for h in holders]
        wanted = [level if level > 0 else SEND_OFF for level in (part.reverb, part.delay)]
        assert sends == pytest.approx(wanted), track.part


def test_the_kick_ducks_the_parts_the_mix_says(
    written: tuple[int, Song, Path, ET.Element],
) -> None:
    _, song, _, root = written
    mix = load_style(song.style).mix
    tracks = midi_tracks(root)
    (drums,) = [e for t, e in zip(song.tracks, tracks, strict=True) if t.is_drums]
    ducked = 0
    for track, element in zip(song.tracks, tracks, strict=True):
        compressor = _rack_devices(element).get("Compressor2")
        if track.is_drums or mix.parts[track.part].duck_db <= 0:
            assert compressor is None, track.part
            continue
        ducked += 1
        assert compressor is not None, track.part
        assert value(compressor, "SideChain/OnOff/Manual") == "true"
        target = value(compressor, "SideChain/RoutedInput/Routable/Target")
        assert target == f"AudioIn/Track.{drums.get('Id')}/PostFxOut"
        assert value(compressor, "SideChain/RoutedInput/Routable/UpperDisplayString") == (
            value(drums, "Name/EffectiveName")
        )
        release_ms = mix.duck_release_beats * 60000 / song.bpm
        assert _manual(compressor, "Release") == pytest.approx(release_ms, rel=1e-6)
        assert _manual(compressor, "Ratio") > 1
    assert ducked >= 2  # house: the bass and the pads at least


def test_eq_eight_high_passes_where_the_mix_says(
    written: tuple[int, Song, Path, ET.Element],
) -> None:
    _, song, _, root = written
    mix = load_style(song.style).mix
    for track, element in zip(song.tracks, midi_tracks(root), strict=True):
        eq = _rack_devices(element).get("Eq8")
        cutoff_hz = mix.parts[track.part].highpass_hz
        if cutoff_hz <= 0:
            assert eq is None, track.part
            continue
        assert eq is not None, track.part
        band = "Bands.0/ParameterA"
        assert value(eq, f"{band}/IsOn/Manual") == "true"
        assert value(eq, f"{band}/Mode/Manual") == "1"  # low cut, 12 dB per octave
        assert _manual(eq, f"{band}/Freq") == pytest.approx(cutoff_hz)


def test_returns_hold_reverb_and_synced_delay(written: tuple[int, Song, Path, ET.Element]) -> None:
    _, song, _, root = written
    mix = load_style(song.style).mix
    reverb_track, delay_track = root.findall("LiveSet/Tracks/ReturnTrack")
    (reverb,) = reverb_track.findall("DeviceChain/DeviceChain/Devices/Reverb")
    (delay,) = delay_track.findall("DeviceChain/DeviceChain/Devices/Delay")
    assert _manual(reverb, "DecayTime") == pytest.approx(mix.reverb_s * 1000)
    assert value(delay, "DelayLine_SyncL/Manual") == "true"
    sixteenths = (1, 2, 3, 4, 5, 6, 8, 16)[int(value(delay, "DelayLine_SyncedSixteenthL/Manual"))]
    assert sixteenths / 4 == pytest.approx(mix.delay_beats)
    assert _manual(delay, "Feedback") == pytest.approx(mix.delay_feedback)


def test_the_master_glues_and_stops_at_minus_one_db(
    written: tuple[int, Song, Path, ET.Element],
) -> None:
    version, song, _, root = written
    mix = load_style(song.style).mix
    devices = _rack_devices(main_track(root))
    assert "GlueCompressor" in devices
    if version == 11:
        limiter = devices["Limiter"]
        assert _manual(limiter, "Ceiling") == pytest.approx(mix.true_peak_dbtp) == -1.0
    else:  # no Limiter in the Live 12 profile: a peak compressor at inf:1
        ceiling = devices["Compressor2"]
        assert _manual(ceiling, "Threshold") == pytest.approx(db_to_gain(-1.0))
        assert _manual(ceiling, "Ratio") > 1e30
        assert value(ceiling, "SideChain/OnOff/Manual") == "false"


def test_the_build_automation_moves_the_auto_filter(
    written: tuple[int, Song, Path, ET.Element],
) -> None:
    version, song, _, root = written
    swept = 0
    for track, element in zip(song.tracks, midi_tracks(root), strict=True):
        envelopes = [e for c in track.clips for e in c.envelopes if e.parameter == "cutoff"]
        auto_filter = _rack_devices(element).get("AutoFilter")
        if not envelopes:
            assert auto_filter is None, track.part
            continue
        swept += 1
        assert auto_filter is not None, track.part
        cutoff_target = auto_filter.find("Cutoff/AutomationTarget")
        assert cutoff_target is not None
        if version == 11:
            pointed = element.findall(".//MidiClip/Envelopes/Envelopes/ClipEnvelope")
        else:
            pointed = element.findall("AutomationEnvelopes/Envelopes/AutomationEnvelope")
        targets = {value(e, "EnvelopeTarget/PointeeId") for e in pointed}
        assert cutoff_target.get("Id") in targets
        events = [
            float(ev.get("Value") or 0)
            for e in pointed
            if value(e, "EnvelopeTarget/PointeeId") == cutoff_target.get("Id")
            for ev in e.iter("FloatEvent")
        ]
        lowest = min(p.value for e in envelopes for p in e.points)
        assert min(events) == cutoff_note(lowest) < cutoff_note(1.0) == 135
    assert swept >= 1


def test_cutoff_runs_from_80_hz_to_the_top_of_auto_filter() -> None:
    assert cutoff_note(1.0) == 135  # 19.9 kHz
    assert 440 * 2 ** ((cutoff_note(0.0) - 69) / 12) == pytest.approx(80, rel=0.03)
    assert cutoff_note(-1) == cutoff_note(0.0) and cutoff_note(2) == 135


@pytest.mark.shared
def test_every_style_passes_the_checker_with_its_presets(tmp_path: Path) -> None:
    sets = [
        _write(make_song(style, 1, bars=16), tmp_path / f"{style}-{version}", version)
        for style in style_names()
        for version in VERSIONS
    ]
    run = run_checker(shared_path("tools", "als_check.py"), sets)
    assert run.exit_code == 0, "\n".join(
        f"{name}: {problems(result)}" for name, result in run.results.items()
    )
    for path in sets:
        presets = sorted(p.name for p in (path.parent / "Presets").iterdir())
        assert "Reverb.adv" in presets and "AutoFilter.adv" in presets
        with gzip.open(path.parent / "Presets" / "Reverb.adv") as adv:
            preset = ET.fromstring(adv.read())
        assert preset.find("AbletonDevicePreset/Device/Reverb") is not None


def test_inspect_lists_the_samples_instruments_play(
    written: tuple[int, Song, Path, ET.Element],
) -> None:
    _, _, path, _ = written
    shots = sorted((path.parent / "Samples" / "Instruments").glob("*.wav"))
    assert len(shots) >= 5
    info = read_live_set(path).info
    listed = sorted(s.relative_path for s in info.samples)
    assert listed == sorted(p.relative_to(path.parent).as_posix() for p in shots)
    assert all(s.exists for s in info.samples)
    assert f"samples: {len(shots)} (0 not found; {len(shots)} played by instruments)" in (
        describe(info)
    )
    presets = {s.relative_path for t in info.tracks for s in t.instrument_samples}
    assert not [p for p in presets if p.startswith("Presets/")]  # a preset is not a sample


@pytest.mark.shared
def test_the_reader_finds_instrument_samples_in_live_saved_sets() -> None:
    """Every `SampleRef` in a track's device chain of a corpus set is one instrument sample (an
    independent count of the XML: `SampleRef`s of the tracks minus the audio clips')."""
    name = "maranedah__pyableton__evasiva@bb28e88a.als"
    path = shared_path("als-corpus", name)
    xml = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
    tracks = xml[xml.index("<Tracks>") : xml.index("</Tracks>")]
    wanted = len(re.findall(r"<SampleRef[\s>]", tracks)) - tracks.count("<AudioClip ")
    info = read_live_set(path).info
    found = sum(len(t.instrument_samples) for t in info.tracks)
    assert found == wanted > 0


def test_the_project_info_folder_survives_the_zip(tmp_path: Path) -> None:
    project = tmp_path / "Song Project"
    (project / "Samples").mkdir(parents=True)
    (project / "Samples" / "a.wav").write_bytes(b"RIFF")
    info = write_project_info(project)
    assert info == project / PROJECT_INFO_FOLDER and info.is_dir()
    archive = write_zip_atomic(project, tmp_path / "Song Project.zip", 1_700_000_000)
    with zipfile.ZipFile(archive) as packed:
        names = packed.namelist()
        assert f"Song Project/{PROJECT_INFO_FOLDER}/" in names
        assert packed.getinfo(f"Song Project/{PROJECT_INFO_FOLDER}/").is_dir()
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(archive) as packed:
        packed.extractall(unpacked)
    assert (unpacked / "Song Project" / PROJECT_INFO_FOLDER).is_dir()
