"""`--add-part`: a part composed by Musia's core for the set's tempo, key, meter and length,
added as a new MIDI track.

The new track is a copy of one of the set's own MIDI tracks (so it has exactly the elements that
set's Live version writes, its sends and its clip slots), emptied of clips, devices and
automation, with new pointee ids from `NextPointeeId` up (which is then raised) and a new track
id. Its clips copy one of the set's MIDI clips the same way, with new notes in that clip's note
format (Live 11+ note ids when the set has them).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from pathlib import Path

from musia.audio.key import key_of_files
from musia.core.compose import compose
from musia.core.model import Clip, Note
from musia.core.plan import MAX_BARS, MAX_BPM, MIN_BPM, Plan
from musia.core.prompt.key import read_key_name
from musia.core.theory.key import Key
from musia.errors import InvalidInput
from musia.formats.als.document import Document, Element
from musia.formats.als.editor import SetEditor
from musia.formats.als.export import set_key

ADDABLE = ("bass", "chords", "pad", "lead", "drums")
STYLE = "pop"  # the arrangement and sounds the added part is composed in
DEFAULT_BARS = 16
MAX_KEY_FILES = 16  # audio clips heard for the key of a set without MIDI
_POINTEE = re.compile(
    rb'(<(?:AutomationTarget|\w*ModulationTarget|Pointee|ControllerTargets\.\d+) Id=")(\d+)(")'
)
_POINTEE_REF = re.compile(rb'(<PointeeId Value=")(\d+)(")')
_EMPTIED = (
    "DeviceChain/MainSequencer/ClipTimeable/ArrangerAutomation/Events",
    "DeviceChain/MainSequencer/Sample/ArrangerAutomation/Events",
    "DeviceChain/FreezeSequencer/ClipTimeable/ArrangerAutomation/Events",
    "DeviceChain/FreezeSequencer/Sample/ArrangerAutomation/Events",
    "DeviceChain/DeviceChain/Devices",
    "AutomationEnvelopes/Envelopes",
    "TakeLanes/TakeLanes",
)


def parse_key(text: str) -> Key:
    """The key an added part is written in: every spelling of `read_key_name` ("A minor",
    "Ebm", "la menor"); a bare tonic is major."""
    found = read_key_name(text)
    if found is None:
        raise InvalidInput(
            f"cannot read the key {text!r}; write e.g. 'A minor', 'Eb' or 'la menor'", field="key"
        )
    return found.key()


def add_parts(editor: SetEditor, parts: list[str], *, key: str | None, seed: int) -> None:
    for part in parts:
        add_part(editor, part, key=parse_key(key) if key else None, seed=seed)


def compose_part(
    editor: SetEditor, part: str, key: Key | None, seed: int
) -> tuple[Key, list[Clip]]:
    info = editor.info
    chosen = key or set_key(info) or audio_key(editor) or Key(9, "minor")
    numerator, denominator = info.time_signature
    bar_beats = numerator * 4 / denominator
    bars = min(math.ceil(info.length_beats / bar_beats - 1e-9) or DEFAULT_BARS, MAX_BARS)
    plan = Plan(
        style=STYLE,
        bpm=min(max(info.tempo, MIN_BPM), MAX_BPM),
        tonic_pc=chosen.tonic_pc,
        mode=chosen.mode,
        time_signature=f"{numerator}/{denominator}",
        bars=bars,
        parts=(part,),
        seed=seed,
    )
    track = compose(plan).track(part)
    if track is None or not track.clips:
        raise InvalidInput(f"Musia composed no {part} for this set", field="add_part")
    return chosen, list(track.clips)


def audio_key(editor: SetEditor) -> Key | None:
    """The key of the set's audio clips (a set of recordings, no MIDI notes), when their samples
    can be found and are tonal."""
    folder = editor.folder
    paths = []
    for sample in editor.info.clip_samples:  # the recordings, not the instruments' one-shots
        for candidate in (folder / sample.relative_path if sample.relative_path else None,
                          Path(sample.path) if sample.path else None):  # fmt: skip
            if candidate is not None and candidate.is_file():
                paths.append(candidate)
                break
    if not paths:
        return None
    found = key_of_files(paths[:MAX_KEY_FILES])
    if found.tonic_pc is None or found.mode not in ("major", "minor"):
        return None
    return Key(found.tonic_pc, "minor" if found.mode == "minor" else "major")


def add_part(editor: SetEditor, part: str, *, key: Key | None, seed: int) -> None:
    if part not in ADDABLE:
        raise InvalidInput(f"--add-part takes {', '.join(ADDABLE)}; not {part!r}", field="add_part")
    chosen, clips = compose_part(editor, part, key, seed)
    doc = editor.doc
    template, clip_template = _templates(editor)
    next_id = editor.live_set.find("NextPointeeId")
    if next_id is None:
        raise InvalidInput(
            "the set has no NextPointeeId: too old to add tracks to", field="add_part"
        )
    ids = _Allocator(int(next_id.value or 0))
    new_track_id = max([t.track_id for t in editor.info.tracks] + [0]) + 1
    name = _unique_name(editor, part.title())
    track = _blank_track(template, new_track_id, name)
    if clip_template is not None:
        clip_lines = [_clip(clip_template, c, i, doc.newline) for i, c in enumerate(clips)]
    elif editor.info.live_major >= 11:
        clip_lines = [_writer_clip(editor, c, i, doc.newline) for i, c in enumerate(clips)]
    else:
        raise InvalidInput(
            "--add-part copies the set's own clip format, and this Live "
            f"{editor.info.live_major} set has no MIDI clip to copy",
            field="add_part",
        )
    track = _with_clips(track, clip_lines, doc.newline)
    track = ids.renumber(track)
    last = [t for t in editor.track_elements() if t.tag != "ReturnTrack"][-1]
    pad = doc.indent(last)
    doc.replace(
        doc.end[last.i],
        doc.end[last.i],
        doc.newline + _reindent(track, doc.indent(template), pad, doc.newline),
    )
    doc.set_attr(next_id, "Value", str(ids.next))
    editor.commit(f"added {part} track {name!r} in {chosen.name}: {len(clips)} clips")


class _Allocator:
    """New pointee ids for copied elements, from NextPointeeId up; references inside the copy
    follow their targets."""

    def __init__(self, first: int) -> None:
        self.next = first

    def renumber(self, text: bytes) -> bytes:
        mapping: dict[bytes, bytes] = {}

        def target(match: re.Match[bytes]) -> bytes:
            new = str(self.next).encode()
            self.next += 1
            mapping[match.group(2)] = new
            return match.group(1) + new + match.group(3)

        text = _POINTEE.sub(target, text)
        return _POINTEE_REF.sub(
            lambda m: m.group(1) + mapping.get(m.group(2), m.group(2)) + m.group(3), text
        )


def _templates(editor: SetEditor) -> tuple[Element, Element | None]:
    midi = [t for t in editor.track_elements() if t.tag == "MidiTrack"]
    if not midi:
        raise InvalidInput(
            "--add-part copies one of the set's own MIDI tracks, and this set has none",
            field="add_part",
        )
    clips = (c for t in midi for c in t.iter("MidiClip"))
    return midi[0], next(clips, None)


def _writer_clip(editor: SetEditor, clip: Clip, index: int, newline: bytes) -> bytes:
    """A Live 11/12 clip from Musia's own writer, for sets with no MIDI clip to copy."""
    from musia.core.theory.meter import Meter
    from musia.formats.als.clips import ClipPlacement, midi_clip
    from musia.formats.als.node import XML_DECLARATION, serialize
    from musia.formats.als.params import Build
    from musia.formats.als.versions import live_format

    build = Build(live_format(12 if editor.info.live_major >= 12 else 11))
    place = ClipPlacement(index, clip.start_beats, in_arrangement=True)
    meter = Meter(*editor.info.time_signature)
    node = midi_clip(build, clip, place, color=16, meter=meter)
    text = serialize(node).removeprefix(XML_DECLARATION).rstrip("\n")
    return text.replace("\n", newline.decode()).encode("utf-8")


