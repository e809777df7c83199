"""`musia analyze` and `musia transform`: audio in, facts or a new audio file out."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from musia.audio import transforms
from musia.audio.analysis import analyze_signal
from musia.errors import InvalidInput, UnknownInstruction

if TYPE_CHECKING:
    from musia.audio.analysis import AudioAnalysis
    from musia.audio.transforms import Samples


def register(app: typer.Typer) -> None:
    app.command()(analyze)
    app.command()(transform)


def analyze(
    source: Annotated[Path, typer.Argument(help="An audio file: WAV, FLAC, Ogg, MP3 or AIFF.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")] = False,
) -> None:
    """Tempo and beats, key, loudness, peaks, onset rate and spectrum of an audio file."""
    from musia.audio.analysis import analyze_file

    result = analyze_file(source)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    typer.echo(describe(result))


def transform(
    source: Annotated[Path, typer.Argument(help="The audio file to transform (kept as it is).")],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="The new file: .wav, .flac, .ogg or .aiff.", dir_okay=False
        ),
    ],
    tempo: Annotated[
        float | None, typer.Option(help="Stretch to this tempo (BPM), pitch kept.")
    ] = None,
    ratio: Annotated[
        float | None, typer.Option(help="Stretch by this speed ratio (1.25: faster).")
    ] = None,
    semitones: Annotated[
        float | None, typer.Option(help="Transpose by -12 … +12 semitones, tempo kept.")
    ] = None,
    normalize: Annotated[
        float | None, typer.Option(help="Normalise the integrated loudness to this LUFS.")
    ] = None,
    trim: Annotated[
        str | None, typer.Option(help="Keep START:END seconds (either may be empty).")
    ] = None,
    fade_in: Annotated[float | None, typer.Option(help="Fade in over S seconds.")] = None,
    fade_out: Annotated[float | None, typer.Option(help="Fade out over S seconds.")] = None,
    add_drums: Annotated[
        str | None, typer.Option(help="Add a drum part in this style at the detected tempo.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")] = False,
) -> None:
    """Apply instructions to an audio file and write the result to a new file. Several may be
    combined; they apply in this order: trim, tempo/ratio, semitones, add-drums, normalize,
    fades."""
    from musia.audio.io import WRITE_FORMATS, read_audio, write_audio

    if out.suffix.lower() not in WRITE_FORMATS:
        known = ", ".join(sorted(WRITE_FORMATS))
        raise InvalidInput(f"the output must end in one of {known}, not {out.name}", field="out")
    if out.exists() and source.exists() and out.resolve() == source.resolve():
        raise InvalidInput("the output would overwrite the input: name a new file", field="out")
    if tempo is not None and ratio is not None:
        raise UnknownInstruction("give --tempo or --ratio, not both", field="tempo")
    asked = [tempo, ratio, semitones, normalize, trim, fade_in, fade_out, add_drums]
    if all(value is None for value in asked):
        raise UnknownInstruction("no instruction given: see musia transform --help")
    trim_s = parse_trim(trim) if trim is not None else None
    samples, rate = read_audio(source)
    steps: list[str] = []
    if trim_s is not None:
        samples = transforms.trim(samples, rate, *trim_s)
        steps.append(f"trim {trim}")
    samples = _retime(samples, rate, tempo, ratio, semitones, steps)
    if add_drums is not None:
        from musia.production import drums  # the composer and renderer: only when asked

        analysis = analyze_signal(samples, rate)
        samples = drums.add_drums(samples, rate, add_drums, analysis)
        steps.append(f"drums ({add_drums}) at {analysis.tempo_bpm:.2f} BPM")
    if normalize is not None:
        samples = transforms.normalize(samples, rate, normalize)
        steps.append(f"normalize {normalize:g} LUFS")
    if fade_in is not None or fade_out is not None:
        samples = transforms.fade(samples, rate, in_s=fade_in or 0.0, out_s=fade_out or 0.0)
        steps.append("fade")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_audio(out, samples, rate)
    summary = {"file": str(out), "duration_s": round(samples.shape[0] / rate, 3), "steps": steps}
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    typer.echo("; ".join(steps))
    typer.echo(f"wrote {out} ({summary['duration_s']} s)")


def _retime(
    samples: Samples,
    rate: int,
    tempo: float | None,
    ratio: float | None,
    semitones: float | None,
    steps: list[str],
) -> Samples:
    """The stretch (to a tempo, or by a ratio), then the transposition."""
    if tempo is not None:
        detected = analyze_signal(samples, rate).tempo_bpm
        if detected is None:
            raise InvalidInput("no steady tempo found in the audio: use --ratio instead")
        samples = transforms.stretch_to_tempo(samples, detected, tempo)
        steps.append(f"tempo {detected:.2f} → {tempo:g} BPM")
    if ratio is not None:
        samples = transforms.time_stretch(samples, ratio)
        steps.append(f"ratio {ratio:g}")
    if semitones is not None:
        samples = transforms.transpose(samples, rate, semitones)
        steps.append(f"transpose {semitones:+g} semitones")
    return samples


def parse_trim(text: str) -> tuple[float, float | None]:
    """ "START:END" in seconds; an empty START is 0, an empty END the end of the audio."""
    start_text, colon, end_text = text.partition(":")
    try:
        if not colon:
            raise ValueError(text)
        start_s = float(start_text) if start_text.strip() else 0.0
        end_s = float(end_text) if end_text.strip() else None
    except ValueError as exc:
        raise UnknownInstruction(
            f"--trim takes START:END in seconds (e.g. 1.5:30), got {text!r}", field="trim"
        ) from exc
    if not math.isfinite(start_s) or (end_s is not None and not math.isfinite(end_s)):
        raise UnknownInstruction(f"--trim takes finite seconds, got {text!r}", field="trim")
    return start_s, end_s


def describe(result: AudioAnalysis) -> str:
    minutes, seconds = divmod(result.duration_s, 60)
    tempo = (
        f"{result.tempo_bpm:.2f} BPM (confidence {result.tempo_confidence:.2f}, "
        f"{len(result.beat_times_s)} beats)"
        if result.tempo_bpm
        else "no steady tempo"
    )
    key = (
        f"{result.key_name} (confidence {result.key_confidence:.2f})"
        if result.key_name
        else "no key"
    )
    loudness = f"{result.loudness_lufs:.1f} LUFS" if result.loudness_lufs is not None else "silent"
    peaks = "no peak"
    if result.sample_peak_dbfs is not None and result.true_peak_dbfs is not None:
        peaks = f"sample peak {result.sample_peak_dbfs:.1f} dBFS, "
        peaks += f"true peak {result.true_peak_dbfs:.1f} dBFS"
    spectral = result.spectral
    return "\n".join(
        [
            f"duration: {int(minutes)}:{seconds:04.1f}, {result.sample_rate} Hz, "
            f"{result.channels} channel{'s' if result.channels != 1 else ''}",
            f"tempo: {tempo}",
            f"key: {key}",
            f"loudness: {loudness}, {peaks}",
            f"onsets: {result.onset_rate_per_s:.2f} per second",
            f"spectrum: centroid {spectral.centroid_hz:.0f} Hz, rolloff {spectral.rolloff_hz:.0f}"
            f" Hz, bandwidth {spectral.bandwidth_hz:.0f} Hz, flatness {spectral.flatness:.3f}",
        ]
    )
