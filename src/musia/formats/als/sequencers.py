"""Sequencers: the session clip slots, the arrangement lane, and the freeze sequencer.

A MIDI track's `MainSequencer` holds its session `ClipSlotList` (one slot per scene), its
arrangement clips (`ClipTimeable/ArrangerAutomation/Events`) and 131 MIDI controller targets
(`ControllerTargets.0..130`: the 128 CCs plus pitch bend, pressure and one more, as Live writes
them). An audio track's `MainSequencer` and every track's `FreezeSequencer` (for its freeze
render) are audio sequencers: clip slots, a `Sample` lane of arrangement `AudioClip`s and the
modulation targets of a sample player, three more in Live 12 than in Live 11.
"""

from __future__ import annotations

from collections.abc import Sequence

from musia.formats.als.node import Node, el, val, values
from musia.formats.als.params import Build, automation_transform_state, device_header, target

MIDI_CONTROLLER_TARGETS = 131
_MODULATIONS_11 = ("Volume", "Transposition", "GrainSize", "Flux", "SampleOffset")
_MODULATIONS_12 = (
    "Volume",
    "Transposition",
    "TransientEnvelope",
    "GrainSize",
    "Flux",
    "SampleOffset",
    "ComplexProFormants",
    "ComplexProEnvelope",
)
SCROLL_UNSET = -1073741824  # Live's "never scrolled" position


def clip_slot(index: int, clip: Node | None) -> Node:
    content = el("Value", clip) if clip is not None else el("Value")
    return el(
        "ClipSlot",
        val("LomId", 0),
        el("ClipSlot", content),
        *values(("HasStop", True), ("NeedRefreeze", True)),
        Id=index,
    )


def clip_slot_list(slots: Sequence[Node | None]) -> Node:
    return el("ClipSlotList", *(clip_slot(i, clip) for i, clip in enumerate(slots)))


def midi_main_sequencer(
    b: Build,
    session_clips: Sequence[Node | None],
    arrangement_clips: Sequence[Node],
    controllers: Sequence[Node] | None = None,
) -> Node:
    """The main sequencer of a MIDI track; `session_clips` has one entry per scene.
    `controllers` are its `midi_controller_targets`, when its clips' envelopes point at them."""
    node = el("MainSequencer", *device_header(b, show_preset_name=b.fmt.is12))
    node.children += [clip_slot_list(session_clips), *_monitoring(b)]
    node.children += [
        el("ClipTimeable", _arranger(arrangement_clips)),
        _recorder(take_counter=1 if arrangement_clips else 0),
        el("MidiControllers", *(controllers or midi_controller_targets(b))),
    ]
    return node


def freeze_sequencer(
    b: Build,
    slots: int,
    *,
    tag: str = "FreezeSequencer",
    element_id: int | None = None,
    show_preset_name: bool = False,
) -> Node:
    """The sequencer a frozen track plays from: empty slots, an empty sample lane."""
    return audio_sequencer(
        b, [None] * slots, (), tag=tag, element_id=element_id, show_preset_name=show_preset_name
    )


def audio_sequencer(
    b: Build,
    session_clips: Sequence[Node | None],
    arrangement_clips: Sequence[Node],
    *,
    tag: str = "MainSequencer",
    element_id: int | None = None,
    show_preset_name: bool = False,
) -> Node:
    """An audio sequencer: an audio track's main sequencer (its clips: `AudioClip`s in the session
    slots and on the `Sample` lane) and every track's freeze sequencer share this shape."""
    attrs = {} if element_id is None else {"Id": element_id}
    node = el(tag, *device_header(b, show_preset_name=show_preset_name), **attrs)
    node.children += [clip_slot_list(session_clips), *_monitoring(b)]
    node.children.append(el("Sample", _arranger(arrangement_clips)))
    modulations = _MODULATIONS_12 if b.fmt.is12 else _MODULATIONS_11
    node.children += [target(f"{name}ModulationTarget", b) for name in modulations]
    node.children += [
        val("PitchViewScrollPosition", SCROLL_UNSET),
        val("SampleOffsetModulationScrollPosition", SCROLL_UNSET),
        _recorder(take_counter=1),
    ]
    return node


def _monitoring(b: Build) -> list[Node]:
    nodes = [val("MonitoringEnum", 1)]  # 1 = Auto
    if b.fmt.is12:
        nodes.append(val("KeepRecordMonitoringLatency", True))
    return nodes


def _arranger(clips: Sequence[Node]) -> Node:
    return el("ArrangerAutomation", el("Events", *clips), automation_transform_state())


def _recorder(*, take_counter: int) -> Node:
    return el("Recorder", val("IsArmed", False), val("TakeCounter", take_counter))


def midi_controller_targets(b: Build) -> list[Node]:
    """A MIDI track's controller targets: pitch bend (.0), channel pressure (.1), CC 0-127."""
    return [target(f"ControllerTargets.{i}", b) for i in range(MIDI_CONTROLLER_TARGETS)]
