"""Tracks: MIDI tracks, return tracks, the main (master) track and the pre-listen track.

Every track starts with the same header and ends with a `DeviceChain` holding view state, the four
routings, the mixer, the sequencers and the inner device chain (the devices). The order of those
children differs by track kind, exactly as Live writes it:

- MIDI and audio track: Mixer, MainSequencer, FreezeSequencer, DeviceChain (devices);
- return track: Mixer, DeviceChain (devices), FreezeSequencer;
- main track: Mixer, FreezeSequencer (an `AudioSequencer`), DeviceChain;
- group track: Mixer, DeviceChain (devices), FreezeSequencer; before its chain, one
  `GroupTrackSlot` per scene (`Slots`). Its members route their audio to it (`AudioOut/GroupTrack`);
- pre-listen track: Mixer, DeviceChain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from musia.formats.als.ids import sibling_ids
from musia.formats.als.node import Node, el, lom, val, values
from musia.formats.als.params import Build, routing
from musia.formats.als.sequencers import freeze_sequencer

_VIEW_ATTRS = {
    "SelectedToolPanel": 7,
    "SelectedTransformationName": "",
    "SelectedGeneratorName": "",
}
MIDI_LANE_HEIGHT, MIXER_LANE_HEIGHT = 68, 85
AUDIO_LANE_HEIGHT = 85
GROUP_LANE_HEIGHT = 51


@dataclass(slots=True)
class TrackHead:
    """What differs between track headers: identity, name, colour, envelopes, fold state."""

    tag: str
    effective_name: str
    user_name: str
    color: int
    track_id: int | None = None
    unfolded: bool = False
    envelopes: list[Node] = field(default_factory=list)
    group_id: int = -1  # the group track this one plays into, or -1


def track_element(b: Build, head: TrackHead) -> Node:
    attrs: dict[str, object] = {} if head.track_id is None else {"Id": head.track_id}
    if b.fmt.is12:
        attrs.update(_VIEW_ATTRS)
    node = el(head.tag, **attrs)
    node.children += [
        *values(("LomId", 0), ("LomIdView", 0)),
        *values(("IsContentSelectedInDocument", False), ("PreferredContentViewMode", 0)),
        el("TrackDelay", val("Value", 0), val("IsValueSampleBased", False)),
        el(
            "Name",
            *values(("EffectiveName", head.effective_name), ("UserName", head.user_name)),
            *values(("Annotation", ""), ("MemorizedFirstClipName", "")),
        ),
        val("Color", head.color),
        el("AutomationEnvelopes", el("Envelopes", *head.envelopes)),
        *values(("TrackGroupId", head.group_id), ("TrackUnfolded", head.unfolded)),
        lom("DevicesListWrapper"),
        lom("ClipSlotsListWrapper"),
    ]
    if b.fmt.is12:
        node.children += [lom("ArrangementClipsListWrapper"), lom("TakeLanesListWrapper")]
    node.children += [
        val("ViewData", "{}"),
        el("TakeLanes", el("TakeLanes"), val("AreTakeLanesFolded", True)),
        val("LinkedTrackGroupId", -1),
    ]
    return node


def midi_track(
    b: Build,
    head: TrackHead,
    mixer: Node,
    main_sequencer: Node,
    scenes: int,
    devices: Sequence[Node] = (),
) -> Node:
    """A MIDI track; `devices` is its device chain (an instrument, or none: a silent track)."""
    node = track_element(b, head)
    node.children += values(("SavedPlayingSlot", -1), ("SavedPlayingOffset", 0), ("Freeze", False))
    if not b.fmt.is12:
        node.children.append(val("VelocityDetail", 0))
    node.children += values(("NeedArrangerRefreeze", True), ("PostProcessFreezeClips", 0))
    chain = [*_chain_head(b, MIDI_LANE_HEIGHT, output=_to_main(b)), mixer, main_sequencer]
    chain += [freeze_sequencer(b, scenes, show_preset_name=b.fmt.is12), devices_chain(devices)]
    node.children.append(el("DeviceChain", *chain))
    node.children += _midi_track_tail(b)
    return node


def audio_track(b: Build, head: TrackHead, mixer: Node, main_sequencer: Node, scenes: int) -> Node:
    """An audio track: the same header and chain as a MIDI track; Live 12 ends it with `IsTuned`."""
    node = track_element(b, head)
    node.children += values(("SavedPlayingSlot", -1), ("SavedPlayingOffset", 0), ("Freeze", False))
    if not b.fmt.is12:
        node.children.append(val("VelocityDetail", 0))
    node.children += values(("NeedArrangerRefreeze", True), ("PostProcessFreezeClips", 0))
    output = _to_group(b) if head.group_id >= 0 else _to_main(b)
    chain = [*_chain_head(b, AUDIO_LANE_HEIGHT, output=output), mixer, main_sequencer]
    chain += [freeze_sequencer(b, scenes, show_preset_name=b.fmt.is12), devices_chain(())]
    node.children.append(el("DeviceChain", *chain))
    if b.fmt.is12:
        node.children.append(val("IsTuned", True))
    return node


def group_track(b: Build, head: TrackHead, mixer: Node, scenes: int) -> Node:
    """A group track (no devices). Live 12 gives its freeze sequencer a slot per scene, Live 11
    none, as for the main track."""
    node = track_element(b, head)
    slots = [el("GroupTrackSlot", val("LomId", 0), Id=i) for i in sibling_ids(scenes)]
    node.children.append(el("Slots", *slots))
    if b.fmt.is12:
        node.children += values(("Freeze", False), ("NeedArrangerRefreeze", True))
    chain = [*_chain_head(b, GROUP_LANE_HEIGHT, output=_to_main(b)), mixer, devices_chain(())]
    freeze_slots = scenes if b.fmt.is12 else 0
    chain.append(freeze_sequencer(b, freeze_slots, show_preset_name=True))
    node.children.append(el("DeviceChain", *chain))
    return node


def return_track(b: Build, head: TrackHead, mixer: Node, devices: Sequence[Node]) -> Node:
    node = track_element(b, head)
    chain = [*_chain_head(b, MIXER_LANE_HEIGHT, output=_to_main(b)), mixer, devices_chain(devices)]
    chain.append(freeze_sequencer(b, 0))
    node.children.append(el("DeviceChain", *chain))
    return node


def main_track(
    b: Build, head: TrackHead, mixer: Node, scenes: int, devices: Sequence[Node] = ()
) -> Node:
    """The main (master) track, with `devices` on its chain. Live 12 gives its freeze sequencer
    one slot per scene, Live 11 none."""
    node = track_element(b, head)
    chain = [*_chain_head(b, MIXER_LANE_HEIGHT, output=_external_out(b)), mixer]
    audio = freeze_sequencer(b, scenes if b.fmt.is12 else 0, tag="AudioSequencer", element_id=0)
    chain += [el("FreezeSequencer", audio), devices_chain(devices)]
    node.children.append(el("DeviceChain", *chain))
    return node


def prehear_track(b: Build, head: TrackHead, mixer: Node) -> Node:
    node = track_element(b, head)
    chain = [*_chain_head(b, MIXER_LANE_HEIGHT, output=_external_out(b)), mixer, devices_chain(())]
    node.children.append(el("DeviceChain", *chain))
    return node


def devices_chain(devices: Sequence[Node]) -> Node:
    return el("DeviceChain", el("Devices", *devices), el("SignalModulations"))


def _chain_head(b: Build, lane_height: int, *, output: Node) -> list[Node]:
    lane = el(
        "AutomationLane",
        *values(("SelectedDevice", 0), ("SelectedEnvelope", 0)),
        *values(("IsContentSelectedInDocument", False), ("LaneHeight", lane_height)),
        Id=0,
    )
    return [
        el(
            "AutomationLanes",
            el("AutomationLanes", lane),
            val("AreAdditionalAutomationLanesFolded", False),
        ),
        el(
            "ClipEnvelopeChooserViewState",
            *values(("SelectedDevice", 0), ("SelectedEnvelope", 0)),
            val("PreferModulationVisible", False),
        ),
        routing("AudioInputRouting", b, "AudioIn/External/S0", "Ext. In", "1/2"),
        routing("MidiInputRouting", b, "MidiIn/External.All/-1", "Ext: All Ins"),
        output,
        routing("MidiOutputRouting", b, "MidiOut/None", "None"),
    ]


def _to_main(b: Build) -> Node:
    name = b.fmt.main_name
    return routing("AudioOutputRouting", b, f"AudioOut/{name}", name)


def _to_group(b: Build) -> Node:
    return routing("AudioOutputRouting", b, "AudioOut/GroupTrack", "Group")


def _external_out(b: Build) -> Node:
    return routing("AudioOutputRouting", b, "AudioOut/External/S0", "Ext. Out", "1/2")


def _midi_track_tail(b: Build) -> list[Node]:
    if not b.fmt.is12:
        return values(("ReWireSlaveMidiTargetId", 0), ("PitchbendRange", 96))
    layout = values(
        ("PitchClassSource", 0),
        ("OctaveSource", 2),
        ("KeyNoteTarget", 60),
        ("StepSize", 1),
        ("OctaveEvery", 12),
        ("AllowedKeys", 0),
        ("FillerKeysMapTo", 0),
    )
    return [
        *values(("ReWireDeviceMidiTargetId", 0), ("PitchbendRange", 96), ("IsTuned", True)),
        val("ControllerLayoutRemoteable", 0),
        el("ControllerLayoutCustomization", *layout),
    ]
