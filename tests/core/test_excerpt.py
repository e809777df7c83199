"""Excerpts of a song: spans of bars laid end to end, what plays in them kept."""

from __future__ import annotations

from musia.core.excerpt import excerpt, merged
from musia.core.model import Clip, Envelope, EnvelopePoint, Note, Section, Song, Track
from musia.core.theory.key import Key
from musia.core.theory.meter import Meter


def _song() -> Song:
    # 4/4, 8 bars counted from 0: a chord held over bars 1 and 2 (beats 4..12), a note on every
    # bar's downbeat, and a filter sweep over the whole clip from closed (0) to open (1).
    downbeats = [Note(bar * 4.0, 60, 1.0, 100) for bar in range(8)]
    notes = (*downbeats, Note(4.0, 48, 8.0, 90))
    sweep = Envelope("cutoff", (EnvelopePoint(0.0, 0.0), EnvelopePoint(32.0, 1.0)))
    clip = Clip("all", 0.0, 32.0, notes, (sweep,))
    track = Track("Pad", "pad", 89, 0, 1, (clip,))
    sections = (Section("intro", 0, 4, 1, ("pad",)), Section("drop", 4, 4, 3, ("pad",)))
    return Song("t", "house", 120.0, Key(0, "minor"), Meter(4, 4), 8, sections, (track,), 1)


def test_spans_are_sorted_and_joined() -> None:
    assert merged([(6, 10), (0, 8), (16, 17), (17, 18), (3, 3)]) == [(0, 10), (16, 18)]


def test_an_excerpt_lays_its_spans_end_to_end() -> None:
    # bars 0-1 and bar 5: three bars, bar 5 now the third (beats 8..12)
    cut = excerpt(_song(), [(5, 6), (0, 2)])
    assert cut.bars == 3
    notes = sorted((c.start_beats + n.start_beats, n.pitch, n.duration_beats)
                   for c in cut.tracks[0].clips for n in c.notes)  # fmt: skip
    # the downbeats of bars 0, 1 and 5, and the chord cut at the end of bar 1 (it sounds on
    # through bar 2, which is not in the excerpt; bar 5 is past its end)
    assert notes == [(0.0, 60, 1.0), (4.0, 48, 4.0), (4.0, 60, 1.0), (8.0, 60, 1.0)]
    assert [(s.name, s.start_bar, s.bars) for s in cut.sections] == [
        ("intro", 0, 2),
        ("drop", 2, 1),
    ]


def test_a_held_note_and_the_automation_carry_into_a_span() -> None:
    # bar 2 alone: the chord held since beat 4 sounds from the span's start; the sweep starts
    # where the song had it (beat 8 of 32: a quarter open)
    cut = excerpt(_song(), [(2, 3)])
    clip = cut.tracks[0].clips[0]
    assert (clip.start_beats, clip.length_beats) == (0.0, 4.0)
    assert sorted((n.start_beats, n.pitch, n.duration_beats) for n in clip.notes) == [
        (0.0, 48, 4.0),
        (0.0, 60, 1.0),
    ]
    sweep = clip.envelope("cutoff")
    assert sweep is not None and sweep.points[0] == EnvelopePoint(0.0, 0.25)
