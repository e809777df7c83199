"""`musia samples`: index folders of samples, search them, write the starter pack."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    name="samples",
    help="The sample library: index folders of audio, search them, write the starter pack.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

IndexFile = Annotated[
    Path | None,
    typer.Option(
        "--index",
        help="The index file; default $MUSIA_DATA_DIR/samples.sqlite, else "
        "~/.local/share/musia/samples.sqlite.",
        dir_okay=False,
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")]
_SHOWN = (
    "path", "name", "kind", "class_name", "class_confidence", "class_source", "audio_class",
    "name_class", "instrument", "duration_s", "sample_rate", "channels", "loudness_lufs",
    "peak_dbfs", "bpm", "bpm_source", "key_tonic_pc", "key_mode", "key_name", "key_confidence",
    "tags",
)  # fmt: skip


@app.command()
def index(
    folder: Annotated[Path, typer.Argument(help="The folder to index, with its subfolders.")],
    index_file: IndexFile = None,
    starter: Annotated[
        bool,
        typer.Option("--starter", help="First write Musia's starter pack into the folder."),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Index the audio files under a folder; a second run analyses only what changed."""
    from musia.audio.samples import SampleIndex

    if starter:
        from musia.audio.sample_starter import write_starter_pack

        folder.mkdir(parents=True, exist_ok=True)
        write_starter_pack(folder)
    with SampleIndex(index_file) as library:
        report = library.update(folder, progress=_progress_printer())
        total = len(library.rows())
    if as_json:
        typer.echo(json.dumps(report.to_dict() | {"index": str(library.path), "samples": total}))
        return
    typer.echo(
        f"{report.root}: {len(report.added)} added, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged, {len(report.removed)} removed, "
        f"{len(report.skipped)} skipped; {total} samples in {library.path}"
    )
    for path, reason in report.skipped.items():
        typer.echo(f"skipped {path}: {reason}")


@app.command()
def search(
    type_text: Annotated[
        str | None,
        typer.Option(
            "--type",
            help="kick, snare, clap, hat, cymbal, tom, perc, bass, lead, "
            "pad, fx, vocal, loop or one-shot.",
        ),
    ] = None,
    bpm: Annotated[
        str | None, typer.Option(help="A tempo range, LOW-HIGH (e.g. 120-128), loops only.")
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(help="A key in any spelling: Am, F#, C major, Bb minor, la menor, ля мінор."),
    ] = None,
    text: Annotated[
        str | None, typer.Option(help="Words that the path or the tags must hold.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many results.")] = None,
    index_file: IndexFile = None,
    as_json: AsJson = False,
) -> None:
    """Search the index: by class, tempo range, key and words."""
    from musia.audio.sample_search import SampleQuery
    from musia.audio.samples import SampleIndex, default_index_path

    query = SampleQuery.parse(
        type_text=type_text, bpm_text=bpm, key_text=key, text=text, limit=limit
    )
    path = index_file or default_index_path()
    if not path.exists():
        typer.echo(f"musia: no index at {path} yet: run `musia samples index DIR`", err=True)
        results: list[dict[str, Any]] = []
    else:
        with SampleIndex(path) as library:
            results = library.search(query)
    if as_json:
        typer.echo(json.dumps([{k: r[k] for k in _SHOWN} for r in results], ensure_ascii=False))
        return
    for row in results:
        typer.echo(_line(row))


@app.command()
def starter(
    folder: Annotated[Path, typer.Argument(help="Where to write the pack (made if missing).")],
) -> None:
    """Write the starter pack that Musia synthesises: drum, bass, lead, pad and FX one-shots,
    and two loops. Files already there are kept."""
    from musia.audio.sample_starter import write_starter_pack

    if folder.exists() and not folder.is_dir():
        from musia.errors import InvalidInput

        raise InvalidInput(f"{folder} is not a folder", field="folder")
    folder.mkdir(parents=True, exist_ok=True)
    report = write_starter_pack(folder)
    typer.echo(f"wrote {len(report.written)} samples into {folder} ({len(report.kept)} kept)")


def _line(row: dict[str, Any]) -> str:
    details = [row["kind"], row["class_name"]]
    if row["bpm"] is not None:
        details.append(f"{row['bpm']:g} BPM")
    if row["key_name"]:
        details.append(row["key_name"])
    details.append(f"{row['duration_s']:.2f} s")
    if row["loudness_lufs"] is not None:
        details.append(f"{row['loudness_lufs']:.1f} LUFS")
    return f"{row['path']}  [{', '.join(details)}]"


def _progress_printer() -> Any:
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    console = Console(stderr=True)
    return lambda name: console.print(f"indexing {name}", end="\r", highlight=False)
