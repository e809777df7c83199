"""Live's Simpler (`OriginalSimpler`) playing one sample of the project, as Live 11.3 and 12.3
save it.

A Simpler is the device header, a `Player` (the sample map: one `MultiSamplePart` naming the
sample, its root key and its loop points; then the loop modulators and voice settings), the
pitch, filter, shaper, amplitude (`VolumeAndPan` with its ADSR), the modulation slots, the
modulation matrix and `Globals` (voices, portamento, playback mode: 0 Classic, 1 One-Shot).
Parameter names, order, ranges and defaults are those of Live's saves in the corpus
(`devtree.py` explains the tables). Live's own Simplers are in Classic mode with the loop off;
drum pads play in One-Shot mode, as Live sets them up when a sample is dropped on a pad.

Live stores with every stock device a reference to the preset it was loaded from
(`LastPresetRef`, and in Live 12 `SourceContext`). A device that was made from a sample rather
than loaded from Live's library has no preset file; the reference here names the sample the
device plays, a file inside the project, so that every reference in the set resolves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from musia.core.theory.meter import Meter
from musia.formats.als.audio import SampleFile, file_ref, sample_ref
from musia.formats.als.devtree import Item, build_items, repeated
from musia.formats.als.names import clean_name
from musia.formats.als.node import Node, el, val, values
from musia.formats.als.params import Build, device_header

CLASSIC, ONE_SHOT = 0, 1  # Globals/PlaybackMode
LAST_WARP_MARKER_BEATS = 1 / 32  # Live's second warp marker on an unwarped sample
ROUND_ROBIN_SEED = 1  # Live draws one per device; any value plays the same with round robin off


@dataclass(frozen=True, slots=True)
class SimplerSound:
    """What one Simpler plays and how: the sample, the key it sounds at unshifted, the mode and the
    amplitude envelope (milliseconds), and its gain (dB, Simpler's volume knob)."""

    name: str
    sample: SampleFile
    root_key: int = 60
    one_shot: bool = False
    attack_ms: float = 0.1000000015
    release_ms: float = 50.0
    volume_db: float = -12.0  # Simpler's default: headroom for chords
    # A sustained sound's loop (frames of the sample); None: the sample plays once.
    loop_start_frame: int | None = None
    loop_end_frame: int | None = None

    @property
    def loop(self) -> tuple[int, int] | None:
        """The sustain loop within the sample, when it has a usable one."""
        start, end = self.loop_start_frame, self.loop_end_frame
        if start is None or end is None or not 0 <= start < end <= self.sample.frames:
            return None
        return start, end


_SLOT_OFF: tuple[Item, ...] = (("B", "IsOn", False), ("G", "Slot", (("G", "Value", ()),)))
_MOD_PAIR = repeated((("V", "Amount", 0), ("V", "Connection", 0)), "ModConnections", 2)

PLAYER_TAIL: tuple[Item, ...] = (
    (
        "G",
        "LoopModulators",
        (
            ("V", "IsModulated", True),
            ("F", "SampleStart", 0, 0, 1),
            ("F", "SampleLength", 1, 0, 1),
            ("B", "LoopOn", False),
            ("F", "LoopLength", 1, 0, 1),
            ("F", "LoopFade", 0, 0, 1),
        ),
    ),
    ("B", "Reverse", False),
    ("B", "Snap", True),
    ("F", "SampleSelector", 0, 0, 127),
    ("G", "SubOsc", _SLOT_OFF),
    ("V", "InterpolationMode", 1),
    ("V", "UseConstPowCrossfade", True),
)

_ENVELOPE: tuple[Item, ...] = (
    ("F", "AttackTime", 0.1000000015, 0.1000000015, 20000),
    ("F", "AttackLevel", 0.0003162277571, 0.0003162277571, 1),
    ("F", "AttackSlope", 0, -1, 1),
    ("F", "DecayTime", 600, 1, 60000),
    ("F", "DecayLevel", 1, 0.0003162277571, 1),
    ("F", "DecaySlope", 1, -1, 1),
    ("F", "SustainLevel", 1, 0.0003162277571, 1),
    ("F", "ReleaseTime", 50, 1, 60000),
    ("F", "ReleaseLevel", 0.0003162277571, 0.0003162277571, 1),
    ("F", "ReleaseSlope", 1, -1, 1),
    ("E", "LoopMode", 0, 0, 4),
    ("F", "LoopTime", 100, 0.200000003, 20000),
    ("F", "RepeatTime", 3, 0, 14),
    ("F", "TimeVelScale", 0, -100, 100),
    ("V", "CurrentOverlay", 0),
)

SECTIONS: tuple[Item, ...] = (
    (
        "G",
        "Pitch",
        (
            ("F", "TransposeKey", 0, -48, 48),
            ("F", "TransposeFine", 0, -50, 50),
            ("F", "PitchLfoAmount", 0, 0, 1),
            ("G", "Envelope", _SLOT_OFF),
            ("V", "ScrollPosition", -1073741824),
        ),
    ),
    ("G", "Filter", _SLOT_OFF),
    ("G", "Shaper", _SLOT_OFF),
    (
        "G",
        "VolumeAndPan",
        (
            ("F", "Volume", -12, -36, 36),
            ("F", "VolumeVelScale", 0.4, 0, 1),
            ("F", "VolumeKeyScale", 0, -1, 1),
            ("F", "VolumeLfoAmount", 0, 0, 1),
            ("F", "Panorama", 0, -1, 1),
            ("F", "PanoramaKeyScale", 0, -1, 1),
            ("F", "PanoramaRnd", 0, 0, 1),
            ("F", "PanoramaLfoAmount", 0, 0, 1),
            ("G", "Envelope", _ENVELOPE),
            (
                "G",
                "OneShotEnvelope",
                (
                    ("F", "FadeInTime", 0, 0, 2000),
                    ("E", "SustainMode", 0, 0, 1),
                    ("F", "FadeOutTime", 0.1000000089, 0, 2000),
                ),
            ),
        ),
    ),
    ("G", "AuxEnv", _SLOT_OFF),
    ("G", "Lfo", _SLOT_OFF),
    *repeated(_SLOT_OFF, "AuxLfos", 2),
    ("G", "KeyDst", _MOD_PAIR),
    ("G", "VelDst", _MOD_PAIR),
    ("G", "RelVelDst", _MOD_PAIR),
    *repeated((*_MOD_PAIR, ("V", "Feedback", 0)), "MidiCtrl", 6),
    (
        "G",
        "Globals",
        (
            ("V", "NumVoices", 5),
            ("V", "NumVoicesEnvTimeControl", False),
            ("V", "RetriggerMode", True),
            ("V", "ModulationResolution", 2),
            ("F", "SpreadAmount", 0, 0, 100),
            ("F", "KeyZoneShift", 0, -48, 48),
            ("E", "PortamentoMode", 0, 0, 2),
            ("F", "PortamentoTime", 50, 0.1000000015, 10000),
            ("V", "PitchBendRange", 5),
            ("V", "MpePitchBendRange", 48),
            ("V", "ScrollPosition", 0),
            (
                "G",
                "EnvScale",
                (
                    ("F", "EnvTime", 0, -100, 100),
                    ("F", "EnvTimeKeyScale", 0, -100, 100),
                    ("B", "EnvTimeIncludeAttack", True),
                ),
            ),
            ("V", "IsSimpler", True),
            ("V", "PlaybackMode", CLASSIC),
            ("V", "LegacyMode", False),
        ),
    ),
    (
        "G",
        "ViewSettings",
        (
            ("V", "SelectedPage", 0),
            ("V", "ZoneEditorVisible", False),
            ("V", "Seconds", False),
            ("V", "SelectedSampleChannel", 0),
            ("V", "VerticalSampleZoom", 1),
            ("V", "IsAutoSelectEnabled", False),
            ("V", "SimplerBreakoutVisible", False),
        ),
    ),
    ("G", "SimplerSlicing", (("V", "PlaybackMode", 0),)),
)


@dataclass(frozen=True, slots=True)
class Part:
    """One sample of a sample map: the keys it plays (`low_key`..`high_key`), the key it sounds
    unshifted at, and its sustain loop (frames; None: it plays once to its end)."""

    name: str
    sample: SampleFile
    root_key: int
    low_key: int = 0
    high_key: int = 127
    loop: tuple[int, int] | None = None


def simpler(b: Build, sound: SimplerSound, meter: Meter, bpm: float, *, device_id: int = 0) -> Node:
    """A Simpler playing `sound` (a device on a MIDI track, or on a drum pad's chain)."""
    node = el("OriginalSimpler", Id=device_id)
    node.children += preset_header(b, sound.sample, "OriginalSimpler")
    node.children.append(val("OverwriteProtectionNumber", b.fmt.overwrite_protection))
    loop = None if sound.one_shot else sound.loop
    part = Part(sound.name, sound.sample, sound.root_key, loop=loop)
    map_node = sample_map(b, [part], meter, bpm)
    player = el("Player", map_node, *build_items(b, PLAYER_TAIL))
    overrides = {
        "VolumeAndPan/Volume": sound.volume_db,
        "VolumeAndPan/Envelope/AttackTime": sound.attack_ms,
        "VolumeAndPan/Envelope/ReleaseTime": sound.release_ms,
        "Globals/PlaybackMode": ONE_SHOT if sound.one_shot else CLASSIC,
        "Globals/NumVoices": 5 if sound.one_shot else 8,
    }
    node.children += [player, *build_items(b, SECTIONS, overrides)]
    return node


def preset_header(b: Build, sample: SampleFile, device_name: str) -> list[Node]:
    """The device header, its preset references naming `sample` (see the module's note)."""
    head = device_header(b, show_preset_name=False)
    for index, child in enumerate(head):
        if child.tag == "LastPresetRef":
            head[index] = el("LastPresetRef", el("Value", _preset_ref(b, sample, device_name)))
        elif child.tag == "SourceContext" and b.fmt.is12:
            head[index] = el("SourceContext", el("Value", _branch_source(b, sample, device_name)))
    return head


def _preset_ref(b: Build, sample: SampleFile, device_name: str) -> Node:
    return el(
        "AbletonDefaultPresetRef",
        file_ref(b, sample),
        el("DeviceId", Name=device_name),
        Id=0,
    )


def _branch_source(b: Build, sample: SampleFile, device_name: str) -> Node:
    return el(
        "BranchSourceContext",
        el("OriginalFileRef", file_ref(b, sample, Id=0)),
        *values(("BrowserContentPath", ""), ("LocalFiltersJson", "")),
        el("PresetRef", _preset_ref(b, sample, device_name)),
        val("BranchDeviceId", ""),
        Id=0,
    )


def sample_map(b: Build, parts: Sequence[Part], meter: Meter, bpm: float) -> Node:
    """The `MultiSampleMap` of a Simpler (one part) or a Sampler (a part per zone)."""
    tail = values(("LoadInRam", False), ("LayerCrossfade", 0))
    tail.append(el("SourceContext"))
    if b.fmt.is12:
        tail += values(
            ("RoundRobin", False),
            ("RoundRobinMode", 0),
            ("RoundRobinResetPeriod", 0),
            ("RoundRobinRandomSeed", ROUND_ROBIN_SEED),
        )
    nodes = [_sample_part(b, part, index, meter, bpm) for index, part in enumerate(parts)]
    return el("MultiSampleMap", el("SampleParts", *nodes), *tail)


def _range(tag: str, low: int, high: int) -> Node:
    return el(
        tag, *values(("Min", low), ("Max", high), ("CrossfadeMin", low), ("CrossfadeMax", high))
    )


def _loop(tag: str, last_frame: int, mode: int) -> Node:
    return el(
        tag,
        *values(("Start", 0), ("End", last_frame), ("Mode", mode)),
        *values(("Crossfade", 0), ("Detune", 0)),
    )


SUSTAIN_LOOP_OFF, SUSTAIN_LOOP_FORWARD = 0, 1
# Every sample part Live saved (8,000 in the corpus, looped or not) has ReleaseLoop mode 3.
RELEASE_LOOP_DEFAULT = 3


def _sustain_loop(loop: tuple[int, int] | None, last_frame: int) -> Node:
    """The sample part's sustain loop: forward between the loop points (Live's Sampler plays it
    while the key is held; off without).

    A Simpler's own loop switch (`LoopModulators/LoopOn`) stays off: it loops the last
    `LoopLength` (a fraction) of the region, and the checker's Live 11.3 profile admits only a
    whole number there (every Live 11.3 save has 1: the whole region, which would repeat the
    attack). The part's loop stays with the sample when Simpler is turned into a Sampler, and
    the project's sustained samples hold their loop repeated for as long as the part holds a
    note (`musia.instruments`), so a Simpler plays them through."""
    if loop is None:
        return _loop("SustainLoop", last_frame, SUSTAIN_LOOP_OFF)
    start, end = loop
    return el(
        "SustainLoop",
        *values(("Start", start), ("End", min(end, last_frame)), ("Mode", SUSTAIN_LOOP_FORWARD)),
        *values(("Crossfade", 0), ("Detune", 0)),
    )


def _sample_part(b: Build, part: Part, index: int, meter: Meter, bpm: float) -> Node:
    """The sample on its keys, sounding at its own pitch on `root_key`."""
    attrs: dict[str, object] = {"Id": index}
    if b.fmt.is12:
        attrs["InitUpdateAreSlicesFromOnsetsEditableAfterRead"] = False
    attrs.update(HasImportedSlicePoints=True, NeedsAnalysisData=True)
    last = max(0, part.sample.frames - 1)
    name = clean_name(part.name, "Sample")
    node = el("MultiSamplePart", **attrs)
    node.children += [
        *values(("LomId", 0), ("Name", name), ("Selection", index == 0)),
        *values(("IsActive", True), ("Solo", False)),
        _range("KeyRange", part.low_key, part.high_key),
        _range("VelocityRange", 1, 127),
        _range("SelectorRange", 0, 127),
        *values(("RootKey", part.root_key), ("Detune", 0), ("TuneScale", 100)),
        *values(("Panorama", 0), ("Volume", 1), ("Link", False)),
        *values(("SampleStart", 0), ("SampleEnd", last)),
        _sustain_loop(part.loop, last),
        _loop("ReleaseLoop", last, RELEASE_LOOP_DEFAULT),
        sample_ref(b, part.sample),
        *values(("SlicingThreshold", 100), ("SlicingBeatGrid", 4)),
        *values(("SlicingRegions", 8), ("SlicingStyle", 0)),
        _warp_properties(meter, bpm),
    ]
    if b.fmt.is12:
        node.children.append(el("InitialSlicePointsFromOnsets"))
    node.children += [
        el("SlicePoints"),
        el("ManualSlicePoints"),
        el("BeatSlicePoints"),
        el("RegionSlicePoints"),
        *values(("UseDynamicBeatSlices", True), ("UseDynamicRegionSlices", True)),
    ]
    if b.fmt.is12:
        node.children.append(val("AreSlicesFromOnsetsEditable", True))
    return node


def _warp_properties(meter: Meter, bpm: float) -> Node:
    """Unwarped (a Simpler plays its sample at its own speed): Live's two default markers."""
    marker_s = LAST_WARP_MARKER_BEATS * 60.0 / bpm
    markers = el(
        "WarpMarkers",
        el("WarpMarker", Id=0, SecTime=0, BeatTime=0),
        el("WarpMarker", Id=1, SecTime=marker_s, BeatTime=LAST_WARP_MARKER_BEATS),
    )
    signature = el(
        "RemoteableTimeSignature",
        *values(("Numerator", meter.numerator), ("Denominator", meter.denominator), ("Time", 0)),
        Id=0,
    )
    grid = values(
        ("FixedNumerator", 1),
        ("FixedDenominator", 16),
        ("GridIntervalPixel", 20),
        ("Ntoles", 2),
        ("SnapToGrid", True),
        ("Fixed", False),
    )
    return el(
        "SampleWarpProperties",
        markers,
        *values(("WarpMode", 0), ("GranularityTones", 30), ("GranularityTexture", 65)),
        *values(("FluctuationTexture", 25), ("ComplexProFormants", 100)),
        *values(("ComplexProEnvelope", 128), ("TransientResolution", 6)),
        *values(("TransientLoopMode", 2), ("TransientEnvelope", 100), ("IsWarped", False)),
        el("Onsets", el("UserOnsets"), val("HasUserOnsets", False)),
        el("TimeSignature", el("TimeSignatures", signature)),
        el("BeatGrid", *grid),
    )
