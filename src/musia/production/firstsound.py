"""The preview's first sound: the song's opening bars, rendered and levelled before the rest.

A render job publishes this head as soon as it is mixed (a second or two), the studio plays it,
and switches to the whole preview at the same moment of the song when that is ready. The head
must then sound as loud as the same bars of the whole preview, though the master's loudness is
measured over the whole song, which is not rendered yet:

1. The head is rendered together with a **sample of every later section** (its first bars, about
   one bar in `SAMPLE_EVERY_BARS`, at least one): the desk's staging, glue and master see a song
   that is loud where the song is loud and quiet where it is quiet — a drum-led intro alone would
   be mastered as loud as a whole drop.
2. The master's loudness target is then checked on the same proportions the whole song has
   (each section's sample, the head's first section counted by its sample only), and the head
   is raised or lowered by what is missing, then limited to the ceiling again.

The head's frames are cut from that render; the sample's are thrown away.
`bench/first_sound.py` compares the head with the same bars of the whole preview.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from musia.core.excerpt import Span, excerpt, merged
from musia.core.model import Song
from musia.core.styles import load_style
from musia.production.render import SAMPLE_RATE, audio_available, render_song

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from musia.production.library import ChosenSamples

HEAD_S = 20.0  # what the head holds: a chorus of a short song, the intro of a club track
SAMPLE_EVERY_BARS = 16
CEILING_DBFS = -1.0


@dataclass(frozen=True)
class Head:
    audio: npt.NDArray[np.float32]  # (2, frames)
    sample_rate: int
    bars: int
    duration_s: float
    correction_db: float  # what the proportional check added to the render's master


def warm_up() -> None:
    """Import what a render needs (numpy, scipy.signal, the sampler and the desk): the first
    render of a process paid for it, 2 s on a quiet machine and 20 s on a busy one, before its
    first sound. A server runs this on a thread of its own as it starts."""
    if not audio_available():
        return
    import musia.audio.desk
    import musia.audio.multisample
    import musia.audio.sampler  # noqa: F401 (imported for their import cost, paid now)


def head_bars(song: Song, seconds: float = HEAD_S) -> int:
    """Whole bars covering `seconds`, at most the song."""
    bar_s = song.bar_beats * 60.0 / song.bpm
    return max(1, min(song.bars, math.ceil(seconds / bar_s - 1e-9)))


def proportional_sample(song: Song) -> list[Span]:
    """The first bars of every section, one in `SAMPLE_EVERY_BARS` (at least one): a song in
    small, in the proportions of the whole."""
    return [
        (s.start_bar, s.start_bar + max(1, round(s.bars / SAMPLE_EVERY_BARS)))
        for s in song.sections
    ]


def render_head(
    song: Song, *, seconds: float = HEAD_S, library: ChosenSamples | None = None
) -> Head:
    """The head as the module docstring says. A song no longer than the head is the head."""
    import numpy as np

    from musia.audio.loudness import integrated_loudness, limiter_gain

    bars = head_bars(song, seconds)
    sample = proportional_sample(song)
    spans = merged([(0, bars), *sample])
    rendered = render_song(excerpt(song, spans), library=library)
    frames_per_bar = song.bar_beats * 60.0 / song.bpm * SAMPLE_RATE
    head_frames = round(bars * frames_per_bar)
    mix = rendered.mix
    measured = integrated_loudness(_frames_of(mix, spans, sample, frames_per_bar), SAMPLE_RATE)
    target = load_style(song.style).mix.loudness_lufs if bars < song.bars else math.nan
    correction_db = target - measured if math.isfinite(target - measured) else 0.0
    audio = np.array(mix[:, :head_frames], dtype=np.float32)
    audio *= np.float32(10 ** (correction_db / 20))
    limited = limiter_gain(audio, 10 ** (CEILING_DBFS / 20))
    if limited is not None:
        audio *= limited
    return Head(audio, SAMPLE_RATE, bars, head_frames / SAMPLE_RATE, correction_db)


def _frames_of(
    mix: npt.NDArray[np.float32], spans: list[Span], wanted: list[Span], frames_per_bar: float
) -> npt.NDArray[np.float32]:
    """The frames of the rendered excerpt that hold the song's bars `wanted`, end to end."""
    import numpy as np

    pieces = []
    for start, end in merged(wanted):
        at = 0
        for span_start, span_end in spans:
            if span_start <= start and end <= span_end:
                first = round((at + start - span_start) * frames_per_bar)
                pieces.append(mix[:, first : first + round((end - start) * frames_per_bar)])
            at += span_end - span_start
    return np.concatenate(pieces, axis=1) if pieces else mix
