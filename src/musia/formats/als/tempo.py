"""Tempo and time signature of a Live set, and beats → seconds through its tempo automation.

Live stores the tempo as `Mixer/Tempo/Manual` (Live 9.7+) or only as the first event of the
tempo's automation (Live 8, 9). Automation is piecewise linear in beats: two events at the same
time are a jump, two at different times a ramp, which `TempoMap.seconds` integrates exactly.
The event at -63072000 beats ("one year before zero") holds the value before the song starts.
"""

from __future__ import annotations

import bisect
import itertools
import math

from musia.formats.als.document import Element

_BEFORE_SONG = -63072000.0


class TempoMap:
    """Tempo automation as (time_beats, bpm) points, sorted; empty means a constant tempo.
    Seconds at every point are computed once, so each conversion is a binary search."""

    __slots__ = ("_seconds", "_starts", "_times", "bpm", "points")

    def __init__(self, bpm: float, points: tuple[tuple[float, float], ...] = ()) -> None:
        self.bpm = bpm
        self.points = points
        self._times = [t for t, _ in points]
        self._starts = sorted({0.0, *(t for t in self._times if t > 0)})
        self._seconds = [0.0]
        for left, right in itertools.pairwise(self._starts):
            self._seconds.append(self._seconds[-1] + self._between(left, right))

    def __repr__(self) -> str:
        return f"TempoMap({self.bpm:g} BPM, {len(self.points)} points)"

    def bpm_at(self, beats: float) -> float:
        if not self.points:
            return self.bpm
        i = bisect.bisect_right(self._times, beats) - 1
        if i < 0:
            return self.points[0][1]
        if i + 1 >= len(self.points):
            return self.points[-1][1]
        (t0, v0), (t1, v1) = self.points[i], self.points[i + 1]
        return v0 if t1 <= t0 else v0 + (v1 - v0) * (beats - t0) / (t1 - t0)

    def seconds(self, beats: float) -> float:
        """Seconds from beat 0 to `beats`, following ramps and jumps."""
        if beats <= 0:
            return 0.0
        if not self.points:
            return beats * 60.0 / self.bpm
        i = max(bisect.bisect_right(self._starts, beats) - 1, 0)
        return self._seconds[i] + self._between(self._starts[i], beats)

    def _between(self, left: float, right: float) -> float:
        """Seconds from `left` to `right` when no point lies strictly between them."""
        if right <= left:
            return 0.0
        return _segment_s(self.bpm_at(left), self._bpm_before(right), right - left)

    def _bpm_before(self, beats: float) -> float:
        """The tempo reached just before `beats` (before a jump at that time)."""
        i = bisect.bisect_left(self._times, beats)
        if i == 0:
            return self.points[0][1]
        (t0, v0) = self.points[i - 1]
        if i >= len(self.points):
            return v0
        t1, v1 = self.points[i]
        return v0 if t1 <= t0 else v0 + (v1 - v0) * (beats - t0) / (t1 - t0)

    def steps(self, resolution_beats: float = 0.25) -> list[tuple[float, float]]:
        """(time_beats >= 0, bpm) changes for a MIDI file: jumps as they are, ramps in steps."""
        if not self.points:
            return [(0.0, self.bpm)]
        result = [(0.0, self.bpm_at(0.0))]
        for (t0, v0), (t1, v1) in itertools.pairwise(self.points):
            if t1 <= 0:
                continue
            if t1 > t0 and v1 != v0:
                beat = max(t0, 0.0)
                while beat < t1 - 1e-9:
                    result.append((beat, self.bpm_at(min(beat + resolution_beats / 2, t1))))
                    beat += resolution_beats
            result.append((t1, v1))
        merged: list[tuple[float, float]] = []
        for beat, bpm in result:
            if merged and merged[-1][0] == beat:
                merged.pop()
            if merged and merged[-1][1] == bpm:
                continue
            merged.append((beat, bpm))
        return merged


def _segment_s(bpm_start: float, bpm_end: float, length_beats: float) -> float:
    if length_beats <= 0:
        return 0.0
    if abs(bpm_end - bpm_start) < 1e-9:
        return length_beats * 60.0 / bpm_start
    slope = (bpm_end - bpm_start) / length_beats
    return 60.0 / slope * math.log(bpm_end / bpm_start)


def master_mixer(live_set: Element) -> Element | None:
    master = live_set.find("MasterTrack") or live_set.find("MainTrack")
    if master is None:
        return None
    return master.find("DeviceChain/Mixer") or master.find("MasterChain/Mixer")


def float_events(param: Element) -> list[tuple[float, float]]:
    events = param.find("ArrangerAutomation/Events")
    if events is None:
        return []
    return [_event(e) for e in events if e.tag in ("FloatEvent", "EnumEvent")]


def _event(e: Element) -> tuple[float, float]:
    return number(e.get("Time"), 0.0), number(e.get("Value"), 0.0)


def number(text: str | None, default: float) -> float:
    """A number attribute of a set; an unreadable or infinite one (a damaged set) reads as
    `default`, as Live falls back to a parameter's default."""
    try:
        value = float(text) if text is not None else default
    except ValueError:
        return default
    return value if math.isfinite(value) else default


def envelope_events(track: Element, target_id: str | None) -> list[tuple[float, float]]:
    """The events of `track`'s automation envelope that points at `target_id`."""
    if target_id is None:
        return []
    for envelope in track.findall("AutomationEnvelopes/Envelopes/AutomationEnvelope"):
        if envelope.value_of("EnvelopeTarget/PointeeId") == target_id:
            events = envelope.find("Automation/Events")
            return [_event(e) for e in events or [] if e.tag in ("FloatEvent", "EnumEvent")]
    return []


Events = list[tuple[float, float]]


def param_value(track: Element | None, param: Element | None) -> tuple[float | None, Events]:
    """A master parameter's value (Manual, else its first automation event) and its events."""
    if param is None or track is None:
        return None, []
    target = param.find("AutomationTarget")
    events = envelope_events(track, target.get("Id") if target else None) or float_events(param)
    manual = param.value_of("Manual")
    if manual is not None:
        return number(manual, events[0][1] if events else 0.0), events
    return (events[0][1] if events else None), events


def tempo_map(bpm: float, events: list[tuple[float, float]]) -> TempoMap:
    """Events after the song starts; a lone "before the song" event is no automation."""
    # by time only: two events at one time are a jump, and their order says which way
    points = sorted(((max(t, _BEFORE_SONG), v) for t, v in events if v > 0), key=lambda p: p[0])
    song = [(t, v) for t, v in points if t > _BEFORE_SONG]
    if not song:
        return TempoMap(bpm)
    before = [(t, v) for t, v in points if t <= _BEFORE_SONG][-1:]
    return TempoMap(bpm, tuple(before + song))


def decode_time_signature(value: float) -> tuple[int, int]:
    """Live's encoding: (numerator − 1) + 99·log2(denominator); 201 = 4/4, 302 = 6/8."""
    if not 0 <= value < 99 * 7:  # beyond 99/64: not a signature Live writes
        return 4, 4
    power, numerator = divmod(int(value), 99)
    return numerator + 1, 2**power
