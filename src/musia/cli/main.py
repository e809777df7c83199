"""The `musia` command. Every refusal is a one-line message on stderr and exit code 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from musia import __version__
from musia.cli import liveset
from musia.cli.providers import app as providers_app
from musia.cli.samples import app as samples_app
from musia.errors import MusiaError

if TYPE_CHECKING:
    from musia.core.plan import Plan
    from musia.formats.preview import Preview

app = typer.Typer(
    name="musia",
    help="Musia: a sentence becomes a music project you can open and finish.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(providers_app)
app.add_typer(samples_app)
liveset.register(app)

Prompt = Annotated[
    str, typer.Argument(help="What to make, in English, Spanish, Ukrainian or Russian.")
]
Seed = Annotated[
    int | None,
    typer.Option(
        help="Random seed (0 to 2^31-1); by default derived from the prompt.", min=0, max=2**31 - 1
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")]
SoundFontPath = Annotated[
    Path | None,
    typer.Option(
        help="General MIDI SoundFont (.sf2) to render with; default $MUSIA_SOUNDFONT, a system "
        "FluidR3_GM.sf2, else the TimGM6mb.sf2 that comes with the audio extra.",
        dir_okay=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"musia {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Musia: a sentence becomes a music project you can open and finish."""


@app.command()
def plan(text: Prompt, seed: Seed = None, as_json: AsJson = False) -> None:
    """Read a prompt and print the plan Musia would compose from it."""
    from musia.core.plan_builder import plan_from_text

    result = plan_from_text(text, seed=seed)
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    typer.echo(_describe(result))


@app.command()
def generate(
    text: Prompt,
    out: Annotated[Path, typer.Option(help="Folder to write the project into.")] = Path("out"),
    seed: Seed = None,
    live: Annotated[
        int, typer.Option(help="Live set format: 11 (opens in 11.3 and 12) or 12.")
    ] = 11,
    as_json: AsJson = False,
    no_audio: Annotated[
        bool, typer.Option("--no-audio", help="Skip the preview and stems (not the instruments).")
    ] = False,
    soundfont: SoundFontPath = None,
    name: Annotated[
        str | None, typer.Option(help="Name of the project and its files; default from the plan.")
    ] = None,
    zip_archive: Annotated[
        bool, typer.Option("--zip", help="Also pack the project folder as DIR/<Name> Project.zip.")
    ] = False,
    samples: Annotated[
        Path | None,
        typer.Option(
            help="A sample index (`musia samples index`): use its drum one-shots and a loop "
            "within ±5 BPM in the song's key."
        ),
    ] = None,
) -> None:
    """Compose a song from a prompt and write its project folder: Live set (its MIDI tracks
    play Musia's instruments, samples in Samples/Instruments/: a Drum Rack, and Samplers (Live
    12) or key-zoned Instrument Racks of Simplers (Live 11) for the other parts), MIDI
    file, plan, the audio preview (preview.wav) and one stem per part (Samples/Imported/, on a
    muted group of reference tracks); with --samples, the chosen library samples in
    Samples/Imported/Library/ (drum pads and a loop track)."""
    from musia.project import generate_project

    with _progress("rendering") as progress:
        result = generate_project(
            text,
            out,
            seed=seed,
            live_version=live,
            audio=not no_audio,
            soundfont=soundfont,
            progress=progress,
            name=name,
            zip_archive=zip_archive,
            samples_index=samples,
        )
    for warning in result.warnings:
        typer.echo(f"musia: warning: {warning}", err=True)
    if as_json:
        typer.echo(json.dumps(result.summary(), ensure_ascii=False, indent=2))
        return
    typer.echo(_describe(result.plan))
    if result.preview:
        typer.echo(_describe_audio(result.preview))
    for path in result.files:
        typer.echo(f"wrote {path}")


