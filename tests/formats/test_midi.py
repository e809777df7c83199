"""The MIDI file, read back by an independent reader (mido), holds exactly the song."""

from __future__ import annotations

import io
from collections import defaultdict

import mido
import pytest

from musia.core.model import TICKS_PER_BEAT, Song
from musia.formats.midi import song_to_midi, tempo_microseconds
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
    assert song_to_midi(make_song("dubstep", 8)) == song_to_midi(make_song("dubstep", 8))
