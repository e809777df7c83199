"""Edits of a Live set as splices of its own XML: what an edit does not touch stays byte for byte.

Each edit works on the current document and commits (the document is re-read and its facts
recomputed), so edits compose: `--rename-track A=B --mute B` mutes the renamed track.
Drum tracks (see `TrackInfo.is_drums`: a Drum Rack on the track, or a drum word in the track's or
its clips' names) are not transposed.
"""

from __future__ import annotations

import re
from pathlib import Path

from musia.core.plan import MAX_BPM, MIN_BPM
from musia.errors import InvalidInput
from musia.formats.als.document import Document, Element
from musia.formats.als.facts import TRACK_TYPES, SetInfo, TrackInfo
from musia.formats.als.reader import LiveSet, checked_facts
from musia.formats.als.tempo import master_mixer

_BEFORE_SONG = "-63072000"
_ROUTING = re.compile(r"(Audio|Midi)(In|Out)/")
_NONE_ROUTING = {
    ("Audio", "In"): ("AudioIn/None", "No Input"),
    ("Midi", "In"): ("MidiIn/None", "No Input"),
    ("Audio", "Out"): ("AudioOut/Master", "Master"),
    ("Midi", "Out"): ("MidiOut/None", "None"),
}


class SetEditor:
    def __init__(self, live_set: LiveSet) -> None:
        self.doc = live_set.doc
        self.info = live_set.info
        self.folder = live_set.path.parent
        self.changes: list[str] = []

    # --- helpers --------------------------------------------------------------------------

    @property
    def live_set(self) -> Element:
        found = self.doc.root.find("LiveSet")
        assert found is not None
        return found

    def track_elements(self) -> list[Element]:
        tracks = self.live_set.find("Tracks")
        return [t for t in tracks or [] if t.tag in TRACK_TYPES]

    def track(self, name: str) -> tuple[Element, TrackInfo]:
        matches = [i for i, t in enumerate(self.info.tracks) if t.name == name]
        if not matches:
            known = ", ".join(repr(t.name) for t in self.info.tracks)
            raise InvalidInput(f"no track named {name!r}; tracks: {known}", field="track")
        if len(matches) > 1:
            raise InvalidInput(f"{len(matches)} tracks are named {name!r}", field="track")
        return self.track_elements()[matches[0]], self.info.tracks[matches[0]]

    def commit(self, change: str) -> None:
        self.doc = self.doc.commit()
        self.info = checked_facts(self.doc, self.folder)
        self.changes.append(change)

    def to_bytes(self) -> bytes:
        return self.doc.data

    # --- edits ----------------------------------------------------------------------------

    def set_tempo(self, bpm: float) -> None:
        """The tempo, and its automation scaled by the same ratio (the map keeps its shape)."""
        if not MIN_BPM <= bpm <= MAX_BPM:
            raise InvalidInput(f"tempo must be {MIN_BPM:g}-{MAX_BPM:g} BPM", field="tempo")
        mixer = master_mixer(self.live_set)
        tempo = mixer.find("Tempo") if mixer else None
        if tempo is None:
            raise InvalidInput("the set has no master tempo to change", field="tempo")
        ratio = bpm / self.info.tempo
        manual = tempo.find("Manual")
        if manual is not None:
            self.doc.set_attr(manual, "Value", _number(bpm))
        for event in self._tempo_events(tempo):
            old = float(event.get("Value") or 0)
            new = bpm if event.get("Time") == _BEFORE_SONG else old * ratio
            self.doc.set_attr(event, "Value", _number(min(max(new, MIN_BPM), MAX_BPM)))
        self.commit(f"tempo {self.info.tempo:g} → {bpm:g} BPM")

    def _tempo_events(self, tempo: Element) -> list[Element]:
        events = tempo.findall("ArrangerAutomation/Events/FloatEvent")
        target = tempo.find("AutomationTarget")
        master = self.live_set.find("MasterTrack") or self.live_set.find("MainTrack")
        if target is None or master is None:
            return events
        for envelope in master.findall("AutomationEnvelopes/Envelopes/AutomationEnvelope"):
            if envelope.value_of("EnvelopeTarget/PointeeId") == target.get("Id"):
                events += envelope.findall("Automation/Events/FloatEvent")
        return events

    def transpose(self, semitones: int) -> None:
        """Every playing MIDI clip of every pitched (not drum) MIDI track, by `semitones`."""
        if not -48 <= semitones <= 48:
            raise InvalidInput("transpose by -48 to 48 semitones", field="transpose")
        moved = 0
        for element, info in zip(self.track_elements(), self.info.tracks, strict=True):
            if info.type != "midi" or info.is_drums:
                continue
            sequencer = element.find("DeviceChain/MainSequencer")
            for key in sequencer.iter("MidiKey") if sequencer else []:
                pitch = int(key.value or 0) + semitones
                if not 0 <= pitch <= 127:
                    raise InvalidInput(
                        f"transposing {info.name!r} by {semitones} leaves the MIDI range",
                        field="transpose",
                    )
                self.doc.set_attr(key, "Value", str(pitch))
            moved += 1
        self.commit(f"transposed {moved} pitched MIDI tracks by {semitones:+d} semitones")

    def rename_track(self, old: str, new: str) -> None:
        if not new.strip():
            raise InvalidInput("a track needs a name", field="rename_track")
        element, _ = self.track(old)
        for path in ("Name/EffectiveName", "Name/UserName"):
            node = element.find(path)
            if node is not None:
                self.doc.set_attr(node, "Value", new)
        self.commit(f"renamed {old!r} to {new!r}")

    def mute(self, name: str) -> None:
        """Switch the track's activator (Live's mute) off."""
        element, _ = self.track(name)
        speaker = element.find("DeviceChain/Mixer/Speaker")
        if speaker is None:
            raise InvalidInput(f"{name!r} has no mixer to mute", field="mute")
        manual = speaker.find("Manual")
        nodes = [manual] if manual else speaker.findall("ArrangerAutomation/Events/BoolEvent")[:1]
        for node in nodes:
            self.doc.set_attr(node, "Value", "false")
        self.commit(f"muted {name!r}")

    def delete_track(self, name: str) -> None:
        """Remove a track and what pointed at it: its send on every track (for a return track),
        routings to it, its children's group (a group's children move up a level), and
        automation envelopes elsewhere that pointed into it."""
        element, info = self.track(name)
        doc = self.doc
        doc.remove(element)
        if info.type == "return":
            self._drop_send(sum(t.type == "return" for t in self.info.tracks[: self._index(info)]))
        self._reroute(info.track_id, element)
        if info.type == "group":
            self._ungroup(info, element)
        self._drop_envelopes(element)
        self.commit(f"deleted {info.type} track {name!r}")

    def _index(self, info: TrackInfo) -> int:
        return next(i for i, t in enumerate(self.info.tracks) if t is info)

    def _drop_send(self, return_index: int) -> None:
        for track in [*self.track_elements(), *self._masters()]:
            holders = track.findall("DeviceChain/Mixer/Sends/TrackSendHolder")
            self._drop_nth(holders, return_index)
        self._drop_nth(self.live_set.findall("SendsPre/SendPreBool"), return_index)

    def _drop_nth(self, siblings: list[Element], index: int) -> None:
        """Remove one of siblings numbered 0..n-1 and renumber those after it."""
        if index >= len(siblings):
            return
        self.doc.remove(siblings[index])
        for number, sibling in enumerate(siblings[index + 1 :], start=index):
            if sibling.get("Id") is not None:
                self.doc.set_attr(sibling, "Id", str(number))

    def _masters(self) -> list[Element]:
        return [m for tag in ("MasterTrack", "MainTrack") if (m := self.live_set.find(tag))]

    def _reroute(self, track_id: int, removed: Element) -> None:
        marker = f"/Track.{track_id}/"
        for target in self.live_set.iter("Target"):
            if _inside(target, removed) or marker not in (target.value or ""):
                continue
            self._route_to_none(target)

    def _route_to_none(self, target: Element) -> None:
        match = _ROUTING.match(target.value or "")
        if match is None:
            return
        value, upper = _NONE_ROUTING[(match.group(1), match.group(2))]
        self.doc.set_attr(target, "Value", value)
        parent = self.doc.element_at(self._parent_start(target))
        for tag, text in (("UpperDisplayString", upper), ("LowerDisplayString", "")):
            node = parent.find(tag)
            if node is not None:
                self.doc.set_attr(node, "Value", text)

    def _parent_start(self, element: Element) -> int:
        doc = self.doc
        i = element.i - 1
        while i >= 0 and doc.end[i] < doc.end[element.i]:
            i -= 1
        return doc.start[i]

    def _ungroup(self, group: TrackInfo, removed: Element) -> None:
        for element, info in zip(self.track_elements(), self.info.tracks, strict=True):
            if info.group_id != group.track_id or _inside(element, removed):
                continue
            node = element.find("TrackGroupId")
            if node is not None:
                self.doc.set_attr(node, "Value", str(group.group_id))
            if group.group_id == -1:
                output = element.find("DeviceChain/AudioOutputRouting/Target")
                if output is not None and output.value == "AudioOut/GroupTrack":
                    self._route_to_none(output)

    def _drop_envelopes(self, removed: Element) -> None:
        gone = {t.get("Id") for t in removed.iter("AutomationTarget", "ModulationTarget")}
        gone |= {t.get("Id") for t in removed.iter("Pointee")}
        for envelope in self.live_set.iter("AutomationEnvelope"):
            if _inside(envelope, removed):
                continue
            if envelope.value_of("EnvelopeTarget/PointeeId") in gone:
                self.doc.remove(envelope)


def _inside(element: Element, container: Element) -> bool:
    doc = element.doc
    return doc.start[container.i] <= doc.start[element.i] < doc.end[container.i]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def edited_info(data: bytes, folder: Path, name: str = "set") -> SetInfo:
    """Facts of edited bytes (tests and the CLI's summary)."""
    return checked_facts(Document(data, name), folder)
