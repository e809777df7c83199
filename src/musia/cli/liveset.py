"""`musia inspect`, `musia export-midi` and `musia edit`: any Live set in, facts, MIDI or an
edited set out. The input is never overwritten unless `--in-place`, which keeps a backup."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from musia.errors import InvalidInput

SetPath = Annotated[Path, typer.Argument(help="A Live set (.als, gzip or plain XML).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")]
MaxMb = Annotated[
    int, typer.Option("--max-mb", help="Refuse sets whose XML is larger (MB).", min=1, max=4096)
]


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect_set)
    app.command("export-midi")(export_midi)
    app.command("edit")(edit_set)


def inspect_set(source: SetPath, as_json: AsJson = False, max_mb: MaxMb = 512) -> None:
    """Show what a Live set holds: version, tempo, tracks, devices, clips, scenes, locators."""
    from musia.formats.als.inspect import describe, summary
    from musia.formats.als.reader import read_set

    info = read_set(source, max_mb * 1024 * 1024).info
    if as_json:
        typer.echo(json.dumps(summary(info), ensure_ascii=False, indent=2))
        return
    typer.echo(describe(info))


def export_midi(
    source: SetPath,
    out: Annotated[Path, typer.Option("--out", "-o", help="MIDI file to write.", dir_okay=False)],
    session: Annotated[
        bool, typer.Option("--session", help="Also export session clips, after the arrangement.")
    ] = False,
    max_mb: MaxMb = 512,
) -> None:
    """Write every arrangement MIDI clip at its place, with the set's tempo map, as a MIDI file."""
    from musia.formats.als.export import export_midi as export
    from musia.formats.als.reader import read_set

    _not_the_source(source, out)
    live_set = read_set(source, max_mb * 1024 * 1024)
    notes = export(live_set, out, session=session)
    typer.echo(f"wrote {out} ({notes} notes)")


def edit_set(
    source: SetPath,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Edited set to write.", dir_okay=False)
    ] = None,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Overwrite the set, keeping SET.als.bak.")
    ] = False,
    tempo: Annotated[float | None, typer.Option(help="New tempo in BPM.")] = None,
    transpose: Annotated[
        int | None, typer.Option(help="Semitones for pitched MIDI tracks (not drums).")
    ] = None,
    rename_track: Annotated[
        list[str] | None, typer.Option("--rename-track", help="OLD=NEW (repeatable).")
    ] = None,
    mute: Annotated[list[str] | None, typer.Option(help="Track to mute (repeatable).")] = None,
    delete_track: Annotated[
        list[str] | None, typer.Option("--delete-track", help="Track to delete (repeatable).")
    ] = None,
    add_part: Annotated[
        list[str] | None,
        typer.Option("--add-part", help="bass, chords, pad, lead or drums (repeatable)."),
    ] = None,
    key: Annotated[
        str | None, typer.Option(help="Key for --add-part, e.g. 'A minor'; default: detected.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for --add-part.", min=0, max=2**31 - 1)] = 1,
    as_json: AsJson = False,
    max_mb: MaxMb = 512,
) -> None:
    """Edit a Live set: everything the edits do not touch is kept byte for byte."""
    from musia.formats.als.editor import SetEditor
    from musia.formats.als.reader import read_set
    from musia.formats.als.save import save_set

    target = _target(source, out, in_place)
    live_set = read_set(source, max_mb * 1024 * 1024)
    editor = SetEditor(live_set)
    for pair in rename_track or []:
        old, sep, new = pair.partition("=")
        if not sep:
            raise InvalidInput(f"--rename-track wants OLD=NEW, got {pair!r}", field="rename_track")
        editor.rename_track(old, new)
    for name in mute or []:
        editor.mute(name)
    for name in delete_track or []:
        editor.delete_track(name)
    if tempo is not None:
        editor.set_tempo(tempo)
    if transpose:
        editor.transpose(transpose)
    if add_part:
        from musia.formats.als.addpart import add_parts

        add_parts(editor, add_part, key=key, seed=seed)
    if not editor.changes:
        raise InvalidInput("no edit asked: use --tempo, --transpose, --rename-track, --mute, "
                           "--delete-track or --add-part", field="edit")  # fmt: skip
    backup = save_set(editor.to_bytes(), target, gzipped=live_set.gzipped, backup=in_place)
    if as_json:
        body = {"out": str(target), "changes": editor.changes}
        body |= {"backup": str(backup)} if backup else {}
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    for change in editor.changes:
        typer.echo(change)
    typer.echo(f"wrote {target}" + (f" (backup {backup})" if backup else ""))


def _target(source: Path, out: Path | None, in_place: bool) -> Path:
    if in_place:
        if out is not None:
            raise InvalidInput("give either --out or --in-place, not both", field="out")
        return source
    if out is None:
        raise InvalidInput("give --out OUT.als (or --in-place to overwrite, with a backup)")
    _not_the_source(source, out)
    return out


def _not_the_source(source: Path, out: Path) -> None:
    if out.exists() and source.exists() and out.resolve() == source.resolve():
        raise InvalidInput("the output would overwrite the input; use --in-place", field="out")
