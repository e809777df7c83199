"""Live's Audio Effect Rack (`AudioEffectGroupDevice`) with one chain: a track's effects in a row.

Measured on Live 11.3 and 12.3 saves (MenkeTechnologies' edmJM template): the rack is the device
header, `Branches` (one `AudioEffectBranch`: name, an `AudioToAudioDeviceChain` with the devices,
the chain's mixer), then the same macro families and view settings as a Drum Rack up to
`AreMacroVariationsControlsVisible`. The set holds every effect in such a rack: the checker's
profile knows the effects inside a rack in both formats, but not all of them directly on a MIDI
track (Auto Filter, Live 11) or on the main track (Limiter, Glue Compressor, Live 12). The rack's
own `LastPresetRef` stays empty, as Live leaves it for a rack made by grouping devices.
"""

from __future__ import annotations

from collections.abc import Sequence

from musia.formats.als.devtree import build_items
from musia.formats.als.drumrack import BRANCH_WIDTH, RACK_TAIL, branch_mixer
from musia.formats.als.names import clean_name
from musia.formats.als.node import Node, el, lom, val, values
from musia.formats.als.params import Build, device_header
from musia.formats.als.presets import PresetFile, preset_header


def audio_effect_rack(b: Build, name: str, devices: Sequence[Node], *, device_id: int = 0) -> Node:
    """A rack named `name` whose one chain holds `devices`, in order."""
    head = device_header(b, show_preset_name=False)
    for index, child in enumerate(head):
        if child.tag == "UserName":
            head[index] = val("UserName", clean_name(name, "Audio Effect Rack"))
    node = el("AudioEffectGroupDevice", *head, Id=device_id)
    node.children.append(val("OverwriteProtectionNumber", b.fmt.overwrite_protection))
    node.children.append(el("Branches", _branch(b, name, devices)))
    node.children += build_items(b, RACK_TAIL)
    return node


def _branch(
    b: Build,
    name: str,
    devices: Sequence[Node],
    *,
    index: int = 0,
    chain_tag: str = "AudioToAudioDeviceChain",
    branch_tag: str = "AudioEffectBranch",
    extra: Sequence[Node] = (),
) -> Node:
    chain = el(chain_tag, el("Devices", *devices), el("SignalModulations"), Id=0)
    return el(
        branch_tag,
        val("LomId", 0),
        el(
            "Name",
            *values(("EffectiveName", clean_name(name, "Chain")), ("UserName", "")),
            *values(("Annotation", ""), ("MemorizedFirstClipName", "")),
        ),
        val("IsSelected", index == 0),
        el("DeviceChain", chain),
        _zone("BranchSelectorRange", 0, 0),
        *values(("IsSoloed", False), ("SessionViewBranchWidth", BRANCH_WIDTH)),
        val("IsHighlightedInSessionView", False),
        el("SourceContext", el("Value")),
        *values(("Color", 0), ("AutoColored", True), ("AutoColorScheme", 0)),
        val("SoloActivatedInSessionMixer", False),
        lom("DevicesListWrapper"),
        branch_mixer(b),
        *extra,
        Id=index,
    )


def _zone(tag: str, low: int, high: int) -> Node:
    return el(
        tag, *values(("Min", low), ("Max", high), ("CrossfadeMin", low), ("CrossfadeMax", high))
    )


KEY_ZONES = 0  # RangeTypeIndex: the chain list shows the key zone editor


def instrument_rack(
    b: Build,
    name: str,
    chains: Sequence[tuple[str, int, int, Node]],
    preset: PresetFile | None = None,
) -> Node:
    """An Instrument Rack named `name`, a chain per `(name, low_key, high_key, instrument)`
    that plays only the keys of its zone (Live 11.3 and 12.3 saves: an `InstrumentBranch` is
    an effect chain's elements with a `MidiToAudioDeviceChain` and its `ZoneSettings`). Live
    saves a rack on a track with the `.adg` preset it came from: `preset` (the rack's own file
    in the project; None inside a preset file)."""
    head = preset_header(b, preset, "InstrumentGroupDevice")
    for index, child in enumerate(head):
        if child.tag == "UserName":
            head[index] = val("UserName", clean_name(name, "Instrument Rack"))
    node = el("InstrumentGroupDevice", *head, Id=0)
    node.children.append(val("OverwriteProtectionNumber", b.fmt.overwrite_protection))
    branches = [
        _branch(
            b,
            chain_name,
            [device],
            index=index,
            chain_tag="MidiToAudioDeviceChain",
            branch_tag="InstrumentBranch",
            extra=[
                el("ZoneSettings", _zone("KeyRange", low, high), _zone("VelocityRange", 1, 127))
            ],
        )
        for index, (chain_name, low, high, device) in enumerate(chains)
    ]
    node.children.append(el("Branches", *branches))
    node.children += build_items(b, RACK_TAIL)
    node.children += [
        val("ChainSelectorFilterMidiCtrl", False),
        val("RangeTypeIndex", KEY_ZONES),
        val("ShowsZonesInsteadOfNoteNames", False),
    ]
    return node
