"""The Live versions the writer targets, with the root attributes measured on sets they saved.

`MinorVersion` is Live's gate: a Live older than the value refuses the set. Live 11.3
(`11.0_11300`) is the default because every Live 11.3 and every Live 12 opens it. The creator,
revision and schema change count are those of Live 11.3.21 and Live 12.3.5 saves in the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass

from musia.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class LiveFormat:
    major: int
    minor_version: str
    creator: str
    revision: str
    schema_change_count: int
    overwrite_protection: int  # LiveSet/OverwriteProtectionNumber as that version writes it

    @property
    def is12(self) -> bool:
        return self.major >= 12

    @property
    def main_tag(self) -> str:
        """Live 12 renamed the master track."""
        return "MainTrack" if self.is12 else "MasterTrack"

    @property
    def main_name(self) -> str:
        return "Main" if self.is12 else "Master"

    def root_attrs(self) -> dict[str, object]:
        return {
            "MajorVersion": 5,
            "MinorVersion": self.minor_version,
            "SchemaChangeCount": self.schema_change_count,
            "Creator": self.creator,
            "Revision": self.revision,
        }


LIVE_11 = LiveFormat(
    major=11,
    minor_version="11.0_11300",
    creator="Ableton Live 11.3.21",
    revision="5ac24cad7c51ea0671d49e6b4885371f15b57c1e",
    schema_change_count=3,
    overwrite_protection=2819,
)
LIVE_12 = LiveFormat(
    major=12,
    minor_version="12.0_12300",
    creator="Ableton Live 12.3.5",
    revision="c4ac4719dc031414ac6b814d56d1c6c8690febb3",
    schema_change_count=1,
    overwrite_protection=3076,
)
LIVE_FORMATS: dict[int, LiveFormat] = {11: LIVE_11, 12: LIVE_12}


def live_format(live_version: int) -> LiveFormat:
    try:
        return LIVE_FORMATS[live_version]
    except KeyError:
        known = ", ".join(str(v) for v in LIVE_FORMATS)
        raise InvalidInput(
            f"cannot write a set for Live {live_version}; choose one of {known}",
            field="live_version",
        ) from None
