"""MIDI clips in Live 11+ form: notes grouped in one `KeyTrack` per pitch.

Measured on Live 11.3 and 12.3 saves: KeyTracks sorted by `MidiKey`, numbered 0..n-1; note events
sorted by time inside each; `NoteId`s unique from 1 with `NoteIdGenerator/NextId` above them all.
Live 11 writes every note attribute; Live 12 leaves out those at their defaults (velocity
deviation 0, probability 1, enabled). Note times are clip-local beats, as in the song model.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from musia.core.model import Clip, Note
from musia.core.theory.meter import Meter
from musia.formats.als.defaults import grid, scale_information
from musia.formats.als.envelopes import clip_envelopes
from musia.formats.als.ids import sibling_ids
from musia.formats.als.names import clean_name
from musia.formats.als.node import Node, el, fmt, val, values
from musia.formats.als.params import Build

OFF_VELOCITY = 64  # Live's default release velocity


@dataclass(frozen=True, slots=True)
class ClipPlacement:
    """Where a clip goes: the arrangement (at its start, `index` among the track's clips) or a
    session slot (`start_beats` is then 0)."""

    index: int
    start_beats: float
    in_arrangement: bool


def midi_clip(
    b: Build,
    clip: Clip,
    place: ClipPlacement,
    *,
    color: int,
    meter: Meter,
    notes: Node | None = None,
    pitch_bend_target: int | None = None,
    cutoff_target: int | None = None,
) -> Node:
    """The clip; `notes` may pass a `notes_element` already built for the same clip (the session
    copy of an arrangement clip holds the very same notes and note ids). `pitch_bend_target` is
    the pointee id of the track's pitch-bend controller target: the clip's pitch-bend envelopes
    are written against it (none without it); `cutoff_target`, the track's Auto Filter Cutoff's,
    likewise for its cutoff envelopes."""
    length = clip.length_beats
    start = place.start_beats
    node = el("MidiClip", Id=place.index, Time=start)
    node.children += [
        *values(("LomId", 0), ("LomIdView", 0), ("CurrentStart", start)),
        val("CurrentEnd", start + length),
        _loop(length),
        *values(("Name", clean_name(clip.name)), ("Annotation", ""), ("Color", color)),
        *values(("LaunchMode", 0), ("LaunchQuantisation", 0)),
        time_signature_element(meter),
        clip_envelopes(clip, pitch_bend_target, cutoff_target)
        if envelopes_allowed(b, place)
        else clip_envelopes(clip, None),
        el("ScrollerTimePreserver", val("LeftTime", 0), val("RightTime", length)),
        el("TimeSelection", val("AnchorTime", 0), val("OtherTime", 0)),
        *values(("Legato", False), ("Ram", False)),
        el("GrooveSettings", val("GrooveId", -1)),
        *values(("Disabled", False), ("VelocityAmount", 0)),
        follow_action(jump_index=1),
        grid(),
        *values(("FreezeStart", 0), ("FreezeEnd", 0), ("IsWarped", True)),
        val("TakeId", _take_id(b, place)),
    ]
    if b.fmt.is12:
        # Scale mode off: the scale Live stores is C major, which is not the song's key (the
        # index Live 12 gives a minor scale is not measured yet).
        node.children += [val("IsInKey", False), scale_information(b)]
    node.children += [notes or notes_element(b, clip.notes), *_clip_tail(b)]
    return node


def envelopes_allowed(b: Build, place: ClipPlacement) -> bool:
    """Where a clip may hold envelopes: Live 11.3 saves MIDI clip envelopes on arrangement clips;
    no set saved by Live 12, and no session clip in any, holds one that the checker's profile
    could vouch for, so those clips keep theirs in the MIDI file only."""
    return place.in_arrangement and not b.fmt.is12


def follow_action(*, jump_index: int) -> Node:
    """Follow actions switched off, as Live writes for new clips and scenes."""
    return el(
        "FollowAction",
        *values(("FollowTime", 4), ("IsLinked", True), ("LoopIterations", 1)),
        *values(("FollowActionA", 4), ("FollowActionB", 0)),
        *values(("FollowChanceA", 100), ("FollowChanceB", 0)),
        *values(("JumpIndexA", jump_index), ("JumpIndexB", jump_index)),
        val("FollowActionEnabled", False),
    )


def notes_element(b: Build, notes: tuple[Note, ...]) -> Node:
    """`Notes`: the KeyTracks, then the per-note stores and the note id generator."""
    by_pitch: dict[int, list[Note]] = defaultdict(list)
    for note in notes:
        by_pitch[note.pitch].append(note)
    key_tracks: list[Node] = []
    next_note_id = 1
    for key_id, pitch in zip(sibling_ids(len(by_pitch)), sorted(by_pitch), strict=True):
        events = sorted(by_pitch[pitch], key=lambda n: (n.start_beats, n.duration_beats))
        nodes = [_note_event(b, n, next_note_id + i) for i, n in enumerate(events)]
        next_note_id += len(events)
        key_tracks.append(el("KeyTrack", el("Notes", *nodes), val("MidiKey", pitch), Id=key_id))
    node = el("Notes", el("KeyTracks", *key_tracks), el("PerNoteEventStore", el("EventLists")))
    if b.fmt.is12:
        node.children += [
            el("NoteProbabilityGroups"),
            el("ProbabilityGroupIdGenerator", val("NextId", 1)),
        ]
    node.children.append(el("NoteIdGenerator", val("NextId", next_note_id)))
    return node


def _note_event(b: Build, note: Note, note_id: int) -> Node:
    # Rendered directly: numbers need no escaping, and a set holds thousands of notes.
    timing = f' Time="{fmt(note.start_beats)}" Duration="{fmt(note.duration_beats)}"'
    if b.fmt.is12:
        rest = f' Velocity="{note.velocity}" OffVelocity="{OFF_VELOCITY}" NoteId="{note_id}"'
    else:
        rest = (
            f' Velocity="{note.velocity}" VelocityDeviation="0" OffVelocity="{OFF_VELOCITY}"'
            f' Probability="1" IsEnabled="true" NoteId="{note_id}"'
        )
    return Node("MidiNoteEvent", timing + rest)


def _loop(length: float) -> Node:
    return el(
        "Loop",
        *values(("LoopStart", 0), ("LoopEnd", length), ("StartRelative", 0), ("LoopOn", True)),
        *values(("OutMarker", length), ("HiddenLoopStart", 0), ("HiddenLoopEnd", length)),
    )


def time_signature_element(meter: Meter) -> Node:
    signature = el(
        "RemoteableTimeSignature",
        *values(("Numerator", meter.numerator), ("Denominator", meter.denominator), ("Time", 0)),
        Id=0,
    )
    return el("TimeSignature", el("TimeSignatures", signature))


def _take_id(b: Build, place: ClipPlacement) -> int:
    # What Live writes for a clip drawn in: take 1 (Live 11) or 0 (Live 12) in the arrangement,
    # 0 in a session slot.
    return 1 if place.in_arrangement and not b.fmt.is12 else 0


def _clip_tail(b: Build) -> list[Node]:
    tail = values(
        ("BankSelectCoarse", -1),
        ("BankSelectFine", -1),
        ("ProgramChange", -1),
        ("NoteEditorFoldInZoom", -1),
        ("NoteEditorFoldInScroll", 0),
        ("NoteEditorFoldOutZoom", -1),
        ("NoteEditorFoldOutScroll", 0),
        ("NoteEditorFoldScaleZoom", -1),
        ("NoteEditorFoldScaleScroll", 0),
    )
    if b.fmt.is12:
        tail += values(("NoteSpellingPreference", 0), ("AccidentalSpellingPreference", 3))
    else:
        tail += [scale_information(b), val("IsInKey", False), val("NoteSpellingPreference", 3)]
    tail += [
        val("PreferFlatRootNote", False),
        grid("ExpressionGrid", snap=False),
    ]
    return tail
