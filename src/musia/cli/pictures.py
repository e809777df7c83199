"""`musia pianoroll`: a whole song as one picture, to see its form at a glance."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from musia.core.model import Section, Song
from musia.errors import InvalidInput

DEFAULT_WIDTH_PX = 2400


def register(app: typer.Typer) -> None:
    app.command()(pianoroll)


def pianoroll(
    source: Annotated[
        Path, typer.Argument(help="A MIDI file, or a project folder Musia wrote (its .mid file).")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="PNG file to write; default beside the source.", dir_okay=False
        ),
    ] = None,
    width: Annotated[
        int, typer.Option(help="Picture width in pixels (64-4096).", min=64, max=4096)
    ] = DEFAULT_WIDTH_PX,
) -> None:
    """Draw the whole song: one lane per part in its colour (drums a row per drum), the filter
    and pitch-bend automation under its lane, and the sections (from the file's markers) as
    named bands with a line down through every part."""
    from musia.formats.midi import read_midi
    from musia.formats.pictures import song_roll

    midi = _midi_file(source)
    target = out or midi.with_suffix(".png")
    if target.suffix.lower() != ".png":
        raise InvalidInput(f"the picture must be a .png file, not {target.name}", field="out")
    song = read_midi(midi)
    if len(song.sections) == 1 and (midi.parent / "plan.json").is_file():
        song = replace(song, sections=_plan_sections(midi.parent / "plan.json", song))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(song_roll(song, width_px=width))
    typer.echo(f"wrote {target}")


def _plan_sections(plan_file: Path, song: Song) -> tuple[Section, ...]:
    """The sections of the project's plan, for a MIDI file written before files held markers."""
    from musia.core.plan import Plan

    try:
        plan = Plan.model_validate_json(plan_file.read_text("utf-8"))
    except (OSError, ValueError):
        return song.sections
    sections, bar = [], 0
    for s in plan.sections:
        sections.append(Section(s.name, bar, s.bars, s.energy, s.parts))
        bar += s.bars
    return tuple(sections) or song.sections


def _midi_file(source: Path) -> Path:
    if not source.is_dir():
        return source
    found = sorted(source.glob("*.mid")) + sorted(source.glob("*.midi"))
    if len(found) != 1:
        raise InvalidInput(
            f"{source} holds {len(found)} MIDI files: name the one to draw", field="source"
        )
    return found[0]
