"""Clips, notes and samples of a Live set, read from its document.

Playing clips live in a track's `MainSequencer`: arrangement clips in its timeline events, session
clips in `ClipSlotList`. The `FreezeSequencer` (freeze renders), take lanes and the groove pool
hold clips too, which never play: they are not read as clips.

Notes: one `KeyTrack` per pitch (`MidiKey`) with `MidiNoteEvent`s (Live 9 to 12; Live 8 too).
Live 11 added `NoteId`, Live 12.2 leaves out attributes at their default value, so every
attribute here has the default Live uses.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from musia.formats.als.document import Element

_NOTE = re.compile(rb"<MidiNoteEvent\s([^>]*)")
_REGULAR_NOTE = re.compile(
    rb'<MidiNoteEvent Time="([^"]*)" Duration="([^"]*)" Velocity="([^"]*)"'
    rb'(?: VelocityDeviation="[^"]*")?(?: OffVelocity="[^"]*")?'
    rb'(?: Probability="([^"]*)")?(?: IsEnabled="([^"]*)")?(?: NoteId="[^"]*")? ?/>'
)
_NOTE_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_NOTE_DEFAULTS = {
    b"Time": 0.0,
    b"Duration": 0.25,
    b"Velocity": 100.0,
    b"OffVelocity": 64.0,
    b"Probability": 1.0,
}


@dataclass(frozen=True, slots=True)
class NoteEvent:
    time_beats: float  # clip-local
    duration_beats: float
    pitch: int
    velocity: float
    enabled: bool = True
    probability: float = 1.0


@dataclass(frozen=True, slots=True)
class SampleInfo:
    path: str  # absolute path as Live saved it ("" when unknown)
    relative_path: str  # relative to the project folder ("" when none)
    exists: bool


@dataclass(frozen=True, slots=True)
class ClipInfo:
    kind: str  # midi | audio
    location: str  # arrangement | session
    name: str
    start_beats: float
    end_beats: float
    loop_on: bool
    loop_start_beats: float
    loop_end_beats: float
    start_relative_beats: float
    notes: tuple[NoteEvent, ...] = ()
    scene_index: int | None = None  # session clips: the slot's row
    sample: SampleInfo | None = None
    disabled: bool = False

    @property
    def length_beats(self) -> float:
        return self.end_beats - self.start_beats


def read_clips(track: Element, folder: Path) -> list[ClipInfo]:
    """The playing clips of a track: arrangement first, then session clips by slot."""
    sequencer = track.find("DeviceChain/MainSequencer")
    if sequencer is None:
        return []
    slots = sequencer.find("ClipSlotList")
    arrangement = [
        read_clip(clip, "arrangement", None, folder)
        for clip in sequencer.iter("MidiClip", "AudioClip")
        if slots is None or not _inside(clip, slots)
    ]
    session: list[ClipInfo] = []
    for row, slot in enumerate(slots or []):
        session += [read_clip(clip, "session", row, folder) for clip in slot.iter("MidiClip")]
        session += [read_clip(clip, "session", row, folder) for clip in slot.iter("AudioClip")]
    return arrangement + session


def _inside(element: Element, container: Element) -> bool:
    doc = element.doc
    return doc.start[container.i] < doc.start[element.i] < doc.end[container.i]


def read_clip(clip: Element, location: str, row: int | None, folder: Path) -> ClipInfo:
    start = _number(clip.value_of("CurrentStart"), _number(clip.get("Time"), 0.0))
    end = _number(clip.value_of("CurrentEnd"), start)
    loop = clip.find("Loop")
    kind = "midi" if clip.tag == "MidiClip" else "audio"
    return ClipInfo(
        kind=kind,
        location=location,
        name=clip.value_of("Name", "") or "",
        start_beats=start,
        end_beats=end,
        loop_on=(loop.value_of("LoopOn") if loop else None) == "true",
        loop_start_beats=_number(loop.value_of("LoopStart") if loop else None, 0.0),
        loop_end_beats=_number(loop.value_of("LoopEnd") if loop else None, end - start),
        start_relative_beats=_number(loop.value_of("StartRelative") if loop else None, 0.0),
        notes=tuple(read_notes(clip)) if kind == "midi" else (),
        scene_index=row,
        sample=read_sample(clip, folder) if kind == "audio" else None,
        disabled=clip.value_of("Disabled") == "true",
    )


def read_notes(clip: Element) -> list[NoteEvent]:
    """Every note of a clip, sorted by time then pitch; attributes Live left out get defaults."""
    notes: list[NoteEvent] = []
    doc = clip.doc
    for key_track in clip.iter("KeyTrack"):
        pitch = int(_number(key_track.value_of("MidiKey"), -1))
        if not 0 <= pitch <= 127:
            continue
        begin, end = doc.head_end[key_track.i], doc.end[key_track.i]
        regular = _REGULAR_NOTE.findall(doc.data, begin, end)
        if len(regular) == doc.data.count(b"<MidiNoteEvent ", begin, end):
            notes += [_regular(pitch, *fields) for fields in regular]
        else:
            notes += [_note(pitch, m.group(1)) for m in _NOTE.finditer(doc.data, begin, end)]
    notes.sort(key=lambda n: (n.time_beats, n.pitch))
    return notes


def _regular(
    pitch: int, time: bytes, duration: bytes, velocity: bytes, probability: bytes, enabled: bytes
) -> NoteEvent:
    """A note in the attribute order Live writes (the fast path: no dictionary, no checks
    beyond float())."""
    try:
        return NoteEvent(
            float(time),
            float(duration),
            pitch,
            float(velocity),
            enabled != b"false",
            float(probability) if probability else 1.0,
        )
    except ValueError:
        return _note(pitch, b'Time="%s" Duration="%s" Velocity="%s"' % (time, duration, velocity))


def _note(pitch: int, attributes: bytes) -> NoteEvent:
    values = dict(_NOTE_ATTR.findall(attributes))
    number = {k: _number(values.get(k), d) for k, d in _NOTE_DEFAULTS.items()}
    return NoteEvent(
        time_beats=number[b"Time"],
        duration_beats=number[b"Duration"],
        pitch=pitch,
        velocity=number[b"Velocity"],
        enabled=values.get(b"IsEnabled", b"true") == b"true",
        probability=number[b"Probability"],
    )


def read_sample(clip: Element, folder: Path) -> SampleInfo | None:
    """The sample an audio clip plays (its `SampleRef`), or None."""
    sample_ref = clip.find("SampleRef")
    return read_sample_ref(sample_ref, folder) if sample_ref is not None else None


def read_sample_ref(sample_ref: Element, folder: Path) -> SampleInfo | None:
    """The file a `SampleRef` names: an audio clip's, or a Simpler's, Sampler's or drum pad's."""
    ref = sample_ref.find("FileRef")
    if ref is None:
        return None
    relative = ref.value_of("RelativePath")
    name = ref.value_of("Name", "") or ""
    if relative is None:  # Live 8 to 10: path elements and a file name
        parts = [e.get("Dir", "") or "" for e in ref.findall("RelativePath/RelativePathElement")]
        relative = "/".join([p for p in parts if p] + [name]) if parts or name else ""
    absolute = ref.value_of("Path")
    if absolute is None:
        hint = [
            e.get("Dir", "") or "" for e in ref.findall("SearchHint/PathHint/RelativePathElement")
        ]
        absolute = "/" + "/".join([p for p in hint if p] + [name]) if hint else ""
    return SampleInfo(absolute, relative, _exists(folder, relative, absolute))


def _exists(folder: Path, relative: str, absolute: str) -> bool:
    candidates = [folder / relative] if relative else []
    candidates += [Path(absolute)] if absolute else []
    try:
        return any(c.is_file() for c in candidates)
    except (OSError, ValueError):  # names no file system can hold
        return False


def _number(text: object, default: float) -> float:
    if text is None:
        return default
    try:
        value = float(text.decode() if isinstance(text, bytes) else str(text))
    except ValueError:
        return default
    return value if math.isfinite(value) else default
