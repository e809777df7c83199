"""The set, read back with the standard library, holds the song: notes, clips, tempo, time
signature, names, counts, mixer values, and ids that keep Live's rules."""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from functools import cache

import mido
import pytest

from musia.core.model import TICKS_PER_BEAT, Song
from musia.formats.als import song_to_als_xml
from musia.formats.als.liveset import RETURNS, section_label
from musia.formats.als.mixer import db_to_gain, time_signature_value
from musia.formats.midi import song_to_midi
from tests.formats.als.helpers import (
    SIBLING_ID_TAGS,
    arrangement_clips,
    clip_notes,
    main_track,
    midi_tracks,
    parse_xml,
    pointee_ids,
    session_slots,
    ticks,
    value,
)
from tests.helpers import make_song

SONGS: dict[str, tuple[str, int, dict[str, object]]] = {
    "house-4_4": ("house", 1, {"bpm": 124, "tonic_pc": 9, "mode": "minor"}),
    "techno-6_8": ("techno", 2, {"time_signature": (6, 8)}),
    "pop-3_4": ("pop", 3, {"time_signature": (3, 4)}),
    "lofi-7_8": ("lo-fi", 1, {"time_signature": (7, 8), "bpm": 84}),
}
CASES = [(name, v) for name in SONGS for v in (11, 12)]


@cache
def _song(name: str) -> Song:
    style, seed, fields = SONGS[name]
    return make_song(style, seed, **fields)


@cache
def _root(name: str, live_version: int) -> ET.Element:
    return parse_xml(song_to_als_xml(_song(name), live_version))


@pytest.fixture(params=CASES, ids=[f"{n}-live{v}" for n, v in CASES])
def case(request: pytest.FixtureRequest) -> tuple[Song, ET.Element, int]:
    name, version = request.param
    return _song(name), _root(name, version), version


def test_root_and_version(case: tuple[Song, ET.Element, int]) -> None:
    _, root, version = case
    assert root.tag == "Ableton" and root.get("MajorVersion") == "5"
    live = root.find("LiveSet")
    assert live is not None
    if version == 11:
        assert root.get("MinorVersion") == "11.0_11300"
        assert (root.get("Creator") or "").startswith("Ableton Live 11.3")
        assert live.find("MasterTrack") is not None and live.find("MainTrack") is None
    else:
        assert root.get("MinorVersion") == "12.0_12300"
        assert (root.get("Creator") or "").startswith("Ableton Live 12.3")
        assert live.find("MainTrack") is not None and live.find("MasterTrack") is None
    assert live.find("PreHearTrack") is not None


def test_arrangement_notes_equal_the_song(case: tuple[Song, ET.Element, int]) -> None:
    song, root, _ = case
    tracks = midi_tracks(root)
    assert len(tracks) == len(song.tracks)
    for model, element in zip(song.tracks, tracks, strict=True):
        written = []
        for clip in arrangement_clips(element):
            written += clip_notes(clip, float(value(clip, "CurrentStart")))
        expected = [
            (ticks(n.start_beats), n.pitch, ticks(n.duration_beats), n.velocity)
            for n in model.absolute_notes()
        ]
        assert sorted(written) == sorted(expected), model.name


def test_arrangement_clips_sit_at_their_sections(case: tuple[Song, ET.Element, int]) -> None:
    song, root, _ = case
    for model, element in zip(song.tracks, midi_tracks(root), strict=True):
        clips = arrangement_clips(element)
        assert len(clips) == len(model.clips)
        ordered = sorted(model.clips, key=lambda c: c.start_beats)
        for clip_model, clip in zip(ordered, clips, strict=True):
            start, end = float(value(clip, "CurrentStart")), float(value(clip, "CurrentEnd"))
            assert float(clip.get("Time", "nan")) == start == clip_model.start_beats
            assert end - start == clip_model.length_beats
            assert float(value(clip, "Loop/LoopEnd")) == clip_model.length_beats
            assert value(clip, "Name") == clip_model.name
            assert value(clip, "Color") == value(element, "Color")
            sig = clip.find("TimeSignature/TimeSignatures/RemoteableTimeSignature")
            assert sig is not None
            assert (value(sig, "Numerator"), value(sig, "Denominator")) == (
                str(song.meter.numerator),
                str(song.meter.denominator),
            )


