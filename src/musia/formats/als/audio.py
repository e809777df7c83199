"""Audio clips: a part's rendered stem as a warped `AudioClip` that plays at the set's tempo.

Measured on Live 11.3 and 12.3 saves in the corpus:

- `SampleRef/FileRef` names the file three ways: `RelativePathType` 3 with `RelativePath` from the
  project folder (what "Collect All and Save" writes: `Samples/Imported/<file>`), `Path` absolute,
  and `Type` the path's platform (2 for `/`-rooted paths, 1 for Windows drive paths). Then
  `OriginalFileSize` in bytes and `OriginalCrc`, a 16-bit checksum (0..65535 in every set) whose
  algorithm no set can show: the corpus holds the sets, not their samples. Live itself writes 0
  for a file it has not measured, so we write 0 (the profile accepts any integer); Live uses the
  checksum only to find a file that went missing, which a project-relative path does not.
- `LastModDate` is the file's modification time in Unix seconds; the project writer sets the
  file's time to the value it writes here.
- Warp markers as Live writes them for a sample at a steady tempo: one at the start, one at the
  end and one 1/32 beat after it, their `SecTime`/`BeatTime` ratio being the tempo. A stem
  rendered at the song's tempo thus plays unstretched, and follows any later tempo change.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

from musia.core.model import Song
from musia.errors import FileFormatError
from musia.formats.als.clips import follow_action, time_signature_element
from musia.formats.als.defaults import grid, scale_information
from musia.formats.als.ids import sibling_ids
from musia.formats.als.names import clean_name
from musia.formats.als.node import Node, el, val, values
from musia.formats.als.params import Build

RELATIVE_TO_PROJECT = 3  # RelativePathType: the path is relative to the project folder
PATH_TYPE_POSIX, PATH_TYPE_WINDOWS = 2, 1
UNMEASURED_CRC = 0
LAST_MARKER_BEATS = 1 / 32  # Live's closing warp marker stands this far past the last one
# Warp modes (Live's enum): 0 Beats keeps drum transients; 4 Complex suits full-band parts.
WARP_BEATS, WARP_COMPLEX = 0, 4
WARP_MODE_BY_PART = {"drums": WARP_BEATS}


@dataclass(frozen=True, slots=True)
class SampleFile:
    """A WAV file inside the project folder, as the set references it."""

    relative_path: str  # from the project folder, "/"-separated
    absolute_path: str
    size_bytes: int
    frames: int
    sample_rate: int
    modified_s: int  # the file's modification time (LastModDate)

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


@dataclass(frozen=True, slots=True)
class StemTrack:
    """One part's rendered audio, for an audio track of its own."""

    name: str
    part: str
    color_index: int
    sample: SampleFile
    # A part's stem sits in the "Stems" group (muted when instruments play); a track of its own,
    # such as a library loop, plays on its own row.
    grouped: bool = True


def sample_file(
    path: Path, project: Path, modified_s: int, *, moved_to: Path | None = None
) -> SampleFile:
    """Describe a WAV file that lies inside `project` (its header gives frames and rate).
    `moved_to`: the folder `project` is renamed to once written (a staging folder's final
    place), where the set's absolute path must point."""
    try:
        with wave.open(str(path), "rb") as reader:
            frames, rate = reader.getnframes(), reader.getframerate()
    except (wave.Error, EOFError) as exc:
        raise FileFormatError(f"{path.name} is not a WAV file: {exc}") from exc
    relative = path.relative_to(project)
    absolute = (moved_to / relative).absolute() if moved_to is not None else path.resolve()
    return SampleFile(
        relative_path=relative.as_posix(),
        absolute_path=absolute.as_posix(),
        size_bytes=path.stat().st_size,
        frames=frames,
        sample_rate=rate,
        modified_s=modified_s,
    )


def stem_beats(sample: SampleFile, bpm: float) -> float:
    return sample.duration_s * bpm / 60.0


def arrangement_audio_clip(b: Build, stem: StemTrack, song: Song) -> Node:
    """The whole stem at bar 1, as long as the file (the release tail included)."""
    length = stem_beats(stem.sample, song.bpm)
    return _audio_clip(b, stem, song, (0.0, length), in_arrangement=True)


def session_audio_clip(b: Build, stem: StemTrack, song: Song, span: tuple[float, float]) -> Node:
    """A looping session clip that plays the stem from `span[0]` to `span[1]` (beats)."""
    return _audio_clip(b, stem, song, span, in_arrangement=False)


