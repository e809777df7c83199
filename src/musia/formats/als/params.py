"""The building blocks Live repeats everywhere: parameters, the device header, routings.

Every automatable parameter in a Live set has the same shape (measured on Live 11.3 and 12.3
saves): `LomId`, `Manual` (the value), a `MidiControllerRange` for continuous ones or
`MidiCCOnOffThresholds` (64..127) for switches, an `AutomationTarget` and, when it can be
modulated, a `ModulationTarget` — both drawing ids from the document's pointee space.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from musia.formats.als.ids import DocumentIds
from musia.formats.als.node import Node, el, lom, val
from musia.formats.als.versions import LiveFormat

# Live's mixer ranges, as it writes its float32 values: -70 dB .. +6 dB of linear gain.
GAIN_MIN = 0.0003162277571
GAIN_MAX = 1.99526238
UNITY_GAIN = 1.0
SEND_OFF = GAIN_MIN  # a send turned fully down
CC_SWITCH_LOW, CC_SWITCH_HIGH = 64, 127


@dataclass(slots=True)
class Build:
    """What every element builder needs: the target format and the document's id spaces."""

    fmt: LiveFormat
    ids: DocumentIds = field(default_factory=DocumentIds)

    def pointee(self) -> int:
        return self.ids.pointees.take()


def target(tag: str, b: Build) -> Node:
    """An `AutomationTarget`, `ModulationTarget`, `ControllerTargets.N` … with a new pointee id."""
    return el(tag, val("LockEnvelope", 0), Id=b.pointee())


def value_range(tag: str, low: float, high: float) -> Node:
    return el(tag, val("Min", low), val("Max", high))


def float_param(
    tag: str, b: Build, manual: float, low: float, high: float, *, modulated: bool = True
) -> Node:
    """A continuous parameter (volume, pan, send, tempo …)."""
    node = el(
        tag,
        val("LomId", 0),
        val("Manual", manual),
        value_range("MidiControllerRange", low, high),
        target("AutomationTarget", b),
    )
    if modulated:
        node.children.append(target("ModulationTarget", b))
    return node


def bool_param(tag: str, b: Build, manual: bool) -> Node:
    """A switch (device on, track activator …)."""
    return el(
        tag,
        val("LomId", 0),
        val("Manual", manual),
        target("AutomationTarget", b),
        value_range("MidiCCOnOffThresholds", CC_SWITCH_LOW, CC_SWITCH_HIGH),
    )


def enum_param(tag: str, b: Build, manual: int, midi_range: tuple[int, int] | None = None) -> Node:
    """A stepped parameter; Live 12 adds a `MidiControllerRange` to some of them."""
    node = el(tag, val("LomId", 0), val("Manual", manual), target("AutomationTarget", b))
    if midi_range is not None and b.fmt.is12:
        node.children.append(value_range("MidiControllerRange", *midi_range))
    return node


def device_header(
    b: Build, *, timeable_index: int = 0, show_preset_name: bool = False
) -> list[Node]:
    """The children every device (and the mixer and sequencers, which Live models as devices)
    starts with."""
    head = [val("LomId", 0), val("LomIdView", 0), val("IsExpanded", True)]
    if b.fmt.is12:
        head.append(val("BreakoutIsExpanded", False))
    head += [
        bool_param("On", b, True),
        val("ModulationSourceCount", 0),
        lom("ParametersListWrapper"),
        el("Pointee", Id=b.pointee()),
        val("LastSelectedTimeableIndex", timeable_index),
        val("LastSelectedClipEnvelopeIndex", 0),
        el("LastPresetRef", el("Value")),
        el("LockedScripts"),
        val("IsFolded", False),
        val("ShouldShowPresetName", show_preset_name),
        val("UserName", ""),
        val("Annotation", ""),
        el("SourceContext", el("Value")),
    ]
    if b.fmt.is12:
        head += [val("MpePitchBendUsesTuning", True), val("ViewData", "{}")]
    return head


def routing(tag: str, b: Build, target_name: str, upper: str, lower: str = "") -> Node:
    """An input or output routing: where the signal goes and the two lines Live displays."""
    node = el(
        tag,
        val("Target", target_name),
        val("UpperDisplayString", upper),
        val("LowerDisplayString", lower),
        el(
            "MpeSettings",
            val("ZoneType", 0),
            val("FirstNoteChannel", 1),
            val("LastNoteChannel", 15),
        ),
    )
    if b.fmt.is12:
        node.children.append(val("MpePitchBendUsesTuning", True))
    return node


def automation_transform_state() -> Node:
    return el(
        "AutomationTransformViewState",
        val("IsTransformPending", False),
        el("TimeAndValueTransforms"),
    )
