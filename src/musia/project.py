"""A generated project on disk: plan → song → files in one folder, the way a producer receives it.

`DIR/<Title> Project/` holds `<Title>.als` (the Live set), `<Title>.mid`, `plan.json` (what
was asked and decided) and, unless audio is turned off, `preview.wav` (the mix) and
`stems/<Part>.wav`. An existing project folder is never overwritten: the new one gets a number.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from musia import files
from musia.core.compose import compose
from musia.core.model import Song
from musia.core.plan import Plan
from musia.core.plan_builder import plan_from_text
from musia.errors import AudioUnavailable, InvalidInput, NotUnderstood
from musia.files import staging_folder
from musia.formats.als import live_format, write_als
from musia.formats.midi import write_midi

if TYPE_CHECKING:
    from musia.formats.preview import Preview

MAX_NAME_CHARS = 80


@dataclass(frozen=True)
class GeneratedProject:
    plan: Plan
    song: Song
    folder: Path
    files: tuple[Path, ...]
    preview: Preview | None = None
    warnings: tuple[str, ...] = field(default=())

    def summary(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "files": [str(p) for p in self.files],
            "duration_s": round(self.song.duration_s, 3),
            "audio": self.preview.summary() if self.preview else None,
            "warnings": list(self.warnings),
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
) -> GeneratedProject:
    plan = plan_from_text(text, seed=seed)
    if plan.intent != "generate":
        raise NotUnderstood(
            f"this reads as a {plan.intent} request, not a description of music to make; "
            "try e.g. 'house track, 124 bpm, A minor'"
        )
    return write_project(
        plan,
        out_dir,
        live_version=live_version,
        audio=audio,
        soundfont=soundfont,
        progress=progress,
    )


def write_project(
    plan: Plan,
    out_dir: Path,
    *,
    live_version: int = 11,
    audio: bool = True,
    soundfont: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> GeneratedProject:
    """Compose and write the project into a hidden temporary folder, then rename it into place,
    so a failure (full disk, bad name) never leaves a half-written project. Without the audio
    extra the project is written without a preview, and a warning says so."""
    live_format(live_version)  # refuse an unknown Live version before anything is written
    song = compose(plan)
    name = safe_name(plan.title)
    _check_folder(out_dir)  # before the render: a refusal should come at once
    preview, warnings = _render(song, soundfont, progress) if audio else (None, ())
    _ensure_folder(out_dir)
    staging = staging_folder(out_dir)
    try:
        write_als(song, staging / f"{name}.als", live_version=live_version)
        write_midi(song, staging / f"{name}.mid")
        plan_json = json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2)
        (staging / "plan.json").write_text(plan_json + "\n", "utf-8")
        audio_files = _write_preview(preview, staging) if preview else []
        folder = _move_into_place(staging, out_dir, name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files = (
        folder / f"{name}.als",
        folder / f"{name}.mid",
        folder / "plan.json",
        *(folder / path.relative_to(staging) for path in audio_files),
    )
    return GeneratedProject(plan, song, folder, files, preview, warnings)


def _render(
    song: Song, soundfont: Path | None, progress: Callable[[str], None] | None
) -> tuple[Preview | None, tuple[str, ...]]:
    """Rendered before the staging folder exists: a bad SoundFont leaves nothing behind."""
    from musia.formats.preview import render_song

    try:
        return render_song(song, soundfont=soundfont, progress=progress), ()
    except AudioUnavailable as exc:
        return None, (f"no audio preview: {exc.message}",)


def _write_preview(preview: Preview, folder: Path) -> list[Path]:
    from musia.formats.preview import write_preview  # numpy and friends load only with audio

    return write_preview(preview, folder)


def safe_name(title: str) -> str:
    """A file and folder name from a title: no path separators, control or reserved characters."""
    return files.safe_name(title, fallback="Musia", max_chars=MAX_NAME_CHARS)


def _check_folder(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(f"{out_dir} exists and is not a folder", field="out")


def _ensure_folder(out_dir: Path) -> None:
    _check_folder(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)


def _move_into_place(staging: Path, out_dir: Path, name: str) -> Path:
    """Rename to `<name> Project`, or `<name> 2 Project`… when that exists: never overwrite."""
    for number in range(1, 1000):
        folder = out_dir / f"{name}{'' if number == 1 else f' {number}'} Project"
        if folder.exists():
            continue
        try:
            staging.rename(folder)
        except OSError:
            if folder.exists():  # another writer took the name between the check and the rename
                continue
            raise
        return folder
    raise InvalidInput(f"too many projects named {name!r} in {out_dir}", field="out")
