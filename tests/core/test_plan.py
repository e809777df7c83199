"""The plan builder: style defaults, clamps with warnings, lengths in minutes, edits of a plan."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from musia.core.arrange import plan_sections
from musia.core.plan import MAX_BPM, MIN_BPM, Plan
from musia.core.plan_builder import plan_from_reading, plan_from_text
from musia.core.prompt.reading import STYLES, PromptReading
from musia.core.styles import load_style
from musia.errors import InvalidInput
from tests.helpers import make_plan

CLUB = ("house", "deep house", "progressive house", "techno", "melodic techno", "minimal techno",
        "drum and bass", "dubstep")  # fmt: skip


@pytest.mark.parametrize("style", STYLES)
def test_unstated_fields_take_the_style_defaults(style: str) -> None:
    # A prompt that names no length gets a whole track of the style: a club track runs 5-7
    # minutes (room for DJ intros and outros), a song 2.5-4.5, in sections of 8-bar phrases.
    plan = make_plan(style)
    defaults = load_style(style)
    assert plan.bpm == defaults.tempo_default
    assert (plan.tonic_pc, plan.mode) == (defaults.tonic_pc, defaults.mode)
    assert plan.time_signature == str(defaults.meter)
    assert plan.parts == defaults.parts
    minutes = plan.bars * defaults.meter.bar_beats / plan.bpm
    shortest, longest = defaults.minutes
    assert shortest <= minutes <= longest
    assert (shortest, longest) >= ((5.0, 7.0) if style in CLUB else (2.5, 4.0))
    assert sum(s.bars for s in plan.sections) == plan.bars
    assert all(s.bars % 8 == 0 for s in plan.sections)


@pytest.mark.parametrize(("bpm", "meter"), [(120, (3, 4)), (999, (4, 4)), (60, (4, 4))])
def test_a_default_track_stays_in_the_style_length_at_any_tempo_and_metre(
    bpm: float, meter: tuple[int, int]
) -> None:
    # A waltz-time house track has shorter bars, a slow one longer: more or fewer bars, so that
    # it still lasts 5-7 minutes (within the plan's limit of 1024 bars).
    plan = make_plan("house", bpm=bpm, time_signature=meter)
    minutes = plan.bars * 4 * meter[0] / meter[1] / bpm
    assert plan.bars == 1024 or 5.0 <= minutes <= 7.0
    assert plan.bars % 8 == 0


@pytest.mark.parametrize(
    ("form", "names"),
    [("loop", ["drop"]), ("sketch", ["intro", "build", "drop"])],
)
def test_a_loop_or_a_sketch_is_short(form: str, names: list[str]) -> None:
    # "a house loop" is one 8-bar phrase of the drop; "a sketch" the song up to its first
    # drop, a phrase per section and two for the drop.
    plan = make_plan("house", form=form)
    assert [s.name for s in plan.sections] == names
    assert plan.bars == (8 if form == "loop" else 32)
    stated = make_plan("house", form=form, bars=64)
    assert stated.bars == 64, "a length in bars wins over a short form"


@pytest.mark.parametrize(("asked", "used"), [(0, MIN_BPM), (10000, MAX_BPM), (-5, MIN_BPM)])
def test_tempo_out_of_range_is_clamped_with_a_warning(asked: float, used: float) -> None:
    plan = make_plan("techno", bpm=asked)
    assert plan.bpm == used
    assert any("BPM" in w and "using" in w for w in plan.warnings)


def test_tempo_outside_the_style_range_is_kept_and_noted() -> None:
    plan = make_plan("house", bpm=90)
    assert plan.bpm == 90
    assert any("usual" in w for w in plan.warnings)


@pytest.mark.parametrize(("minutes", "bpm"), [(2, 128), (3, 130), (1.5, 90), (0.1, 124)])
def test_minutes_round_to_whole_phrases(minutes: float, bpm: float) -> None:
    plan = make_plan("techno", bpm=bpm, minutes=minutes)
    assert plan.bars % 8 == 0 and plan.bars >= 8  # whole 8-bar phrases
    bar_s = 4 * 60 / bpm
    assert abs(plan.bars * bar_s - minutes * 60) <= 8 * bar_s / 2 + 1e-9 or plan.bars == 8
    assert plan.minutes == minutes


def test_bars_are_exact_and_clamped() -> None:
    assert make_plan("pop", bars=37).bars == 37
    huge = make_plan("pop", bars=10**6)
    assert huge.bars == 1024 and huge.warnings


def test_parts_included_and_excluded() -> None:
    plan = make_plan("minimal techno", include=("pad",), exclude=("drums", "hats"))
    assert "pad" in plan.parts and "drums" not in plan.parts
    assert plan.add_parts == ("pad",) and set(plan.remove_parts) == {"drums", "hats"}


def test_removing_every_part_is_refused() -> None:
    with pytest.raises(InvalidInput):
        make_plan("house", exclude=("drums", "bass", "chords", "pad", "lead", "fx"))


def test_mood_settles_an_unstated_mode() -> None:
    assert make_plan("pop", mood="dark", tonic_pc=0).mode == "minor"
    assert make_plan("techno", mood="happy").mode == "major"
    assert make_plan("pop", mood="dark", tonic_pc=0, mode="major").mode == "major"


def test_tempo_words_are_absolute_unless_the_style_was_named() -> None:
    related = PromptReading(
        intent="generate", style="house", style_source="related", tempo_word="vivace"
    )
    assert plan_from_reading(related, seed=1).bpm == 150
    slow_techno = make_plan("techno", tempo_word="adagio")
    assert slow_techno.bpm == load_style("techno").tempo_min


def test_an_edit_starts_from_the_current_plan() -> None:
    base = make_plan("deep house", bpm=122, tonic_pc=7, mode="major", bars=32, exclude=("hats",))
    edit = PromptReading(intent="modify", bpm=128, include=("lead",))
    plan = plan_from_reading(edit, seed=999, base=base)
    assert (plan.style, plan.bpm, plan.tonic_pc, plan.mode, plan.bars) == (
        "deep house",
        128,
        7,
        "major",
        32,
    )
    assert plan.seed == base.seed, "an edit keeps the song's seed so untouched parts stay the same"
    assert "hats" in plan.remove_parts, "a removed drum element stays removed across edits"
    faster = plan_from_reading(
        PromptReading(intent="modify", tempo_direction="faster"), seed=1, base=base
    )
    assert faster.bpm > base.bpm
    transposed = plan_from_reading(
        PromptReading(intent="modify", transpose_semitones=-2), seed=1, base=base
    )
    assert transposed.tonic_pc == 5


def test_plan_rejects_invalid_values_from_api_callers() -> None:
    good = make_plan("house").model_dump()
    for field, value in [
        ("bpm", 0),
        ("tonic_pc", 12),
        ("style", "polka"),
        ("time_signature", "4/3"),
        ("mode", "dorian"),
    ]:
        with pytest.raises(ValidationError):
            Plan.model_validate({**good, field: value})
    with pytest.raises(ValidationError):
        Plan.model_validate({**good, "surprise": 1})


@settings(max_examples=150, deadline=None)
@given(style=st.sampled_from(STYLES), bars=st.integers(1, 300))
def test_sections_always_sum_to_the_asked_bars(style: str, bars: int) -> None:
    defaults = load_style(style)
    sections = plan_sections(defaults, bars, defaults.parts)
    assert sum(s.bars for s in sections) == bars
    assert all(s.bars >= 1 for s in sections)
    assert {p for s in sections for p in s.parts} == set(defaults.parts)
    if bars >= 8 * len(defaults.sections):
        off_phrase = [s.bars for s in sections if s.bars % 8]
        assert len(off_phrase) <= (0 if bars % 8 == 0 else 1), [s.bars for s in sections]


def test_italian_markings_are_absolute_even_with_a_named_style() -> None:
    presto_pop = make_plan("pop", tempo_word="presto", tempo_marking=True)
    assert presto_pop.bpm == 185


def test_a_piano_sound_is_kept_and_transposition_is_bounded() -> None:
    plan = make_plan("techno", sounds={"chords": 0})
    assert plan.sounds["chords"] == 0
    far = make_plan("techno", transpose_semitones=36)
    assert far.transpose_semitones == 24 and any("±24" in w for w in far.warnings)


def test_a_plan_without_sections_gets_the_style_arrangement_and_bad_sections_are_refused() -> None:
    from musia.core.compose import compose

    given = make_plan("pop", bars=24).model_dump()
    song = compose(Plan.model_validate({**given, "sections": []}))
    assert sum(s.bars for s in song.sections) == 24 and song.tracks
    with pytest.raises(ValidationError, match="add up"):
        Plan.model_validate(
            {**given, "sections": [{"name": "drop", "bars": 4, "energy": 3, "parts": ["drums"]}]}
        )


def test_a_key_word_naming_no_note_leaves_a_warning_with_the_key_used() -> None:
    plan = plan_from_text("house in H major at 124 bpm")
    assert plan.key.name == "A minor", "house's own key, as no key was read"
    assert any("'H major'" in w and "using A minor" in w for w in plan.warnings), plan.warnings


def test_db_is_d_flat_in_a_plan_not_decibels() -> None:
    plan = plan_from_text("techno in 3/4 at 140 bpm, Db major")
    assert (plan.key.name, plan.bpm, plan.time_signature) == ("Db major", 140, "3/4")
    assert not plan.warnings


def test_the_plan_accepts_exactly_the_meters_the_composer_plays() -> None:
    """Issue 23: "0/4" and "99/16" passed the plan's pattern and failed the job in `Meter`."""
    import pydantic

    from musia.core.plan import Plan
    from musia.core.plan_builder import plan_from_text
    from musia.core.theory.meter import Meter

    base = plan_from_text("techno, 8 bars", seed=1).model_dump()
    for numerator in range(100):
        for denominator in (1, 2, 4, 8, 16):
            text = f"{numerator}/{denominator}"
            try:
                Meter.parse(text)
                playable = True
            except ValueError:
                playable = False
            try:
                Plan.model_validate({**base, "time_signature": text})
                accepted = True
            except pydantic.ValidationError:
                accepted = False
            assert accepted == playable, text
