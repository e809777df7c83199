"""Standard MIDI File (type 1) writer for the song model.

Track 0 is the conductor (tempo, time signature, key signature, one marker per section); then one
named track per part with its General MIDI program, drums on channel 10, its clip envelopes as
controllers (cutoff: CC 74; pitch bend, with the channel's bend range set by RPN 0 first), and
all-notes-off (CC 123) at its end so that no renderer keeps a voice hanging. Written byte by byte
(the format is small and fixed) so output is fast and byte-identical for the same song.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from musia.core.model import TICKS_PER_BEAT, Song, Track
from musia.files import write_bytes_atomic
from musia.formats.midi.automation import CONTROL, bend_range_setup, envelope_events

_NOTE_OFF, _NOTE_ON, _PROGRAM = 0x80, 0x90, 0xC0
_ALL_NOTES_OFF = 123
_OFF_VELOCITY = 64
_META_NAME, _META_MARKER = 0x03, 0x06
_META_TEMPO, _META_TIME_SIG, _META_KEY_SIG, _META_END = 0x51, 0x58, 0x59, 0x2F
# At one tick: note-offs, then controllers (a glide's bend is set before its note), then note-ons.
_OFF, _ON = 0, 2


def song_to_midi(song: Song, tempo_map: Sequence[tuple[float, float]] = ()) -> bytes:
    """`tempo_map`: (time_beats, bpm) changes after the first (a Live set's tempo automation);
    empty for the song's one tempo."""
    tracks = [_conductor(song, tempo_map)] + [_part_track(t, song) for t in song.tracks]
    header = b"MThd" + struct.pack(">IHHH", 6, 1, len(tracks), TICKS_PER_BEAT)
    return header + b"".join(tracks)


def write_midi(song: Song, path: Path, tempo_map: Sequence[tuple[float, float]] = ()) -> Path:
    return write_bytes_atomic(path, song_to_midi(song, tempo_map))


def ticks(beats: float) -> int:
    return round(beats * TICKS_PER_BEAT)


def tempo_microseconds(bpm: float) -> int:
    return round(60_000_000 / bpm)


def _conductor(song: Song, tempo_map: Sequence[tuple[float, float]] = ()) -> bytes:
    denominator_power = int(math.log2(song.meter.denominator))
    key_sig = struct.pack(">bB", song.key.signature, 1 if song.key.mode == "minor" else 0)
    events = [
        (0, _meta(_META_NAME, song.title.encode("utf-8"))),
        (0, _meta(_META_TEMPO, tempo_microseconds(song.bpm).to_bytes(3, "big"))),
        (0, _meta(_META_TIME_SIG, bytes((song.meter.numerator, denominator_power, 24, 8)))),
        (0, _meta(_META_KEY_SIG, key_sig)),
    ]
    changes = [(ticks(b), tempo_microseconds(bpm)) for b, bpm in tempo_map if b > 0 and bpm > 0]
    timed = [(t, _meta(_META_TEMPO, us.to_bytes(3, "big"))) for t, us in changes]
    timed += [
        (ticks(s.start_bar * song.bar_beats), _meta(_META_MARKER, s.name.title().encode("utf-8")))
        for s in song.sections
    ]
    events += sorted(timed, key=lambda e: e[0])
    return _chunk(events, end_tick=ticks(song.length_beats))


def _part_track(track: Track, song: Song) -> bytes:
    channel = track.channel
    events: list[tuple[int, bytes]] = [
        (0, _meta(_META_NAME, track.name.encode("utf-8"))),
        (0, bytes((_PROGRAM | channel, track.program))),
    ]
    if any(e.parameter == "pitch_bend" for c in track.clips for e in c.envelopes):
        events += [(0, message) for message in bend_range_setup(channel)]
    # One integer sorts everything: the tick, then offs / controllers / ons at that tick, then
    # the pitch (or the order the controllers were made in).
    timed: list[tuple[int, bytes]] = []
    on, off = _NOTE_ON | channel, _NOTE_OFF | channel
    for clip in track.clips:
        for note in clip.notes:
            start = round((clip.start_beats + note.start_beats) * TICKS_PER_BEAT)
            end = start + round(note.duration_beats * TICKS_PER_BEAT)
            pitch = note.pitch
            timed.append((_key(start, _ON, pitch), bytes((on, pitch, note.velocity))))
            timed.append((_key(end, _OFF, pitch), bytes((off, pitch, _OFF_VELOCITY))))
    timed += [(_key(t, order, n), m) for t, order, n, m in envelope_events(track, channel)]
    timed.sort(key=_first)
    events.extend((key >> _TICK_SHIFT, message) for key, message in timed)
    end_tick = max(ticks(song.length_beats), events[-1][0])
    events.append((end_tick, bytes((CONTROL | channel, _ALL_NOTES_OFF, 0))))
    return _chunk(events, end_tick=end_tick)


_TICK_SHIFT, _ORDER_SHIFT = 24, 22


def _key(tick: int, order: int, tie: int) -> int:
    return (tick << _TICK_SHIFT) | (order << _ORDER_SHIFT) | tie


def _first(event: tuple[int, bytes]) -> int:
    return event[0]


def _meta(kind: int, data: bytes) -> bytes:
    return bytes((0xFF, kind)) + _varlen(len(data)) + data


def _chunk(events: list[tuple[int, bytes]], end_tick: int) -> bytes:
    body = bytearray()
    now = 0
    for tick, message in events:
        body += _varlen(tick - now)
        body += message
        now = tick
    body += _varlen(max(0, end_tick - now)) + _meta(_META_END, b"")
    return b"MTrk" + struct.pack(">I", len(body)) + bytes(body)


@lru_cache(maxsize=8192)  # a song repeats a few hundred distances between events many times
def _varlen(value: int) -> bytes:
    """MIDI variable-length quantity: 7 bits per byte, high bit set on all but the last."""
    if value < 0x80:
        return bytes((value,))
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    return bytes(reversed(out))
