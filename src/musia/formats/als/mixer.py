"""Mixers: the per-track mixer (sends, pan, volume) and the main track's (tempo, time signature).

Values and ranges are Live's defaults as saved by Live 11.3 and 12.3: unity volume, centred pan,
split-stereo pans at -1/+1, sends fully down, crossfade state "off" (1), tempo mapped to MIDI over
60..200 BPM, global groove 100 %.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from musia.formats.als.ids import sibling_ids
from musia.formats.als.node import Node, el, lom, val
from musia.formats.als.params import (
    GAIN_MAX,
    GAIN_MIN,
    SEND_OFF,
    Build,
    bool_param,
    device_header,
    enum_param,
    float_param,
)

TEMPO_MIDI_RANGE = (60.0, 200.0)  # Live's default MIDI mapping range for the tempo
TIME_SIGNATURE_RANGE = (0, 494)  # every encodable signature: up to 99/16
CROSSFADE_STATE_RANGE = (0, 2)
CROSSFADE_OFF = 1
GROOVE_AMOUNT_MAX = 131.25
TRACK_WIDTH = 93


def db_to_gain(db: float) -> float:
    """Decibels to the linear gain Live stores, clamped to its -70..+6 dB fader."""
    gain: float = 10.0 ** (db / 20.0)
    return min(GAIN_MAX, max(GAIN_MIN, round(gain, 10)))


def time_signature_value(numerator: int, denominator: int) -> int:
    """Live's encoding: (numerator - 1) + 99 * log2(denominator); 4/4 = 201, 6/8 = 302."""
    return (numerator - 1) + 99 * round(math.log2(denominator))


def track_mixer(
    b: Build,
    *,
    volume: float,
    pan: float,
    sends: Sequence[float],
    sends_enabled: bool = True,
    timeable_index: int = 0,
    speaker: bool = True,
) -> Node:
    """A track's mixer. `sends` holds one linear level per return track; `speaker` off mutes
    the track (Live's track activator)."""
    mixer = el("Mixer", *device_header(b, timeable_index=timeable_index))
    mixer.children += [
        el("Sends", *(_send_holder(b, i, level, sends_enabled) for i, level in _indexed(sends))),
        *_mixer_body(b, volume=volume, pan=pan, speaker=speaker),
    ]
    return mixer


def main_mixer(b: Build, *, bpm: float, time_signature: int) -> Node:
    """The main (master) track's mixer, which also holds the song's tempo and time signature."""
    tempo_low = min(TEMPO_MIDI_RANGE[0], math.floor(bpm))
    tempo_high = max(TEMPO_MIDI_RANGE[1], math.ceil(bpm))
    mixer = el("Mixer", *device_header(b, timeable_index=2), el("Sends"))
    mixer.children += _mixer_body(b, volume=1.0, pan=0.0)
    mixer.children += [
        float_param("Tempo", b, bpm, tempo_low, tempo_high),
        enum_param("TimeSignature", b, time_signature, TIME_SIGNATURE_RANGE),
        float_param("GlobalGrooveAmount", b, 100.0, 0.0, GROOVE_AMOUNT_MAX),
        float_param("CrossFade", b, 0.0, -1.0, 1.0),
        val("TempoAutomationViewBottom", TEMPO_MIDI_RANGE[0]),
        val("TempoAutomationViewTop", TEMPO_MIDI_RANGE[1]),
    ]
    return mixer


def prehear_mixer(b: Build) -> Node:
    """The cue (pre-listen) track's mixer: no sends, unity volume."""
    mixer = el("Mixer", *device_header(b, timeable_index=0), el("Sends"))
    mixer.children += _mixer_body(b, volume=1.0, pan=0.0)
    return mixer


def _indexed(levels: Sequence[float]) -> zip[tuple[int, float]]:
    return zip(sibling_ids(len(levels)), levels, strict=True)


def _send_holder(b: Build, index: int, level: float, enabled: bool) -> Node:
    switch = "EnabledByUser" if b.fmt.is12 else "Active"
    return el(
        "TrackSendHolder",
        float_param("Send", b, max(SEND_OFF, level), SEND_OFF, 1.0),
        val(switch, enabled),
        Id=index,
    )


def _mixer_body(b: Build, *, volume: float, pan: float, speaker: bool = True) -> list[Node]:
    width_tag = "ViewStateSessionTrackWidth" if b.fmt.is12 else "ViewStateSesstionTrackWidth"
    return [
        bool_param("Speaker", b, speaker),
        val("SoloSink", False),
        val("PanMode", 0),
        float_param("Pan", b, pan, -1.0, 1.0),
        float_param("SplitStereoPanL", b, -1.0, -1.0, 1.0),
        float_param("SplitStereoPanR", b, 1.0, -1.0, 1.0),
        float_param("Volume", b, volume, GAIN_MIN, GAIN_MAX),
        val(width_tag, TRACK_WIDTH),
        enum_param("CrossFadeState", b, CROSSFADE_OFF, CROSSFADE_STATE_RANGE),
        lom("SendsListWrapper"),
    ]
