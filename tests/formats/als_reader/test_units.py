"""Tempo maps (seconds through ramps and jumps), loop playback for MIDI export, key finding."""

from __future__ import annotations

import math

import pytest

from musia.core.theory.key import Key
from musia.core.theory.keyfind import detect_key
from musia.formats.als.addpart import parse_key
from musia.formats.als.clipfacts import ClipInfo, NoteEvent
from musia.formats.als.export import played_notes
from musia.formats.als.tempo import TempoMap, decode_time_signature, tempo_map


def test_constant_tempo_and_a_jump() -> None:
    assert TempoMap(120.0).seconds(8) == 4.0
    jump = tempo_map(120.0, [(-63072000, 120.0), (4, 120.0), (4, 60.0)])
    assert jump.seconds(4) == pytest.approx(2.0)
    assert jump.seconds(6) == pytest.approx(4.0)  # two beats at 60 BPM after the jump
    assert jump.bpm_at(5) == 60.0


def test_a_ramp_is_integrated_exactly() -> None:
    ramp = tempo_map(120.0, [(-63072000, 120.0), (0, 120.0), (12, 180.0)])
    slope = 60.0 / 12
    expected = 60.0 / slope * math.log((120.0 + slope * 6) / 120.0)
    assert ramp.seconds(6) == pytest.approx(expected)
    assert ramp.seconds(20) == pytest.approx(60 / slope * math.log(1.5) + 8 * 60 / 180)
    steps = ramp.steps(1.0)
    assert steps[0] == (0.0, 122.5) and steps[-1] == (12.0, 180.0)


def test_a_lone_before_the_song_event_is_no_automation() -> None:
    assert tempo_map(128.0, [(-63072000, 128.0)]).points == ()


def test_time_signature_codes() -> None:
    assert decode_time_signature(201) == (4, 4)
    assert decode_time_signature(200) == (3, 4)
    assert decode_time_signature(302) == (6, 8)
    assert decode_time_signature(1e300) == (4, 4)  # hostile: no 2**huge


def _clip(loop_on: bool, start_relative: float = 0.0) -> ClipInfo:
    notes = (NoteEvent(0.0, 0.5, 60, 100), NoteEvent(1.0, 0.5, 62, 90), NoteEvent(3.5, 1.0, 64, 80))
    return ClipInfo("midi", "arrangement", "c", 8.0, 18.0, loop_on, 0.0, 4.0, start_relative, notes)


def test_a_looping_clip_repeats_its_loop_for_its_length() -> None:
    notes = played_notes(_clip(True))
    assert [(n.start_beats, n.pitch) for n in notes][:4] == [(0, 60), (1, 62), (3.5, 64), (4, 60)]
    assert max(n.start_beats for n in notes) < 10 and len(notes) == 8  # 10 beats: 2.5 loops
    assert notes[2].duration_beats == 0.5  # cut at the loop end


def test_a_start_marker_inside_the_loop() -> None:
    notes = played_notes(_clip(True, start_relative=1.0))
    assert [(n.start_beats, n.pitch) for n in notes][:3] == [(0, 62), (2.5, 64), (3, 60)]


def test_a_clip_without_loop_plays_once() -> None:
    notes = played_notes(_clip(False))
    assert [n.pitch for n in notes] == [60, 62, 64]


def test_key_finding_on_scales() -> None:
    c_major = [3.0, 0, 1, 0, 3, 1, 0, 3, 0, 1, 0, 1]
    assert detect_key(c_major) == Key(0, "major")
    a_minor = [3.0, 0, 1, 0, 3, 1, 0, 0, 1, 3, 0, 1]
    assert detect_key(a_minor) == Key(9, "minor")
    assert detect_key([0.0] * 12) is None


def test_key_names() -> None:
    assert parse_key("A minor") == Key(9, "minor")
    assert parse_key("Ebm") == Key(3, "minor")
    assert parse_key("F#") == Key(6, "major")
    assert parse_key("c major") == Key(0, "major")
