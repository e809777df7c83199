"""Plays a part's notes on a multi-sampled `Instrument` (`musia.audio.multisample`) into one
mono buffer, as a Sampler would: the zone nearest each key, transposed by resampling, a sustained
zone looping until the note-off, then the patch's release; the clip's pitch-bend envelope bends
the notes it covers (808 glides, slides) and its cut-off envelope sweeps a low-pass over the part
(the build's filter opening).

Drums play each hit to the end of its sample, an open hat is choked by the next closed or pedal
hat. A note that repeats with the same length and no bend is rendered once and copied.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from musia.audio.engine import SAMPLE_RATE, Mono, swept_low_pass
from musia.audio.multisample import Instrument, Zone, patches
from musia.core.model import Track

DEFAULT_RELEASE_S = 0.06
VELOCITY_CURVE = 2.0  # gain = (velocity / 127) ** this: 20 dB from velocity 40 to 127
OPEN_HATS, CHOKING_HATS = frozenset({46}), frozenset({42, 44})
CHOKE_S = 0.01
# The cut-off envelope's 0 … 1 as Hz: 80 Hz (closed) … 18 kHz, exponentially.
CUTOFF_CLOSED_HZ, CUTOFF_OPEN_HZ = 80.0, 18_000.0
CUTOFF_Q = 0.9
CUTOFF_BLOCK = 512  # frames the part's swept filter holds its cut-off (12 ms)
BEND_STEP_S = 0.005  # the pitch-bend envelope is read this often


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int  # frame
    pitch: int
    velocity: int
    gate: int  # frames to the note-off
    bend: npt.NDArray[np.float64] | None  # semitones per frame from the start, or None
    limit: int  # frames after which it is cut (choke, end of the buffer)


def play_track(instrument: Instrument, track: Track, bpm: float, frames: int) -> Mono:
    """Every note of `track` on `instrument`, with its clips' envelopes, into `frames` frames."""
    seconds_per_beat = 60.0 / bpm
    hits = _choked(_hits(track, seconds_per_beat, frames), instrument.drums)
    out = np.zeros(frames, dtype=np.float32)
    cache: dict[tuple[int, int, int, int], Mono] = {}
    for hit in hits:
        zone = instrument.zone_for(hit.pitch)
        if hit.bend is None:
            key = (id(zone), hit.pitch, hit.gate, min(hit.limit, len(zone.audio) * 4 + hit.gate))
            mono = cache.get(key)
            if mono is None:
                mono = cache[key] = _voice(zone, hit, instrument.drums)
        else:
            mono = _voice(zone, hit, instrument.drums)
        end = min(frames, hit.start + len(mono))
        level = (hit.velocity / 127) ** VELOCITY_CURVE * 10 ** (_gain_db(zone) / 20)
        out[hit.start : end] += mono[: end - hit.start] * np.float32(level)
    cutoff = cutoff_curve(track, seconds_per_beat, frames)
    if cutoff is not None:
        _sweep(out, cutoff)
    return out


def _sweep(out: Mono, cutoff: npt.NDArray[np.float64]) -> None:
    """The low-pass over the stretches where it is not open (in place), each with a tail while
    the filter's ringing dies: an open filter (18 kHz) leaves the signal as it is."""
    closed = np.concatenate(([False], cutoff < CUTOFF_OPEN_HZ * 0.99, [False]))
    edges = np.flatnonzero(np.diff(closed.astype(np.int8)))
    tail = 4  # blocks
    for first, last in zip(edges[::2], edges[1::2], strict=True):
        stop = min(len(cutoff), last + tail)
        lo, hi = first * CUTOFF_BLOCK, min(len(out), stop * CUTOFF_BLOCK)
        part = out[lo:hi].astype(np.float64)
        out[lo:hi] = swept_low_pass(part, cutoff[first:stop], CUTOFF_Q, CUTOFF_BLOCK)