def _audio_clip(
    b: Build, stem: StemTrack, song: Song, span: tuple[float, float], *, in_arrangement: bool
) -> Node:
    start, end = span
    node = el("AudioClip", Id=0, Time=0)
    node.children += [
        *values(("LomId", 0), ("LomIdView", 0), ("CurrentStart", 0)),
        val("CurrentEnd", end - start),
        _loop(start, end, loop_on=not in_arrangement),
        *values(("Name", clean_name(stem.name, "Audio")), ("Annotation", "")),
        val("Color", stem.color_index),
        *values(("LaunchMode", 0), ("LaunchQuantisation", 0)),
        time_signature_element(song.meter),
        el("Envelopes", el("Envelopes")),
        el("ScrollerTimePreserver", val("LeftTime", start), val("RightTime", end)),
        el("TimeSelection", val("AnchorTime", 0), val("OtherTime", 0)),
        *values(("Legato", False), ("Ram", False)),
        el("GrooveSettings", val("GrooveId", -1)),
        *values(("Disabled", False), ("VelocityAmount", 0)),
        follow_action(jump_index=1),
        grid(),
        *values(("FreezeStart", 0), ("FreezeEnd", 0), ("IsWarped", True)),
        val("TakeId", 1 if in_arrangement else 0),
    ]
    if b.fmt.is12:
        node.children += [val("IsInKey", False), scale_information(b)]
    node.children += [sample_ref(b, stem.sample), *_playback(stem.part)]
    node.children += [
        _warp_markers(stem.sample, song.bpm),
        el("SavedWarpMarkersForStretched"),
        val("MarkersGenerated", False),  # our markers, not Live's analysis
        val("IsSongTempoLeader" if b.fmt.is12 else "IsSongTempoMaster", False),
    ]
    return node


def file_ref(b: Build, sample: SampleFile, **attrs: object) -> Node:
    """A `FileRef` naming `sample` by its path from the project folder (and its absolute path)."""
    node = el(
        "FileRef",
        *values(("RelativePathType", RELATIVE_TO_PROJECT), ("RelativePath", sample.relative_path)),
        val("Path", sample.absolute_path),
        val("Type", PATH_TYPE_WINDOWS if sample.absolute_path[1:2] == ":" else PATH_TYPE_POSIX),
        *values(("LivePackName", ""), ("LivePackId", "")),
        *values(("OriginalFileSize", sample.size_bytes), ("OriginalCrc", UNMEASURED_CRC)),
        **attrs,
    )
    if b.fmt.is12:
        node.children.append(val("SourceHint", ""))
    return node


def sample_ref(b: Build, sample: SampleFile) -> Node:
    node = el(
        "SampleRef", file_ref(b, sample), val("LastModDate", sample.modified_s), el("SourceContext")
    )
    node.children += values(
        ("SampleUsageHint", 0),
        ("DefaultDuration", sample.frames),
        ("DefaultSampleRate", sample.sample_rate),
    )
    if b.fmt.is12:
        node.children.append(val("SamplesToAutoWarp", 0))
    return node


def _loop(start: float, end: float, *, loop_on: bool) -> Node:
    return el(
        "Loop",
        *values(("LoopStart", start), ("LoopEnd", end), ("StartRelative", 0)),
        *values(("LoopOn", loop_on), ("OutMarker", end)),
        *values(("HiddenLoopStart", start), ("HiddenLoopEnd", end)),
    )


def _playback(part: str) -> list[Node]:
    """Transient markers, warp mode and its settings, fades, pitch and gain at Live's defaults."""
    fades = el(
        "Fades",
        *values(("FadeInLength", 0), ("FadeOutLength", 0), ("ClipFadesAreInitialized", True)),
        *values(("CrossfadeInState", 0), ("FadeInCurveSkew", 0), ("FadeInCurveSlope", 0)),
        *values(("FadeOutCurveSkew", 0), ("FadeOutCurveSlope", 0)),
        *values(("IsDefaultFadeIn", True), ("IsDefaultFadeOut", True)),
    )
    return [
        el("Onsets", el("UserOnsets"), val("HasUserOnsets", False)),
        val("WarpMode", WARP_MODE_BY_PART.get(part, WARP_COMPLEX)),
        *values(("GranularityTones", 30), ("GranularityTexture", 65)),
        *values(("FluctuationTexture", 25), ("TransientResolution", 6)),
        *values(("TransientLoopMode", 2), ("TransientEnvelope", 100)),
        *values(("ComplexProFormants", 100), ("ComplexProEnvelope", 128)),
        *values(("Sync", True), ("HiQ", True), ("Fade", True)),
        fades,
        *values(("PitchCoarse", 0), ("PitchFine", 0), ("SampleVolume", 1)),
    ]


def _warp_markers(sample: SampleFile, bpm: float) -> Node:
    seconds_per_beat = 60.0 / bpm
    end_s = sample.duration_s
    end_beats = end_s / seconds_per_beat
    points = (
        (0.0, 0.0),
        (end_s, end_beats),
        (end_s + LAST_MARKER_BEATS * seconds_per_beat, end_beats + LAST_MARKER_BEATS),
    )
    markers = [
        el("WarpMarker", Id=i, SecTime=seconds, BeatTime=beats)
        for i, (seconds, beats) in zip(sibling_ids(len(points)), points, strict=True)
    ]
    return el("WarpMarkers", *markers)
