"""The table of every setting, made from the settings model itself so the README cannot drift
from it: `python -m musia.settings_doc` prints it, `--readme README.md` rewrites the README's
copy (between the two marker comments), and a test checks that the copy is current.

A row per field of each group in `musia.settings.Settings` (the variable is the group's prefix
plus the field name), plus the three variables read outside the model: the data folder, which
`load_settings` reads before the groups, the renderer's SoundFont and the cache folder.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from musia.errors import InvalidInput, MusiaError
from musia.files import CACHE_ENV, write_bytes_atomic
from musia.settings import DATA_DIR_VARIABLE, DEFAULT_DATA_DIR, Settings

SOUNDFONT_VARIABLE = "MUSIA_SOUNDFONT"  # musia.audio.gm_soundfont.SOUNDFONT_ENV (a test pins it)
TABLE_START = "<!-- settings table: made by `python -m musia.settings_doc`; do not edit -->"
TABLE_END = "<!-- end of settings table -->"


@dataclass(frozen=True)
class SettingRow:
    variable: str
    default: str
    meaning: str


def setting_rows() -> list[SettingRow]:
    rows = [
        SettingRow(
            DATA_DIR_VARIABLE,
            f"`{DEFAULT_DATA_DIR}`",
            "Data folder: the SQLite file, local storage, the generated JWT secret and `tmp/` "
            "(each process's working folders; what a killed process left is removed when the "
            "next one starts).",
        )
    ]
    for name, field in Settings.model_fields.items():
        group = field.annotation
        if isinstance(group, type) and issubclass(group, BaseSettings):
            rows += _group_rows(name, group)
    rows.append(
        SettingRow(
            SOUNDFONT_VARIABLE,
            "(none)",
            "General MIDI SoundFont (.sf2) that renders previews and stems; none means a "
            "system `FluidR3_GM.sf2`, else the `TimGM6mb.sf2` of the `audio` extra.",
        )
    )
    rows.append(
        SettingRow(
            CACHE_ENV,
            "(none)",
            "Folder for what Musia can make again (rendered one-shots, the sound model's "
            "SoundFont drums, and numba's compiled librosa code in `numba/` unless "
            "`NUMBA_CACHE_DIR` is set: one process at a time compiles into it); none means "
            "`$XDG_CACHE_HOME/musia`, else `~/.cache/musia`.",
        )
    )
    return rows


def _group_rows(group_name: str, group: type[BaseSettings]) -> list[SettingRow]:
    prefix = str(group.model_config.get("env_prefix", ""))
    rows = []
    for name, field in group.model_fields.items():
        if not field.description:
            raise InvalidInput(f"the setting {group_name}.{name} has no docstring to document it")
        meaning = " ".join(field.description.split())
        rows.append(SettingRow(f"{prefix}{name}".upper(), _default_text(field), meaning))
    return rows


def _default_text(field: FieldInfo) -> str:
    value: Any = field.get_default(call_default_factory=True)
    if value is None:
        return "(none)"
    if value == "":
        return "(empty)"
    if isinstance(value, bool | list | dict):
        return f"`{json.dumps(value)}`"
    if isinstance(value, float):
        return f"`{value:g}`"
    return f"`{value}`"


def setting_variables() -> set[str]:
    """Every environment variable Musia reads as a setting."""
    return {row.variable for row in setting_rows()}


def markdown_table() -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for row in setting_rows():
        meaning = row.meaning.replace("|", "\\|")
        lines.append(f"| `{row.variable}` | {row.default} | {meaning} |")
    return "\n".join(lines) + "\n"


def readme_table(readme_text: str) -> str:
    """The table between the markers of a README (the text the markers enclose)."""
    start = readme_text.find(TABLE_START)
    end = readme_text.find(TABLE_END)
    if start < 0 or end < start:
        raise InvalidInput("the README has no settings table markers")
    return readme_text[start + len(TABLE_START) : end].strip("\n") + "\n"


def rewrite_readme(path: Path) -> bool:
    """Put the current table between the markers; True when the file changed."""
    text = path.read_text("utf-8")
    old = readme_table(text)
    if old == markdown_table():
        return False
    start = text.index(TABLE_START) + len(TABLE_START)
    end = text.index(TABLE_END)
    write_bytes_atomic(path, (text[:start] + "\n" + markdown_table() + text[end:]).encode())
    return True


def main(argv: list[str]) -> int:
    if argv[:1] == ["--readme"] and len(argv) == 2:
        try:
            changed = rewrite_readme(Path(argv[1]))
        except (MusiaError, OSError) as exc:  # no such README, or one without the markers
            print(f"musia.settings_doc: error: {argv[1]}: {exc}", file=sys.stderr)
            return 2
        print(f"{argv[1]}: {'table rewritten' if changed else 'table already current'}")
        return 0
    if not argv or argv == ["--markdown"]:
        sys.stdout.write(markdown_table())
        return 0
    print("usage: python -m musia.settings_doc [--markdown | --readme README.md]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
