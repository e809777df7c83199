"""What a Live set holds, as plain values: version, tempo (and its automation), time signature,
tracks with their mixer, devices and clips, scenes, locators and samples.

Paths differ by Live version and are all tried: names in `Name/EffectiveName` (Live 9+) or only
`Name/UserName` (Live 8); colours in `Color` (Live 11+) or `ColorIndex`; scenes in `Scenes`
(Live 11+) or `SceneNames`; the tempo in `Mixer/Tempo/Manual` or its first automation event.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from musia.formats.als.clipfacts import ClipInfo, SampleInfo, read_clips, read_sample_ref
from musia.formats.als.document import Document, Element
from musia.formats.als.tempo import (
    TempoMap,
    decode_time_signature,
    master_mixer,
    param_value,
    tempo_map,
)
from musia.formats.als.tempo import (
    number as _number,
)

TRACK_TYPES = {
    "MidiTrack": "midi",
    "AudioTrack": "audio",
    "GroupTrack": "group",
    "ReturnTrack": "return",
}
_DEFAULT_NAMES = {"midi": "MIDI", "audio": "Audio", "group": "Group", "return": "Return"}
_CREATOR_VERSION = re.compile(r"(\d+(?:\.\d+)*)")
_DRUM_WORDS = re.compile(
    r"drum|kick|snare|hat|hh|perc|clap|cymbal|tom|808|909|beat|bateria|batería|ударн|барабан",
    re.IGNORECASE,
)
_PLUGIN_NAMES = (
    "PluginDesc/VstPluginInfo/PlugName",
    "PluginDesc/Vst3PluginInfo/Name",
    "PluginDesc/AuPluginInfo/Name",
)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    kind: str  # Live's element name: OriginalSimpler, PluginDevice, DrumGroupDevice …
    name: str  # the user's name, the plugin's name, or the kind

    @property
    def is_drum_rack(self) -> bool:
        return self.kind == "DrumGroupDevice"


@dataclass(frozen=True, slots=True)
class TrackInfo:
    type: str  # midi | audio | group | return
    track_id: int
    name: str
    color: int
    group_id: int  # the GroupTrack's id, or -1
    muted: bool
    solo: bool
    volume_db: float
    pan: float  # -1 … 1
    devices: tuple[DeviceInfo, ...]
    clips: tuple[ClipInfo, ...]
    # The samples the track's instruments play: Simpler, Sampler and drum-pad zones, in order.
    instrument_samples: tuple[SampleInfo, ...] = ()

    @property
    def is_drums(self) -> bool:
        """A Drum Rack anywhere on the track, or a drum word in the track's or its clips' names."""
        if any(d.is_drum_rack for d in self.devices):
            return True
        names = [self.name, *(c.name for c in self.clips)]
        return self.type == "midi" and any(_DRUM_WORDS.search(n) for n in names if n)


@dataclass(frozen=True, slots=True)
class LocatorInfo:
    name: str
    time_beats: float
    time_s: float


@dataclass(frozen=True, slots=True)
class SetInfo:
    creator: str
    minor_version: str
    live_version: str
    live_major: int
    tempo: float
    tempo_map: TempoMap
    time_signature: tuple[int, int]
    tracks: tuple[TrackInfo, ...]
    scenes: tuple[str, ...]
    locators: tuple[LocatorInfo, ...]
    samples: tuple[SampleInfo, ...] = field(default=())

    @property
    def length_beats(self) -> float:
        ends = [c.end_beats for t in self.tracks for c in t.clips if c.location == "arrangement"]
        return max(ends, default=0.0)

    @property
    def clip_samples(self) -> tuple[SampleInfo, ...]:
        """The samples the audio clips play (recordings, stems), without the instruments'."""
        found = {c.sample.path or c.sample.relative_path: c.sample
                 for t in self.tracks for c in t.clips if c.sample}  # fmt: skip
        return tuple(found.values())

    def track_counts(self) -> dict[str, int]:
        return {kind: sum(t.type == kind for t in self.tracks) for kind in TRACK_TYPES.values()}


