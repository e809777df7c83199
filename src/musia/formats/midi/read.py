"""Reading a Standard MIDI File (type 0 or 1) into the song model (mido parses the bytes).

One track per (MIDI track, channel) with its notes, its CC 74 and pitch-bend messages as clip
envelopes (the bend range as the file's RPN 0 sets it), and the file's markers as sections (one
"song" section when it has none), timed in seconds exactly as the file's tempo map says, at the
first tempo.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from musia.core.model import (
    DRUM_CHANNEL,
    TICKS_PER_BEAT,
    Clip,
    Envelope,
    Note,
    Section,
    Song,
    Track,
    on_grid,
)
from musia.core.theory.key import FLAT_NAMES, SHARP_NAMES, Key
from musia.core.theory.meter import Meter
from musia.errors import FileFormatError, InvalidInput
from musia.formats.midi.automation import (
    CUTOFF_CC,
    DATA_MSB,
    DEFAULT_BEND_RANGE,
    RPN_LSB,
    RPN_MSB,
    read_envelopes,
)

MAX_MIDI_BYTES = 16 * 1024 * 1024
MAX_MIDI_S = 30 * 60.0  # the plan's limit on a song's length
MAX_MIDI_NOTES = 500_000
_DEFAULT_TEMPO = 500_000  # microseconds per beat: 120 BPM


def read_midi(path: Path) -> Song:
    """A Standard MIDI File (type 0 or 1) as a song: one track per (MIDI track, channel) with
    notes, timed in seconds exactly as the file's tempo map says, at the first tempo. A note left
    on is closed at the end of the file. Bad input raises FileFormatError or InvalidInput."""
    import io

    import mido

    data = _read_bytes(path)
    if not data.startswith(b"MThd"):
        raise FileFormatError(f"{path.name} is not a MIDI file (no MThd header)", field="file")
    try:
        midi = mido.MidiFile(file=io.BytesIO(data))
    except Exception as exc:  # mido raises many kinds on hostile bytes: all mean "corrupt"
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise FileFormatError(
            f"{path.name} is a corrupt or truncated MIDI file ({detail})", field="file"
        ) from exc
    if midi.type == 2 or midi.ticks_per_beat <= 0:
        raise FileFormatError(f"{path.name}: type 2 and SMPTE-timed MIDI files are not supported")
    return midi_to_song(midi, title=path.stem or "MIDI", name=path.name)


def _read_bytes(path: Path) -> bytes:
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder, not a MIDI file", field="file")
    try:
        size = path.stat().st_size
        if size > MAX_MIDI_BYTES:
            raise FileFormatError(f"{path.name} is larger than 16 MiB; not a MIDI file to render")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InvalidInput(f"no such file: {path}", field="file") from exc


def midi_to_song(midi: Any, *, title: str, name: str = "") -> Song:
    """A parsed mido.MidiFile → Song (see read_midi); `name` names the file in messages."""
    name = name or title
    events = [_absolute(track) for track in midi.tracks]
    tempo_map = _tempo_map(events)
    bpm = 60_000_000 / tempo_map[0][1]
    to_beats = _tick_to_beats(tempo_map, midi.ticks_per_beat, bpm)
    end_tick = max((tick for track in events for tick, _ in track), default=0)
    end_beats = to_beats(end_tick)
    if end_beats * 60 / bpm > MAX_MIDI_S:
        raise FileFormatError(f"{name} lasts over {MAX_MIDI_S / 60:.0f} minutes", field="file")
    tracks = _tracks(events, end_tick, to_beats)
    if not tracks:
        raise FileFormatError(f"{name} has no notes to render", field="file")
    meter = _first_meter(events)
    length_beats = max(end_beats, *(t.clips[0].length_beats for t in tracks))
    bars = max(1, math.ceil(length_beats / meter.bar_beats - 1e-9))
    parts = tuple(t.part for t in tracks)
    return Song(
        title=title,
        style="midi",
        bpm=bpm,
        key=_first_key(events),
        meter=meter,
        bars=bars,
        sections=_sections(events, to_beats, meter.bar_beats, bars, parts),
        tracks=tuple(tracks),
        seed=0,
        metadata={"source": "midi"},
    )


def _tracks(
    events: list[list[tuple[int, Any]]], end_tick: int, to_beats: Callable[[int], float]
) -> list[Track]:
    channel_setup = _channel_setup(events)
    bend_ranges = _bend_ranges(events)
    tracks: list[Track] = []
    for index, track_events in enumerate(events):
        by_channel = _notes(track_events, end_tick)
        names = [m.name.strip() for _, m in track_events if m.type == "track_name"]
        for channel, notes in sorted(by_channel.items()):
            name = next((n for n in names if n), "Drums" if channel == DRUM_CHANNEL else "")
            name = name or f"Track {index}"
            if len(by_channel) > 1:
                name = f"{name} ch{channel + 1}"
            first_tick = min(start for start, *_ in notes)
            settings = {k: v for t, k, v in channel_setup.get(channel, []) if t <= first_tick}
            track = _midi_track(name, channel, notes, to_beats, settings, len(tracks))
            envelopes = _envelopes(track_events, channel, to_beats, bend_ranges)
            if envelopes:
                clip = track.clips[0]
                clip = Clip(clip.name, 0.0, clip.length_beats, clip.notes, envelopes)
                track = replace(track, clips=(clip,))
            tracks.append(track)
    return tracks


def _envelopes(
    track: list[tuple[int, Any]],
    channel: int,
    to_beats: Callable[[int], float],
    bend_ranges: dict[int, float],
) -> tuple[Envelope, ...]:
    cutoff = [
        (to_beats(t), m.value)
        for t, m in track
        if m.type == "control_change" and m.channel == channel and m.control == CUTOFF_CC
    ]
    bends = [
        (to_beats(t), m.pitch) for t, m in track if m.type == "pitchwheel" and m.channel == channel
    ]
    return read_envelopes(cutoff, bends, bend_ranges.get(channel, DEFAULT_BEND_RANGE))


def _bend_ranges(events: list[list[tuple[int, Any]]]) -> dict[int, float]:
    """Each channel's pitch-bend range in semitones, as its RPN 0 data entry sets it."""
    ranges: dict[int, float] = {}
    selected: dict[int, tuple[int, int]] = {}
    for track in events:
        for _, m in sorted(track, key=lambda e: e[0]):
            if m.type != "control_change":
                continue
            rpn = selected.get(m.channel, (127, 127))
            if m.control == RPN_MSB:
                selected[m.channel] = (m.value, rpn[1])
            elif m.control == RPN_LSB:
                selected[m.channel] = (rpn[0], m.value)
            elif m.control == DATA_MSB and rpn == (0, 0):
                ranges[m.channel] = float(m.value)
    return ranges


