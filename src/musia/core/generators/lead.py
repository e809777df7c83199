"""Lead: a hook, stated in the first drop or chorus and brought back, varied, in every later one.

The hook is drawn once per song: 1-4 bars of rhythm cells with rests and at least one note off the
beat (a rhythm of its own), moving mostly by scale step. In a peak section it alternates with its
answer (the same rhythm, the ending turned toward the tonic): hook, answer, hook, answer' per
phrase. A later peak plays the same phrases, except that the last answer of each 16 bars takes a
new turn: varied, not new. Verses get a counter-line of their own, quieter in rhythm; breaks and
bridges the hook's skeleton (its notes on the beat, held). The register stays put: the line
folds back within a few scale steps of the style's centre. Notes on a downbeat take the nearest
chord tone; over a borrowed chord the line bends to its notes (`chord_scale`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from musia.core.generators.context import (
    BLOCK_BARS,
    STEP_BEATS,
    PartContext,
    Written,
    note,
    without_overlaps,
)
from musia.core.generators.dynamics import playing_bars
from musia.core.model import Note
from musia.core.theory.chord import Chord, chord_scale

T = TypeVar("T")
RANGE_DEGREES = 5  # how far (in scale steps) the line may wander from its centre
# Rhythm cells of one beat (sixteenth offsets), weighted for a singable line.
CELLS: tuple[tuple[tuple[int, ...], float], ...] = (
    ((0,), 3.0),
    ((0, 2), 3.0),
    ((2,), 1.5),
    ((0, 3), 1.2),
    ((1, 3), 0.6),
    ((0, 1, 2), 0.6),
    ((0, 2, 3), 0.8),
    ((), 1.0),
)
MOVES = ((0, 0.2), (1, 0.27), (-1, 0.27), (2, 0.08), (-2, 0.08), (3, 0.04), (-3, 0.03),
         (4, 0.02), (-4, 0.01))  # fmt: skip
KEEP_DIRECTION = 0.6
START_DEGREES = (0, 2, 4, 7)  # a hook opens on a tonic chord tone
MAX_NOTE_BEATS = 2.0
BEAT_ACCENT = 6


@dataclass(frozen=True, slots=True)
class Motif:
    onsets: tuple[int, ...]  # sixteenths from the motif's start
    moves: tuple[int, ...]  # scale steps from the note before (the first: from the centre)
    steps: int  # the motif's length in sixteenths


def generate_lead(ctx: PartContext) -> Written:
    if ctx.energy == 0:
        return Written([])
    hook = make_hook(ctx)
    if ctx.peak_number is not None:
        phrases = _peak_phrases(ctx, hook, ctx.peak_number)
    elif ctx.energy >= 2:
        phrases = _verse_phrases(ctx, make_motif(ctx.song_random("verse"), ctx, 2, 0.6))
    else:
        phrases = _verse_phrases(ctx, _skeleton(hook))
    bars = playing_bars(ctx, "lead")
    first, last = bars.start * ctx.bar_beats, bars.stop * ctx.bar_beats
    notes = [n for n in _realize(ctx, phrases) if first <= n.start_beats < last]
    return Written(without_overlaps(notes))


def make_hook(ctx: PartContext) -> Motif:
    rng = ctx.song_random("hook")
    return make_motif(rng, ctx, rng.choice(ctx.style.lead.hook_bars), 1.0)


def make_motif(rng: random.Random, ctx: PartContext, bars: int, density: float) -> Motif:
    """Rhythm cells beat by beat (a rest at least every two bars, something off the beat), and
    moves mostly by step that tend to keep their direction."""
    beats = bars * ctx.meter.steps_per_bar // 4
    weight = ctx.style.lead.density * density
    onsets: list[int] = []
    for beat in range(beats):
        cells = [(c, w if c else w * (1.4 - weight * 2)) for c, w in CELLS]
        cell = (0,) if beat == 0 else _pick(rng, cells)
        onsets += [beat * 4 + offset for offset in cell]
    onsets = _breathe(onsets, beats)
    moves: list[int] = [rng.choice(START_DEGREES)]
    for _ in onsets[1:]:
        move = _pick(rng, MOVES)
        if moves[1:] and move and rng.random() < KEEP_DIRECTION:
            move = abs(move) * (1 if moves[-1] >= 0 else -1)
        moves.append(move)
    return Motif(tuple(onsets), tuple(moves), beats * 4)


def _breathe(onsets: list[int], beats: int) -> list[int]:
    """A rest in the last beat of every two bars, and one note off the beat at least."""
    rests = set(range(7, beats, 8)) | {beats - 1}
    kept = [s for s in onsets if s // 4 not in rests or s == 0]
    if all(s % 4 == 0 for s in kept) and len(kept) > 1:
        kept[-1] += 2  # syncopate the last note
    return sorted(set(kept))


def _pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    total = sum(w for _, w in weighted)
    roll = rng.random() * total
    for value, w in weighted:
        roll -= w
        if roll < 0:
            return value
    return weighted[-1][0]


# --- phrases -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Phrase:
    start_bar: int
    motif: Motif
    resolve: bool  # end on the chord's root


def _peak_phrases(ctx: PartContext, hook: Motif, peak: int) -> list[Phrase]:
    """Hook and answer in turn; the answer that closes a phrase ends on the tonic, and in a later
    peak the answer that closes each 16 bars takes a new turn."""
    bars = max(1, hook.steps // ctx.meter.steps_per_bar)
    answer = _turned(hook, ctx.song_random("answer"), 2)
    closing = _turned(hook, ctx.song_random("closing"), 3)
    phrases = []
    for index, bar in enumerate(range(0, ctx.section.bars, bars)):
        if index % 2 == 0:
            phrases.append(Phrase(bar, hook, resolve=False))
            continue
        ends = bar + bars
        motif = closing if ends % BLOCK_BARS == 0 else answer
        if peak and ends % (2 * BLOCK_BARS) == 0:
            motif = _turned(hook, ctx.song_random(f"peak:{peak}"), 4)
        phrases.append(Phrase(bar, motif, resolve=True))
    return phrases


def _verse_phrases(ctx: PartContext, motif: Motif) -> list[Phrase]:
    bars = max(1, motif.steps // ctx.meter.steps_per_bar)
    answer = _turned(motif, ctx.song_random("verse-answer"), 2)
    return [
        Phrase(bar, answer if i % 2 else motif, resolve=i % 2 == 1)
        for i, bar in enumerate(range(0, ctx.section.bars, bars))
    ]


def _turned(motif: Motif, rng: random.Random, last: int) -> Motif:
    """The motif with its last `last` moves drawn again (its rhythm kept): an answer."""
    keep = max(1, len(motif.moves) - last)
    moves = list(motif.moves[:keep])
    for _ in motif.moves[keep:]:
        moves.append(_pick(rng, MOVES))
    return Motif(motif.onsets, tuple(moves), motif.steps)


def _skeleton(motif: Motif) -> Motif:
    """The notes that fall on a beat, each held until the next: the hook, slowed to a pad."""
    onsets, moves, carried = [], [], 0
    for onset, move in zip(motif.onsets, motif.moves, strict=True):
        carried += move
        if onset % 4 == 0:
            onsets.append(onset)
            moves.append(carried)
            carried = 0
    return Motif(tuple(onsets), tuple(moves), motif.steps)


# --- pitches -------------------------------------------------------------------------------------


def _realize(ctx: PartContext, phrases: list[Phrase]) -> list[Note]:
    center = _degree_near(ctx, ctx.style.lead.center_note)
    notes: list[Note] = []
    for phrase in phrases:
        notes += _phrase_notes(ctx, phrase, center)
    return notes


def _phrase_notes(ctx: PartContext, phrase: Phrase, center: int) -> list[Note]:
    motif = phrase.motif
    start = phrase.start_bar * ctx.bar_beats
    end = start + motif.steps * STEP_BEATS
    degree, notes = center, []
    for i, (onset, move) in enumerate(zip(motif.onsets, motif.moves, strict=True)):
        at = start + onset * STEP_BEATS
        if at >= ctx.length_beats:
            break
        degree = _bounded(degree + move, center)
        chord = ctx.chord_at(at).chord
        last = i == len(motif.onsets) - 1
        if last and phrase.resolve:
            degree = _nearest_chord_degree(degree, chord, center, root_only=True)
        elif onset % ctx.meter.steps_per_bar == 0:
            degree = _nearest_chord_degree(degree, chord, center, root_only=False)
        following = start + motif.onsets[i + 1] * STEP_BEATS if not last else end
        length = min(following - at, MAX_NOTE_BEATS) * ctx.style.lead.gate
        pitch = ctx.key.degree_note(degree, octave_base=0)
        bent = chord_scale(ctx.key, chord).get(pitch % 12)
        pitch += ((bent - pitch % 12 + 6) % 12 - 6) if bent is not None else 0
        length = _until_a_clash(ctx, at, min(length, ctx.length_beats - at), pitch)
        accent = BEAT_ACCENT if onset % 4 == 0 else 0
        notes.append(note(at, pitch, length, ctx.velocity(96, accent)))
    return notes


def _until_a_clash(ctx: PartContext, at: float, length: float, pitch: int) -> float:
    """A note held into a borrowed chord that bends its pitch stops at the chord change."""
    span = ctx.chord_at(at)
    change = span.start_beats + span.length_beats
    if change >= at + length:
        return length
    following = ctx.chord_at(change).chord
    return change - at if pitch % 12 in chord_scale(ctx.key, following) else length


def _degree_near(ctx: PartContext, midi_note: int) -> int:
    """Scale degree (counted from MIDI 0) whose note is closest to `midi_note`."""
    return min(range(90), key=lambda d: abs(ctx.key.degree_note(d, octave_base=0) - midi_note))


def _bounded(degree: int, center: int) -> int:
    """Fold a degree that wandered out of range back toward the centre."""
    if degree > center + RANGE_DEGREES:
        return center + RANGE_DEGREES - (degree - center - RANGE_DEGREES)
    if degree < center - RANGE_DEGREES:
        return center - RANGE_DEGREES + (center - RANGE_DEGREES - degree)
    return degree


def _nearest_chord_degree(degree: int, chord: Chord, center: int, *, root_only: bool) -> int:
    """The chord tone nearest `degree` that keeps the line in its register."""
    tones = {chord.degree % 7} if root_only else {(chord.degree + s) % 7 for s in (0, 2, 4)}
    for distance in range(8):
        for candidate in (degree - distance, degree + distance):
            if candidate % 7 in tones and abs(candidate - center) <= RANGE_DEGREES + 1:
                return candidate
    return degree