def test_session_slots_hold_each_sections_clip(case: tuple[Song, ET.Element, int]) -> None:
    song, root, _ = case
    starts = [s.start_bar * song.bar_beats for s in song.sections]
    for model, element in zip(song.tracks, midi_tracks(root), strict=True):
        slots = session_slots(element)
        assert len(slots) == len(song.sections)
        by_start = {c.start_beats: c for c in model.clips}
        for start, slot in zip(starts, slots, strict=True):
            clip = slot.find("ClipSlot/Value/MidiClip")
            model_clip = by_start.get(start)
            if model_clip is None:
                assert clip is None
                continue
            assert clip is not None and value(clip, "Name") == model_clip.name
            assert clip.get("Time") == "0" and value(clip, "Loop/LoopOn") == "true"
            expected = sorted(
                (ticks(n.start_beats), n.pitch, ticks(n.duration_beats), n.velocity)
                for n in model_clip.notes
            )
            assert clip_notes(clip) == expected


def test_notes_equal_the_midi_file(case: tuple[Song, ET.Element, int]) -> None:
    """The set and the .mid written from the same song carry the same notes."""
    song, root, _ = case
    midi = mido.MidiFile(file=io.BytesIO(song_to_midi(song)))
    for element, midi_track in zip(midi_tracks(root), midi.tracks[1:], strict=True):
        written = []
        for clip in arrangement_clips(element):
            written += clip_notes(clip, float(value(clip, "CurrentStart")))
        assert sorted((s, p, d, v) for s, p, d, v in written) == _midi_notes(midi_track)


def _midi_notes(track: mido.MidiTrack) -> list[tuple[int, int, int, int]]:
    now, open_notes, notes = 0, defaultdict(list), []
    for message in track:
        now += message.time
        if message.type == "note_on" and message.velocity > 0:
            open_notes[message.note].append((now, message.velocity))
        elif message.type in ("note_on", "note_off"):
            start, velocity = open_notes[message.note].pop(0)
            notes.append((start, message.note, now - start, velocity))
    return sorted(notes)


def test_tempo_and_time_signature_with_default_envelopes(
    case: tuple[Song, ET.Element, int],
) -> None:
    song, root, _ = case
    main = main_track(root)
    signature = time_signature_value(song.meter.numerator, song.meter.denominator)
    assert float(value(main, "DeviceChain/Mixer/Tempo/Manual")) == song.bpm
    assert int(value(main, "DeviceChain/Mixer/TimeSignature/Manual")) == signature
    envelopes = {
        value(env, "EnvelopeTarget/PointeeId"): env
        for env in main.findall("AutomationEnvelopes/Envelopes/AutomationEnvelope")
    }
    for parameter, expected in (("Tempo", song.bpm), ("TimeSignature", signature)):
        target = main.find(f"DeviceChain/Mixer/{parameter}/AutomationTarget")
        assert target is not None
        events = list(envelopes[target.get("Id", "")].iterfind("Automation/Events/*"))
        assert len(events) == 1
        assert events[0].get("Time") == "-63072000"
        assert float(events[0].get("Value", "nan")) == expected


@pytest.mark.parametrize(
    ("meter", "encoded"), [((4, 4), 201), ((3, 4), 200), ((6, 8), 302), ((7, 8), 303)]
)
def test_time_signature_encoding(meter: tuple[int, int], encoded: int) -> None:
    assert time_signature_value(*meter) == encoded
    assert encoded == (meter[0] - 1) + 99 * math.log2(meter[1])


def test_names_and_counts(case: tuple[Song, ET.Element, int]) -> None:
    song, root, _ = case
    live = root.find("LiveSet")
    assert live is not None
    tracks = midi_tracks(root)
    assert [value(t, "Name/UserName") for t in tracks] == [t.name for t in song.tracks]
    assert [value(t, "Name/EffectiveName") for t in tracks] == [t.name for t in song.tracks]
    assert [int(value(t, "Color")) for t in tracks] == [t.color_index for t in song.tracks]
    labels = [section_label(s) for s in song.sections]
    assert labels == [s.name.title() for s in song.sections]
    assert [value(s, "Name") for s in live.findall("Scenes/Scene")] == labels
    locators = live.findall("Locators/Locators/Locator")
    assert [value(loc, "Name") for loc in locators] == labels
    assert [float(value(loc, "Time")) for loc in locators] == [
        s.start_bar * song.bar_beats for s in song.sections
    ]
    returns = live.findall("Tracks/ReturnTrack")
    assert [value(r, "Name/EffectiveName") for r in returns] == ["A-Reverb", "B-Delay"]
    assert len(returns) == len(RETURNS) == len(live.findall("SendsPre/SendPreBool"))
    for track in [*tracks, *returns]:
        assert len(track.findall("DeviceChain/Mixer/Sends/TrackSendHolder")) == len(returns)
    assert [t.tag for t in live.find("Tracks") or []][-2:] == ["ReturnTrack", "ReturnTrack"]


