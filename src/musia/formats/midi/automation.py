"""Clip envelopes as MIDI controllers, and back.

- cutoff (0..1) is CC 74, the "brightness" controller synths map to their filter: 0..127.
- pitch bend (semitones) is the channel's pitch wheel, 14 bits centred on 8192, over a bend range
  of `PITCH_BEND_RANGE_SEMITONES` that RPN 0 sets on the channel before any bend: a receiver's
  default is ±2 semitones, too narrow for an 808 glide of an octave.

A straight ramp between two points is written one message per step of value, but never two
within `RAMP_STEP_BEATS` (a 64th note): fine enough to sound continuous, and no message repeats
the value before it. When a clip with an
envelope ends, its controller goes back to rest (filter open, no bend), so a clip without one
plays as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from musia.core.model import (
    PITCH_BEND_RANGE_SEMITONES,
    TICKS_PER_BEAT,
    Clip,
    Envelope,
    EnvelopePoint,
    Track,
)

CONTROL, PITCH_WHEEL = 0xB0, 0xE0
CUTOFF_CC = 74
RPN_MSB, RPN_LSB, DATA_MSB, DATA_LSB = 101, 100, 6, 38
RPN_NULL = 127
BEND_CENTER, BEND_MAX = 8192, 16383
CC_MAX = 127
RAMP_STEP_BEATS = 1 / 16  # a 64th note
RAMP_STEP_TICKS = round(RAMP_STEP_BEATS * TICKS_PER_BEAT)
CONTROLLER_ORDER = 1  # at one tick: after note-offs (0), before note-ons (2)
REST = {"cutoff": 1.0, "pitch_bend": 0.0}  # filter open, no bend
DEFAULT_BEND_RANGE = 2.0  # semitones, when a file sets none


def bend_range_setup(channel: int) -> list[bytes]:
    """RPN 0 (pitch bend sensitivity) = the model's range, then the null RPN so that a later
    data entry changes nothing by accident."""
    status = CONTROL | channel
    return [
        bytes((status, RPN_MSB, 0)),
        bytes((status, RPN_LSB, 0)),
        bytes((status, DATA_MSB, PITCH_BEND_RANGE_SEMITONES)),
        bytes((status, DATA_LSB, 0)),
        bytes((status, RPN_MSB, RPN_NULL)),
        bytes((status, RPN_LSB, RPN_NULL)),
    ]


def envelope_events(track: Track, channel: int) -> list[tuple[int, int, int, bytes]]:
    """(tick, CONTROLLER_ORDER, sequence, message) for every clip envelope of the track."""
    events: list[tuple[int, int, int, bytes]] = []
    last: dict[str, int] = {}
    for clip in sorted(track.clips, key=lambda c: c.start_beats):
        for envelope in clip.envelopes:
            values = _clip_values(clip, envelope)
            for tick, value in values:
                if last.get(envelope.parameter) != value:
                    message = _message(envelope.parameter, channel, value)
                    events.append((tick, CONTROLLER_ORDER, len(events), message))
                    last[envelope.parameter] = value
    return events


def _clip_values(clip: Clip, envelope: Envelope) -> list[tuple[int, int]]:
    """(tick, MIDI value) along the envelope from the clip start, then the rest value at its end."""
    start = clip.start_beats
    quantize = _cc_value if envelope.parameter == "cutoff" else _bend_value
    points = [EnvelopePoint(0.0, envelope.points[0].value), *envelope.points]
    values = [(_tick(start), quantize(points[0].value))]
    for a, b in pairwise(points):
        values += _ramp(_tick(start + a.time_beats), _tick(start + b.time_beats),
                        quantize(a.value), quantize(b.value))  # fmt: skip
    values.append((_tick(start + clip.length_beats), quantize(REST[envelope.parameter])))
    return values


def _ramp(first: int, last: int, low: int, high: int) -> list[tuple[int, int]]:
    """A straight line from value `low` at tick `first` to `high` at `last`: one message per
    step of value, but never two within a 64th note."""
    changes = min(abs(high - low), (last - first) // RAMP_STEP_TICKS)
    ramp = [
        (first + (last - first) * k // changes, low + (high - low) * k // changes)
        for k in range(1, changes)
    ] if changes > 1 else []  # fmt: skip
    return [*ramp, (last, high)]


def _tick(beats: float) -> int:
    return round(beats * TICKS_PER_BEAT)


def _cc_value(cutoff: float) -> int:
    return max(0, min(CC_MAX, round(cutoff * CC_MAX)))


def _bend_value(semitones: float) -> int:
    wheel = BEND_CENTER + round(semitones / PITCH_BEND_RANGE_SEMITONES * BEND_CENTER)
    return max(0, min(BEND_MAX, wheel))


def _message(parameter: str, channel: int, value: int) -> bytes:
    if parameter == "cutoff":
        return bytes((CONTROL | channel, CUTOFF_CC, value))
    return bytes((PITCH_WHEEL | channel, value & 0x7F, value >> 7))


# --- reading ----------------------------------------------------------------------------------


def read_envelopes(
    cutoff: Iterable[tuple[float, int]],
    bends: Iterable[tuple[float, int]],
    bend_range: float,
) -> tuple[Envelope, ...]:
    """Envelopes from CC 74 values and pitch-wheel values (mido's -8192..8191) at beat times.

    A controller holds its value until the next message, so each change is a jump: two points at
    one time, the old value and the new."""
    found = []
    for parameter, events, scale in (
        ("cutoff", cutoff, 1 / CC_MAX),
        ("pitch_bend", bends, bend_range / BEND_CENTER),
    ):
        points = _steps((beats, value * scale) for beats, value in events)
        if points:
            found.append(Envelope(parameter, points))
    return tuple(found)


def _steps(values: Iterable[tuple[float, float]]) -> tuple[EnvelopePoint, ...]:
    points: list[EnvelopePoint] = []
    for beats, value in sorted(values, key=lambda e: e[0]):
        if points and points[-1].value == value:
            continue
        if points:
            points.append(EnvelopePoint(beats, points[-1].value))
        points.append(EnvelopePoint(beats, value))
    return tuple(points)
