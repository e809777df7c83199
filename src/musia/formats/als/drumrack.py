"""Live's Drum Rack (`DrumGroupDevice`): one pad per drum note, each a chain holding a Simpler.

Measured on Live 11.3 and 12.3 saves: a Drum Rack is the device header, its `Branches` (one
`DrumBranch` per filled pad: name, a `MidiToAudioDeviceChain` with the pad's devices, the chain's
own mixer, and `BranchInfo`), then the rack's sixteen macro families and view settings. A pad
listens to the note `128 - ReceivingNote` (Live stores the pad row upside down: 92 is C1, the
kick's 36) and sends its chain `SendingNote` 60, the note at which a Simpler plays its sample
unshifted.
"""

from __future__ import annotations

from collections.abc import Sequence

from musia.core.theory.meter import Meter
from musia.formats.als.devtree import Item, build_items
from musia.formats.als.names import clean_name
from musia.formats.als.node import Node, el, lom, val, values
from musia.formats.als.params import GAIN_MAX, GAIN_MIN, Build, device_header, routing
from musia.formats.als.simpler import SimplerSound, simpler

PAD_NOTE_MIRROR = 128  # ReceivingNote = 128 - the MIDI note the pad plays on
SENDING_NOTE = 60
MACROS = 16
VISIBLE_MACROS = 8
BRANCH_WIDTH = 55
DEFAULT_PAD_SCROLL = 19  # the pad view shows C1 (the kick) in its bottom row


def receiving_note(midi_note: int) -> int:
    return PAD_NOTE_MIRROR - midi_note


def pad_note(receiving: int) -> int:
    return PAD_NOTE_MIRROR - receiving


def _family(tag: str, kind: str, values_by_index: Sequence[object]) -> tuple[Item, ...]:
    return tuple((kind, f"{tag}.{i}", value) for i, value in enumerate(values_by_index))


def _macro_controls() -> tuple[Item, ...]:
    return tuple(("F", f"MacroControls.{i}", 0, 0, 127) for i in range(MACROS))


_RACK_TAIL_HEAD: tuple[Item, ...] = (
    ("V", "IsBranchesListVisible", False),
    ("V", "IsReturnBranchesListVisible", False),
    ("V", "IsRangesEditorVisible", False),
    ("V", "AreDevicesVisible", True),
    ("V", "NumVisibleMacroControls", VISIBLE_MACROS),
    *_macro_controls(),
    *_family("MacroDisplayNames", "V", [f"Macro {i + 1}" for i in range(MACROS)]),
)


def drum_rack(b: Build, pads: Sequence[tuple[int, SimplerSound]], meter: Meter, bpm: float) -> Node:
    """A Drum Rack with one pad per `(midi_note, sound)`, the sounds in one-shot mode."""
    node = el("DrumGroupDevice", *device_header(b, show_preset_name=True), Id=0)
    node.children.append(val("OverwriteProtectionNumber", b.fmt.overwrite_protection))
    branches = [
        _branch(b, index, note, sound, meter, bpm)
        for index, (note, sound) in enumerate(sorted(pads, key=lambda pad: pad[0]))
    ]
    node.children.append(el("Branches", *branches))
    node.children += _rack_tail(b)
    return node


def _branch(b: Build, index: int, note: int, sound: SimplerSound, meter: Meter, bpm: float) -> Node:
    name = clean_name(sound.name, "Pad")
    chain = el(
        "MidiToAudioDeviceChain",
        el("Devices", simpler(b, sound, meter, bpm)),
        el("SignalModulations"),
        Id=0,
    )
    return el(
        "DrumBranch",
        val("LomId", 0),
        el(
            "Name",
            *values(("EffectiveName", name), ("UserName", "")),
            *values(("Annotation", ""), ("MemorizedFirstClipName", "")),
        ),
        val("IsSelected", index == 0),
        el("DeviceChain", chain),
        el(
            "BranchSelectorRange",
            *values(("Min", 0), ("Max", 0), ("CrossfadeMin", 0), ("CrossfadeMax", 0)),
        ),
        *values(("IsSoloed", False), ("SessionViewBranchWidth", BRANCH_WIDTH)),
        val("IsHighlightedInSessionView", False),
        el("SourceContext", el("Value")),
        *values(("Color", 0), ("AutoColored", True), ("AutoColorScheme", 0)),
        val("SoloActivatedInSessionMixer", False),
        lom("DevicesListWrapper"),
        branch_mixer(b),
        el(
            "BranchInfo",
            *values(("ReceivingNote", receiving_note(note)), ("SendingNote", SENDING_NOTE)),
            val("ChokeGroup", 0),
        ),
        Id=index,
    )


_BRANCH_MIXER: tuple[Item, ...] = (
    ("B", "Speaker", True),
    ("F", "Volume", 1, GAIN_MIN, GAIN_MAX),
    ("F", "Panorama", 0, -1, 1),
    ("G", "SendInfos", ()),
)


def branch_mixer(b: Build) -> Node:
    node = el("MixerDevice", *device_header(b))
    node.children.append(val("OverwriteProtectionNumber", b.fmt.overwrite_protection))
    node.children += build_items(b, _BRANCH_MIXER)
    node.children += [
        el(
            "RoutingHelper",
            routing("Routable", b, "AudioOut/None", "No Output"),
            val("TargetEnum", 0),
        ),
        lom("SendsListWrapper"),
    ]
    return node


def _rack_tail(b: Build) -> list[Node]:
    return build_items(b, _RACK_TAIL)


# What every rack (Drum Rack, Audio Effect Rack) writes after its chains.
RACK_TAIL: tuple[Item, ...] = (
    *_RACK_TAIL_HEAD,
    *(("11", item) for item in _family("MacroDefaults", "V", [0] * MACROS)),
    *(("12", item) for item in _family("MacroDefaults", "V", [-1] * MACROS)),
    *_family("MacroAnnotations", "V", [""] * MACROS),
    *_family("ForceDisplayGenericValue", "V", [False] * MACROS),
    ("V", "AreMacroControlsVisible", False),
    ("V", "IsAutoSelectEnabled", True),
    ("F", "ChainSelector", 0, 0, 127),
    ("V", "ChainSelectorRelativePosition", -1073741824),
    ("V", "ViewsToRestoreWhenUnfolding", 0),
    ("G", "ReturnBranches", ()),
    ("V", "BranchesSplitterProportion", 0.5),
    ("V", "ShowBranchesInSessionMixer", False),
    *_family("MacroColor", "V", [-1] * MACROS),
    ("V", "LockId", 0),
    ("V", "LockSeal", 0),
    ("L", "ChainsListWrapper"),
    ("L", "ReturnChainsListWrapper"),
    ("G", "MacroVariations", (("G", "MacroSnapshots", ()),)),
    *_family("ExcludeMacroFromRandomization", "V", [False] * MACROS),
    *_family("ExcludeMacroFromSnapshots", "V", [False] * MACROS),
    ("V", "AreMacroVariationsControlsVisible", False),
)

_RACK_TAIL: tuple[Item, ...] = (
    *RACK_TAIL,
    ("V", "ChainSelectorFilterMidiCtrl", False),
    ("V", "RangeTypeIndex", 1),
    ("V", "ShowsZonesInsteadOfNoteNames", True),
    ("V", "IsMidiSectionVisible", False),
    ("V", "AreSendsVisible", False),
    ("V", "ArePadsVisible", True),
    ("V", "PadScrollPosition", DEFAULT_PAD_SCROLL),
    ("L", "DrumPadsListWrapper"),
    ("L", "VisibleDrumPadsListWrapper"),
)