def _sections(
    events: list[list[tuple[int, Any]]],
    to_beats: Callable[[int], float],
    bar_beats: float,
    bars: int,
    parts: tuple[str, ...],
) -> tuple[Section, ...]:
    """The file's markers as sections (each to the next marker), or one "song" section."""
    starts: dict[int, str] = {}
    for track in events:
        for tick, m in track:
            if m.type == "marker" and m.text.strip():
                bar = min(bars - 1, int(to_beats(tick) / bar_beats + 1e-9))
                starts.setdefault(bar, m.text.strip().lower())
    if not starts or 0 not in starts:
        starts = {0: "song", **starts}
    ordered = sorted(starts.items())
    ends = [bar for bar, _ in ordered[1:]] + [bars]
    return tuple(
        Section(name, bar, end - bar, 2, parts)
        for (bar, name), end in zip(ordered, ends, strict=True)
    )


def _absolute(track: Any) -> list[tuple[int, Any]]:
    now, result = 0, []
    for message in track:
        now += message.time
        result.append((now, message))
    return result


def _tempo_map(events: list[list[tuple[int, Any]]]) -> list[tuple[int, int]]:
    changes = sorted(
        (tick, m.tempo) for track in events for tick, m in track if m.type == "set_tempo"
    )
    if not changes or changes[0][0] > 0:
        changes.insert(0, (0, changes[0][1] if changes else _DEFAULT_TEMPO))
    return [(tick, max(1, tempo)) for tick, tempo in changes]


