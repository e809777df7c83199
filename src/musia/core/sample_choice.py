"""Which samples of the producer's library a song uses: a one-shot for each drum sound the
style plays (by General MIDI drum key), and at most one loop whose tempo is within ±5 BPM of the
song's and whose key, when it has one, is the song's (a keyless drum loop first).

Pure: the library is described by metadata only (`LibrarySample`); the caller fetches the files
of what was chosen. Among equal candidates the song's seed decides, so a version re-rendered
picks the same samples and another seed may pick others."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from musia.core.plan import Plan
from musia.core.styles import load_style
from musia.core.theory.key import Key

BPM_TOLERANCE = 5.0
MAX_ONE_SHOT_S = 4.0  # a longer drum sample is a loop or a fill, not a pad's hit
MIN_LOOP_S = 0.5

# The class a General MIDI drum key is played by (GM level 1 percussion map).
_KICKS, _SNARES, _CLAPS = {35, 36}, {38, 40}, {39}
_HATS = {42, 44, 46}
_CYMBALS = {49, 51, 52, 53, 55, 57, 59}
_TOMS = {41, 43, 45, 47, 48, 50}


def drum_class(note: int) -> str:
    for members, name in (
        (_KICKS, "kick"),
        (_SNARES, "snare"),
        (_CLAPS, "clap"),
        (_HATS, "hat"),
        (_CYMBALS, "cymbal"),
        (_TOMS, "tom"),
    ):
        if note in members:
            return name
    return "perc"


@dataclass(frozen=True, slots=True)
class LibrarySample:
    id: str
    name: str
    kind: str | None  # a sample class (kick, snare, …, loop) or None when unknown
    bpm: float | None = None
    key: Key | None = None
    style: str | None = None
    duration_s: float | None = None


@dataclass(frozen=True, slots=True)
class SampleChoice:
    drums: tuple[tuple[int, LibrarySample], ...]  # (GM drum key, sample), keys ascending
    loop: LibrarySample | None

    @property
    def samples(self) -> tuple[LibrarySample, ...]:
        """Every chosen sample once, drums first."""
        seen: dict[str, LibrarySample] = {}
        for _, sample in self.drums:
            seen.setdefault(sample.id, sample)
        if self.loop is not None:
            seen.setdefault(self.loop.id, self.loop)
        return tuple(seen.values())

    def __bool__(self) -> bool:
        return bool(self.drums) or self.loop is not None


def drum_keys(plan: Plan) -> tuple[int, ...]:
    """Every drum key the composer may play for this plan: the style's voices, fills, build roll
    and crash (a superset of the notes in the drum track: choosing for all costs nothing)."""
    if "drums" not in plan.parts:
        return ()
    return load_style(plan.style).drum_keys


def choose(plan: Plan, library: Iterable[LibrarySample]) -> SampleChoice:
    candidates = tuple(library)
    drums = []
    for note in drum_keys(plan):
        found = _best_one_shot(plan, candidates, drum_class(note), note)
        if found is not None:
            drums.append((note, found))
    loop = _best_loop(plan, candidates) if "drums" in plan.parts else None
    return SampleChoice(tuple(drums), loop)


def _best_one_shot(
    plan: Plan, candidates: tuple[LibrarySample, ...], kind: str, note: int
) -> LibrarySample | None:
    fitting = [
        s
        for s in candidates
        if s.kind == kind and (s.duration_s is None or s.duration_s <= MAX_ONE_SHOT_S)
    ]
    if not fitting:
        return None
    # An open hi-hat prefers a sample named open, a closed one any other.
    wants_open = note == 46

    def rank(sample: LibrarySample) -> tuple[int, int, str]:
        named_open = "open" in sample.name.lower()
        hat_fit = int(kind == "hat" and named_open != wants_open)
        return (_style_miss(plan, sample), hat_fit, _shuffle(plan.seed, note, sample.id))

    return min(fitting, key=rank)


def _best_loop(plan: Plan, candidates: tuple[LibrarySample, ...]) -> LibrarySample | None:
    fitting = [
        s
        for s in candidates
        if s.kind == "loop"
        and s.bpm is not None
        and abs(s.bpm - plan.bpm) <= BPM_TOLERANCE
        and (s.key is None or s.key == plan.key)
        and (s.duration_s is None or s.duration_s >= MIN_LOOP_S)
    ]
    if not fitting:
        return None

    def rank(sample: LibrarySample) -> tuple[int, int, float, str]:
        # A keyless (drum) loop first: it layers under the drum part; a loop in the song's key
        # plays its own chords, which may not be the song's progression.
        keyed = int(sample.key is not None)
        assert sample.bpm is not None
        nearness = abs(sample.bpm - plan.bpm)
        return (_style_miss(plan, sample), keyed, nearness, _shuffle(plan.seed, 0, sample.id))

    return min(fitting, key=rank)


def _style_miss(plan: Plan, sample: LibrarySample) -> int:
    """0: tagged with the song's style; 1: untagged; 2: tagged with another style."""
    if sample.style is None:
        return 1
    return 0 if _norm(sample.style) == _norm(plan.style) else 2


def _norm(style: str) -> str:
    return style.strip().lower().replace("-", "_").replace(" ", "_")


def _shuffle(seed: int, salt: int, sample_id: str) -> str:
    return hashlib.sha256(f"{seed}:{salt}:{sample_id}".encode()).hexdigest()
