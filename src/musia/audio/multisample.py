"""Musia's instruments: patches (`patches/*.toml`) chosen per style and part by data
(`patches/styles.toml`), rendered by `musia.audio.engine` into multi-sampled zones.

A melodic part is sampled every `ZONE_STEP` semitones over the notes it plays (roots on a fixed
grid, so songs of one style share their zones); a zone plays the keys around its root. A drum
part gets one zone per drum key it strikes, the kit's patch for that key. Zones are cached in the
process and on disk (`one-shots/` in Musia's cache folder, next to the SoundFont one-shots), keyed
by the patch's data, so a patch edited in its file renders again.
"""

from __future__ import annotations

import hashlib
import io
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from musia.audio.engine import SAMPLE_RATE, Mono, Rendered, render_note
from musia.files import cache_folder, write_bytes_atomic
from musia.memo import bytes_lru

ZONE_STEP = 4  # semitones between zone roots
ENGINE_VERSION = 2  # part of the cache key: bump when the engine's sound changes
# Zones kept in a process's memory (each ~0.4 MB; a song plays a few dozen): a render process
# stays this size however many songs and styles it renders; older zones are read again from
# the disk cache.
ZONES_MEMORY_BYTES = 64 * 2**20
STYLE_FILE = "styles.toml"
TOMS = range(41, 51)


@dataclass(frozen=True, slots=True)
class Zone:
    """One sample: the keys it plays, its root, and its sustain loop (frames) if it has one."""

    patch: str
    root_key: int
    low_key: int
    high_key: int
    audio: Mono
    loop: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Instrument:
    name: str  # the patch (or patches) it plays, for file names and the set
    zones: tuple[Zone, ...]
    drums: bool

    def zone_for(self, key: int) -> Zone:
        for zone in self.zones:
            if zone.low_key <= key <= zone.high_key:
                return zone
        return min(self.zones, key=lambda z: abs(z.root_key - key))


