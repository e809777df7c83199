"""Reading written Live sets back with the standard library, and running the shared checker."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import wave
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from musia.core.model import TICKS_PER_BEAT, Song
from musia.core.theory.key import Key
from musia.core.theory.meter import Meter
from musia.files import safe_name
from musia.formats.als import StemTrack, sample_file
from musia.formats.als.instruments import Instrument, rack_presets
from musia.formats.als.versions import live_format
from musia.instruments import INSTRUMENTS_FOLDER, instruments_for, render_instruments
from tests.helpers import make_song

POINTEE_TAGS = ("AutomationTarget", "ModulationTarget", "Pointee")
SIBLING_ID_TAGS = (
    "Scene",
    "ClipSlot",
    "Locator",
    "KeyTrack",
    "TrackSendHolder",
    "SendPreBool",
    "AutomationEnvelope",
)
CHECKER_TIMEOUT_S = 300


def read_set(path: Path) -> ET.Element:
    raw = path.read_bytes()
    assert raw[:2] == b"\x1f\x8b", "a .als is gzip"
    return ET.fromstring(gzip.decompress(raw))


def parse_xml(xml: bytes) -> ET.Element:
    return ET.fromstring(xml)


def main_track(root: ET.Element) -> ET.Element:
    live = root.find("LiveSet")
    assert live is not None
    main = live.find("MainTrack")
    if main is None:
        main = live.find("MasterTrack")
    assert main is not None
    return main


def value(el: ET.Element, path: str) -> str:
    found = el.find(path)
    assert found is not None, f"no {path} under {el.tag}"
    text = found.get("Value")
    assert text is not None, f"{path} has no Value"
    return text


def ticks(beats: float | str) -> int:
    return round(float(beats) * TICKS_PER_BEAT)


def midi_tracks(root: ET.Element) -> list[ET.Element]:
    return root.findall("LiveSet/Tracks/MidiTrack")


def arrangement_clips(track: ET.Element) -> list[ET.Element]:
    return track.findall(
        "DeviceChain/MainSequencer/ClipTimeable/ArrangerAutomation/Events/MidiClip"
    )


def session_slots(track: ET.Element) -> list[ET.Element]:
    return track.findall("DeviceChain/MainSequencer/ClipSlotList/ClipSlot")


def clip_notes(clip: ET.Element, offset_beats: float = 0.0) -> list[tuple[int, int, int, int]]:
    """(start tick, pitch, duration ticks, velocity) of every note, `offset_beats` added."""
    notes = []
    for key_track in clip.findall("Notes/KeyTracks/KeyTrack"):
        pitch = int(value(key_track, "MidiKey"))
        for event in key_track.findall("Notes/MidiNoteEvent"):
            start = ticks(offset_beats + float(event.get("Time", "nan")))
            length = ticks(event.get("Duration", "nan"))
            notes.append((start, pitch, length, int(event.get("Velocity", "0"))))
    return sorted(notes)


def pointee_ids(root: ET.Element) -> list[int]:
    found = []
    for el in root.iter():
        tag = el.tag
        is_pointee = tag in POINTEE_TAGS or tag.endswith("ModulationTarget")
        if (is_pointee or tag.startswith("ControllerTargets.")) and "Id" in el.attrib:
            found.append(int(el.attrib["Id"]))
    return found


@dataclass(frozen=True)
class CheckerRun:
    exit_code: int
    results: dict[str, dict[str, object]]  # by file path
    output: str


def run_checker(checker: Path, files: Sequence[Path]) -> CheckerRun:
    """`als_check.py --samples --json FILES`, as the issue asks every written set to pass."""
    command = [sys.executable, str(checker), "--samples", "--json", *map(str, files)]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=CHECKER_TIMEOUT_S, check=False
    )
    body = done.stdout[: done.stdout.rfind("\nSUMMARY")] if "SUMMARY" in done.stdout else "[]"
    results = {str(r["file"]): r for r in json.loads(body)}
    return CheckerRun(done.returncode, results, done.stdout[-2000:] + done.stderr[-2000:])


def problems(result: dict[str, object]) -> str:
    keys = ("error", "problem_counts", "invariant_failures", "examples")
    return json.dumps({k: result.get(k) for k in keys}, indent=1, ensure_ascii=False)


# A name with everything a set must survive: slashes, quotes, XML's specials, emoji, control
# characters (NUL, BEL, ESC, newline, tab, DEL, a C1 control), a lone surrogate and 300 letters.
HOSTILE_NAME = (
    "Bass/Lead \\ \"quoted\" 'single' <tag> & amp; 🎹🔥👩‍🎤 \x00\x07\x1b\n\t\x7f\x85 \ud800 end "
    + "é" * 300
)


def hostile_song(seed: int = 4) -> Song:
    """A real song whose every name (track, clip, section) is `HOSTILE_NAME` with a suffix."""
    song = make_song("house", seed, bars=16)
    tracks = tuple(
        replace(
            track,
            name=f"{HOSTILE_NAME} {i}",
            clips=tuple(replace(c, name=HOSTILE_NAME) for c in track.clips),
        )
        for i, track in enumerate(song.tracks)
    )
    sections = tuple(replace(s, name=f"{HOSTILE_NAME} {s.name}") for s in song.sections)
    return replace(song, title=HOSTILE_NAME, tracks=tracks, sections=sections)


def empty_song() -> Song:
    """No tracks, no sections: the set still needs its main, return and cue tracks and a scene."""
    return Song(
        title="Empty",
        style="house",
        bpm=120.0,
        key=Key(0, "major"),
        meter=Meter(4, 4),
        bars=4,
        sections=(),
        tracks=(),
        seed=0,
    )


def with_tempo(song: Song, bpm: float) -> Song:
    return replace(song, bpm=bpm)


TINY_RATE = 1000  # Hz: a stem of the song's length in a few hundred kilobytes
STEM_TAIL_S = 2.0


def tiny_stems(song: Song, project: Path, modified_s: int = 1_700_000_000) -> list[StemTrack]:
    """One real (silent, mono, 8-bit, 1 kHz) WAV per part that has notes, as long as a rendered
    stem, in `project/Samples/Imported/`: what the set writer needs to reference stems, without
    rendering audio for hundreds of sets."""
    folder = project / "Samples" / "Imported"
    folder.mkdir(parents=True, exist_ok=True)
    frames = round((song.duration_s + STEM_TAIL_S) * TINY_RATE)
    stems = []
    for i, track in enumerate(t for t in song.tracks if any(c.notes for c in t.clips)):
        path = folder / f"{i:02d} {safe_name(track.name, 'Part')}.wav"
        with wave.open(str(path), "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(1)
            writer.setframerate(TINY_RATE)
            writer.writeframes(b"\x80" * frames)
        sample = sample_file(path, project, modified_s)
        stems.append(StemTrack(f"{track.name} Audio", track.part, track.color_index, sample))
    return stems


TINY_SHOT_FRAMES = 100


def tiny_instruments(
    song: Song, project: Path, modified_s: int = 1_700_000_000, *, live_version: int = 11
) -> dict[int, Instrument]:
    """The instruments `write_project` gives `song` (same zones, names and loops: a pad per drum
    key, every zone of the other parts), each zone file a tiny silent WAV as long as its loop
    needs, in `project/Samples/Instruments/`; for Live 11 with the racks' preset files."""
    folder = project / INSTRUMENTS_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    planned = render_instruments(song)
    samples = {}
    for zone in (zone for item in planned for zone in item.zones):
        path = folder / zone.file_name
        frames = max(TINY_SHOT_FRAMES, zone.loop[1] if zone.loop else 0)
        with wave.open(str(path), "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(1)
            writer.setframerate(TINY_RATE)
            writer.writeframes(b"\x80" * frames)
        samples[zone] = sample_file(path, project, modified_s)
    instruments = instruments_for(planned, samples)
    return rack_presets(instruments, song, live_format(live_version), project, project)


def audio_tracks(root: ET.Element) -> list[ET.Element]:
    return root.findall("LiveSet/Tracks/AudioTrack")