def _tick_to_beats(
    tempo_map: list[tuple[int, int]], ticks_per_beat: int, bpm: float
) -> Callable[[int], float]:
    """Ticks → beats at `bpm`, through the file's own tempo changes: seconds are kept exact."""
    starts_s = [0.0]
    for (tick, tempo), (next_tick, _) in itertools.pairwise(tempo_map):
        starts_s.append(starts_s[-1] + (next_tick - tick) * tempo / ticks_per_beat / 1e6)
    ticks = [tick for tick, _ in tempo_map]

    def to_beats(tick: int) -> float:
        i = bisect.bisect_right(ticks, tick) - 1
        seconds = starts_s[i] + (tick - ticks[i]) * tempo_map[i][1] / ticks_per_beat / 1e6
        return seconds * bpm / 60.0

    return to_beats


def _channel_setup(events: list[list[tuple[int, Any]]]) -> dict[int, list[tuple[int, str, int]]]:
    """Program changes and channel volume/pan (CC 7, CC 10) per channel, from every track."""
    setup: dict[int, list[tuple[int, str, int]]] = {}
    for track in events:
        for tick, m in track:
            if m.type == "program_change":
                setup.setdefault(m.channel, []).append((tick, "program", m.program))
            elif m.type == "control_change" and m.control in (7, 10):
                kind = "volume" if m.control == 7 else "pan"
                setup.setdefault(m.channel, []).append((tick, kind, m.value))
    for changes in setup.values():
        changes.sort()
    return setup


def _notes(
    track: list[tuple[int, Any]], end_tick: int
) -> dict[int, list[tuple[int, int, int, int]]]:
    """(start tick, end tick, pitch, velocity) per channel. A repeated note-on closes the open
    one (first on, first off); a note still on at the end of the file is closed there."""
    open_notes: dict[tuple[int, int], list[tuple[int, int]]] = {}
    notes: dict[int, list[tuple[int, int, int, int]]] = {}
    count = 0
    for tick, m in track:
        if m.type not in ("note_on", "note_off"):
            continue
        key = (m.channel, m.note)
        if m.type == "note_on" and m.velocity > 0:
            open_notes.setdefault(key, []).append((tick, m.velocity))
            count += 1
            if count > MAX_MIDI_NOTES:
                raise FileFormatError(f"the MIDI file has over {MAX_MIDI_NOTES:,} notes")
        elif open_notes.get(key):
            start, velocity = open_notes[key].pop(0)
            notes.setdefault(m.channel, []).append((start, tick, m.note, velocity))
    for (channel, pitch), starts in open_notes.items():
        for start, velocity in starts:
            notes.setdefault(channel, []).append((start, end_tick, pitch, velocity))
    return notes


def _midi_track(
    name: str,
    channel: int,
    raw_notes: list[tuple[int, int, int, int]],
    to_beats: Callable[[int], float],
    settings: dict[str, int],
    number: int,
) -> Track:
    notes = []
    for start, end, pitch, velocity in sorted(raw_notes):
        start_beats = on_grid(to_beats(start))
        duration = max(on_grid(to_beats(end)) - start_beats, 1 / TICKS_PER_BEAT)
        notes.append(Note(start_beats, pitch, duration, velocity))
    drums = channel == DRUM_CHANNEL
    volume = settings.get("volume", 100)
    length = max(n.end_beats for n in notes)
    return Track(
        name=name,
        part="drums" if drums else "melodic",
        program=settings.get("program", 0),
        channel=channel,
        color_index=number % 70,
        clips=(Clip(name, 0.0, length, tuple(notes)),),
        volume_db=40 * math.log10(volume / 127) if volume > 0 else -60.0,
        pan=max(-1.0, min(1.0, (settings.get("pan", 64) - 64) / 63)),
    )


def _first_meter(events: list[list[tuple[int, Any]]]) -> Meter:
    signatures = sorted(
        ((t, m.numerator, m.denominator) for track in events for t, m in track
         if m.type == "time_signature"),
    )  # fmt: skip
    if signatures:
        try:
            return Meter(signatures[0][1], signatures[0][2])
        except ValueError:
            pass
    return Meter(4, 4)


def _first_key(events: list[list[tuple[int, Any]]]) -> Key:
    for _, m in sorted(
        ((t, m) for track in events for t, m in track if m.type == "key_signature"),
        key=lambda e: e[0],
    ):
        name, minor = (m.key[:-1], "minor") if m.key.endswith("m") else (m.key, "major")
        names = [n.lower() for n in (*SHARP_NAMES, *FLAT_NAMES)]
        if name.lower() in names:
            return Key(names.index(name.lower()) % 12, minor)  # type: ignore[arg-type]
    return Key(0, "major")
