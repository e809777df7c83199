"""A generated project on disk: plan → song → files in one folder, the way a producer receives it.

`DIR/<Title> Project/` holds `<Title>.mid` and `plan.json` (what was asked and decided); the Live
set and the audio preview join it in later steps. An existing project folder is never overwritten:
the new one gets a number.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from musia.core.compose import compose
from musia.core.model import Song
from musia.core.plan import Plan
from musia.core.plan_builder import plan_from_text
from musia.errors import InvalidInput, NotUnderstood
from musia.formats.midi import write_midi

_UNSAFE = re.compile(r"[^\w #.-]+", re.UNICODE)
MAX_NAME_CHARS = 80


@dataclass(frozen=True)
class GeneratedProject:
    plan: Plan
    song: Song
    folder: Path
    files: tuple[Path, ...]

    def summary(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "files": [str(p) for p in self.files],
            "duration_s": round(self.song.duration_s, 3),
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


def generate_project(text: str, out_dir: Path, *, seed: int | None = None) -> GeneratedProject:
    plan = plan_from_text(text, seed=seed)
    if plan.intent != "generate":
        raise NotUnderstood(
            f"this reads as a {plan.intent} request, not a description of music to make; "
            "try e.g. 'house track, 124 bpm, A minor'"
        )
    return write_project(plan, out_dir)


def write_project(plan: Plan, out_dir: Path) -> GeneratedProject:
    song = compose(plan)
    folder = _new_folder(out_dir, safe_name(plan.title))
    name = safe_name(plan.title)
    midi_path = write_midi(song, folder / f"{name}.mid")
    plan_path = folder / "plan.json"
    plan_path.write_text(
        json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    return GeneratedProject(plan, song, folder, (midi_path, plan_path))


def safe_name(title: str) -> str:
    name = _UNSAFE.sub(" ", title).strip(" .")[:MAX_NAME_CHARS].strip(" .")
    return " ".join(name.split()) or "Musia"


def _new_folder(out_dir: Path, name: str) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(f"{out_dir} exists and is not a folder", field="out")
    out_dir.mkdir(parents=True, exist_ok=True)
    for number in range(1, 1000):
        suffix = "" if number == 1 else f" {number}"
        folder = out_dir / f"{name}{suffix} Project"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise InvalidInput(f"too many projects named {name!r} in {out_dir}", field="out")
