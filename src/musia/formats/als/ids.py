"""Ids in a Live set, allocated by construction so that Live's rules hold without a repair pass.

Live keeps three kinds of ids (measured on sets saved by Live 11 and 12):

- **Pointee ids**: every `AutomationTarget`, `ModulationTarget`, `*ModulationTarget`, `Pointee` and
  `ControllerTargets.N` carries an `Id` unique in the whole document and below
  `LiveSet/NextPointeeId`; `PointeeId@Value` (automation envelopes) points into that space. One
  `PointeeIds` allocator per document hands them out; `next_free` becomes `NextPointeeId`.
- **Track ids**: `MidiTrack`/`AudioTrack`/`GroupTrack`/`ReturnTrack` ids, a namespace of their own
  referenced by `TrackGroupId` and by routing strings (`.../Track.<Id>/...`).
- **Sibling ids**: scenes, clip slots, locators, key tracks, send holders, `SendPreBool`s,
  automation envelopes and events, and an audio clip's warp markers are numbered 0..n-1 among
  their siblings (`sibling_ids`). A clip's `Id` is its index on its lane (0 in a session slot).

Audio tracks draw from the same allocators as MIDI tracks (track ids in display order: MIDI
tracks, then audio tracks, then returns), so adding stems keeps every rule without a repair pass.

Note ids are per clip: 1..n, with `NoteIdGenerator/NextId` = n + 1 (see `clips.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


class Counter:
    """Hands out consecutive integers from `first`; `next_free` is the first one not yet given."""

    __slots__ = ("_next",)

    def __init__(self, first: int) -> None:
        self._next = first

    def take(self) -> int:
        taken = self._next
        self._next += 1
        return taken

    @property
    def next_free(self) -> int:
        return self._next


class PointeeIds(Counter):
    """The document-wide pointee id space. Id 0 is left unused, as Live leaves it."""

    def __init__(self) -> None:
        super().__init__(1)


class TrackIds(Counter):
    """Track ids, in display order. -1 means "no track" (`TrackGroupId`), so they start at 1."""

    def __init__(self) -> None:
        super().__init__(1)


@dataclass(slots=True)
class DocumentIds:
    """The id spaces of one document; build every element of a set through one instance."""

    pointees: PointeeIds = field(default_factory=PointeeIds)
    tracks: TrackIds = field(default_factory=TrackIds)


def sibling_ids(count: int) -> range:
    """Ids for `count` siblings of one tag under one parent, as Live numbers them."""
    return range(count)