def _sub(element: Element) -> Document:
    doc = element.doc
    return Document(doc.data[doc.start[element.i] : doc.end[element.i]], "copy", checked=True)


def _blank_track(template: Element, track_id: int, name: str) -> bytes:
    sub = _sub(template)
    root = sub.root
    for path in _EMPTIED:
        node = root.find(path)
        if node is not None and not node.is_empty:
            sub.replace(sub.start[node.i], sub.end[node.i], f"<{node.tag} />".encode())
    for value in root.findall("DeviceChain/MainSequencer/ClipSlotList/ClipSlot/ClipSlot/Value"):
        if not value.is_empty:
            sub.replace(sub.start[value.i], sub.end[value.i], b"<Value />")
    for value in root.findall("DeviceChain/FreezeSequencer/ClipSlotList/ClipSlot/ClipSlot/Value"):
        if not value.is_empty:
            sub.replace(sub.start[value.i], sub.end[value.i], b"<Value />")
    sub.set_attr(root, "Id", str(track_id))
    settings = [("Name/EffectiveName", name), ("Name/UserName", name), ("TrackGroupId", "-1")]
    settings += [("DeviceChain/Mixer/Speaker/Manual", "true"), ("Freeze", "false")]
    for path, text in settings:
        node = root.find(path)
        if node is not None:
            sub.set_attr(node, "Value", text)
    output = root.find("DeviceChain/AudioOutputRouting/Target")
    if output is not None and output.value == "AudioOut/GroupTrack":
        sub.set_attr(output, "Value", "AudioOut/Master")
    return sub.to_bytes()


def _with_clips(track: bytes, clips: list[bytes], newline: bytes) -> bytes:
    sub = Document(track, "copy", checked=True)
    events = sub.root.find("DeviceChain/MainSequencer/ClipTimeable/ArrangerAutomation/Events")
    if events is None:
        raise InvalidInput("the set's MIDI tracks have no arrangement to add clips to")
    pad = sub.indent(events)
    body = b"".join(newline + _reindent(pad + b"\t" + c, b"", pad + b"\t", newline) for c in clips)
    sub.replace(
        sub.start[events.i], sub.end[events.i], b"<Events>" + body + newline + pad + b"</Events>"
    )
    return sub.to_bytes()


