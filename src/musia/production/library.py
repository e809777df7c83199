"""The producer's own samples in a generated project: the files `musia.core.sample_choice` chose,
collected into `Samples/Imported/Library/` as WAV (what the set references, like Live's
"Collect All and Save"), with the drum one-shots for the drum track's pads and the loop on an
audio track of its own.

The loop is laid out as the set plays it: stretched (pitch kept) from its own tempo to the
song's, cut to whole bars and repeated through every section in which the drums play, silent
elsewhere; its warp markers then say the song's tempo."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from musia.core.model import Song
from musia.core.plan import Plan
from musia.core.sample_choice import LibrarySample, SampleChoice
from musia.core.theory.key import Key
from musia.formats.als import StemTrack, sample_file
from musia.formats.als.audio import SampleFile
from musia.formats.als.instruments import DrumKit, Instrument

LIBRARY_FOLDER = Path("Samples", "Imported", "Library")
ONE_SHOT_MAX_S = 60.0  # the longest file read as a pad's one-shot
LOOP_MAX_S = 120.0  # the longest file read as a loop
LOOP_TRACK = "Library Loop"
LOOP_COLOR = 26


@dataclass(frozen=True)
class ChosenSamples:
    """What was chosen, and where a local copy of each chosen file lies (by sample id)."""

    choice: SampleChoice
    files: Mapping[str, Path]


@dataclass(frozen=True)
class PlacedSamples:
    drums: tuple[tuple[int, SampleFile], ...] = ()  # (GM drum key, file in the project)
    loop: StemTrack | None = None
    written: tuple[Path, ...] = ()  # relative to the project folder
    records: tuple[dict[str, Any], ...] = field(default=())

    def summary(self) -> list[dict[str, Any]]:
        return list(self.records)


def place(
    chosen: ChosenSamples, song: Song, staging: Path, folder: Path, stamp: int
) -> PlacedSamples:
    """Write the chosen samples into `staging` (to be renamed to `folder`)."""
    import os

    out = staging / LIBRARY_FOLDER
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, SampleFile] = {}
    records: list[dict[str, Any]] = []
    for note, sample in chosen.choice.drums:
        if sample.id not in files:
            path = _one_shot(chosen.files[sample.id], out / _file_name(sample, "wav"))
            os.utime(path, (stamp, stamp))
            files[sample.id] = sample_file(path, staging, stamp, moved_to=folder)
        records.append(_record(sample, "drum", files[sample.id], note))
    loop_track = None
    if chosen.choice.loop is not None:
        sample = chosen.choice.loop
        path = _laid_out_loop(
            chosen.files[sample.id], sample, song, out / _file_name(sample, "wav")
        )
        os.utime(path, (stamp, stamp))
        located = sample_file(path, staging, stamp, moved_to=folder)
        loop_track = StemTrack(LOOP_TRACK, "drums", LOOP_COLOR, located, grouped=False)
        records.append(_record(sample, "loop", located, None))
    drums = tuple((note, files[sample.id]) for note, sample in chosen.choice.drums)
    written = tuple(sorted({Path(r["file"]) for r in records}))
    return PlacedSamples(drums, loop_track, written, tuple(records))


def from_index(index_path: Path, plan: Plan) -> ChosenSamples:
    """The choice for `plan` among the samples of a `musia samples index` file (the command
    line's library; its files are used where they lie)."""
    from musia.audio.samples import SampleIndex
    from musia.core.sample_choice import choose
    from musia.errors import InvalidInput

    if not Path(index_path).is_file():
        raise InvalidInput(
            f"no sample index at {index_path}: make one with `musia samples index DIR`",
            field="samples",
        )
    with SampleIndex(Path(index_path)) as index:
        rows = index.rows()
    library = [_indexed(row) for row in rows if Path(row["path"]).is_file()]
    choice = choose(plan, library)
    return ChosenSamples(choice, {s.id: Path(s.id) for s in choice.samples})


def _indexed(row: dict[str, Any]) -> LibrarySample:
    tonic, mode = row.get("key_tonic_pc"), row.get("key_mode")
    key = (
        Key(int(tonic), "minor" if mode == "minor" else "major")
        if tonic is not None and mode
        else None
    )
    return LibrarySample(
        id=str(row["path"]),
        name=Path(str(row["path"])).name,
        kind="loop" if row.get("kind") == "loop" else row.get("class_name"),
        bpm=row.get("bpm"),
        key=key,
        duration_s=row.get("duration_s"),
    )


def with_library_drums(
    instruments: Mapping[int, Instrument], placed: PlacedSamples
) -> dict[int, Instrument]:
    """The Drum Rack's pads play the library's one-shot where one was chosen for their note
    (the pad keeps its one-shot mode and level; the name becomes the sample's)."""
    chosen = dict(placed.drums)
    names = {r["note"]: Path(str(r["name"])).stem for r in placed.records if r["note"] is not None}
    out: dict[int, Instrument] = dict(instruments)
    for index, instrument in instruments.items():
        if not isinstance(instrument, DrumKit):
            continue
        pads = tuple(
            (
                note,
                replace(sound, name=names[note], sample=chosen[note]) if note in chosen else sound,
            )
            for note, sound in instrument.pads
        )
        out[index] = DrumKit(pads)
    return out


def _record(
    sample: LibrarySample, role: str, placed: SampleFile, note: int | None
) -> dict[str, Any]:
    return {
        "sample_id": sample.id,
        "name": sample.name,
        "role": role,
        "kind": sample.kind,
        "note": note,
        "file": placed.relative_path,
    }


def _file_name(sample: LibrarySample, extension: str) -> str:
    stem = Path(sample.name).stem
    safe = re.sub(r"[^\w\- ]+", "_", stem).strip(" _") or "sample"
    # The id's digest keeps two same-named samples apart (ids may be paths on the CLI).
    digest = hashlib.sha256(sample.id.encode()).hexdigest()[:8]
    return f"{safe[:60]} {digest}.{extension}"


def _one_shot(source: Path, target: Path) -> Path:
    from musia.audio.io import read_audio, write_audio

    samples, rate = read_audio(source, max_duration_s=ONE_SHOT_MAX_S)
    return write_audio(target, samples, rate)


def _laid_out_loop(source: Path, sample: LibrarySample, song: Song, target: Path) -> Path:
    from musia.audio.io import write_audio

    laid, rate = laid_out_loop(source, sample, song)
    return write_audio(target, laid, rate)


def laid_out_loop(source: Path, sample: LibrarySample, song: Song) -> tuple[Any, int]:
    """The loop's audio (frames, channels) and rate, laid out through the song (the preview
    plays it too)."""
    import numpy as np

    from musia.audio.io import read_audio
    from musia.audio.transforms import stretch_to_tempo

    audio, rate = read_audio(source, max_duration_s=LOOP_MAX_S)
    assert sample.bpm is not None  # chosen loops have a tempo
    stretched = stretch_to_tempo(audio, sample.bpm, song.bpm)
    bar_frames = round(song.bar_beats * 60.0 / song.bpm * rate)
    bars = max(1, round(stretched.shape[0] / bar_frames))
    cycle = np.zeros((bars * bar_frames, stretched.shape[1]), dtype=np.float32)
    length = min(cycle.shape[0], stretched.shape[0])
    cycle[:length] = stretched[:length]
    total = round(song.duration_s * rate)
    laid = np.zeros((total, cycle.shape[1]), dtype=np.float32)
    for start_bar, bars_on in _drum_spans(song):
        first, last = start_bar * bar_frames, min(total, (start_bar + bars_on) * bar_frames)
        for at in range(first, last, cycle.shape[0]):
            piece = cycle[: min(cycle.shape[0], last - at)]
            laid[at : at + piece.shape[0]] = piece
    return laid, rate


def _drum_spans(song: Song) -> list[tuple[int, int]]:
    """(start bar, bars) of the sections in which the drum track plays."""
    drums = next((t for t in song.tracks if t.is_drums), None)
    if drums is None:
        return []
    starts = [n.start_beats for n in drums.absolute_notes()]
    spans = []
    for section in song.sections:
        start = section.start_bar * song.bar_beats
        end = (section.start_bar + section.bars) * song.bar_beats
        if any(start <= beat < end for beat in starts):
            spans.append((section.start_bar, section.bars))
    return spans