def test_volume_and_pan(case: tuple[Song, ET.Element, int]) -> None:
    song, root, _ = case
    for model, element in zip(song.tracks, midi_tracks(root), strict=True):
        volume = float(value(element, "DeviceChain/Mixer/Volume/Manual"))
        assert volume == pytest.approx(10 ** (model.volume_db / 20), rel=1e-6)
        assert volume == db_to_gain(model.volume_db)
        assert float(value(element, "DeviceChain/Mixer/Pan/Manual")) == model.pan
        for send in element.findall("DeviceChain/Mixer/Sends/TrackSendHolder/Send/Manual"):
            assert float(send.get("Value", "nan")) == pytest.approx(0.0003162277571)


def test_pointee_ids_unique_and_below_next_pointee_id(case: tuple[Song, ET.Element, int]) -> None:
    _, root, _ = case
    ids = pointee_ids(root)
    next_id = int(value(root, "LiveSet/NextPointeeId"))
    assert len(ids) == len(set(ids)) > 1000
    assert min(ids) >= 1 and max(ids) < next_id
    references = {int(e.get("Value", "-1")) for e in root.iter("PointeeId")}
    assert references and references <= set(ids)


def test_track_ids_and_sibling_ids(case: tuple[Song, ET.Element, int]) -> None:
    _, root, _ = case
    track_ids = [t.get("Id") for t in root.findall("LiveSet/Tracks/*")]
    assert len(track_ids) == len(set(track_ids))
    assert all(value(t, "TrackGroupId") == "-1" for t in root.findall("LiveSet/Tracks/*"))
    for parent in root.iter():
        for tag in SIBLING_ID_TAGS:
            ids = [int(c.attrib["Id"]) for c in parent.findall(tag) if "Id" in c.attrib]
            assert ids == list(range(len(ids))), f"{parent.tag}/{tag}"


def test_key_tracks_and_note_ids(case: tuple[Song, ET.Element, int]) -> None:
    _, root, version = case
    for clip in root.iter("MidiClip"):
        keys = [int(value(k, "MidiKey")) for k in clip.findall("Notes/KeyTracks/KeyTrack")]
        assert keys == sorted(set(keys))
        note_ids = []
        for key_track in clip.findall("Notes/KeyTracks/KeyTrack"):
            events = key_track.findall("Notes/MidiNoteEvent")
            times = [float(e.get("Time", "nan")) for e in events]
            assert times == sorted(times)
            note_ids += [int(e.get("NoteId", "0")) for e in events]
            attrs = Counter(a for e in events for a in e.attrib)
            assert ("VelocityDeviation" in attrs) == (version == 11 and bool(events))
        next_id = int(value(clip, "Notes/NoteIdGenerator/NextId"))
        assert (
            sorted(note_ids) == list(range(1, len(note_ids) + 1)) and next_id == len(note_ids) + 1
        )


def test_one_clip_slot_per_scene(case: tuple[Song, ET.Element, int]) -> None:
    song, root, version = case
    scenes = len(song.sections)
    for track in midi_tracks(root):
        assert len(session_slots(track)) == scenes
        assert len(track.findall("DeviceChain/FreezeSequencer/ClipSlotList/ClipSlot")) == scenes
    main_slots = main_track(root).findall(
        "DeviceChain/FreezeSequencer/AudioSequencer/ClipSlotList/ClipSlot"
    )
    assert len(main_slots) == (scenes if version == 12 else 0)


def test_tick_grid_survives_formatting() -> None:
    """Every note time the model can hold (a 1/960 grid) is written and read back exactly."""
    song = _song("lofi-7_8")
    for element in midi_tracks(_root("lofi-7_8", 11)):
        for event in element.iter("MidiNoteEvent"):
            for attr in ("Time", "Duration"):
                text = event.get(attr, "")
                assert "e" not in text.lower()
                assert float(text) * TICKS_PER_BEAT == pytest.approx(ticks(text), abs=1e-6)
    assert song.meter.bar_beats == 3.5