@app.command()
def render(
    source: Annotated[
        Path,
        typer.Argument(help="A MIDI file, a project folder Musia wrote, or its plan.json."),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="WAV file to write; default beside the source (preview.wav in a project).",
            dir_okay=False,
        ),
    ] = None,
    stems: Annotated[
        Path | None,
        typer.Option(help="Also write one WAV per part into this folder.", file_okay=False),
    ] = None,
    soundfont: SoundFontPath = None,
    as_json: AsJson = False,
) -> None:
    """Render a MIDI file or a Musia song to a 44.1 kHz stereo WAV, normalised to -14 LUFS."""
    from musia.errors import InvalidInput
    from musia.formats.preview import render_song, song_from_source, write_stems, write_wav

    song, balance, default_out = song_from_source(source)
    target = out or default_out
    if target.suffix.lower() != ".wav":
        raise InvalidInput(f"the output must be a .wav file, not {target.name}", field="out")
    if target.exists() and target.resolve() == source.resolve():
        raise InvalidInput("the output would overwrite the source", field="out")
    with _progress("rendering") as progress:
        preview = render_song(song, soundfont=soundfont, balance=balance, progress=progress)
    target.parent.mkdir(parents=True, exist_ok=True)
    written = [write_wav(target, preview.mix, preview.sample_rate)]
    if stems:
        written += write_stems(preview, stems)
    if as_json:
        summary = preview.summary() | {"files": [str(p) for p in written]}
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    typer.echo(_describe_audio(preview))
    for path in written:
        typer.echo(f"wrote {path}")


@app.command()
def styles(as_json: AsJson = False) -> None:
    """List the styles Musia composes, with their tempo ranges and default keys."""
    from musia.core.styles import load_style, style_names

    rows = []
    for name in style_names():
        style = load_style(name)
        rows.append(
            {
                "style": name,
                "bpm_min": style.tempo_min,
                "bpm_default": style.tempo_default,
                "bpm_max": style.tempo_max,
                "parts": list(style.parts),
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        bpm = f"{row['bpm_min']:g}-{row['bpm_max']:g} BPM (default {row['bpm_default']:g})"
        typer.echo(f"{row['style']:<18} {bpm}")


def _describe_audio(preview: Preview) -> str:
    minutes, seconds = divmod(preview.duration_s, 60)
    return (
        f"audio: {int(minutes)}:{seconds:04.1f}, {preview.sample_rate} Hz stereo, "
        f"{preview.loudness_lufs:.1f} LUFS, peak {preview.peak_dbfs:.1f} dBFS, "
        f"{len(preview.stems)} stems, "
        + (f"SoundFont {preview.soundfont.name}" if preview.soundfont else "Musia's instruments")
    )


@contextmanager
def _progress(verb: str) -> Iterator[Callable[[str], None] | None]:
    """A spinner naming the part being rendered, on a terminal only (pipes and tests get none)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console

    with Console(stderr=True).status(f"{verb}…") as status:
        yield lambda part: status.update(f"{verb} {part}…")


def _describe(plan: Plan) -> str:
    lines = [
        f"intent: {plan.intent}",
        f"style: {plan.style}  tempo: {plan.bpm:g} BPM  key: {plan.key.name}  "
        f"time: {plan.time_signature}  bars: {plan.bars}",
        f"parts: {', '.join(plan.parts)}  mood: {plan.mood or '-'}  seed: {plan.seed}",
    ]
    if plan.sections:
        lines.append("sections: " + ", ".join(f"{s.name} {s.bars}" for s in plan.sections))
    lines += [f"warning: {w}" for w in plan.warnings]
    return "\n".join(lines)


def _register_commands() -> None:
    from musia.cli import audio, gateway, jobs, pictures, service

    audio.register(app)
    pictures.register(app)
    service.register(app)
    jobs.register(app)
    gateway.register(app, providers_app)


_register_commands()


def main() -> None:
    try:
        app()
    except MusiaError as exc:
        typer.echo(f"musia: error: {exc.message}", err=True)
        sys.exit(2)
    except OSError as exc:  # a folder that cannot be written, a disk that is full
        typer.echo(
            f"musia: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True
        )
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("musia: interrupted", err=True)
        sys.exit(130)
