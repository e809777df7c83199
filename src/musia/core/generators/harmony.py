"""Chords and pad: the progression voiced with voice leading, struck in the style's rhythm.

Each chord takes the inversion nearest the last one (close position around the style's centre),
then the style's voicing spreads it: "drop2" lowers the second voice from the top an octave (the
wide seventh and ninth chords of house keys), "open" puts the root at the bottom and the third an
octave up (root, fifth, tenth: a pad that breathes). The rhythm is the style's family: the song's
main bar, and a variation every other phrase, so the chords move on every 8 bars. The pad holds
each chord, wide and soft.
"""

from __future__ import annotations

from musia.core.generators.context import (
    BLOCK_BARS,
    PartContext,
    Written,
    family_member,
    held_notes,
    note,
    song_choice,
    without_overlaps,
)
from musia.core.generators.dynamics import playing_bars
from musia.core.model import Note
from musia.core.theory.chord import Chord
from musia.core.theory.key import Key

PAD_GAP_BEATS = 0.0625  # re-articulate between held chords
CHANGE_ACCENT = 6


def voicing(
    chord: Chord,
    key: Key,
    center: int,
    previous: tuple[int, ...] | None,
    spread: str = "close",
) -> tuple[int, ...]:
    """The chord's notes around `center`: the close inversion nearest `previous`, spread."""
    if spread == "open":
        return _open(chord, key, center)
    return (
        _drop2(_close(chord, key, center, previous))
        if spread == "drop2"
        else (_close(chord, key, center, previous))
    )


def _drop2(close: tuple[int, ...]) -> tuple[int, ...]:
    """The second voice from the top an octave down."""
    if len(close) < 3:
        return close
    return tuple(sorted((close[-2] - 12, *close[:-2], close[-1])))


def _close(
    chord: Chord, key: Key, center: int, previous: tuple[int, ...] | None
) -> tuple[int, ...]:
    base = chord.notes(key, octave_base=center - center % 12 - 12)
    candidates = []
    for inversion in range(len(base)):
        for shift in (-12, 0, 12, 24):
            notes = tuple(sorted(n + 12 if i < inversion else n for i, n in enumerate(base)))
            shifted = tuple(n + shift for n in notes)
            if abs(sum(shifted) / len(shifted) - center) <= 7:
                candidates.append(shifted)
    target = previous or (center,) * len(base)

    def distance(v: tuple[int, ...]) -> float:
        return sum(min(abs(n - t) for t in target) for n in v) + abs(sum(v) / len(v) - center) / 4

    return min(candidates, key=distance)


def _open(chord: Chord, key: Key, center: int) -> tuple[int, ...]:
    """Root position with the third an octave up, its root in the octave below `center`."""
    intervals = chord.intervals(key)
    root = center - 12 + (chord.root_pc(key) - (center - 12)) % 12
    third = intervals[1] if len(intervals) > 1 else 0
    return tuple(sorted(root + i + (12 if i == third and i in (3, 4) else 0) for i in intervals))


def generate_chords(ctx: PartContext) -> Written:
    family = ctx.style.harmony.rhythms[ctx.energy - 1] if ctx.energy else ()
    if not family:
        return Written([])
    voicings = _voicings(ctx, ctx.style.harmony.center_note, ctx.style.harmony.voicing)
    main = song_choice(ctx.song_seed, f"chords:{ctx.energy}", len(family))
    notes: list[Note] = []
    for bar in playing_bars(ctx, "chords"):
        varied = (bar // BLOCK_BARS) % 2 == 1
        rhythm = family_member(family, main + 1 if varied else main)
        for start, length, _ in held_notes(ctx, rhythm, bar * ctx.bar_beats):
            span = ctx.chord_at(start)
            end = min(start + length, span.start_beats + span.length_beats)
            velocity = ctx.velocity(86, CHANGE_ACCENT if start == span.start_beats else 0)
            duration = (end - start) * ctx.style.harmony.gate
            notes += [
                note(start, pitch, duration, velocity) for pitch in voicings[span.start_beats]
            ]
    return Written(without_overlaps(notes))


def generate_pad(ctx: PartContext) -> Written:
    harmony = ctx.style.harmony
    voicings = _voicings(ctx, harmony.pad_low + 12, "open")
    bars = playing_bars(ctx, "pad")
    first, last = bars.start * ctx.bar_beats, bars.stop * ctx.bar_beats
    notes: list[Note] = []
    for span in ctx.chords:
        start = max(first, span.start_beats)
        end = min(last, span.start_beats + span.length_beats)
        if end - start <= PAD_GAP_BEATS:
            continue
        root = harmony.pad_low + (span.chord.root_pc(ctx.key) - harmony.pad_low) % 12
        velocity = ctx.velocity(64)
        for pitch in sorted({root, *voicings[span.start_beats]}):
            notes.append(note(start, pitch, end - start - PAD_GAP_BEATS, velocity))
    return Written(without_overlaps(notes))


def _voicings(ctx: PartContext, center: int, spread: str) -> dict[float, tuple[int, ...]]:
    result: dict[float, tuple[int, ...]] = {}
    previous: tuple[int, ...] | None = None
    for span in ctx.chords:
        if spread == "open":
            result[span.start_beats] = _open(span.chord, ctx.key, center)
            continue
        previous = _close(span.chord, ctx.key, center, previous)  # voice leading stays close
        result[span.start_beats] = _drop2(previous) if spread == "drop2" else previous
    return result


__all__ = ["generate_chords", "generate_pad", "voicing"]
