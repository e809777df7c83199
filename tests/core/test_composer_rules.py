"""The composer's musical rules, each checked on the notes it writes, across styles and seeds."""

from __future__ import annotations

import itertools
import statistics

import pytest

from musia.core.model import Note, Section, Song, Track
from musia.core.prompt.reading import STYLES
from musia.core.styles import load_style
from musia.core.theory.key import Key
from tests.helpers import make_song

PITCHED = ("bass", "chords", "pad", "lead")
SEEDS = (1, 2, 3)
KEYS = ((9, "minor"), (3, "major"), (6, "minor"))
CASES = [
    (style, seed, key)
    for (style, seed), key in zip(
        itertools.product(STYLES, SEEDS), itertools.cycle(KEYS), strict=False
    )
]


def _song(style: str, seed: int, key: tuple[int, str]) -> Song:
    return make_song(style, seed, tonic_pc=key[0], mode=key[1], bars=32)


@pytest.mark.parametrize(("style", "seed", "key"), CASES)
def test_pitched_notes_stay_in_key_or_follow_a_borrowed_chord(
    style: str, seed: int, key: tuple[int, str]
) -> None:
    # A song stays in its key; a chord borrowed from the parallel key (the flat seventh of a
    # major key, the major IV or V of a minor one) colours it now and then, and then every part
    # follows it: no part plays the key's note while another plays its altered neighbour.
    song = _song(style, seed, key)
    scale = Key(key[0], key[1]).scale_pcs  # type: ignore[arg-type]
    pitched = [n for t in song.tracks if t.part in PITCHED for n in t.absolute_notes()]
    off_key = [n for n in pitched if n.pitch % 12 not in scale]
    # One chord in four borrowed, held as long as the others, is a quarter of the notes at most.
    assert len(off_key) / len(pitched) < 0.3, f"{style}: {len(off_key)} of {len(pitched)} off"
    for track in song.tracks:
        if track.part not in PITCHED:
            continue
        notes = track.absolute_notes()
        assert notes, f"{style}: {track.part} is empty"
        for n in (n for n in notes if n.pitch % 12 not in scale):
            neighbours = {(n.pitch + 1) % 12, (n.pitch - 1) % 12} & set(scale)
            clash = [
                m
                for m in pitched
                if m.pitch % 12 in neighbours and m.start_beats <= n.start_beats < m.end_beats
            ]
            assert not clash, f"{style} {track.part}: {n} against {clash[:2]}"


def _chord_roots(pitch_classes: set[int]) -> set[int]:
    """The notes a chord may be read from: those from which a chain of thirds (minor or major)
    runs through three or more of its notes. A triad has one (its root); A-C-E-G reads as A minor
    seven or C six, F-A-C-D as F six or D minor seven: the bass says which."""
    roots = set()
    for root in pitch_classes:
        chain, at = 1, root
        while chain < len(pitch_classes):
            third = next(((at + i) % 12 for i in (3, 4) if (at + i) % 12 in pitch_classes), None)
            if third is None:
                break
            chain, at = chain + 1, third
        if chain >= 3:
            roots.add(root)
    return roots


@pytest.mark.parametrize(("style", "seed", "key"), CASES)
def test_bass_plays_the_chord_root_on_strong_beats(
    style: str, seed: int, key: tuple[int, str]
) -> None:
    # The pad holds every chord for its whole span: the reference for what the harmony is.
    song = make_song(style, seed, tonic_pc=key[0], mode=key[1], bars=32, include=("pad", "bass"))
    bass, harmony = song.track("bass"), song.track("pad")
    assert bass is not None and harmony is not None
    strong_beats = {s * 0.25 for s in song.meter.strong_steps()}
    checked = 0
    for note in bass.absolute_notes():
        if round(note.start_beats % song.bar_beats, 6) not in strong_beats:
            continue
        sounding = {
            n.pitch % 12
            for n in harmony.absolute_notes()
            if n.start_beats <= note.start_beats < n.end_beats
        }
        roots = _chord_roots(sounding)
        if not roots:  # the harmony part rests here, or holds a suspension
            continue
        assert note.pitch % 12 in roots, f"{style}: bass {note} is on no root of {sounding}"
        checked += 1
    offbeat_bass = all(
        p[0] in ".-" and p[8] in ".-" for family in load_style(style).bass.patterns for p in family
    )
    assert checked > 0 or offbeat_bass, f"{style}: no bass note on a strong beat was checked"


