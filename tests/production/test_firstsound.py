"""The preview's first bars, rendered before the rest, are as loud as the same bars of the
whole preview (within a loudness unit), though the whole song is not rendered yet."""

from __future__ import annotations

import pytest

from musia.core.compose import compose
from musia.core.plan_builder import plan_from_text
from musia.production.firstsound import head_bars, proportional_sample

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def test_the_head_covers_whole_bars_and_the_sample_every_section() -> None:
    song = compose(plan_from_text("techno 128 bpm, 96 bars", seed=2))
    # a 4/4 bar at 128 bpm lasts 1.875 s: 20 s are 10.7 bars, so 11
    assert head_bars(song, 20.0) == 11
    assert head_bars(song, 10_000.0) == song.bars
    sample = proportional_sample(song)
    assert [start for start, _ in sample] == [s.start_bar for s in song.sections]
    assert all(end - start == max(1, round(s.bars / 16)) for (start, end), s in
               zip(sample, song.sections, strict=True))  # fmt: skip


def test_the_head_is_levelled_like_the_whole_preview() -> None:
    pytest.importorskip("scipy")
    from musia.audio.loudness import integrated_loudness
    from musia.production.firstsound import render_head
    from musia.production.render import SAMPLE_RATE, render_song

    # a drum-led intro and a full drop: mastered alone, the intro came out 2 LU too loud
    song = compose(plan_from_text("techno 128 bpm, 48 bars", seed=2))
    head = render_head(song, seconds=12.0)
    whole = render_song(song)
    frames = head.audio.shape[1]
    assert frames == round(head.bars * 4 * 60 / 128 * SAMPLE_RATE)
    same_bars = integrated_loudness(whole.mix[:, :frames], SAMPLE_RATE)
    assert abs(integrated_loudness(head.audio, SAMPLE_RATE) - same_bars) < 1.0
    assert float(abs(head.audio).max()) <= 10 ** (-1.0 / 20) + 1e-4
