"""Excerpts of a song: chosen spans of bars, laid end to end as a song of their own.

The preview's first sound (`musia.production.firstsound`) renders an excerpt: the song's first
bars, then a bar or two of every later section. Each span keeps what plays in it: notes that
start in it, and notes held into it from before (cut at its edges, so nothing rings on from a
span into the next), with the clips' automation carried over from the same place.
"""

from __future__ import annotations

from dataclasses import replace

from musia.core.model import Clip, Envelope, EnvelopePoint, Note, Section, Song, Track, on_grid

Span = tuple[int, int]  # bars [start, end) of the song


def merged(spans: list[Span]) -> list[Span]:
    """Sorted, overlapping and touching spans joined: [(0, 8), (6, 10), (16, 17)] → [(0, 10),
    (16, 17)]."""
    out: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def excerpt(song: Song, spans: list[Span]) -> Song:
    """The bars of `spans` (merged first) one after another. Sections are cut the same way and
    keep their names; the song's other fields stay."""
    spans = merged([(max(0, a), min(song.bars, b)) for a, b in spans])
    bar = song.bar_beats
    tracks = []
    for track in song.tracks:
        clips: list[Clip] = []
        at = 0
        for start, end in spans:
            clips += _cut(track, start * bar, end * bar, at * bar)
            at += end - start
        tracks.append(replace(track, clips=tuple(clips)))
    return replace(
        song,
        bars=sum(end - start for start, end in spans),
        sections=_sections(song.sections, spans),
        tracks=tuple(tracks),
    )


def _cut(track: Track, start: float, end: float, to: float) -> list[Clip]:
    """The track's clips between `start` and `end` beats, moved to begin at `to`."""
    out = []
    for clip in track.clips:
        clip_end = clip.start_beats + clip.length_beats
        begin, finish = max(start, clip.start_beats), min(end, clip_end)
        if finish <= begin:
            continue
        offset = begin - clip.start_beats  # clip-local beat where the cut clip begins
        notes = []
        for note in clip.notes:
            note_start = max(note.start_beats, offset)
            note_end = min(note.end_beats, finish - clip.start_beats)
            if note_end - note_start > 1e-6:
                length = max(on_grid(note_end - note_start), 1 / 960)
                notes.append(Note(on_grid(note_start - offset), note.pitch, length, note.velocity))
        envelopes = tuple(_shift(e, offset, finish - begin) for e in clip.envelopes)
        out.append(Clip(clip.name, on_grid(to + begin - start), finish - begin, tuple(notes),
                        envelopes))  # fmt: skip
    return out


def _shift(envelope: Envelope, offset: float, length: float) -> Envelope:
    """The envelope from clip-local beat `offset` on: its value there, then its later points."""
    points = [EnvelopePoint(0.0, envelope.value_at(offset))]
    points += [
        EnvelopePoint(p.time_beats - offset, p.value)
        for p in envelope.points
        if offset < p.time_beats <= offset + length
    ]
    return Envelope(envelope.parameter, tuple(points))


def _sections(sections: tuple[Section, ...], spans: list[Span]) -> tuple[Section, ...]:
    out = []
    at = 0
    for start, end in spans:
        for section in sections:
            first = max(start, section.start_bar)
            last = min(end, section.start_bar + section.bars)
            if last > first:
                out.append(replace(section, start_bar=at + first - start, bars=last - first))
        at += end - start
    return tuple(out)