@pytest.mark.parametrize("style", STYLES)
def test_drums_sit_on_the_style_grid_with_its_feel(style: str) -> None:
    # A drummer plays the style's grid (sixteenths, the off-beat ones late by its swing) with a
    # feel: each element in its pocket (a laid-back snare a few ms late) and a human spread of a
    # few ms around it, never more than three spreads. Rolls and ratchets are faster than the
    # grid; everything else sits on it, and not one hit is machine-quantized by accident.
    song = make_song(style, 5, bars=32, include=("drums",))
    groove = load_style(style).groove
    swing_late = (groove.swing - 0.5) * 0.5
    pocket_ms = max((abs(v) for v in groove.timing_ms.values()), default=0.0)
    tolerance = (pocket_ms + 3 * groove.jitter_ms) * song.bpm / 60_000 + 1 / 960
    drums = song.track("drums")
    assert drums is not None and drums.is_drums
    offsets: dict[int, list[float]] = {0: [], 1: []}
    for clip in drums.clips:
        assert clip.start_beats % song.bar_beats == 0
        for note in _off_rolls(clip.notes):
            step = round((note.start_beats - swing_late / 2) / 0.25)
            offsets[step % 2].append(
                note.start_beats - step * 0.25 - (swing_late if step % 2 else 0)
            )
    hits = offsets[0] + offsets[1]
    on_grid = [o for o in hits if abs(o) <= tolerance]
    assert len(on_grid) >= 0.85 * len(hits), f"{style}: {len(hits) - len(on_grid)} hits off grid"
    if groove.jitter_ms > 0:
        assert statistics.pstdev(on_grid) * 60_000 / song.bpm >= 0.5 * groove.jitter_ms
    if style in ("hip-hop", "lo-fi"):
        assert swing_late > 0 and offsets[1], "hip-hop and lo-fi swing their off-beat sixteenths"


def _off_rolls(notes: tuple[Note, ...]) -> list[Note]:
    """The hits that are not part of a roll (a drum struck again within less than a sixteenth)."""
    by_drum: dict[int, list[float]] = {}
    for n in notes:
        by_drum.setdefault(n.pitch, []).append(n.start_beats)
    rolled = set()
    for pitch, times in by_drum.items():
        times.sort()
        rolled |= {(pitch, b) for a, b in itertools.pairwise(times) if b - a < 0.2}
        rolled |= {(pitch, a) for a, b in itertools.pairwise(times) if b - a < 0.2}
    return [n for n in notes if (n.pitch, n.start_beats) not in rolled]


def test_trap_hats_ratchet_in_every_chorus_bar() -> None:
    # Trap hats roll: a run of three or more hits faster than sixteenths (32nds or triplets)
    # at least once in every bar of a chorus.
    song = make_song("trap", 4, bars=32)
    drums = song.track("drums")
    assert drums is not None
    for section in (s for s in song.sections if s.name == "chorus"):
        first = section.start_bar * song.bar_beats
        hats = sorted(n.start_beats for n in drums.absolute_notes() if n.pitch == 42)
        for bar in range(section.bars):
            start = first + bar * song.bar_beats
            times = [t for t in hats if start <= t < start + song.bar_beats]
            runs = sum(
                1 for a, b, c in zip(times, times[1:], times[2:], strict=False)
                if b - a < 0.2 and c - b < 0.2
            )  # fmt: skip
            assert runs >= 1, f"no ratchet in chorus bar {section.start_bar + bar + 1}"


@pytest.mark.parametrize("style", STYLES)
def test_velocities_are_humanised(style: str) -> None:
    song = make_song(style, 11, bars=32)
    for track in song.tracks:
        velocities = [n.velocity for n in track.absolute_notes()]
        if len(velocities) >= 8:
            assert len(set(velocities)) >= 4, (
                f"{style} {track.part}: velocities {sorted(set(velocities))}"
            )


