"""Live's stock Reverb and Delay, at the settings of Live's default set's return tracks.

A device is its header (`params.device_header`), its `OverwriteProtectionNumber`, then its
parameters in Live's order. Each parameter here is (name, kind, default, range): `float`
parameters are modulatable and carry a MIDI range; `bool` switches; `enum` steps, which Live 12
gives a MIDI range and Live 11 does not; `plain` settings are bare values. Values are the float32
numbers Live writes (measured on the Live 11.3 and 12.3 default sets in the corpus).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from musia.formats.als.node import Node, el, val
from musia.formats.als.params import Build, bool_param, enum_param, float_param
from musia.formats.als.presets import PresetFile, preset_header

Kind = Literal["float", "bool", "enum", "plain"]
Param = tuple[str, Kind, float | bool, tuple[float, float] | None]

REVERB: tuple[Param, ...] = (
    ("PreDelay", "float", 2.5, (0.5, 250.0)),
    ("BandHighOn", "bool", True, None),
    ("BandLowOn", "bool", True, None),
    ("BandFreq", "float", 829.999939, (50.0, 18000.0)),
    ("BandWidth", "float", 5.8499999, (0.5, 9.0)),
    ("SpinOn", "bool", True, None),
    ("EarlyReflectModFreq", "float", 0.2535530031, (0.07400000095, 1.29999995)),
    ("EarlyReflectModDepth", "float", 3.0, (2.0, 55.0)),
    ("DiffuseDelay", "float", 0.5, (0.0, 1.0)),
    ("ShelfHighOn", "bool", True, None),
    ("HighFilterType", "enum", 0, (0, 1)),
    ("ShelfHiFreq", "float", 4500.00049, (20.0, 16000.0)),
    ("ShelfHiGain", "float", 0.6999999881, (0.200000003, 1.0)),
    ("ShelfLowOn", "bool", False, None),
    ("ShelfLoFreq", "float", 90.0, (20.0, 15000.0)),
    ("ShelfLoGain", "float", 0.75, (0.200000003, 1.0)),
    ("ChorusOn", "bool", True, None),
    ("SizeModFreq", "float", 0.01999999955, (0.009999999776, 8.0)),
    ("SizeModDepth", "float", 0.01999999955, (0.009999999776, 4.0)),
    ("DecayTime", "float", 2500.0, (200.0, 60000.0)),
    ("AllPassGain", "float", 0.6000000238, (0.001000000047, 0.9599999785)),
    ("AllPassSize", "float", 0.400000006, (0.05000000075, 1.0)),
    ("FreezeOn", "bool", False, None),
    ("FlatOn", "bool", True, None),
    ("CutOn", "bool", True, None),
    ("RoomSize", "float", 100.000008, (0.2220000029, 500.0)),
    ("SizeSmoothing", "enum", 0, (0, 2)),
    ("StereoSeparation", "float", 100.0, (0.0, 120.0)),
    ("RoomType", "enum", 3, (0, 3)),
    ("MixReflect", "float", 1.0, (0.02999999933, 1.99530005)),
    ("MixDiffuse", "float", 1.0, (0.02999999933, 1.99530005)),
    ("MixDirect", "float", 1.0, (0.0, 1.0)),
    ("StereoSeparationOnDrySignal", "plain", False, None),
)

DELAY: tuple[Param, ...] = (
    ("DelayLine_SmoothingMode", "enum", 0, (0, 2)),
    ("DelayLine_Link", "bool", False, None),
    ("DelayLine_PingPong", "bool", False, None),
    ("DelayLine_SyncL", "bool", True, None),
    ("DelayLine_SyncR", "bool", True, None),
    ("DelayLine_TimeL", "float", 0.02209999785, (0.001000000047, 5.0)),
    ("DelayLine_TimeR", "float", 0.02289999276, (0.001000000047, 5.0)),
    ("DelayLine_SimpleDelayTimeL", "float", 22.1000004, (1.0, 300.0)),
    ("DelayLine_SimpleDelayTimeR", "float", 22.8999996, (1.0, 300.0)),
    ("DelayLine_PingPongDelayTimeL", "float", 1.0, (1.0, 999.0)),
    ("DelayLine_PingPongDelayTimeR", "float", 1.0, (1.0, 999.0)),
    ("DelayLine_SyncedSixteenthL", "enum", 2, (0, 7)),
    ("DelayLine_SyncedSixteenthR", "enum", 2, (0, 7)),
    ("DelayLine_OffsetL", "float", 0.0, (-0.3330000043, 0.3330000043)),
    ("DelayLine_OffsetR", "float", 0.0, (-0.3330000043, 0.3330000043)),
    ("DelayLine_CompatibilityMode", "plain", 0, None),
    ("Feedback", "float", 0.2099999934, (0.0, 0.9499999881)),
    ("Freeze", "bool", False, None),
    ("Filter_On", "bool", False, None),
    ("Filter_Frequency", "float", 999.999878, (49.9999962, 18000.0059)),
    ("Filter_Bandwidth", "float", 8.0, (0.5, 9.0)),
    ("Modulation_Frequency", "float", 0.5, (0.01000000071, 39.9999962)),
    ("Modulation_AmountTime", "float", 0.0, (0.0, 1.0)),
    ("Modulation_AmountFilter", "float", 0.0, (0.0, 1.0)),
    ("DryWet", "float", 1.0, (0.0, 1.0)),
    ("DryWetMode", "plain", 1, None),
    ("EcoProcessing", "plain", False, None),
)

# (device tag, its parameters, the header's selected-timeable index) as Live saves them.
DEVICES: dict[str, tuple[tuple[Param, ...], int]] = {"Reverb": (REVERB, 0), "Delay": (DELAY, 1)}


def stock_device(
    b: Build,
    tag: str,
    device_id: int,
    *,
    settings: Mapping[str, float | bool] | None = None,
    preset: PresetFile | None = None,
) -> Node:
    """One of Live's stock audio effects (`tag` in `DEVICES`) at its default settings, or with
    `settings` (by parameter name) written over them; `preset` is the file its preset
    reference names (`presets.py`)."""
    params, timeable_index = DEVICES[tag]
    head = preset_header(b, preset, tag)
    head[head.index(next(n for n in head if n.tag == "LastSelectedTimeableIndex"))] = val(
        "LastSelectedTimeableIndex", timeable_index
    )
    node = el(tag, *head, Id=device_id)
    node.children.append(val("OverwriteProtectionNumber", b.fmt.overwrite_protection))
    node.children += [_parameter(b, param, settings or {}) for param in params]
    return node


def _parameter(b: Build, param: Param, settings: Mapping[str, float | bool]) -> Node:
    name, kind, default, midi_range = param
    default = settings.get(name, default)
    if kind == "float" and midi_range is not None:
        return float_param(name, b, float(default), *midi_range)
    if kind == "bool":
        return bool_param(name, b, bool(default))
    if kind == "enum":
        steps = (int(midi_range[0]), int(midi_range[1])) if midi_range else None
        return enum_param(name, b, int(default), steps)
    return val(name, default)
