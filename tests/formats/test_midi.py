"""The MIDI file, read back by an independent reader (mido), holds exactly the song."""

from __future__ import annotations

import io
from collections import defaultdict
from pathlib import Path

import mido
import pytest

from musia.core.model import (
    TICKS_PER_BEAT,
    Clip,
    Envelope,
    EnvelopePoint,
    Note,
    Section,
    Song,
    Track,
)
from musia.core.theory.key import Key
from musia.core.theory.meter import Meter
from musia.formats.midi import read_midi, song_to_midi, tempo_microseconds
from tests.helpers import make_song


def _read(song: Song) -> mido.MidiFile:
    return mido.MidiFile(file=io.BytesIO(song_to_midi(song)))


def _notes_by_track(midi: mido.MidiFile) -> dict[str, list[tuple[int, int, int, int, int]]]:
    """(start tick, pitch, end tick, velocity, channel) per track name, from raw messages."""
    result: dict[str, list[tuple[int, int, int, int, int]]] = {}
    for track in midi.tracks:
        now, name, open_notes = 0, "", defaultdict(list)
        notes = []
        for message in track:
            now += message.time
            if message.type == "track_name":
                name = message.name
            elif message.type == "note_on" and message.velocity > 0:
                open_notes[message.note].append((now, message.velocity, message.channel))
            elif message.type in ("note_off", "note_on"):
                start, velocity, channel = open_notes[message.note].pop(0)
                notes.append((start, message.note, now, velocity, channel))
        assert not any(open_notes.values()), f"{name}: notes left hanging"
        result[name] = sorted(notes)
    return result


@pytest.mark.parametrize(
    ("style", "meter"), [("house", (4, 4)), ("lo-fi", (4, 4)), ("techno", (6, 8)), ("pop", (3, 4))]
)
def test_notes_read_back_tick_exact(style: str, meter: tuple[int, int]) -> None:
    song = make_song(style, 21, time_signature=meter, bars=24)
    read = _notes_by_track(_read(song))
    for track in song.tracks:
        expected = sorted(
            (
                round(n.start_beats * TICKS_PER_BEAT),
                n.pitch,
                round(n.end_beats * TICKS_PER_BEAT),
                n.velocity,
                track.channel,
            )
            for n in track.absolute_notes()
        )
        assert read[track.name] == expected


def test_type_1_with_conductor_tempo_meter_and_key() -> None:
    song = make_song("techno", 3, bpm=133, tonic_pc=6, mode="minor", time_signature=(6, 8), bars=16)
    midi = _read(song)
    assert midi.type == 1 and midi.ticks_per_beat == TICKS_PER_BEAT
    meta = {m.type: m for m in midi.tracks[0] if m.is_meta}
    assert meta["set_tempo"].tempo == tempo_microseconds(133)
    assert round(mido.tempo2bpm(meta["set_tempo"].tempo), 3) == 133
    assert (meta["time_signature"].numerator, meta["time_signature"].denominator) == (6, 8)
    assert meta["key_signature"].key == "F#m"
    assert len(midi.tracks) == 1 + len(song.tracks)


def test_named_tracks_programs_drums_on_channel_10_and_all_notes_off() -> None:
    song = make_song("hip-hop", 5, bars=16)
    midi = _read(song)
    for model_track, midi_track in zip(song.tracks, midi.tracks[1:], strict=True):
        names = [m.name for m in midi_track if m.type == "track_name"]
        programs = [m for m in midi_track if m.type == "program_change"]
        assert names == [model_track.name]
        assert (
            programs[0].program == model_track.program
            and programs[0].channel == model_track.channel
        )
        channels = {m.channel for m in midi_track if m.type in ("note_on", "note_off")}
        assert channels == {9} if model_track.part == "drums" else channels == {model_track.channel}
        last_channel_message = [m for m in midi_track if not m.is_meta][-1]
        assert last_channel_message.type == "control_change" and last_channel_message.control == 123


def test_length_in_ticks_is_the_song_length() -> None:
    song = make_song("house", 2, bars=12)
    midi = _read(song)
    assert all(sum(m.time for m in t) == 12 * 4 * TICKS_PER_BEAT for t in midi.tracks)


def test_same_song_same_bytes() -> None:
    song = make_song("dubstep", 8, bars=24)
    assert song_to_midi(song) == song_to_midi(make_song("dubstep", 8, bars=24))


# --- automation and markers ---------------------------------------------------------------------


