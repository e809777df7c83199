"""Live's stock audio effects on the tracks and the main bus: Compressor, EQ Eight, Auto Filter,
Glue Compressor and Limiter, as tables of their parameters (`devtree.py` explains the tables).

Parameter names, order, kinds and MIDI ranges are those of Live 11.3 and 12.3 saves in the corpus
(MenkeTechnologies' edmJM template in both versions; the Limiter and the Live 11 Glue Compressor
from luizen/als-tools' WithPlugins set). Defaults are Live's where the device's own default preset
shows them; the mix's figures are written over them (`overrides`) by `mixdesk.py`.

A device is its header (whose `LastPresetRef` names the preset it started from, `presets.py`),
its `OverwriteProtectionNumber`, then its parameters.
"""

from __future__ import annotations

from musia.formats.als.devtree import Item, Overrides, build_items
from musia.formats.als.node import Node, el, val
from musia.formats.als.params import Build, device_header
from musia.formats.als.presets import PresetFile, preset_header

RATIO_MAX = 340282326356119256160033759537265639424  # Live's "inf : 1" ratio (the float32 maximum)
GAIN_MIN = 0.0003162277571  # -70 dB, the floor of Live's linear gain knobs

_ROUTABLE_NONE: tuple[Item, ...] = (
    ("V", "Target", "AudioIn/None"),
    ("V", "UpperDisplayString", "No Output"),
    ("V", "LowerDisplayString", ""),
    (
        "G",
        "MpeSettings",
        (("V", "ZoneType", 0), ("V", "FirstNoteChannel", 1), ("V", "LastNoteChannel", 15)),
    ),
    ("12", ("V", "MpePitchBendUsesTuning", True)),
)

SIDE_CHAIN: Item = (
    "G",
    "SideChain",
    (
        ("B", "OnOff", False),
        (
            "G",
            "RoutedInput",
            (("G", "Routable", _ROUTABLE_NONE), ("F", "Volume", 1, GAIN_MIN, 15.8489332)),
        ),
        ("F", "DryWet", 1, 0, 1),
    ),
)

_SIDE_CHAIN_EQ: tuple[Item, ...] = (
    ("B", "On", False),
    ("E", "Mode", 5, 0, 5),
    ("F", "Freq", 200, 30, 15000),
    ("F", "Q", 0.7071067691, 0.1000000015, 12),
    ("F", "Gain", 0, -15, 15),
)

COMPRESSOR: tuple[Item, ...] = (
    ("F", "Threshold", 1, 0.0003162277571, 1.99526238),
    ("F", "Ratio", 4, 1, RATIO_MAX),
    ("F", "ExpansionRatio", 1.14999998, 1, 2),
    ("F", "Attack", 1, 0.009999999776, 1000),
    ("F", "Release", 30, 1, 3000),
    ("B", "AutoReleaseControlOnOff", False),
    ("F", "Gain", 0, -36, 36),
    ("B", "GainCompensation", True),
    ("F", "DryWet", 1, 0, 1),
    ("E", "Model", 0, 0, 2),
    ("E", "LegacyModel", 1, 0, 2),
    ("B", "LogEnvelope", True),
    ("E", "LegacyEnvFollowerMode", 0, 0, 2),
    ("F", "Knee", 6, 0, 18),
    ("E", "LookAhead", 0, 0, 2),
    ("B", "SideListen", False),
    SIDE_CHAIN,
    (
        "11",
        (
            "G",
            "SideChainEq",
            (
                ("B", "On", False),
                ("e", "Mode", 5),
                ("F", "Freq", 200, 30, 15000),
                ("F", "Q", 0.7071067691, 0.1000000015, 12),
                ("F", "Gain", 0, -15, 15),
            ),
        ),
    ),
    ("12", ("B", "SideChainEq_On", False)),
    ("12", ("E", "SideChainEq_Mode", 5, 0, 5)),
    ("12", ("F", "SideChainEq_Freq", 200, 30, 15000)),
    ("12", ("F", "SideChainEq_Q", 0.7071067691, 0.1000000015, 12)),
    ("12", ("F", "SideChainEq_Gain", 0, -15, 15)),
    ("V", "Live8LegacyMode", False),
    ("V", "ViewMode", 0),
    ("V", "IsOutputCurveVisible", False),
    ("V", "RmsTimeShort", 8),
    ("V", "RmsTimeLong", 250),
    ("V", "ReleaseTimeShort", 15),
    ("V", "ReleaseTimeLong", 1500),
    ("V", "CrossfaderSmoothingTime", 10),
)

