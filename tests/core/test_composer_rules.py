"""The composer's musical rules, each checked on the notes it writes, across styles and seeds."""

from __future__ import annotations

import itertools

import pytest

from musia.core.model import Song, Track
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
def test_pitched_notes_stay_in_key(style: str, seed: int, key: tuple[int, str]) -> None:
    song = _song(style, seed, key)
    scale = Key(key[0], key[1]).scale_pcs  # type: ignore[arg-type]
    for track in song.tracks:
        if track.part not in PITCHED:
            continue
        notes = track.absolute_notes()
        outside = [n for n in notes if n.pitch % 12 not in scale]
        assert notes, f"{style}: {track.part} is empty"
        assert len(outside) / len(notes) < 0.05, (
            f"{style} {track.part}: {len(outside)} notes off the scale"
        )


def _chord_root(pitch_classes: set[int], key: Key) -> int | None:
    """The root of a chord stacked in diatonic thirds, recovered from its sounding pitch classes."""
    degrees = {key.scale_pcs.index(pc) for pc in pitch_classes if pc in key.scale_pcs}
    for root in degrees:
        stack = {(root + 2 * k) % 7 for k in range(len(degrees))}
        if stack == degrees:
            return key.scale_pcs[root]
    return None


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
        root = _chord_root(sounding, song.key)
        if root is None:  # the harmony part rests here
            continue
        assert note.pitch % 12 == root, f"{style}: bass {note} is not on the chord root {root}"
        checked += 1
    offbeat_bass = all(p[0] in ".-" and p[8] in ".-" for p in load_style(style).bass_patterns)
    assert checked > 0 or offbeat_bass, f"{style}: no bass note on a strong beat was checked"


@pytest.mark.parametrize("style", STYLES)
def test_drums_sit_on_the_style_grid(style: str) -> None:
    song = make_song(style, 5, bars=32, include=("drums",))
    swing_late = (load_style(style).swing - 0.5) * 0.5
    drums = song.track("drums")
    assert drums is not None and drums.is_drums
    swung = 0
    for clip in drums.clips:
        assert clip.start_beats % song.bar_beats == 0
        for note in clip.notes:
            step = int(note.start_beats / 0.25 + 1e-9)
            expected = step * 0.25 + (swing_late if step % 2 else 0.0)
            assert abs(note.start_beats - expected) <= 1 / 960, (
                f"{style}: hit at {note.start_beats}"
            )
            swung += step % 2
    if style in ("hip-hop", "lo-fi"):
        assert swing_late > 0 and swung > 0, (
            "hip-hop and lo-fi must swing their off-beat sixteenths"
        )


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