def _overlaps(track: Track) -> list[str]:
    found = []
    for clip in track.clips:
        last_end: dict[int, float] = {}
        for note in sorted(clip.notes):
            if note.start_beats < last_end.get(note.pitch, -1.0) - 1e-9:
                found.append(f"{clip.name}: pitch {note.pitch} at {note.start_beats}")
            last_end[note.pitch] = max(last_end.get(note.pitch, -1.0), note.end_beats)
    return found


@pytest.mark.parametrize(("style", "seed", "key"), CASES)
def test_no_overlapping_notes_of_one_pitch(style: str, seed: int, key: tuple[int, str]) -> None:
    song = _song(style, seed, key)
    for track in song.tracks:
        assert not _overlaps(track), f"{style} {track.part}"


@pytest.mark.parametrize("style", STYLES)
def test_notes_stay_inside_their_clip_and_the_song(style: str) -> None:
    song = make_song(style, 3, bars=24)
    for track in song.tracks:
        for clip in track.clips:
            assert clip.start_beats + clip.length_beats <= song.length_beats + 1e-9
            for note in clip.notes:
                assert 0 <= note.start_beats < clip.length_beats
                assert note.end_beats <= clip.length_beats + 1e-9, f"{style} {track.part} {note}"


def test_every_part_has_its_own_channel_and_drums_are_on_channel_10() -> None:
    song = make_song("house", 1)
    channels = [t.channel for t in song.tracks]
    assert len(set(channels)) == len(channels)
    assert song.track("drums").channel == 9  # type: ignore[union-attr]


def test_same_seed_same_song_other_seed_other_notes() -> None:
    assert make_song("techno", 42) == make_song("techno", 42)
    first, other = make_song("techno", 42), make_song("techno", 43)
    assert first.track("lead").clips != other.track("lead").clips  # type: ignore[union-attr]


@pytest.mark.parametrize("style", STYLES)
def test_sections_rise_and_fall_with_parts_entering_and_leaving(style: str) -> None:
    song = make_song(style, 9, bars=64)
    energies = [s.energy for s in song.sections]
    peak = energies.index(max(energies))
    assert energies[0] < max(energies) and energies[-1] < max(energies), energies
    assert 0 < peak < len(energies) - 1
    part_sets = {s.parts for s in song.sections}
    assert len(part_sets) > 1, "parts must enter and leave"
    assert song.sections[0].name == "intro"
    assert song.sections[-1].name == "outro"


@pytest.mark.parametrize("meter", [(3, 4), (6, 8), (5, 4), (7, 8), (12, 8), (2, 4)])
def test_other_meters_compose_whole_bars(meter: tuple[int, int]) -> None:
    song = make_song("house", 4, time_signature=meter, bars=16)
    assert (song.meter.numerator, song.meter.denominator) == meter
    assert song.length_beats == 16 * 4 * meter[0] / meter[1]
    for track in song.tracks:
        assert not _overlaps(track)
        for clip in track.clips:
            assert clip.start_beats % song.bar_beats == 0


# --- the form of a track ---------------------------------------------------------------------


def _notes_in(track: Track | None, section: Section, bar_beats: float) -> list[Note]:
    if track is None:
        return []
    start = section.start_bar * bar_beats
    end = start + section.bars * bar_beats
    return [n for n in track.absolute_notes() if start <= n.start_beats < end]


def _bar_patterns(notes: list[Note], first_beat: float, bar_beats: float) -> set[tuple]:
    bars: dict[int, set[tuple[int, float]]] = {}
    for n in notes:
        bar, at = divmod(n.start_beats - first_beat, bar_beats)
        bars.setdefault(int(bar), set()).add((n.pitch, round(at, 3)))
    return {frozenset(b) for b in bars.values()}


@pytest.mark.parametrize(("style", "seed"), [("house", 1), ("pop", 2), ("trap", 3), ("techno", 4)])
def test_the_hook_returns_in_every_later_drop_or_chorus(style: str, seed: int) -> None:
    # A hook is stated in the first drop (or chorus) and brought back in every later one,
    # varied at most at the end of its phrases: most of the first drop's lead bars recur.
    song = make_song(style, seed)
    peaks = [s for s in song.sections if s.energy == max(x.energy for x in song.sections)]
    lead = song.track("lead")
    first = _bar_patterns(_notes_in(lead, peaks[0], song.bar_beats),
                          peaks[0].start_bar * song.bar_beats, song.bar_beats)  # fmt: skip
    assert len(peaks) >= 2 and first
    for later in peaks[1:]:
        again = _bar_patterns(_notes_in(lead, later, song.bar_beats),
                              later.start_bar * song.bar_beats, song.bar_beats)  # fmt: skip
        assert len(first & again) >= 0.5 * len(first), f"{style}: {later.name} at {later.start_bar}"