AUTO_FILTER: tuple[Item, ...] = (
    ("V", "LegacyMode", False),
    ("E", "LegacyFilterType", 0, 0, 3),
    ("E", "FilterType", 0, 0, 4),
    ("E", "CircuitLpHp", 0, 0, 4),
    ("E", "CircuitBpNoMo", 0, 0, 1),
    ("B", "Slope", True),
    ("F", "Cutoff", 135, 20, 135),
    ("V", "CutoffLimit", 135),
    ("F", "LegacyQ", 0.8199999928, 0.200000003, 3),
    ("F", "Resonance", 0, 0, 1.25),
    ("F", "Morph", 0, 0, 1),
    ("F", "Drive", 0, 0, 24),
    ("F", "ModHub", 0, -127, 127),
    ("F", "Attack", 6, 0.1000000015, 30),
    ("F", "Release", 200, 0.1000000015, 400),
    ("F", "LfoAmount", 0, 0, 30),
    (
        "G",
        "Lfo",
        (
            ("E", "Type", 0, 0, 6),
            ("F", "Frequency", 0.1099999994, 0.009999999776, 10),
            ("E", "RateType", 0, 0, 1),
            ("F", "BeatRate", 4, 0, 21),
            ("E", "StereoMode", 0, 0, 1),
            ("F", "Spin", 0, 0, 0.5),
            ("F", "Phase", 0, 0, 360),
            ("F", "Offset", 0, 0, 360),
            ("B", "IsOn", True),
            ("B", "Quantize", False),
            ("E", "BeatQuantize", 2, 0, 9),
            ("F", "NoiseWidth", 0.5, 0, 1),
        ),
    ),
    SIDE_CHAIN,
)

# EQ Eight's bands at Live's defaults: (mode, frequency Hz) of each band; parameter B is the
# band's second channel in M/S or L/R mode.
EQ_BANDS = ((1, 40.0), (2, 200.0), (3, 100.0), (3, 500.0), (3, 2000.0), (3, 10000.0),
            (5, 5000.0), (6, 18000.0))  # fmt: skip
EQ_LOW_CUT_12 = 1  # EQ Eight's band modes: 0 low cut 48 dB/oct, 1 low cut 12 dB/oct, 2 low shelf…


def _eq_parameter(tag: str, mode: int, freq_hz: float, freq_low: float) -> Item:
    return (
        "G",
        tag,
        (
            ("B", "IsOn", False),
            ("E", "Mode", mode, 0, 7),
            ("F", "Freq", freq_hz, freq_low, 22000),
            ("F", "Gain", 0, -15, 15),
            ("F", "Q", 0.7071067095, 0.1000000015, 18),
        ),
    )


_SPECTRUM_ANALYZER: tuple[Item, ...] = (
    ("V", "ScaleYBegin", 0),
    ("V", "ScaleYRange", 80),
    ("V", "AutoScaleY", False),
    ("V", "ScaleXMode", 1),
    ("V", "ShowBins", False),
    ("V", "ShowMax", True),
    ("V", "AnalyzeOn", True),
    ("V", "Length", 2),
    ("V", "Window", 3),
    ("V", "ChannelMode", 2),
    ("V", "NumAverages", 1),
    ("V", "MinRefreshTime", 60),
)

