"""Drums under a recording ("add techno drums"): Musia's drum part in a style, composed at the
recording's analysed tempo, rendered by the preview's instruments and laid on its beats
(`musia.audio.transforms.lay_drums`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from musia.audio.transforms import BAR_BEATS, lay_drums, require_beat
from musia.core.compose import compose
from musia.core.plan import Plan, SectionPlan
from musia.core.styles import load_style
from musia.production.render import SAMPLE_RATE, render_song

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from musia.audio.analysis import AudioAnalysis

    Samples = npt.NDArray[np.float32]  # (frames, channels)

DRUMS_SEED = 1


def add_drums(
    samples: Samples,
    sample_rate: int,
    style: str,
    analysis: AudioAnalysis,
    *,
    seed: int = DRUMS_SEED,
) -> Samples:
    """`samples` with a drum part in `style` at the analysed tempo, its one on the music's one."""
    require_beat(analysis)
    assert analysis.tempo_bpm is not None
    drums = drum_track(style, analysis.tempo_bpm, analysis.duration_s, sample_rate, seed=seed)
    return lay_drums(samples, sample_rate, drums, analysis)


def drum_track(
    style: str, bpm: float, duration_s: float, sample_rate: int, *, seed: int = DRUMS_SEED
) -> Samples:
    """Musia's drum part for `style` at `bpm`, long enough for `duration_s`, rendered to
    (frames, 2) at `sample_rate`."""
    import numpy as np

    name = style.strip().lower().replace(" ", "_").replace("-", "_")
    load_style(name)  # an unknown style is a typed error naming the known ones
    bars = max(1, math.ceil(duration_s * bpm / 60.0 / BAR_BEATS) + 1)
    plan = Plan(
        style=name,
        bpm=round(bpm, 3),
        tonic_pc=0,
        mode="minor",
        time_signature="4/4",
        bars=bars,
        parts=("drums",),
        seed=seed,
        sections=(SectionPlan(name="main", bars=bars, energy=2, parts=("drums",)),),
    )
    preview = render_song(compose(plan))
    audio = np.ascontiguousarray(preview.mix.T)
    if sample_rate != SAMPLE_RATE:
        import soxr

        audio = soxr.resample(audio, SAMPLE_RATE, sample_rate)
    return np.asarray(audio, dtype=np.float32)
