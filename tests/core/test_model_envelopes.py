"""Clip envelopes: automation in beats, read the way a DAW draws it (straight lines between
breakpoints, flat before the first and after the last)."""

import pytest

from musia.core.model import Clip, Envelope, EnvelopePoint


def test_a_filter_sweep_over_a_four_bar_build_is_halfway_open_after_two_bars() -> None:
    # 4 bars of 4/4 = 16 beats; the cutoff rises from 0.2 to 1.0, so at beat 8 it is at 0.6.
    sweep = Envelope("cutoff", (EnvelopePoint(0.0, 0.2), EnvelopePoint(16.0, 1.0)))
    assert sweep.value_at(8.0) == pytest.approx(0.6)
    assert sweep.value_at(-1.0) == 0.2
    assert sweep.value_at(20.0) == 1.0


def test_a_step_is_two_points_at_one_time() -> None:
    glide = Envelope(
        "pitch_bend",
        (EnvelopePoint(0.0, 0.0), EnvelopePoint(1.0, 0.0), EnvelopePoint(1.0, -5.0)),
    )
    assert glide.value_at(0.5) == 0.0
    assert glide.value_at(1.5) == -5.0


@pytest.mark.parametrize(
    "parameter, points",
    [
        ("volume_knob", (EnvelopePoint(0.0, 1.0),)),
        ("cutoff", ()),
        ("cutoff", (EnvelopePoint(2.0, 1.0), EnvelopePoint(1.0, 0.0))),
        ("cutoff", (EnvelopePoint(-1.0, 1.0),)),
    ],
)
def test_an_envelope_the_writers_could_not_write_is_refused(
    parameter: str, points: tuple[EnvelopePoint, ...]
) -> None:
    with pytest.raises(ValueError):
        Envelope(parameter, points)


def test_a_clip_finds_its_envelope_by_parameter() -> None:
    sweep = Envelope("cutoff", (EnvelopePoint(0.0, 0.5),))
    clip = Clip("Build", 0.0, 16.0, (), (sweep,))
    assert clip.envelope("cutoff") is sweep
    assert clip.envelope("pitch_bend") is None
