"""Choosing library samples for a song: the right class per drum key, the song's style first,
loops only within ±5 BPM and in the song's key (or keyless), the same pick for the same seed."""

from __future__ import annotations

from musia.core.plan_builder import plan_from_text
from musia.core.sample_choice import LibrarySample, choose, drum_class, drum_keys
from musia.core.theory.key import Key

HOUSE = plan_from_text("house track, 124 bpm, A minor, 16 bars", seed=1)
A_MINOR, C_MAJOR = Key(9, "minor"), Key(0, "major")


def _s(id: str, kind: str, **fields: object) -> LibrarySample:
    return LibrarySample(id=id, name=fields.pop("name", f"{id}.wav"), kind=kind, **fields)  # type: ignore[arg-type]


def test_each_drum_key_gets_a_sample_of_its_class() -> None:
    library = [_s("k", "kick"), _s("c", "clap"), _s("h", "hat"), _s("p", "perc"), _s("x", "pad")]
    choice = choose(HOUSE, library)
    picked = dict(choice.drums)
    assert set(picked) <= set(drum_keys(HOUSE))
    assert picked[36].id == "k" and picked[39].id == "c" and picked[42].id == "h"
    assert all(sample.kind == drum_class(note) for note, sample in choice.drums)
    assert "x" not in {s.id for s in choice.samples}
    assert 38 not in picked  # no snare in the library: that key keeps its own sound


def test_the_songs_style_comes_first_then_untagged_then_other_styles() -> None:
    library = [
        _s("techno", "kick", style="techno"),
        _s("plain", "kick"),
        _s("house", "kick", style="House"),
    ]
    assert dict(choose(HOUSE, library).drums)[36].id == "house"
    assert dict(choose(HOUSE, library[:2]).drums)[36].id == "plain"
    assert dict(choose(HOUSE, library[:1]).drums)[36].id == "techno"


def test_open_hats_prefer_a_sample_named_open() -> None:
    library = [_s("closed", "hat", name="Hat Closed 1.wav"), _s("open", "hat", name="Open Hat.wav")]
    picked = dict(choose(HOUSE, library).drums)
    assert picked[42].id == "closed" and picked[46].id == "open"


def test_a_loop_must_be_within_5_bpm_and_in_key_or_keyless() -> None:
    library = [
        _s("slow", "loop", bpm=118.0, duration_s=7.7),
        _s("wrong-key", "loop", bpm=124.0, key=C_MAJOR, duration_s=7.7),
        _s("keyless", "loop", bpm=126.0, duration_s=7.6),
        _s("in-key", "loop", bpm=128.5, key=A_MINOR, duration_s=7.5),
    ]
    assert choose(HOUSE, library).loop == library[2]  # a keyless drum loop first
    assert choose(HOUSE, [*library[:2], library[3]]).loop == library[3]  # then one in key
    assert choose(HOUSE, library[:2]).loop is None
    too_long_for_a_pad = _s("long-kick", "kick", duration_s=9.0)
    assert not choose(HOUSE, [too_long_for_a_pad])


def test_the_seed_decides_among_equals_and_the_same_seed_picks_the_same() -> None:
    library = [_s(f"kick{i}", "kick") for i in range(12)]
    picks = {
        dict(choose(HOUSE.model_copy(update={"seed": seed}), library).drums)[36].id
        for seed in range(20)
    }
    assert len(picks) > 3
    assert choose(HOUSE, library) == choose(HOUSE, list(reversed(library)))


def test_no_drums_part_no_drum_samples() -> None:
    ambient = plan_from_text("ambient pad, 70 bpm, C major, no drums", seed=1)
    assert "drums" not in ambient.parts
    assert not choose(ambient, [_s("k", "kick"), _s("l", "loop", bpm=70.0)])
