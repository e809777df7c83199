"""Every style carries its mix and master as data: the preview's desk and the Live set read it."""

import pytest

from musia.core.styles import load_style, style_names

LOUDNESS_LUFS = {"hip-hop": -10.0, "trap": -10.0, "lo-fi": -14.0, "ambient": -14.0}
CLUB = ("house", "deep house", "progressive house", "techno", "melodic techno", "minimal techno",
        "drum and bass", "dubstep")  # fmt: skip


@pytest.mark.parametrize("name", style_names())
def test_every_part_with_a_sound_has_mix_settings(name: str) -> None:
    style = load_style(name)
    assert set(style.mix.parts) == set(style.sounds)
    assert style.mix.true_peak_dbtp <= -1.0
    # the kick and the bass own the low end: neither is high-passed, every other part is
    assert style.mix.parts["drums"].highpass_hz == 0 and style.mix.parts["bass"].highpass_hz == 0
    assert all(mix.highpass_hz > 0 for part, mix in style.mix.parts.items()
               if part not in ("drums", "bass"))  # fmt: skip


@pytest.mark.parametrize("name", style_names())
def test_each_style_is_mastered_to_its_loudness(name: str) -> None:
    expected = LOUDNESS_LUFS.get(name, -9.0 if name in CLUB else -10.0)
    assert load_style(name).mix.loudness_lufs == expected


def test_the_kick_ducks_the_bass_in_club_styles_and_not_under_an_808() -> None:
    assert all(load_style(n).mix.parts["bass"].duck_db > 0 for n in CLUB)
    assert load_style("trap").mix.parts["bass"].duck_db == 0
