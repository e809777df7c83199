"""What `musia inspect` shows: a set's facts as JSON for other tools, or as a few lines of text.

The JSON keys `live_version`, `tempo`, `time_signature`, `tracks[].type/name/clips[]`
(`location`, `start_beats`, `end_beats`, `note_count`), `scenes` and `locators[].name/time_beats`
are read by other tools: keep them.
"""

from __future__ import annotations

import math
from typing import Any

from musia.formats.als.clipfacts import ClipInfo
from musia.formats.als.facts import SetInfo, TrackInfo


def summary(info: SetInfo) -> dict[str, Any]:
    numerator, denominator = info.time_signature
    return {
        "live_version": info.live_version,
        "live_major": info.live_major,
        "creator": info.creator,
        "minor_version": info.minor_version,
        "tempo": info.tempo,
        "tempo_automation": [
            {"time_beats": t, "bpm": v} for t, v in info.tempo_map.points if t >= 0
        ],
        "time_signature": f"{numerator}/{denominator}",
        "length_beats": info.length_beats,
        "tracks": [_track(t) for t in info.tracks],
        "scenes": [{"index": i, "name": name} for i, name in enumerate(info.scenes)],
        "locators": [
            {"name": loc.name, "time_beats": loc.time_beats, "time_s": round(loc.time_s, 6)}
            for loc in info.locators
        ],
        "samples": [
            {"path": s.path, "relative_path": s.relative_path, "exists": s.exists}
            for s in info.samples
        ],
    }


def _track(track: TrackInfo) -> dict[str, Any]:
    return {
        "type": track.type,
        "id": track.track_id,
        "name": track.name,
        "color": track.color,
        "group_id": track.group_id,
        "muted": track.muted,
        "solo": track.solo,
        "volume_db": round(track.volume_db, 3) if math.isfinite(track.volume_db) else None,
        "pan": track.pan,
        "drums": track.is_drums,
        "devices": [{"kind": d.kind, "name": d.name} for d in track.devices],
        "instrument_samples": [s.relative_path or s.path for s in track.instrument_samples],
        "clips": [_clip(c) for c in track.clips],
    }


def _clip(clip: ClipInfo) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": clip.kind,
        "location": clip.location,
        "name": clip.name,
        "start_beats": clip.start_beats,
        "end_beats": clip.end_beats,
        "loop": clip.loop_on,
        "note_count": len(clip.notes),
    }
    if clip.scene_index is not None:
        body["scene"] = clip.scene_index
    if clip.sample is not None:
        body["sample"] = clip.sample.relative_path or clip.sample.path
    return body


def describe(info: SetInfo) -> str:
    numerator, denominator = info.time_signature
    counts = info.track_counts()
    automated = f" (tempo automation: {len(info.tempo_map.points)} points)" * bool(
        info.tempo_map.points
    )
    lines = [
        f"Live {info.live_version}  {info.creator or info.minor_version}",
        f"tempo: {info.tempo:g} BPM{automated}  time: {numerator}/{denominator}  "
        f"length: {info.length_beats:g} beats",
        "tracks: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()),
    ]
    for track in info.tracks:
        flags = " muted" * track.muted + " solo" * track.solo + " drums" * track.is_drums
        devices = ", ".join(d.name for d in track.devices) or "no devices"
        arrangement = sum(c.location == "arrangement" for c in track.clips)
        session = len(track.clips) - arrangement
        notes = sum(len(c.notes) for c in track.clips)
        lines.append(
            f"  [{track.type}] {track.name}{flags}: {arrangement} arrangement + {session} session "
            f"clips, {notes} notes; {devices}"
        )
    lines.append(f"scenes: {len(info.scenes)}")
    for loc in info.locators:
        lines.append(f"  locator {loc.name or '-'} at beat {loc.time_beats:g} ({loc.time_s:.2f} s)")
    missing = sum(not s.exists for s in info.samples)
    by_instruments = len(
        {s.path or s.relative_path for t in info.tracks for s in t.instrument_samples}
    )
    lines.append(
        f"samples: {len(info.samples)} ({missing} not found; "
        f"{by_instruments} played by instruments)"
    )
    return "\n".join(lines)