def cutoff_hz(value: float | npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    ratio = CUTOFF_OPEN_HZ / CUTOFF_CLOSED_HZ
    result: npt.NDArray[np.float64] = CUTOFF_CLOSED_HZ * ratio ** np.clip(value, 0.0, 1.0)
    return result


def cutoff_curve(
    track: Track, seconds_per_beat: float, frames: int
) -> npt.NDArray[np.float64] | None:
    """The low-pass's cut-off (Hz) per `CUTOFF_BLOCK` frames from the clips' "cutoff" envelopes
    (open where a clip has none); None when no clip has one."""
    if not any(clip.envelope("cutoff") for clip in track.clips):
        return None
    block_rate = SAMPLE_RATE / CUTOFF_BLOCK
    values = np.ones(-(-frames // CUTOFF_BLOCK))
    for clip in track.clips:
        envelope = clip.envelope("cutoff")
        if envelope is None:
            continue
        start = round(clip.start_beats * seconds_per_beat * block_rate)
        end = min(
            len(values),
            round((clip.start_beats + clip.length_beats) * seconds_per_beat * block_rate),
        )
        if end <= start:
            continue
        beats = (np.arange(start, end) / block_rate / seconds_per_beat) - clip.start_beats
        times = [p.time_beats for p in envelope.points]
        values[start:end] = np.interp(beats, times, [p.value for p in envelope.points])
    return cutoff_hz(values)


def _hits(track: Track, seconds_per_beat: float, frames: int) -> list[_Hit]:
    hits = []
    for clip in track.clips:
        bend = clip.envelope("pitch_bend")
        for note in clip.notes:
            start_beats = clip.start_beats + note.start_beats
            start = round(start_beats * seconds_per_beat * SAMPLE_RATE)
            if start >= frames:
                continue
            gate = max(1, round(note.duration_beats * seconds_per_beat * SAMPLE_RATE))
            curve = None
            if bend is not None:
                span = note.duration_beats + 1.0  # the release bends along
                steps = np.arange(0.0, span, BEND_STEP_S / seconds_per_beat)
                semis = np.array([bend.value_at(note.start_beats + b) for b in steps])
                if np.any(semis != 0):
                    curve = semis
            hits.append(_Hit(start, note.pitch, note.velocity, gate, curve, frames - start))
    hits.sort(key=lambda h: (h.start, h.pitch))
    return hits


def _choked(hits: list[_Hit], drums: bool) -> list[_Hit]:
    """A drum is one voice per key, as on a drum machine: a hit stops where the next hit of its
    key starts (a snare roll is a roll, not a wash), and an open hat where the next closed or
    pedal hat does."""
    if not drums:
        return hits
    fade = round(CHOKE_S * SAMPLE_RATE)
    closing = np.array([h.start for h in hits if h.pitch in CHOKING_HATS], dtype=np.int64)
    next_same: dict[int, int] = {}
    out = []
    for hit in reversed(hits):
        cuts = [hit.limit]
        if hit.pitch in next_same:
            cuts.append(next_same[hit.pitch] - hit.start + fade)
        if hit.pitch in OPEN_HATS and len(closing):
            after = int(np.searchsorted(closing, hit.start, side="right"))
            if after < len(closing):
                cuts.append(int(closing[after]) - hit.start + fade)
        next_same[hit.pitch] = hit.start
        out.append(_Hit(hit.start, hit.pitch, hit.velocity, hit.gate, hit.bend, min(cuts)))
    out.reverse()
    return out


def _gain_db(zone: Zone) -> float:
    """The patch's level in its kit (a library sample plays at its own)."""
    return float(patches().get(zone.patch, {}).get("gain_db", 0.0))


def _voice(zone: Zone, hit: _Hit, drums: bool) -> Mono:
    patch = patches().get(zone.patch, {})
    one_shot = drums or patch.get("kind") == "drum"
    release = float(patch.get("release_s", DEFAULT_RELEASE_S))
    rate = 1.0 if one_shot else 2.0 ** ((hit.pitch - zone.root_key) / 12)
    source = zone.audio
    if one_shot or zone.loop is None:
        length = (
            len(source)
            if one_shot
            else min(hit.gate + round(release * SAMPLE_RATE), int((len(source) - 1) / rate))
        )
    else:
        length = hit.gate + round(release * SAMPLE_RATE)
    length = max(1, min(length, hit.limit))
    if hit.bend is not None:
        semis = np.interp(
            np.arange(length) / SAMPLE_RATE,
            np.arange(len(hit.bend)) * BEND_STEP_S,
            hit.bend,
        )
        position = np.cumsum(rate * 2.0 ** (semis / 12)) - rate
    else:
        position = rate * np.arange(length, dtype=np.float64)
    if zone.loop is not None and not one_shot:
        loop_start, loop_end = zone.loop
        past = position >= loop_end
        position[past] = loop_start + np.mod(position[past] - loop_start, loop_end - loop_start)
    else:
        length = min(length, int(np.searchsorted(position, len(source) - 1)))
        position = position[:length]
    index = position.astype(np.int64)
    fraction = (position - index).astype(np.float32)
    np.clip(index, 0, len(source) - 2, out=index)
    now = source[index]
    mono: Mono = now + (source[index + 1] - now) * fraction
    if not one_shot and hit.gate < length:  # the note-off: the release
        fall = length - hit.gate
        mono[hit.gate :] *= np.exp(np.linspace(0.0, -6.91, fall, dtype=np.float32))
    if length >= hit.limit or (one_shot and length < len(source)):  # cut short: no click
        fade = min(length, round(CHOKE_S * SAMPLE_RATE))
        mono[length - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    return mono
