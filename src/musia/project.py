"""A generated project on disk: plan → song → files in one folder, the way a producer receives it.

`DIR/<Title> Project/` holds `<Title>.als` (the Live set), `<Title>.mid`, `plan.json` (what
was asked and decided), `Samples/Instruments/` (Musia's multi-sampled instruments that the set's
Samplers, racks and Drum Rack play, see `musia.instruments`; written with `audio=False` too:
without them the MIDI tracks are silent) and, unless audio is turned off, `preview.wav` (the
mix) and `Samples/Imported/<Part>.wav` (one stem per part, on the set's muted "Stems" group). With
`zip_archive` the folder is also packed as `DIR/<Title> Project.zip`. An existing project folder
is never overwritten: the new one gets a number.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from musia import files
from musia.core.compose import compose
from musia.core.model import Song
from musia.core.plan import Plan
from musia.core.plan_builder import plan_from_text
from musia.errors import AudioUnavailable, InvalidInput, NotUnderstood, OutputNotWritable
from musia.files import staging_folder
from musia.formats.als import (
    SampleFile,
    StemTrack,
    live_format,
    mix_for,
    sample_file,
    write_als,
    write_project_info,
)
from musia.formats.als.instruments import MultiSampled, rack_presets
from musia.formats.midi import write_midi
from musia.instruments import (
    INSTRUMENTS_FOLDER,
    TrackInstrument,
    ZoneFile,
    instruments_for,
    wav_shape,
)
from musia.instruments import render_instruments as render_song_instruments

if TYPE_CHECKING:
    from musia.formats.preview import Preview
    from musia.library_samples import ChosenSamples, PlacedSamples

MAX_NAME_CHARS = 80
PREVIEW_FILE = "preview.wav"
SAMPLES_FOLDER = Path("Samples", "Imported")


@dataclass(frozen=True)
class GeneratedProject:
    plan: Plan
    song: Song
    folder: Path
    files: tuple[Path, ...]
    preview: Preview | None = None
    warnings: tuple[str, ...] = field(default=())
    samples: tuple[dict[str, object], ...] = field(default=())  # library samples it uses

    def summary(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "files": [str(p) for p in self.files],
            "duration_s": round(self.song.duration_s, 3),
            "audio": self.preview.summary() if self.preview else None,
            "warnings": list(self.warnings),
            "samples": list(self.samples),
            "tracks": [
                {
                    "name": t.name,
                    "part": t.part,
                    "clips": len(t.clips),
                    "notes": sum(len(c.notes) for c in t.clips),
                }
                for t in self.song.tracks
            ],
            "plan": self.plan.model_dump(mode="json"),
        }


def generate_project(
    text: str,
    out_dir: Path,
    *,
    seed: int | None = None,
    live_version: int = 11,
    audio: bool = True,
    soundfont: Path | None = None,
    progress: Callable[[str], None] | None = None,
    name: str | None = None,
    zip_archive: bool = False,
    samples_index: Path | None = None,
) -> GeneratedProject:
    """`samples_index`: a `musia samples index` file whose samples the song may use."""
    plan = plan_from_text(text, seed=seed)
    if plan.intent != "generate":
        raise NotUnderstood(
            f"this reads as a {plan.intent} request, not a description of music to make; "
            "try e.g. 'house track, 124 bpm, A minor'"
        )
    library = None
    if samples_index is not None:
        from musia.library_samples import from_index

        library = from_index(samples_index, plan)
    return write_project(
        plan,
        out_dir,
        live_version=live_version,
        audio=audio,
        soundfont=soundfont,
        progress=progress,
        name=name,
        zip_archive=zip_archive,
        library=library,
    )


def write_project(
    plan: Plan,
    out_dir: Path,
    *,
    live_version: int = 11,
    audio: bool = True,
    soundfont: Path | None = None,
    progress: Callable[[str], None] | None = None,
    name: str | None = None,
    zip_archive: bool = False,
    library: ChosenSamples | None = None,
) -> GeneratedProject:
    """Compose and write the project into a hidden temporary folder, then rename it into place,
        so a failure (full disk, no permission) never leaves a half-written project. `name` names
        the project (default: the plan's title), made safe for any file system. Without the audio
        extra the project is written without a preview, and a warning says so. `library`: samples of
    the producer's library chosen for this song (`musia.library_samples`), used in the set."""
    live_format(live_version)  # refuse an unknown Live version before anything is written
    song = compose(plan)
    name = safe_name(name or plan.title)
    _check_folder(out_dir)  # before the render: a refusal should come at once
    preview, warnings = _render(song, soundfont, progress, library) if audio else (None, ())
    shots, shot_warnings = render_instruments(song)
    warnings = (*warnings, *shot_warnings)
    try:
        _ensure_folder(out_dir)
        folder = _free_folder(out_dir, name, zip_archive)
        staging = staging_folder(out_dir)
    except OSError as exc:
        raise _not_writable(out_dir, exc) from exc
    stamp = timestamp_s()
    archive = out_dir / f"{folder.name}.zip" if zip_archive else None
    try:
        placed = _place_library(library, song, staging, folder, stamp)
        written = _write_contents(
            staging, folder, song, plan, preview, shots, name, live_version, stamp, placed
        )
        if archive is not None:
            files.write_zip_atomic(staging, archive, stamp, root_name=folder.name)
        _move_into_place(staging, folder)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if archive is not None and not folder.exists():
            archive.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _not_writable(out_dir, exc) from exc
        raise
    paths = (*(folder / path for path in written), *((archive,) if archive else ()))
    samples = tuple(placed.records) if placed else ()
    return GeneratedProject(plan, song, folder, paths, preview, warnings, samples)


def timestamp_s() -> int:
    """The time the project's files carry (and the set's `LastModDate`s): now, or
    `$SOURCE_DATE_EPOCH` for reproducible builds; even, as zip's DOS dates are."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    stamp = int(raw) if raw.isdigit() else int(time.time())
    return stamp - stamp % 2


def _write_contents(
    staging: Path,
    folder: Path,
    song: Song,
    plan: Plan,
    preview: Preview | None,
    shots: list[TrackInstrument],
    name: str,
    live_version: int,
    stamp: int,
    placed: PlacedSamples | None = None,
) -> list[Path]:
    """Everything the project holds, written into `staging`, to be renamed to `folder`; returns
    the paths relative to the folder."""
    stems = _write_audio(preview, song, staging, folder, stamp) if preview else []
    if placed is not None and placed.loop is not None:
        stems.append(placed.loop)
    samples = write_one_shots(shots, staging, folder, stamp)
    instruments = instruments_for(shots, samples)
    if placed is not None:
        from musia.library_samples import with_library_drums

        instruments = with_library_drums(instruments, placed)
    als = staging / f"{name}.als"
    write_project_info(staging)
    mix = mix_for(song, live_version, staging, folder)
    instruments = rack_presets(instruments, song, live_format(live_version), staging, folder)
    write_als(song, als, live_version=live_version, stems=stems, instruments=instruments, mix=mix)
    write_midi(song, staging / f"{name}.mid")
    plan_json = json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2)
    files.write_bytes_atomic(staging / "plan.json", (plan_json + "\n").encode("utf-8"))
    written = [Path(f"{name}.als"), Path(f"{name}.mid"), Path("plan.json")]
    written += [Path(sample.relative_path) for sample in samples.values()]
    written += [Path(preset.file.relative_path) for preset in mix.presets.values()]
    written += [
        Path(i.rack_preset.file.relative_path)
        for i in instruments.values()
        if isinstance(i, MultiSampled) and i.rack_preset is not None
    ]
    if preview:
        written += [Path(PREVIEW_FILE), *(Path(s.sample.relative_path) for s in stems)]
    if placed is not None:
        written += [p for p in placed.written if p not in written]
    return written


def _place_library(
    library: ChosenSamples | None, song: Song, staging: Path, folder: Path, stamp: int
) -> PlacedSamples | None:
    if library is None or not library.choice:
        return None
    from musia.library_samples import place

    return place(library, song, staging, folder, stamp)


def _write_audio(
    preview: Preview, song: Song, staging: Path, folder: Path, stamp: int
) -> list[StemTrack]:
    """`preview.wav`, and each part's stem in `Samples/Imported/` (where Live's "Collect All and
    Save" puts the files a set uses), dated `stamp` as the set says."""
    from musia.formats.preview import write_stems, write_wav

    mix = write_wav(staging / PREVIEW_FILE, preview.mix, preview.sample_rate)
    paths = write_stems(preview, staging / SAMPLES_FOLDER)
    for path in (mix, *paths):
        os.utime(path, (stamp, stamp))
    rendered = [t for t in song.tracks if any(c.notes for c in t.clips)]  # as render_song does
    stems = []
    for track, path in zip(rendered, paths, strict=True):
        sample = sample_file(path, staging, stamp, moved_to=folder)
        stems.append(StemTrack(f"{track.name} Audio", track.part, track.color_index, sample))
    return stems


def render_instruments(song: Song) -> tuple[list[TrackInstrument], tuple[str, ...]]:
    """Every track's instrument (Musia's, rendered once per process and zone), or none and a
    warning without the audio extra (the MIDI tracks are then silent)."""
    from musia.formats.preview import audio_available

    if not any(note for track in song.tracks for clip in track.clips for note in clip.notes):
        return [], ()
    if not audio_available():
        return [], ("no instruments on the MIDI tracks: audio needs the audio extra: "
                    "pip install 'musia[audio]'",)  # fmt: skip
    return render_song_instruments(song), ()


def write_one_shots(
    planned: list[TrackInstrument], staging: Path, folder: Path, stamp: int
) -> dict[ZoneFile, SampleFile]:
    """The instruments' samples in `Samples/Instruments/`, dated `stamp` as the set says."""
    zones = [zone for item in planned for zone in item.zones]
    if not zones:
        return {}
    (staging / INSTRUMENTS_FOLDER).mkdir(parents=True, exist_ok=True)
    samples = {}
    for zone in zones:
        relative = INSTRUMENTS_FOLDER / zone.file_name
        path = staging / relative
        path.write_bytes(zone.data)  # the staging folder is renamed into place as a whole
        os.utime(path, (stamp, stamp))
        frames, rate = wav_shape(zone.data)
        samples[zone] = SampleFile(
            relative_path=relative.as_posix(),
            absolute_path=(folder / relative).absolute().as_posix(),  # after the rename
            size_bytes=len(zone.data),
            frames=frames,
            sample_rate=rate,
            modified_s=stamp,
        )
    return samples


def _not_writable(out_dir: Path, exc: OSError) -> OutputNotWritable:
    reason = exc.strerror or str(exc)
    return OutputNotWritable(f"cannot write the project into {out_dir}: {reason}", field="out")


def _render(
    song: Song,
    soundfont: Path | None,
    progress: Callable[[str], None] | None,
    library: ChosenSamples | None = None,
) -> tuple[Preview | None, tuple[str, ...]]:
    """Rendered before the staging folder exists: a bad SoundFont leaves nothing behind. The
    library's chosen samples play in the preview as in the set."""
    from musia.formats.preview import render_song

    try:
        chosen = library if library is not None and library.choice else None
        return render_song(song, soundfont=soundfont, progress=progress, library=chosen), ()
    except AudioUnavailable as exc:
        return None, (f"no audio preview: {exc.message}",)


def safe_name(title: str) -> str:
    """A file and folder name from a title: no path separators, control or reserved characters."""
    return files.safe_name(title, fallback="Musia", max_chars=MAX_NAME_CHARS)


def _check_folder(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(f"{out_dir} exists and is not a folder", field="out")


def _ensure_folder(out_dir: Path) -> None:
    _check_folder(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)


def _free_folder(out_dir: Path, name: str, zip_archive: bool) -> Path:
    """`<name> Project`, or `<name> 2 Project`… when that (or its zip) exists: never overwrite."""
    for number in range(1, 1000):
        folder = out_dir / f"{name}{'' if number == 1 else f' {number}'} Project"
        archive = folder.with_name(f"{folder.name}.zip")
        if not folder.exists() and not (zip_archive and archive.exists()):
            return folder
    raise InvalidInput(f"too many projects named {name!r} in {out_dir}", field="out")


def _move_into_place(staging: Path, folder: Path) -> None:
    if folder.exists():  # another writer took the name while this project was written
        raise OutputNotWritable(f"{folder} appeared while the project was written", field="out")
    staging.rename(folder)