@cache
def patches() -> dict[str, dict[str, Any]]:
    """Every patch, by name, from every `patches/*.toml` but the style map."""
    found: dict[str, dict[str, Any]] = {}
    for entry in sorted(resources.files("musia.audio.patches").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and entry.name != STYLE_FILE:
            found.update(tomllib.loads(entry.read_text("utf-8")))
    return found


@cache
def _style_map() -> dict[str, Any]:
    text = resources.files("musia.audio.patches").joinpath(STYLE_FILE).read_text("utf-8")
    return tomllib.loads(text)


def style_key(style: str) -> str:
    return style.replace(" ", "_").replace("-", "_")


def sounds_for(style: str) -> dict[str, Any]:
    """Part → patch (or {key range: patch}) for `style`, its parents' and the defaults filled in."""
    styles = _style_map()["styles"]
    chain, name = [], style_key(style)
    while name in styles and name not in chain:
        chain.append(name)
        name = styles[name].get("extends", "")
    merged = dict(styles["_default"])
    for name in reversed(chain):
        merged.update({k: v for k, v in styles[name].items() if k != "extends"})
    return merged


def kit(name: str) -> dict[int, str]:
    kits = _style_map()["kits"]
    own = kits[name]
    base = kit(own["extends"]) if "extends" in own else {}
    return base | {int(key): patch for key, patch in own.items() if key != "extends"}


def instrument_for(
    style: str, part: str, keys: Iterable[int], *, drums: bool, highpass_hz: float = 0.0
) -> Instrument:
    """The instrument that plays `keys` of `part` in `style`; with `highpass_hz`, its zones are
    high-passed there (the desk's high-pass, applied once per zone rather than to the whole part:
    the filter is linear, and its ringing is far shorter than any note)."""
    sounds = sounds_for(style)
    played = sorted(set(keys))
    if drums:
        pieces = kit(str(sounds["kit"]))
        kit_zones = tuple(
            _zone(pieces.get(key, "tom" if key in TOMS else "perc"), key, key, key, highpass_hz)
            for key in played
        )
        return Instrument(str(sounds["kit"]), kit_zones, drums=True)
    choice = sounds.get(part, sounds["lead"])
    ranges = _ranges(choice)
    zones: list[Zone] = []
    for (low, high), patch in ranges:
        inside = [k for k in played if low <= k <= high]
        if not inside:
            continue
        if patches()[patch].get("kind") == "drum":  # one hit whatever the key (impacts)
            zones.append(_zone(patch, inside[len(inside) // 2], low, high, highpass_hz))
            continue
        for root in _roots(inside):
            zones.append(
                _zone(
                    patch, root, max(low, root - ZONE_STEP // 2), min(high, root + 1), highpass_hz
                )
            )
    name = "+".join(dict.fromkeys(patch for _, patch in ranges))
    return Instrument(name, _cover(tuple(zones)), drums=False)


def _ranges(choice: str | Mapping[str, str]) -> list[tuple[tuple[int, int], str]]:
    if isinstance(choice, str):
        return [((0, 127), choice)]
    ranges = []
    for span, patch in choice.items():
        low, high = (int(x) for x in span.split("-"))
        ranges.append(((low, high), patch))
    return sorted(ranges)


def _roots(keys: list[int]) -> list[int]:
    """Roots on the ZONE_STEP grid nearest each key played."""
    return sorted({min(127, ZONE_STEP * round(key / ZONE_STEP)) for key in keys})


def _cover(zones: tuple[Zone, ...]) -> tuple[Zone, ...]:
    """Zones widened to meet each other, so every key between the lowest and highest plays."""
    if not zones:
        return zones
    ordered = sorted(zones, key=lambda z: z.root_key)
    out: list[Zone] = []
    for index, zone in enumerate(ordered):
        low = 0 if index == 0 else out[-1].high_key + 1
        high = 127 if index == len(ordered) - 1 else max(zone.high_key, zone.root_key)
        out.append(_with_range(zone, min(low, zone.low_key) if index == 0 else low, high))
    return tuple(out)


def _with_range(zone: Zone, low: int, high: int) -> Zone:
    return Zone(zone.patch, zone.root_key, low, high, zone.audio, zone.loop)


def _zone(patch: str, root: int, low: int, high: int, highpass_hz: float = 0.0) -> Zone:
    rendered = high_passed(patch, root, highpass_hz)
    return Zone(patch, root, low, high, rendered.audio, rendered.loop)


@bytes_lru(ZONES_MEMORY_BYTES, size=lambda zone: zone.audio.nbytes)
def high_passed(patch: str, root: int, highpass_hz: float) -> Rendered:
    from scipy.signal import butter, sosfilt

    rendered = rendered_zone(patch, root)
    if highpass_hz <= 0:
        return rendered
    sos = butter(2, highpass_hz, "highpass", fs=SAMPLE_RATE, output="sos")
    audio = sosfilt(sos, rendered.audio).astype(np.float32)
    return Rendered(audio, rendered.loop)


@bytes_lru(ZONES_MEMORY_BYTES, size=lambda zone: zone.audio.nbytes)
def rendered_zone(patch: str, root: int) -> Rendered:
    """The patch at `root`, from the process's cache, the disk cache, or rendered."""
    data = patches()[patch]
    key = json.dumps([ENGINE_VERSION, patch, data, root], sort_keys=True)
    path = cache_folder("one-shots") / f"zone-{hashlib.sha256(key.encode()).hexdigest()[:32]}.npz"
    try:
        with np.load(path) as stored:
            loop = tuple(int(x) for x in stored["loop"])
            audio = stored["audio"].astype(np.float32)
            return Rendered(audio, (loop[0], loop[1]) if loop[1] > loop[0] else None)
    except (OSError, KeyError, ValueError):
        pass
    rendered = render_note(patch, data, root)
    buffer = io.BytesIO()
    np.savez(buffer, audio=rendered.audio, loop=np.array(rendered.loop or (0, 0)))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, buffer.getvalue())
    except OSError:
        pass  # a read-only home: render again next time
    return rendered
