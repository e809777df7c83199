"""Live's Sampler (`MultiSampler`) playing a multi-sampled instrument: one sample part per zone.

Measured on Live 12.3 saves (a Sampler saved by Live 12.3.2; the checker's profile holds two):
a Sampler is the same tree as a Simpler (`simpler.py`): device header, `Player` with the
`MultiSampleMap`, pitch, filter, shaper, amplitude, modulation and `Globals`, with
`Globals/IsSimpler` false. Its map holds a `MultiSamplePart` per zone, each with its key range,
root key and, on a sustained sound, a forward sustain loop (Live's own Sampler presets loop
that way: 973 looped parts in the corpus, each loop ending on the part's last frame).

Live 11.3 saves no Sampler in the corpus the checker's profile was measured on (one set holds
one; the profile needs two), so a Live 11 set plays the same zones with an Instrument Rack of
Simplers instead (`racks.instrument_rack`).
"""

from __future__ import annotations

from collections.abc import Sequence

from musia.core.theory.meter import Meter
from musia.formats.als.devtree import Item, build_items
from musia.formats.als.node import Node, el, val
from musia.formats.als.params import Build
from musia.formats.als.simpler import (
    CLASSIC,
    PLAYER_TAIL,
    SECTIONS,
    Part,
    preset_header,
    sample_map,
)

SAMPLER_VOICES = 8
FULL_VELOCITY = 1  # Vol < Vel 100 %: velocity shapes loudness, as in the preview's sampler

# A Sampler saves its filter slot filled (a Simpler saves it empty): the filter's parameters at
# the values of Live 12.3's save, the filter off (the track's Auto Filter does the sweeps).
_FILTER_ENVELOPE: tuple[Item, ...] = (
    ("F", "AttackTime", 0.1000000015, 0.1000000015, 20000),
    ("F", "AttackLevel", 0, 0, 1),
    ("F", "AttackSlope", 0, -1, 1),
    ("F", "DecayTime", 600, 1, 60000),
    ("F", "DecayLevel", 1, 0, 1),
    ("F", "DecaySlope", 1, -1, 1),
    ("F", "SustainLevel", 0, 0, 1),
    ("F", "ReleaseTime", 50, 1, 60000),
    ("F", "ReleaseLevel", 0, 0, 1),
    ("F", "ReleaseSlope", 1, -1, 1),
    ("E", "LoopMode", 0, 0, 4),
    ("F", "LoopTime", 100, 0.200000003, 20000),
    ("F", "RepeatTime", 3, 0, 14),
    ("F", "TimeVelScale", 0, -100, 100),
    ("V", "CurrentOverlay", 0),
    ("B", "IsOn", True),
    ("F", "Amount", 0, -72, 72),
    ("V", "ScrollPosition", 0),
)
_FILTER: tuple[Item, ...] = (
    ("E", "LegacyType", 0, 0, 5),
    ("E", "Type", 0, 0, 4),
    ("E", "CircuitLpHp", 0, 0, 4),
    ("E", "CircuitBpNoMo", 0, 0, 1),
    ("B", "Slope", True),
    ("F", "Freq", 22000, 30, 22000),
    ("F", "LegacyQ", 0.6999999881, 0.3000000119, 10),
    ("F", "Res", 0.09090908617, 0, 1.25),
    ("F", "X", 0, 0, 1),
    ("F", "Drive", 0, 0, 24),
    ("G", "Envelope", _FILTER_ENVELOPE),
    ("F", "ModByPitch", 1, 0, 1),
    ("F", "ModByVelocity", 0, 0, 1),
    ("F", "ModByLfo", 0, 0, 24),
)


def multi_sampler(
    b: Build,
    parts: Sequence[Part],
    meter: Meter,
    bpm: float,
    *,
    attack_ms: float,
    release_ms: float,
    volume_db: float,
) -> Node:
    """A Sampler in Classic mode playing `parts` (side by side over the keyboard)."""
    node = el("MultiSampler", Id=0)
    node.children += preset_header(b, parts[0].sample, "MultiSampler")
    node.children.append(val("OverwriteProtectionNumber", b.fmt.overwrite_protection))
    player = el("Player", sample_map(b, parts, meter, bpm), *build_items(b, PLAYER_TAIL))
    overrides = {
        "VolumeAndPan/Volume": volume_db,
        "VolumeAndPan/Envelope/AttackTime": attack_ms,
        "VolumeAndPan/Envelope/ReleaseTime": release_ms,
        "Globals/PlaybackMode": CLASSIC,
        "Globals/NumVoices": SAMPLER_VOICES,
        "Globals/IsSimpler": False,
        "VolumeAndPan/VolumeVelScale": FULL_VELOCITY,
    }
    sections = build_items(b, SECTIONS, overrides)
    node.children += [player, *(_filter(b) if s.tag == "Filter" else s for s in sections)]
    return node


def _filter(b: Build) -> Node:
    (switch,) = build_items(b, (("B", "IsOn", False),))
    slot = el("Slot", el("Value", el("SimplerFilter", *build_items(b, _FILTER), Id=0)))
    return el("Filter", switch, slot)
