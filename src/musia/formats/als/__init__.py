"""Ableton Live sets: our own model of the elements Live writes, built from the song model.

`write_als(song, path)` writes a Live 11.3 set (opens in Live 11.3 and every Live 12);
`live_version=12` writes Live 12's format. See `liveset.py` for what the set contains and `ids.py`
for how ids are kept unique by construction.
"""

from musia.formats.als.audio import SampleFile, StemTrack, sample_file
from musia.formats.als.versions import LIVE_FORMATS, LiveFormat, live_format
from musia.formats.als.writer import (
    PROJECT_INFO_FOLDER,
    mix_for,
    song_to_als,
    song_to_als_xml,
    write_als,
    write_project_info,
)

__all__ = [
    "LIVE_FORMATS",
    "PROJECT_INFO_FOLDER",
    "LiveFormat",
    "SampleFile",
    "StemTrack",
    "live_format",
    "mix_for",
    "sample_file",
    "song_to_als",
    "song_to_als_xml",
    "write_als",
    "write_project_info",
]
