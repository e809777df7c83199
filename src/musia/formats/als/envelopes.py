"""Clip envelopes of MIDI clips: the song model's pitch-bend automation as Live saves it.

Measured on Live 11.3 saves with clip envelopes: `MidiClip/Envelopes/Envelopes/ClipEnvelope[Id]`
holds an `EnvelopeTarget/PointeeId` naming the track's MIDI controller target, an `Automation`
with `FloatEvent`s (the first at Time -63072000 holding the value before the clip starts, then
clip-local beat times; a jump is two events at one time) and its transform view state, an empty
`LoopSlot` and a `ScrollerTimePreserver`. A MIDI track's `MidiControllers` hold
`ControllerTargets.0` (pitch bend), `.1` (channel pressure) and `.2`-`.129` (CC 0-127).

Pitch bend is written as Live shows it, -8192 … 8191 for the instrument's whole bend range; the
model's bend is in semitones over `PITCH_BEND_RANGE_SEMITONES`, so the instrument playing the clip
must bend by that range. The cutoff envelopes are not written here: the filter they move is a
device on the track (the production package automates it).
"""

from __future__ import annotations

from musia.core.model import PITCH_BEND_RANGE_SEMITONES, Clip, Envelope
from musia.formats.als.ids import sibling_ids
from musia.formats.als.node import Node, el, val, values
from musia.formats.als.params import automation_transform_state

DEFAULT_EVENT_TIME = -63072000  # where Live puts the first event of every automation envelope
PITCH_BEND_TARGET = 0  # index of the pitch-bend target among a MIDI track's controller targets
BEND_MIN, BEND_MAX = -8192, 8191
WRITTEN_HERE = ("pitch_bend",)


def clip_envelopes(clip: Clip, pitch_bend_target: int | None) -> Node:
    """The clip's `Envelopes` element: one `ClipEnvelope` per pitch-bend envelope."""
    written = [
        e for e in clip.envelopes if e.parameter in WRITTEN_HERE and pitch_bend_target is not None
    ]
    envelopes = [
        _clip_envelope(index, envelope, pitch_bend_target or 0)
        for index, envelope in zip(sibling_ids(len(written)), written, strict=True)
    ]
    return el("Envelopes", el("Envelopes", *envelopes))


def bend_value(semitones: float) -> int:
    """Semitones of bend as Live's pitch-bend value over the model's bend range."""
    value = round(semitones / PITCH_BEND_RANGE_SEMITONES * -BEND_MIN)
    return max(BEND_MIN, min(BEND_MAX, value))


def _clip_envelope(index: int, envelope: Envelope, target: int) -> Node:
    first = bend_value(envelope.points[0].value)
    events = [el("FloatEvent", Id=0, Time=DEFAULT_EVENT_TIME, Value=first)]
    events += [
        el("FloatEvent", Id=i + 1, Time=point.time_beats, Value=bend_value(point.value))
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
