"""Clip envelopes of MIDI clips: the song model's pitch-bend automation as Live saves it.

Measured on Live 11.3 saves with clip envelopes: `MidiClip/Envelopes/Envelopes/ClipEnvelope[Id]`
holds an `EnvelopeTarget/PointeeId` naming the track's MIDI controller target, an `Automation`
with `FloatEvent`s (the first at Time -63072000 holding the value before the clip starts, then
clip-local beat times; a jump is two events at one time) and its transform view state, an empty
`LoopSlot` and a `ScrollerTimePreserver`. A MIDI track's `MidiControllers` hold
`ControllerTargets.0` (pitch bend), `.1` (channel pressure) and `.2`-`.129` (CC 0-127).

Pitch bend is written as Live shows it, -8192 … 8191 for the instrument's whole bend range; the
model's bend is in semitones over `PITCH_BEND_RANGE_SEMITONES`, so the instrument playing the clip
must bend by that range.

Cutoff envelopes move the Auto Filter of the track's channel rack (`mixdesk.py`): Auto Filter's
Cutoff is a MIDI note number (20 … 135: 26 Hz … 19.9 kHz) and the model's cutoff runs from 0
(closed, ~80 Hz) to 1 (open), mapped linearly in notes so the sweep is even in pitch. Live 11 sets
hold them as clip envelopes of the arrangement clips (as pitch bend); Live 12 sets as the track's
arrangement automation (`cutoff_automation`): no Live 12.3 save in the checker's profile holds a
MIDI clip envelope, and no Live 11.3 save a MIDI track's automation envelope.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from musia.core.model import PITCH_BEND_RANGE_SEMITONES, Clip, Envelope
from musia.formats.als.ids import sibling_ids
from musia.formats.als.node import Node, el, val, values
from musia.formats.als.params import automation_transform_state

DEFAULT_EVENT_TIME = -63072000  # where Live puts the first event of every automation envelope
PITCH_BEND_TARGET = 0  # index of the pitch-bend target among a MIDI track's controller targets
BEND_MIN, BEND_MAX = -8192, 8191
CUTOFF_CLOSED_NOTE = 69 + 12 * math.log2(80 / 440)
CUTOFF_OPEN_NOTE = 135.0


def cutoff_note(cutoff: float) -> int:
    """The model's cutoff (0..1) as Auto Filter's Cutoff value, in whole semitones: Live 11.3's
    clip envelopes in the checker's profile hold whole numbers only, and Live ramps between
    the events (a semitone is a 6 % step of the frequency)."""
    clamped = min(1.0, max(0.0, cutoff))
    return round(CUTOFF_CLOSED_NOTE + clamped * (CUTOFF_OPEN_NOTE - CUTOFF_CLOSED_NOTE))


def clip_envelopes(
    clip: Clip, pitch_bend_target: int | None, cutoff_target: int | None = None
) -> Node:
    """The clip's `Envelopes` element: one `ClipEnvelope` per pitch-bend envelope (against the
    track's pitch-bend target) and per cutoff envelope (against the Auto Filter's Cutoff)."""
    targets = {"pitch_bend": pitch_bend_target, "cutoff": cutoff_target}
    written = [e for e in clip.envelopes if targets.get(e.parameter) is not None]
    envelopes = [
        _clip_envelope(index, envelope, targets[envelope.parameter] or 0)
        for index, envelope in zip(sibling_ids(len(written)), written, strict=True)
    ]
    return el("Envelopes", el("Envelopes", *envelopes))


def cutoff_automation(index: int, target: int, envelopes: Sequence[tuple[float, Envelope]]) -> Node:
    """A track's `AutomationEnvelope` for the Auto Filter's Cutoff: every cutoff envelope of the
    track's clips (each with its clip's start, beats) on the arrangement's time line."""
    points = sorted(
        ((start + p.time_beats, p.value) for start, e in envelopes for p in e.points),
        key=lambda point: point[0],
    )
    first = cutoff_note(points[0][1]) if points else CUTOFF_OPEN_NOTE
    events = [el("FloatEvent", Id=0, Time=DEFAULT_EVENT_TIME, Value=first)]
    events += [
        el("FloatEvent", Id=i + 1, Time=time, Value=cutoff_note(value))
        for i, (time, value) in enumerate(points)
    ]
    return el(
        "AutomationEnvelope",
        el("EnvelopeTarget", val("PointeeId", target)),
        el("Automation", el("Events", *events), automation_transform_state()),
        Id=index,
    )


def bend_value(semitones: float) -> int:
    """Semitones of bend as Live's pitch-bend value over the model's bend range."""
    value = round(semitones / PITCH_BEND_RANGE_SEMITONES * -BEND_MIN)
    return max(BEND_MIN, min(BEND_MAX, value))


def _clip_envelope(index: int, envelope: Envelope, target: int) -> Node:
    value: Callable[[float], float] = cutoff_note if envelope.parameter == "cutoff" else bend_value
    first = value(envelope.points[0].value)
    events = [el("FloatEvent", Id=0, Time=DEFAULT_EVENT_TIME, Value=first)]
    events += [
        el("FloatEvent", Id=i + 1, Time=point.time_beats, Value=value(point.value))
        for i, point in enumerate(envelope.points)
    ]
    return el(
        "ClipEnvelope",
        el("EnvelopeTarget", val("PointeeId", target)),
        el("Automation", el("Events", *events), automation_transform_state()),
        el("LoopSlot", el("Value")),
        el("ScrollerTimePreserver", *values(("LeftTime", 0), ("RightTime", 0))),
        Id=index,
    )