def _automated_song() -> Song:
    """A bar of bass with two notes, the second gliding in from 5 semitones below (an 808 glide),
    and a bar of chords whose filter opens from 0.2 to fully open over its four beats."""
    glide = Envelope(
        "pitch_bend",
        (
            EnvelopePoint(0.0, 0.0),
            EnvelopePoint(2.0, 0.0),
            EnvelopePoint(2.0, -5.0),
            EnvelopePoint(2.25, 0.0),
        ),
    )
    bass_clip = Clip("Drop", 4.0, 4.0, (Note(0.0, 36, 2.0, 100), Note(2.0, 41, 2.0, 100)), (glide,))
    sweep = Envelope("cutoff", (EnvelopePoint(0.0, 0.2), EnvelopePoint(4.0, 1.0)))
    chord_clip = Clip("Build", 0.0, 4.0, (Note(0.0, 60, 4.0, 90),), (sweep,))
    return Song(
        title="Automated",
        style="house",
        bpm=120.0,
        key=Key(9, "minor"),
        meter=Meter(4, 4),
        bars=2,
        sections=(Section("build", 0, 1, 2, ("chords",)), Section("drop", 1, 1, 3, ("bass",))),
        tracks=(
            Track("Bass", "bass", 38, 0, 13, (bass_clip,)),
            Track("Chords", "chords", 4, 1, 16, (chord_clip,)),
        ),
        seed=1,
    )


def _timed(track: mido.MidiTrack) -> list[tuple[int, mido.Message]]:
    now, result = 0, []
    for message in track:
        now += message.time
        result.append((now, message))
    return result


def test_cutoff_is_cc_74_rising_through_the_ramp_and_back_open_at_the_clip_end() -> None:
    chords = _timed(_read(_automated_song()).tracks[2])
    cutoff = [(t, m.value) for t, m in chords if m.type == "control_change" and m.control == 74]
    assert cutoff[0] == (0, round(0.2 * 127)), "the filter starts where the envelope starts"
    values = [v for _, v in cutoff]
    assert values == sorted(values) and values[-1] == 127
    # A straight ramp over 4 beats, written a 64th note (60 ticks) at a time, without repeats.
    assert len(cutoff) > 30 and len(set(values)) == len(values)
    halfway = next(v for t, v in cutoff if t >= 2 * TICKS_PER_BEAT)
    assert abs(halfway - 0.6 * 127) <= 2


def test_pitch_bend_sets_a_12_semitone_range_first_and_glides_into_the_note() -> None:
    bass = _timed(_read(_automated_song()).tracks[1])
    rpn = [(m.control, m.value) for _, m in bass if m.type == "control_change"][:4]
    assert rpn == [(101, 0), (100, 0), (6, 12), (38, 0)], "RPN 0 = bend range 12 semitones"
    bends = [(t, m.pitch) for t, m in bass if m.type == "pitchwheel"]
    onset = 6 * TICKS_PER_BEAT  # the second note: clip at beat 4, note at beat 2 of the clip
    # No bend from the clip start; at the onset 5 semitones down of a 12-semitone range (-5/12
    # of 8192), then back to 0 within a sixteenth.
    assert bends[0] == (4 * TICKS_PER_BEAT, 0)
    assert bends[1] == (onset, round(-5 / 12 * 8192))
    assert bends[-1][1] == 0 and bends[-1][0] <= onset + TICKS_PER_BEAT // 4
    order = [m.type for t, m in bass if t == onset and not m.is_meta]
    assert order == ["note_off", "pitchwheel", "note_on"], "the bend is set before the note sounds"


def test_envelopes_and_sections_read_back_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "automated.mid"
    path.write_bytes(song_to_midi(_automated_song()))
    song = read_midi(path)
    assert [(s.name, s.start_bar, s.bars) for s in song.sections] == [
        ("build", 0, 1),
        ("drop", 1, 1),
    ]
    bass, chords = song.tracks
    bend = bass.clips[0].envelope("pitch_bend")
    cutoff = chords.clips[0].envelope("cutoff")
    assert bend is not None and cutoff is not None
    assert bend.value_at(5.9) == 0.0 and bend.value_at(6.02) == pytest.approx(-5.0, abs=0.01)
    assert bend.value_at(7.0) == 0.0
    assert cutoff.value_at(0.0) == pytest.approx(0.2, abs=0.01)
    assert cutoff.value_at(2.0) == pytest.approx(0.6, abs=0.03)


def test_each_section_is_a_marker_at_its_first_bar() -> None:
    song = make_song("house", 3, bars=32)
    conductor = _timed(_read(song).tracks[0])
    markers = [(t, m.text) for t, m in conductor if m.type == "marker"]
    assert markers == [
        (round(s.start_bar * song.bar_beats * TICKS_PER_BEAT), s.name.title())
        for s in song.sections
    ]