def extract_facts(doc: Document, folder: Path) -> SetInfo:
    root = doc.root
    live_set = root.find("LiveSet")
    assert live_set is not None  # check_live_set made sure
    creator = root.get("Creator", "") or ""
    minor = root.get("MinorVersion", "") or ""
    mixer = master_mixer(live_set)
    master = live_set.find("MasterTrack") or live_set.find("MainTrack")
    tempo, tempo_events = param_value(master, mixer.find("Tempo") if mixer else None)
    bpm = tempo if tempo and tempo > 0 else 120.0
    signature, _ = param_value(master, mixer.find("TimeSignature") if mixer else None)
    tmap = tempo_map(bpm, tempo_events)
    tracks = tuple(
        read_track(t, n, folder)
        for n, t in enumerate(c for c in live_set.find("Tracks") or [] if c.tag in TRACK_TYPES)
    )
    played = [c.sample for t in tracks for c in t.clips if c.sample]
    played += [s for t in tracks for s in t.instrument_samples]
    samples = {s.path or s.relative_path: s for s in played}
    return SetInfo(
        creator=creator,
        minor_version=minor,
        live_version=_version(creator, minor),
        live_major=int(_version(creator, minor).split(".")[0] or 0),
        tempo=bpm,
        tempo_map=tmap,
        time_signature=decode_time_signature(signature) if signature is not None else (4, 4),
        tracks=tracks,
        scenes=_scenes(live_set),
        locators=_locators(live_set, tmap),
        samples=tuple(samples.values()),
    )


def _version(creator: str, minor: str) -> str:
    match = _CREATOR_VERSION.search(creator) or _CREATOR_VERSION.search(
        minor.split("_", maxsplit=1)[0]
    )
    return match.group(1) if match else "0"


def read_track(track: Element, number: int, folder: Path) -> TrackInfo:
    kind = TRACK_TYPES[track.tag]
    name = track.value_of("Name/EffectiveName") or track.value_of("Name/UserName") or ""
    mixer = track.find("DeviceChain/Mixer")
    volume = _number(mixer.value_of("Volume/Manual") if mixer else None, 1.0)
    return TrackInfo(
        type=kind,
        track_id=int(_number(track.get("Id"), -1)),
        name=name or f"{number + 1}-{_DEFAULT_NAMES[kind]}",
        color=int(_number(track.value_of("Color") or track.value_of("ColorIndex"), 0)),
        group_id=int(_number(track.value_of("TrackGroupId"), -1)),
        muted=(mixer.value_of("Speaker/Manual") if mixer else None) == "false",
        solo=(mixer.value_of("SoloSink") if mixer else None) == "true",
        volume_db=20 * math.log10(volume) if volume > 0 else -math.inf,
        pan=_number(mixer.value_of("Pan/Manual") if mixer else None, 0.0),
        devices=tuple(read_devices(track)),
        clips=tuple(read_clips(track, folder)),
        instrument_samples=read_instrument_samples(track, folder),
    )


def read_instrument_samples(track: Element, folder: Path) -> tuple[SampleInfo, ...]:
    """Every sample referenced in the track's device chain (racks included): what its Simplers,
    Samplers and drum pads play. A device's preset reference is a `FileRef` outside any
    `SampleRef`, so presets are not counted."""
    chain = track.find("DeviceChain/DeviceChain")
    if chain is None:
        return ()
    found = (read_sample_ref(ref, folder) for ref in chain.iter("SampleRef"))
    return tuple(sample for sample in found if sample is not None)


def read_devices(track: Element) -> list[DeviceInfo]:
    """Devices of the track's chain and, inside racks, of every chain (depth-first)."""
    chain = track.find("DeviceChain/DeviceChain/Devices")
    devices: list[DeviceInfo] = []
    stack = list(chain or [])
    stack.reverse()
    while stack:
        device = stack.pop()
        devices.append(DeviceInfo(device.tag, _device_name(device)))
        inner = [
            d
            for branch in device.findall("Branches/*") + device.findall("DrumBranches/*")
            for d in branch.findall("DeviceChain/MidiToAudioDeviceChain/Devices/*")
            + branch.findall("DeviceChain/AudioToAudioDeviceChain/Devices/*")
            + branch.findall("DeviceChain/MidiToMidiDeviceChain/Devices/*")
        ]
        stack.extend(reversed(inner))
    return devices


def _device_name(device: Element) -> str:
    for path in ("UserName", *_PLUGIN_NAMES):
        name = device.value_of(path)
        if name:
            return name
    return device.tag


def _scenes(live_set: Element) -> tuple[str, ...]:
    scenes = live_set.find("Scenes")
    if scenes is not None:
        return tuple(s.value_of("Name", "") or "" for s in scenes if s.tag == "Scene")
    names = live_set.find("SceneNames")
    return tuple(s.value or "" for s in names or [] if s.tag == "Scene")


def _locators(live_set: Element, tmap: TempoMap) -> tuple[LocatorInfo, ...]:
    result = []
    for locator in live_set.findall("Locators/Locators/Locator"):
        beats = _number(locator.value_of("Time"), 0.0)
        result.append(LocatorInfo(locator.value_of("Name", "") or "", beats, tmap.seconds(beats)))
    return tuple(result)
