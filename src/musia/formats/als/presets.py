"""The presets the set's effects name, as files of the project.

Live saves every stock device with a `LastPresetRef` naming the preset it was loaded from: for a
device at its defaults, `AbletonDefaultPresetRef` naming the device's folder in Live's Core
Library (`Devices/Audio Effects/Auto Filter`); for a device loaded from a preset file,
`FilePresetRef` naming the `.adv` file. Sets saved by Live 11.3 and 12.3 always hold one (the
checker's profile requires it on Auto Filter, EQ Eight, Limiter, Reverb and Delay), and every
`FileRef` of a set must name a file that exists (`als_check.py --samples`). A set we write cannot
name Live's Core Library (it lies elsewhere on every machine), so the project carries the presets:
`Presets/<Device>.adv`, each device at the settings of Live's default preset, and the set's
devices name them (Reverb and Delay by `FilePresetRef`, as Live writes them on return tracks; the
others by `AbletonDefaultPresetRef`, as Live writes a device loaded from the browser).

An `.adv` file is gzipped XML: the `Ableton` root of the set's version holding an
`AbletonDevicePreset` with the device (the shape Live uses for the device presets inside rack
presets); Live rewrites a preset it loads, and the set holds the device's own settings anyway.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from musia.files import write_bytes_atomic
from musia.formats.als.audio import SampleFile, file_ref
from musia.formats.als.node import Node, el, serialize, val, values
from musia.formats.als.params import Build, device_header
from musia.formats.als.versions import LiveFormat

PRESETS_FOLDER = "Presets"
# Named by FilePresetRef, as Live does (an Instrument Rack on a track always is, in 11.3 saves).
FILE_PRESET_DEVICES = frozenset({"Reverb", "Delay", "InstrumentGroupDevice"})
# Saved with the browser branch it came from.
BRANCH_SOURCE_DEVICES = frozenset({"Delay", "InstrumentGroupDevice"})
GZIP_LEVEL = 6


@dataclass(frozen=True, slots=True)
class PresetFile:
    """A device preset inside the project, as the set references it."""

    device: str  # Live's element name of the device: Reverb, Compressor2 …
    file: SampleFile  # its path and size (frames and rate are 0: not audio)


def preset_header(b: Build, preset: PresetFile | None, device: str) -> list[Node]:
    """The device header of `device`, its preset references naming `preset` (none: empty)."""
    head = device_header(b)
    if preset is None:
        return head
    for index, child in enumerate(head):
        if child.tag == "LastPresetRef":
            head[index] = el("LastPresetRef", el("Value", _preset_ref(b, preset)))
        elif child.tag == "SourceContext" and device in BRANCH_SOURCE_DEVICES:
            head[index] = el("SourceContext", el("Value", _branch_source(b, preset)))
    return head


def _preset_ref(b: Build, preset: PresetFile) -> Node:
    if preset.device in FILE_PRESET_DEVICES:
        return el("FilePresetRef", file_ref(b, preset.file), Id=0)
    return el(
        "AbletonDefaultPresetRef",
        file_ref(b, preset.file),
        el("DeviceId", Name=preset.device),
        Id=0,
    )


def _branch_source(b: Build, preset: PresetFile) -> Node:
    paths = [val("BrowserContentPath", "")]
    if b.fmt.is12:
        paths.append(val("LocalFiltersJson", ""))
    return el(
        "BranchSourceContext",
        el("OriginalFileRef", file_ref(b, preset.file, Id=0)),
        *paths,
        el("PresetRef", _preset_ref(b, preset)),
        val("BranchDeviceId", ""),
        Id=0,
    )


def preset_bytes(fmt: LiveFormat, device: Node) -> bytes:
    """An `.adv` file holding `device`."""
    root = el(
        "Ableton",
        el(
            "AbletonDevicePreset",
            *values(("OverwriteProtectionNumber", fmt.overwrite_protection)),
            el("Device", device),
            Id=0,
        ),
        **fmt.root_attrs(),
    )
    xml = serialize(root).encode("utf-8")
    return gzip.compress(xml, compresslevel=GZIP_LEVEL, mtime=0)


def write_preset(
    fmt: LiveFormat, device: str, node: Node, relative: str, staging: Path, folder: Path
) -> PresetFile:
    """`node` as the preset file `relative` in `staging`, a project folder that becomes
    `folder`."""
    path = staging / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    data = preset_bytes(fmt, node)
    write_bytes_atomic(path, data)
    final = (folder / relative).absolute().as_posix()
    sample = SampleFile(relative, final, len(data), frames=0, sample_rate=0, modified_s=0)
    return PresetFile(device, sample)


def write_presets(
    fmt: LiveFormat,
    devices: Mapping[str, Callable[[Build], Node]],
    staging: Path,
    folder: Path,
) -> dict[str, PresetFile]:
    """Write `Presets/<device>.adv` for each device (built at its defaults by `devices`) into
    `staging`, a project folder that becomes `folder`; returns the presets by device."""
    return {
        device: write_preset(
            fmt, device, build(Build(fmt)), f"{PRESETS_FOLDER}/{device}.adv", staging, folder
        )
        for device, build in devices.items()
    }
