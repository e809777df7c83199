"""Write the song model as an Ableton Live set (.als: gzip of UTF-8 XML).

`song_to_als_xml` gives the XML, `write_als` the gzip file. Both are deterministic: the same song
gives the same bytes (no dates: the gzip header's time is zero and no name is stored in it). The
file is written beside its destination and renamed into place, so a failure never leaves a
half-written set behind.
"""

from __future__ import annotations

import gc
import gzip
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from musia.core.model import Song
from musia.core.styles import load_style
from musia.files import write_bytes_atomic
from musia.formats.als.audio import StemTrack
from musia.formats.als.instruments import Instrument
from musia.formats.als.liveset import build_live_set
from musia.formats.als.mixdesk import SetMix, preset_devices
from musia.formats.als.node import serialize
from musia.formats.als.presets import write_presets
from musia.formats.als.versions import live_format

DEFAULT_LIVE_VERSION = 11
# The folder that makes a folder a Live project: Live looks for it above a set to resolve the set's
# project-relative sample paths, and Live project readers refuse a folder without it.
PROJECT_INFO_FOLDER = "Ableton Project Info"
GZIP_LEVEL = 3  # twice as fast as the default 6 on a three-minute song, for a 20 % larger file


def song_to_als_xml(
    song: Song,
    live_version: int = DEFAULT_LIVE_VERSION,
    *,
    stems: Sequence[StemTrack] = (),
    instruments: Mapping[int, Instrument] | None = None,
    mix: SetMix | None = None,
) -> bytes:
    """The set's XML document (what Live gzips into the .als); `stems` adds audio tracks,
    `instruments` (by track index) puts a Simpler or a Drum Rack on MIDI tracks, `mix` the
    style's mix as Live's devices (`mixdesk.py`)."""
    with _no_collector_pauses():
        fmt = live_format(live_version)
        root = build_live_set(song, fmt, stems=stems, instruments=instruments, mix=mix)
        return serialize(root).encode("utf-8")


@contextmanager
def _no_collector_pauses() -> Iterator[None]:
    """A set is tens of thousands of small objects without cycles: while they are built, the
    cyclic garbage collector would scan them again and again for nothing (a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def song_to_als(
    song: Song,
    live_version: int = DEFAULT_LIVE_VERSION,
    *,
    stems: Sequence[StemTrack] = (),
    instruments: Mapping[int, Instrument] | None = None,
    mix: SetMix | None = None,
) -> bytes:
    """The .als file's bytes."""
    xml = song_to_als_xml(song, live_version, stems=stems, instruments=instruments, mix=mix)
    return gzip.compress(xml, compresslevel=GZIP_LEVEL, mtime=0)


def write_als(
    song: Song,
    path: Path,
    *,
    live_version: int = DEFAULT_LIVE_VERSION,
    stems: Sequence[StemTrack] = (),
    instruments: Mapping[int, Instrument] | None = None,
    mix: SetMix | None = None,
) -> Path:
    """Write the set to `path` (its folder must exist) and return `path`."""
    data = song_to_als(song, live_version, stems=stems, instruments=instruments, mix=mix)
    return write_bytes_atomic(Path(path), data)


def write_project_info(project: Path) -> Path:
    """Create the project's `Ableton Project Info` folder, empty.

    Live keeps a small binary file in it (`Project8_1.cfg`) whose format no saved set shows; Live
    opens a project whose folder is empty and writes that file itself on its first save. We write
    no file we cannot write faithfully."""
    folder = Path(project) / PROJECT_INFO_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def mix_for(song: Song, live_version: int, staging: Path, folder: Path) -> SetMix:
    """The style's mix for the set of `song`, its devices' preset files written into the
    project (`staging`, which becomes `folder`)."""
    fmt = live_format(live_version)
    presets = write_presets(fmt, preset_devices(fmt.is12), staging, folder)
    return SetMix(load_style(song.style).mix, presets)