EQ_EIGHT_HEAD: tuple[Item, ...] = (
    ("V", "Precision", 0),
    ("V", "Mode", 0),
    ("V", "EditMode", False),
    ("V", "SelectedBand", 0),
    ("F", "GlobalGain", 0, -12, 12),
    ("F", "Scale", 1, -2, 2),
    *(
        (
            "G",
            f"Bands.{i}",
            (
                _eq_parameter("ParameterA", mode, freq, 30),
                _eq_parameter("ParameterB", mode, freq, 10),
            ),
        )
        for i, (mode, freq) in enumerate(EQ_BANDS)
    ),
)

EQ_EIGHT_TAIL: tuple[Item, ...] = (
    ("V", "Live8ShelfScaleLegacyMode", False),
    ("V", "AuditionOnOff", False),
    ("V", "AdaptiveQFactor", 1.12),
    ("B", "AdaptiveQ", True),
    ("12", ("V", "AdaptiveQAffectsShelves", True)),
)

# Glue Compressor: Attack and Release are steps (0.01, 0.1, 0.3, 1, 3, 10, 30 ms; 0.1, 0.2, 0.4,
# 0.6, 0.8, 1.2 s, Auto), Ratio too (2, 4, 10 : 1).
GLUE_COMPRESSOR: tuple[Item, ...] = (
    ("F", "Threshold", 0, -40, 0),
    ("F", "Range", 70, 0, 70),
    ("F", "Makeup", 0, 0, 20),
    ("F", "Attack", 3, 0, 6),
    ("F", "Ratio", 0, 0, 2),
    ("F", "Release", 6, 0, 6),
    ("F", "DryWet", 1, 0, 1),
    ("B", "PeakClipIn", False),
    SIDE_CHAIN,
    ("G", "SideChainEq", _SIDE_CHAIN_EQ),
    ("V", "SideChainListen", False),
    ("V", "ParamBlockSize", 128),
    ("V", "Oversample", False),
)

LIMITER: tuple[Item, ...] = (
    ("F", "Gain", 0, -24, 6),
    ("F", "Ceiling", -0.3000000119, -24, 0),
    ("F", "Release", 300, 0.009999999776, 3000),
    ("B", "AutoRelease", True),
    ("B", "LinkChannels", True),
    ("E", "Lookahead", 1, 0, 2),
)

EFFECTS: dict[str, tuple[Item, ...]] = {
    "Compressor2": COMPRESSOR,
    "AutoFilter": AUTO_FILTER,
    "GlueCompressor": GLUE_COMPRESSOR,
    "Limiter": LIMITER,
}


def effect(
    b: Build, tag: str, overrides: Overrides, preset: PresetFile | None, *, device_id: int = 0
) -> Node:
    """One of Live's stock effects (`tag` in `EFFECTS`, or "Eq8") with `overrides` written over
    its defaults; `preset` is the preset file its `LastPresetRef` names."""
    node = el(tag, *preset_header(b, preset, tag), Id=device_id)
    node.children.append(val("OverwriteProtectionNumber", b.fmt.overwrite_protection))
    if tag == "Eq8":
        node.children += build_items(b, EQ_EIGHT_HEAD, overrides)
        node.children.append(_spectrum_analyzer(b))
        node.children += build_items(b, EQ_EIGHT_TAIL, overrides)
        return node
    node.children += build_items(b, EFFECTS[tag], overrides)
    return node


def _spectrum_analyzer(b: Build) -> Node:
    """EQ Eight's analyser, which Live saves as a device of its own inside the EQ."""
    head = device_header(b)
    head[2] = val("IsExpanded", False)
    node = el("SpectrumAnalyzer", *head)
    node.children.append(val("OverwriteProtectionNumber", b.fmt.overwrite_protection))
    node.children += build_items(b, _SPECTRUM_ANALYZER)
    return node
