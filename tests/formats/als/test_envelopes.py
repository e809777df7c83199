"""An 808's glides reach the Live set as pitch-bend clip envelopes, shaped as Live 11.3 saves
them: `ClipEnvelope`s on the bass's arrangement clips, pointing at the track's pitch-bend
controller target (`ControllerTargets.0`), events in Live's pitch-bend units (-8192 … 8191 over
the instrument's range, 12 semitones here) at clip-local beats after the default event at
-63072000. Session copies and Live 12 sets carry none (no set saved by Live holds one there that
the checker could vouch for); the MIDI file carries them all."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from musia.core.model import Song
from musia.formats.als import song_to_als_xml
from musia.formats.als.envelopes import DEFAULT_EVENT_TIME, bend_value
from tests.formats.als.helpers import arrangement_clips, midi_tracks, parse_xml, session_slots
from tests.helpers import make_song


def _glides() -> Song:
    song = make_song("trap", 3, bars=24)
    bass = song.track("bass")
    assert bass is not None and any(c.envelope("pitch_bend") for c in bass.clips)
    return song


def _bass(root: ET.Element) -> ET.Element:
    return next(t for t in midi_tracks(root) if t.find("Name/EffectiveName").get("Value") == "Bass")  # type: ignore[union-attr]


def test_live_11_arrangement_clips_carry_the_glides_against_the_pitch_bend_target() -> None:
    song = _glides()
    root = parse_xml(song_to_als_xml(song, 11))
    track = _bass(root)
    target = track.find("DeviceChain/MainSequencer/MidiControllers/ControllerTargets.0")
    assert target is not None
    model_clips = sorted(song.track("bass").clips, key=lambda c: c.start_beats)  # type: ignore[union-attr]
    written = 0
    for clip, element in zip(model_clips, arrangement_clips(track), strict=True):
        bend = clip.envelope("pitch_bend")
        envelopes = element.findall("Envelopes/Envelopes/ClipEnvelope")
        if bend is None:
            assert not envelopes
            continue
        (envelope,) = envelopes
        assert envelope.find("EnvelopeTarget/PointeeId").get("Value") == target.get("Id")  # type: ignore[union-attr]
        events = [(float(e.get("Time")), int(e.get("Value"))) for e in envelope.iter("FloatEvent")]  # type: ignore[arg-type]
        assert events[0] == (DEFAULT_EVENT_TIME, bend_value(bend.points[0].value))
        assert events[1:] == [(p.time_beats, bend_value(p.value)) for p in bend.points]
        written += 1
    assert written, "the 808 glides somewhere"
    # A 5-semitone glide is 5/12 of the range: 3413 of 8192, below the note it lands on.
    assert bend_value(-5.0) == -3413 and bend_value(12.0) == 8191 and bend_value(-12.0) == -8192


def test_session_copies_and_live_12_sets_carry_no_clip_envelope() -> None:
    song = _glides()
    live11 = _bass(parse_xml(song_to_als_xml(song, 11)))
    assert not [e for slot in session_slots(live11) for e in slot.iter("ClipEnvelope")]
    live12 = parse_xml(song_to_als_xml(song, 12))
    assert not list(live12.iter("ClipEnvelope"))
