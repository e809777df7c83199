"""A set's session view laid after its arrangement, scene row by scene row, for what shows and
plays a set whole: the studio's length, markers and piano rolls, an imported set's preview."""

from __future__ import annotations

import math

from musia.formats.als.clipfacts import ClipInfo
from musia.formats.als.facts import SetInfo


def session_rows(info: SetInfo) -> dict[int, tuple[float, float]]:
    """Each scene row that holds MIDI clips of its own (what a piano roll draws and a MIDI
    preview plays; Musia's stems are audio clips in the session only): where it starts and how
    long it lasts, in beats, when the rows follow the arrangement one after another as
    `musia.formats.als.export` plays them (a row lasts as long as its longest clip, rounded up
    to a beat). A row whose clips all are copies of arrangement clips (the same name, length
    and notes on the same track: Musia's sets keep each section in its scene, and a producer
    who recorded the session into the arrangement has the same) is not played twice."""
    rows: dict[int, float] = {}
    own: set[int] = set()
    for track in (t for t in info.tracks if t.type == "midi"):
        arranged = {_fingerprint(c) for c in track.clips if c.location == "arrangement"}
        for clip in track.clips:
            if clip.location != "session" or clip.scene_index is None or clip.disabled:
                continue
            if clip.kind != "midi":
                continue
            row = clip.scene_index
            rows[row] = max(rows.get(row, 0.0), clip.length_beats)
            if _fingerprint(clip) not in arranged:
                own.add(row)
    at = math.ceil(info.length_beats)
    placed = {}
    for row in sorted(own):
        placed[row] = (float(at), float(math.ceil(rows[row])))
        at += math.ceil(rows[row])
    return placed


def _fingerprint(clip: ClipInfo) -> tuple[object, ...]:
    notes = tuple((n.time_beats, n.pitch, n.duration_beats) for n in clip.notes if n.enabled)
    return (clip.name, clip.kind, round(clip.length_beats, 3), notes)
