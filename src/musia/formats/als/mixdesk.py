"""The style's mix as Live's stock devices: the same figures the preview's desk plays
(`Style.mix`, `musia.core.styles.schema.Mix`), written into the set.

- Each MIDI track's fader at the track's level plus the part's `gain_db`; its sends to the two
  returns at the part's `reverb` and `delay` levels (linear, Live's send knob: 0 is off).
- After the instrument, an Audio Effect Rack "<Part> Channel" (see `racks.py` for why a rack)
  holding, where the mix asks for them: EQ Eight high-passing at `highpass_hz` (band 1, 12 dB per
  octave); a Compressor ducking the part from the kick (`duck_db` > 0): its sidechain listens to
  the Drums track after its effects, through the sidechain EQ's low-pass at 120 Hz so that only
  the kick triggers it; and an Auto Filter (low-pass) whose cutoff the composer's "cutoff"
  automation moves (the build's filter sweeps), open where the song has no automation.
- Return A: Reverb with `reverb_s` of decay; return B: Delay synced to the tempo at `delay_beats`
  with `delay_feedback`.
- The main track: a rack "Master Bus" with Glue Compressor (2:1, 10 ms attack, auto release,
  threshold for about `glue_db` of gain reduction) then the ceiling at `true_peak_dbtp`: Live's
  Limiter in Live 11 sets; in Live 12 sets a Compressor at ∞:1, peak mode and 10 ms lookahead
  (no Live 12.3 save in the checker's profile holds a Limiter, so the checker cannot vouch for one).

The compressors' thresholds assume the levels the preview's desk mixes to (the drum bus's kick
peaking near -6 dBFS, the mix near -6 dBFS before the master): they are starting points a
producer tunes by ear, the ratios and times are the style's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from musia.core.model import Envelope, Song, Track
from musia.core.styles.schema import Mix, PartMix
from musia.formats.als.devices import stock_device
from musia.formats.als.effects import EQ_LOW_CUT_12, RATIO_MAX, effect
from musia.formats.als.envelopes import CUTOFF_OPEN_NOTE
from musia.formats.als.mixer import db_to_gain
from musia.formats.als.node import Node
from musia.formats.als.params import SEND_OFF, Build
from musia.formats.als.presets import PresetFile
from musia.formats.als.racks import audio_effect_rack

DELAY_SYNC_SIXTEENTHS = (1, 2, 3, 4, 5, 6, 8, 16)  # Delay's synced time choices, by index
SIDECHAIN_LOWPASS_HZ = 120.0
SIDECHAIN_EQ_LOWPASS = 0  # the sidechain EQ's first filter type
DUCK_RATIO = 10.0
KICK_PEAK_DB = -6.0
MIX_PEAK_DB = -6.0
GLUE_RATIO_STEP, GLUE_RATIO = 0, 2.0  # Glue's ratio steps: 2, 4, 10 : 1
GLUE_ATTACK_10_MS, GLUE_RELEASE_AUTO = 5, 6
COMPRESSOR_PEAK, COMPRESSOR_LOOKAHEAD_10_MS = 0, 2
LIMITER_LOOKAHEAD_3_MS = 1
COMPRESSOR_ATTACK_MS = 1.0


@dataclass(frozen=True, slots=True)
class SetMix:
    """What the set's devices need: the style's mix and the preset files they name."""

    mix: Mix
    presets: Mapping[str, PresetFile]


@dataclass(frozen=True, slots=True)
class KickSource:
    """The track the duckers listen to."""

    track_id: int
    name: str


@dataclass(slots=True)
class Channel:
    """A MIDI track's effects: the rack, and the Auto Filter cutoff's automation target id."""

    rack: Node | None
    cutoff_target: int | None


def part_mix(mix: Mix, part: str) -> PartMix | None:
    return mix.parts.get(part)


def volume_db(track: Track, mix: Mix) -> float:
    settings = part_mix(mix, track.part)
    return track.volume_db + (settings.gain_db if settings else 0.0)


def send_levels(mix: Mix, part: str) -> list[float]:
    """The part's sends to return A (reverb) and B (delay), as Live's linear send levels."""
    settings = part_mix(mix, part)
    levels = (settings.reverb, settings.delay) if settings else (0.0, 0.0)
    return [SEND_OFF if level <= 0 else min(1.0, max(SEND_OFF, level)) for level in levels]


def cutoff_envelopes(track: Track) -> list[tuple[float, Envelope]]:
    """The track's cutoff envelopes with the start (beats) of the clip holding each."""
    return [
        (clip.start_beats, envelope)
        for clip in track.clips
        for envelope in clip.envelopes
        if envelope.parameter == "cutoff" and envelope.points
    ]