def _clip(template: Element, clip: Clip, index: int, newline: bytes) -> bytes:
    """A copy of the template clip holding `clip`, indented for the track copy's timeline."""
    sub = _sub(template)
    root = sub.root
    start, length = clip.start_beats, clip.length_beats
    for attr, number in (("Time", start), ("Id", float(index))):
        if root.get(attr) is not None:
            sub.set_attr(root, attr, _num(number))
    for path, value in (
        ("CurrentStart", _num(start)), ("CurrentEnd", _num(start + length)),
        ("Loop/LoopStart", "0"), ("Loop/LoopEnd", _num(length)), ("Loop/StartRelative", "0"),
        ("Loop/LoopOn", "false"), ("Loop/OutMarker", _num(length)),
        ("Loop/HiddenLoopStart", "0"), ("Loop/HiddenLoopEnd", _num(length)),
        ("Name", clip.name), ("Disabled", "false"),
    ):  # fmt: skip
        node = root.find(path)
        if node is not None:
            sub.set_attr(node, "Value", value)
    envelopes = root.find("Envelopes/Envelopes")
    if envelopes is not None and not envelopes.is_empty:
        sub.replace(sub.start[envelopes.i], sub.end[envelopes.i], b"<Envelopes />")
    _replace_notes(sub, root, clip.notes, newline)
    text = sub.to_bytes()
    template_pad = template.doc.indent(template)
    return _reindent(text, template_pad, b"", newline)


def _replace_notes(sub: Document, root: Element, notes: tuple[Note, ...], newline: bytes) -> None:
    key_tracks = root.find("Notes/KeyTracks")
    if key_tracks is None:
        raise InvalidInput("the set's MIDI clips keep notes in a form Musia does not write")
    sample = next(iter(key_tracks.iter("KeyTrack")), None)
    with_ids = sample is not None and sample.get("Id") is not None
    with_note_ids = b"NoteId=" in sub.data or root.find("Notes/NoteIdGenerator") is not None
    by_pitch: dict[int, list[Note]] = defaultdict(list)
    for note in sorted(notes):
        by_pitch[note.pitch].append(note)
    pad = sub.indent(key_tracks)
    names = _note_attributes(root, with_note_ids)
    lines, note_id = [], 1
    for number, pitch in enumerate(sorted(by_pitch)):
        lines.append(f'\t<KeyTrack Id="{number}">' if with_ids else "\t<KeyTrack>")
        lines.append("\t\t<Notes>")
        for note in by_pitch[pitch]:
            own = {
                "Time": _num(note.start_beats),
                "Duration": _num(note.duration_beats),
                "Velocity": str(note.velocity),
                "NoteId": str(note_id),
            }
            note_id += 1
            attrs = " ".join(
                f'{name}="{own.get(name, NOTE_DEFAULTS.get(name, ""))}"' for name in names
            )
            lines.append(f"\t\t\t<MidiNoteEvent {attrs} />")
        lines += ["\t\t</Notes>", f'\t\t<MidiKey Value="{pitch}" />', "\t</KeyTrack>"]
    body = b"".join(newline + pad + line.encode() for line in lines)
    sub.replace(
        sub.start[key_tracks.i],
        sub.end[key_tracks.i],
        b"<KeyTracks>" + body + newline + pad + b"</KeyTracks>",
    )
    generator = root.find("Notes/NoteIdGenerator/NextId")
    if generator is not None:
        sub.set_attr(generator, "Value", str(note_id))


# Values of a note's attributes that are not its time, length, velocity or id, as Live writes
# them for a plain note.
NOTE_DEFAULTS = {
    "VelocityDeviation": "0",
    "OffVelocity": "64",
    "Probability": "1",
    "IsEnabled": "true",
}


def _note_attributes(clip: Element, with_note_ids: bool) -> list[str]:
    """The attributes a note event of this set has, in its order: those of the template clip's
    first note (Live 12.3 writes fewer than 11), else what Live 11 writes."""
    first = next(clip.iter("MidiNoteEvent"), None)
    if first is not None and first.attrib:
        known = {"Time", "Duration", "Velocity", "NoteId", *NOTE_DEFAULTS}
        names = [name for name in first.attrib if name in known]
        if {"Time", "Duration", "Velocity"} <= set(names):
            return names
    if with_note_ids:
        return ["Time", "Duration", "Velocity", *NOTE_DEFAULTS, "NoteId"]
    return ["Time", "Duration", "Velocity", "OffVelocity", "IsEnabled"]


def _reindent(text: bytes, old: bytes, new: bytes, newline: bytes) -> bytes:
    lines = text.split(newline)
    return newline.join(
        [lines[0]]
        + [new + (line[len(old) :] if line.startswith(old) else line) for line in lines[1:]]
    )


def _unique_name(editor: SetEditor, name: str) -> str:
    names = {t.name for t in editor.info.tracks}
    candidate, number = name, 2
    while candidate in names:
        candidate, number = f"{name} {number}", number + 1
    return candidate


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
