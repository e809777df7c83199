"""A Live set as the song model, and as a MIDI file with its tempo map.

Each arrangement MIDI clip plays as Live plays it: from its start marker, looping over its loop
brace when looping is on, for its length in the arrangement; disabled notes stay silent. With
`session`, session clips follow the arrangement, scene by scene (a row lasts as long as its
longest clip). Drum tracks go on General MIDI channel 10.
"""

from __future__ import annotations

import math
from pathlib import Path

from musia.core.model import DRUM_CHANNEL, TICKS_PER_BEAT, Clip, Note, Section, Song, Track
from musia.core.theory.key import Key
from musia.core.theory.keyfind import detect_key
from musia.core.theory.meter import Meter
from musia.errors import InvalidInput
from musia.formats.als.clipfacts import ClipInfo
from musia.formats.als.facts import SetInfo, TrackInfo
from musia.formats.als.reader import LiveSet

MAX_EXPORT_NOTES = 2_000_000
_MIN_BEATS = 1 / TICKS_PER_BEAT


def played_notes(clip: ClipInfo) -> list[Note]:
    """The notes a clip plays, in clip-local beats from its start in the arrangement."""
    length = clip.length_beats
    notes = [n for n in clip.notes if n.enabled]
    if length <= 0 or not notes:
        return []
    start = clip.loop_start_beats + clip.start_relative_beats
    segments = [(start, start + length, 0.0)]
    if clip.loop_on:
        loop = clip.loop_end_beats - clip.loop_start_beats
        if loop <= 0:
            return []
        segments = [(start, clip.loop_end_beats, 0.0)]
        at = clip.loop_end_beats - start
        while at < length and len(segments) < MAX_EXPORT_NOTES // len(notes) + 1:
            segments.append((clip.loop_start_beats, clip.loop_end_beats, at))
            at += loop
    result = []
    for begin, end, at in segments:
        for n in notes:
            if begin <= n.time_beats < end:
                time = at + n.time_beats - begin
                if 0 <= time < length:
                    duration = min(n.duration_beats, length - time, end - n.time_beats)
                    result.append(_note(time, n.pitch, duration, n.velocity))
    return result


def _note(time: float, pitch: int, duration: float, velocity: float) -> Note:
    return Note(
        round(time * TICKS_PER_BEAT) / TICKS_PER_BEAT,
        pitch,
        max(round(duration * TICKS_PER_BEAT) / TICKS_PER_BEAT, _MIN_BEATS),
        min(max(round(velocity), 1), 127),
    )


def set_to_song(info: SetInfo, *, session: bool = False, title: str = "Live set") -> Song:
    """The set's MIDI tracks as the song model (arrangement clips; session clips after them)."""
    placed = _session_offsets(info) if session else {}
    tracks: list[Track] = []
    channels = (c for c in range(16) if c != DRUM_CHANNEL)
    for track in info.tracks:
        if track.type != "midi":
            continue
        clips = tuple(_clips(track, placed))
        if not clips:
            continue
        channel = DRUM_CHANNEL if track.is_drums else next(channels, 0)
        tracks.append(
            Track(track.name, "drums" if track.is_drums else "melodic", 0, channel, track.color,
                  clips, volume_db=max(track.volume_db, -60.0), pan=track.pan)
        )  # fmt: skip
    meter = _meter(info)
    end = max((c.start_beats + c.length_beats for t in tracks for c in t.clips), default=0.0)
    bars = max(1, math.ceil(end / meter.bar_beats - 1e-9))
    return Song(
        title=title,
        style="live set",
        bpm=info.tempo,
        key=set_key(info) or Key(0, "major"),
        meter=meter,
        bars=bars,
        sections=(Section("song", 0, bars, 2, tuple(t.part for t in tracks)),),
        tracks=tuple(tracks),
        seed=0,
        metadata={"source": "als"},
    )


def _clips(track: TrackInfo, session_at: dict[int, float]) -> list[Clip]:
    clips = []
    for clip in track.clips:
        if clip.kind != "midi" or clip.disabled:
            continue
        if clip.location == "arrangement":
            start = clip.start_beats
        elif clip.scene_index in session_at:
            start = session_at[clip.scene_index]
        else:
            continue
        notes = tuple(played_notes(clip))
        if notes and start >= 0:
            clips.append(Clip(clip.name, start, clip.length_beats, notes))
    return clips


def _session_offsets(info: SetInfo) -> dict[int, float]:
    """Where each scene row starts when session clips follow the arrangement."""
    rows: dict[int, float] = {}
    for track in info.tracks:
        for clip in track.clips:
            if clip.location == "session" and clip.scene_index is not None:
                rows[clip.scene_index] = max(rows.get(clip.scene_index, 0.0), clip.length_beats)
    at = math.ceil(info.length_beats)
    offsets = {}
    for row in sorted(rows):
        offsets[row] = float(at)
        at += math.ceil(rows[row])
    return offsets


def _meter(info: SetInfo) -> Meter:
    try:
        return Meter(*info.time_signature)
    except ValueError:
        return Meter(4, 4)


def set_key(info: SetInfo) -> Key | None:
    """The key of the set's pitched notes (Krumhansl–Schmuckler on the duration histogram)."""
    weights = [0.0] * 12
    for track in info.tracks:
        if track.type == "midi" and not track.is_drums:
            for clip in track.clips:
                for note in clip.notes:
                    weights[note.pitch % 12] += note.duration_beats
    return detect_key(weights)


def export_midi(live_set: LiveSet, out: Path, *, session: bool = False) -> int:
    """Write the MIDI file; returns how many notes it holds."""
    from musia.formats.midi import write_midi

    song = set_to_song(live_set.info, session=session, title=live_set.path.stem)
    count = sum(len(c.notes) for t in song.tracks for c in t.clips)
    if count > MAX_EXPORT_NOTES:
        raise InvalidInput(f"the set plays over {MAX_EXPORT_NOTES:,} notes: too many to export")
    write_midi(song, out, live_set.info.tempo_map.steps())
    return count