def channel(b: Build, song: Song, track: Track, desk: SetMix, kick: KickSource | None) -> Channel:
    """The track's effects rack (None when the mix asks for none)."""
    settings = part_mix(desk.mix, track.part)
    devices: list[Node] = []
    if settings and settings.highpass_hz > 0:
        devices.append(_eq(b, settings.highpass_hz, desk.presets))
    if settings and settings.duck_db > 0 and kick is not None and not track.is_drums:
        devices.append(_ducker(b, song, settings.duck_db, desk, kick))
    cutoff_target = None
    if cutoff_envelopes(track):
        auto_filter = effect(
            b, "AutoFilter", {"Cutoff": CUTOFF_OPEN_NOTE}, desk.presets.get("AutoFilter")
        )
        cutoff_target = _target_id(auto_filter, "Cutoff")
        devices.append(auto_filter)
    if not devices:
        return Channel(None, None)
    name = f"{track.part.title() or track.name} Channel"
    return Channel(audio_effect_rack(b, name, devices), cutoff_target)


def _eq(b: Build, highpass_hz: float, presets: Mapping[str, PresetFile]) -> Node:
    band = "Bands.0/ParameterA"
    overrides = {
        f"{band}/IsOn": True,
        f"{band}/Mode": EQ_LOW_CUT_12,
        f"{band}/Freq": min(22000.0, max(30.0, highpass_hz)),
    }
    return effect(b, "Eq8", overrides, presets.get("Eq8"))


def _ducker(b: Build, song: Song, duck_db: float, desk: SetMix, kick: KickSource) -> Node:
    threshold_db = KICK_PEAK_DB - duck_db * DUCK_RATIO / (DUCK_RATIO - 1)
    release_ms = desk.mix.duck_release_beats * 60000.0 / song.bpm
    routable = "SideChain/RoutedInput/Routable"
    eq = {"On": True, "Mode": SIDECHAIN_EQ_LOWPASS, "Freq": SIDECHAIN_LOWPASS_HZ}
    overrides: dict[str, object] = {
        "Threshold": db_to_gain(threshold_db),
        "Ratio": DUCK_RATIO,
        "Attack": COMPRESSOR_ATTACK_MS,
        "Release": min(3000.0, max(1.0, release_ms)),
        "GainCompensation": False,
        "Model": COMPRESSOR_PEAK,
        "SideChain/OnOff": True,
        f"{routable}/Target": f"AudioIn/Track.{kick.track_id}/PostFxOut",
        f"{routable}/UpperDisplayString": kick.name,
        f"{routable}/LowerDisplayString": "Post FX",
        **{f"SideChainEq/{key}": value for key, value in eq.items()},  # Live 11
        **{f"SideChainEq_{key}": value for key, value in eq.items()},  # Live 12
    }
    return effect(b, "Compressor2", overrides, desk.presets.get("Compressor2"))