@pytest.mark.parametrize("style", STYLES)
def test_parts_keep_their_registers(style: str) -> None:
    # Bass at or below C3, the lead above the chords and within an octave and a fifth, so that
    # the parts do not mask each other and the melody stays one voice.
    song = make_song(style, 6, bars=64, include=("bass", "chords", "lead"))
    pitches = {t.part: [n.pitch for n in t.absolute_notes()] for t in song.tracks}
    assert statistics.median(pitches["bass"]) <= 48
    assert statistics.median(pitches["lead"]) >= statistics.median(pitches["chords"]) + 5
    assert max(pitches["lead"]) - min(pitches["lead"]) <= 19


@pytest.mark.parametrize("style", ["house", "techno", "drum and bass", "dubstep"])
def test_a_club_track_builds_into_its_drops(style: str) -> None:
    # A drum-led intro (the other parts join halfway), builds that take the kick and the bass out
    # for their last bars while the filter opens, a beat of silence before each drop.
    song = make_song(style, 2)
    intro = song.sections[0]
    assert intro.name == "intro" and intro.bars >= 16
    half = intro.bars // 2 * song.bar_beats
    for track in song.tracks:
        if track.part != "drums":
            assert all(n.start_beats >= half for n in _notes_in(track, intro, song.bar_beats))
    drums, bass = song.track("drums"), song.track("bass")
    for i, build in enumerate(song.sections[:-1]):
        if song.sections[i + 1].name != "drop":
            continue
        drop_beat = (build.start_bar + build.bars) * song.bar_beats
        low_end = [n for t in (drums, bass) if t for n in t.absolute_notes()
                   if drop_beat - 2 * song.bar_beats <= n.start_beats < drop_beat
                   and (t.part == "bass" or n.pitch in (35, 36))]  # fmt: skip
        assert not low_end, (
            f"{style}: kick or bass in the last bars of the build at {build.start_bar}"
        )
        sounding = [n for t in song.tracks for n in t.absolute_notes()
                    if n.start_beats < drop_beat and n.end_beats > drop_beat - 1]  # fmt: skip
        assert not sounding, (
            f"{style}: the beat before the drop at bar {build.start_bar + build.bars}"
        )
        chords = song.track("chords")
        clip = next(c for c in chords.clips if c.start_beats == build.start_bar * song.bar_beats)  # type: ignore[union-attr]
        sweep = clip.envelope("cutoff")
        assert sweep is not None and sweep.points[0].value < 0.3 and sweep.points[-1].value > 0.9


def test_808s_lock_to_the_kick_and_glide() -> None:
    # Trap 808s strike with the kick, hold until the next one and now and then glide into the
    # next note: a pitch bend that starts at the note before and settles on the new one.
    song = make_song("trap", 5, bars=48)
    drums, bass = song.track("drums"), song.track("bass")
    assert drums is not None and bass is not None
    kicks = [n.start_beats for n in drums.absolute_notes() if n.pitch == 36]
    locked = [
        n for n in bass.absolute_notes() if any(abs(n.start_beats - k) <= 1 / 16 for k in kicks)
    ]
    assert len(locked) >= 0.9 * len(bass.absolute_notes())
    glides = [e for c in bass.clips for e in c.envelopes if e.parameter == "pitch_bend"]
    assert glides and all(e.points[0].value == 0 and e.points[-1].value == 0 for e in glides)


def test_another_seed_is_another_drummer() -> None:
    # Not only another lead: other grooves, variations and fills.
    first, other = make_song("house", 1, bars=64), make_song("house", 2, bars=64)
    hits = [{(n.pitch, round(n.start_beats * 4)) for n in s.track("drums").absolute_notes()}  # type: ignore[union-attr]
            for s in (first, other)]  # fmt: skip
    assert len(hits[0] & hits[1]) < 0.9 * min(len(h) for h in hits)