def return_device(b: Build, device: str, desk: SetMix, bpm: float) -> Node:
    """Return A's Reverb or return B's Delay, at the mix's settings."""
    mix = desk.mix
    settings: dict[str, float | bool]
    if device == "Reverb":
        settings = {"DecayTime": min(60000.0, max(200.0, mix.reverb_s * 1000.0))}
    else:
        step = _sync_step(mix.delay_beats)
        settings = {
            "DelayLine_SyncL": True,
            "DelayLine_SyncR": True,
            "DelayLine_SyncedSixteenthL": step,
            "DelayLine_SyncedSixteenthR": step,
            "Feedback": min(0.95, max(0.0, mix.delay_feedback)),
        }
    return stock_device(b, device, 0, settings=settings, preset=desk.presets.get(device))


def _sync_step(delay_beats: float) -> int:
    sixteenths = delay_beats * 4
    return min(
        range(len(DELAY_SYNC_SIXTEENTHS)), key=lambda i: abs(DELAY_SYNC_SIXTEENTHS[i] - sixteenths)
    )


def master_rack(b: Build, desk: SetMix) -> Node:
    mix = desk.mix
    glue_threshold_db = MIX_PEAK_DB - mix.glue_db * GLUE_RATIO / (GLUE_RATIO - 1)
    glue = effect(
        b,
        "GlueCompressor",
        {
            "Threshold": max(-40.0, min(0.0, glue_threshold_db)),
            "Ratio": GLUE_RATIO_STEP,
            "Attack": GLUE_ATTACK_10_MS,
            "Release": GLUE_RELEASE_AUTO,
            "Makeup": 0.0,
        },
        desk.presets.get("GlueCompressor"),
    )
    return audio_effect_rack(b, "Master Bus", [glue, ceiling(b, mix.true_peak_dbtp, desk.presets)])


def ceiling(b: Build, ceiling_db: float, presets: Mapping[str, PresetFile]) -> Node:
    """The master's ceiling: Limiter (Live 11) or a peak Compressor at ∞:1 (Live 12)."""
    if not b.fmt.is12:
        overrides = {"Ceiling": ceiling_db, "Gain": 0.0, "Lookahead": LIMITER_LOOKAHEAD_3_MS}
        return effect(b, "Limiter", overrides, presets.get("Limiter"))
    overrides = {
        "Threshold": db_to_gain(ceiling_db),
        "Ratio": RATIO_MAX,
        "Attack": 0.009999999776,
        "Release": 50.0,
        "GainCompensation": False,
        "Model": COMPRESSOR_PEAK,
        "LookAhead": COMPRESSOR_LOOKAHEAD_10_MS,
        "Knee": 0.0,
    }
    return effect(b, "Compressor2", overrides, presets.get("Compressor2"))


def preset_devices(fmt_is12: bool) -> dict[str, Callable[[Build], Node]]:
    """The devices a set with a mix may hold, at their defaults, for their preset files."""
    effects = ["Eq8", "Compressor2", "AutoFilter", "GlueCompressor"]
    if not fmt_is12:
        effects.append("Limiter")
    devices: dict[str, Callable[[Build], Node]] = {
        tag: partial(_default_effect, tag=tag) for tag in effects
    }
    devices.update({tag: partial(_default_stock, tag=tag) for tag in ("Reverb", "Delay")})
    return devices


def _default_effect(b: Build, *, tag: str) -> Node:
    return effect(b, tag, {}, None)


def _default_stock(b: Build, *, tag: str) -> Node:
    return stock_device(b, tag, 0)


def kick_source(names: Sequence[str], ids: Sequence[int], song: Song) -> KickSource | None:
    """The Drums track (the first drum track of the song), by its id and name in the set."""
    for track, name, track_id in zip(song.tracks, names, ids, strict=False):
        if track.is_drums:
            return KickSource(track_id, name)
    return None


def _target_id(device: Node, parameter: str) -> int:
    param = next(n for n in device.iter() if n.tag == parameter)
    target = param.find("AutomationTarget")
    assert target is not None
    return int(target.get("Id") or 0)
