"""Music files: an upload is stored unchanged and analysed by a job; a modification is a job
that makes a new music file from a stored one or from a URL fetched safely.

The analysis and the transforms live in musia.audio (the `audio` extra); an installation
without it answers with a clear "unavailable" job error. Instructions are read with the prompt
reader: a tempo ("128 bpm", "faster"), a transposition, "add drums".
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType
from typing import Any

from musia.db.engine import transaction
from musia.db.models import Job, MusicFile
from musia.db.repos.jobs import Jobs
from musia.db.repos.media import Music
from musia.errors import InvalidInput, NotFound, Unavailable
from musia.jobs.context import JobContext
from musia.services.uow import UnitOfWork

ANALYZE_KIND = "music.analyze"
MODIFY_KIND = "music.modify"
TEMPO_NUDGE = 1.05  # "faster" with no number, as for a composed song


def audio_engine(name: str) -> ModuleType:
    try:
        return importlib.import_module(f"musia.audio.{name}")
    except ImportError as exc:
        raise Unavailable(
            f"audio {name} is not available in this installation (musia.audio.{name}: {exc})"
        ) from exc


def music_key(owner_id: str, music_id: str, filename: str) -> str:
    return f"music/{owner_id}/{music_id}/{filename}"


def add_uploaded(
    uow: UnitOfWork, owner_id: str, *, name: str, content_type: str, size_bytes: int
) -> tuple[MusicFile, Job]:
    """The row and its analysis job; the caller stores the file under `music.file`."""
    music = Music(uow.session).add(
        owner_id, name=name, file="", content_type=content_type, size_bytes=size_bytes
    )
    music.file = music_key(owner_id, music.id, name)
    job = Jobs(uow.session).create(owner_id, ANALYZE_KIND, {"music_id": music.id})
    uow.enqueue_after_commit(job.id)
    return music, job


def start_modification(
    uow: UnitOfWork,
    owner_id: str,
    instruction: str,
    music_id: str | None,
    music_url: str | None,
) -> Job:
    if music_id is not None:
        Music(uow.session).get(owner_id, music_id)  # someone else's answers 404
    payload = {
        "music_id": music_id,
        "music_url": music_url,
        "instruction": instruction,
        "edits": audio_edits(instruction),
    }
    job = Jobs(uow.session).create(owner_id, MODIFY_KIND, payload)
    uow.enqueue_after_commit(job.id)
    return job


def analyze_stored(context: JobContext) -> dict[str, Any]:
    music_id = str(context.input["music_id"])
    key = _stored_key(context, music_id)
    analysis = audio_engine("analysis")
    context.progress(0.1, "analysing")
    with context.runtime.scratch.temporary("analysis-") as folder:
        path = context.runtime.storage.fetch(key, Path(folder) / key.rsplit("/", 1)[-1])
        result = analysis.analyze_file(path).to_dict()
    with transaction(context.runtime.sessions) as session:
        music = Music(session).get_any(music_id)
        if music is None:
            raise NotFound("the music file was deleted while it was analysed")
        music.result_data = result
        music.processed = True
    return {"music_id": music_id, "analysis": result}


def modify_stored(context: JobContext) -> dict[str, Any]:
    """Fetch the source (a stored file, or the URL, stored first as a music file of its own),
    apply the instruction with the transforms, store the result as a new music file."""
    with context.runtime.scratch.temporary("modify-") as name:
        folder = Path(name)
        url = context.input.get("music_url")
        if url:
            source_id = _store_from_url(context, str(url), folder)
        else:
            source_id = str(context.input["music_id"])
        source_key, source_name = _stored(context, source_id)
        source = context.runtime.storage.fetch(source_key, folder / source_key.rsplit("/", 1)[-1])
        context.progress(0.3, "transforming")
        edits = context.input.get("edits") or audio_edits(str(context.input["instruction"]))
        produced, details = transform(source, edits, folder / "out", source_name)
        music_id = _store_produced(context, source_id, produced, details)
    return {"music_id": music_id, "source_id": source_id, **details}


def audio_edits(instruction: str) -> dict[str, Any]:
    """What a sentence asks of a piece of audio, or a 422 naming what can be asked."""
    from musia.core.prompt import read_prompt
    from musia.errors import UnknownInstruction

    reading = read_prompt(instruction)
    edits: dict[str, Any] = {}
    if reading.bpm is not None:
        edits["tempo"] = reading.bpm
    elif reading.tempo_direction:
        edits["ratio"] = TEMPO_NUDGE if reading.tempo_direction == "faster" else 1 / TEMPO_NUDGE
    if reading.transpose_semitones:
        edits["semitones"] = reading.transpose_semitones
    if "drums" in reading.include:
        edits["add_drums"] = reading.style or "house"
    if not edits:
        raise UnknownInstruction(
            "audio can be changed by tempo ('make it 128 bpm', 'faster'), transposition "
            "('transpose up 2 semitones') or 'add drums'",
            field="instruction",
        )
    return edits


def transform(
    source: Path, edits: dict[str, Any], out_dir: Path, source_name: str | None = None
) -> tuple[Path, dict[str, Any]]:
    """Apply the edits with musia.audio.transforms; the result is a new WAV file, analysed, as
    loud as the source (a stretch or shift loses a dB or two each pass, which piled up), and
    named by what was done ("x — 128 bpm, +2 st.wav")."""
    from musia.audio.io import read_audio, write_audio

    samples, rate = read_audio(source)
    source_lufs = _loudness(samples, rate)
    samples, steps, words = _apply(samples, rate, edits)
    samples = _keep_loudness(samples, rate, source_lufs)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = write_audio(out_dir / result_name(source_name or source.name, words), samples, rate)
    from musia.audio.analysis import analyze_signal

    return target, {"steps": steps, "analysis": analyze_signal(samples, rate).to_dict()}


def _apply(samples: Any, rate: int, edits: dict[str, Any]) -> tuple[Any, list[str], list[str]]:
    """The transformed samples, the steps for the record, the words for the file's name."""
    from musia.audio import transforms
    from musia.audio.analysis import analyze_signal
    from musia.production import drums

    steps: list[str] = []
    words: list[str] = []
    if "tempo" in edits:
        detected = analyze_signal(samples, rate).tempo_bpm
        if detected is None:
            raise InvalidInput("no steady tempo found in the audio", field="instruction")
        samples = transforms.stretch_to_tempo(samples, detected, float(edits["tempo"]))
        steps.append(f"tempo {detected:.2f} → {float(edits['tempo']):g} BPM")
        words.append(f"{float(edits['tempo']):g} bpm")
    if "ratio" in edits:
        samples = transforms.time_stretch(samples, float(edits["ratio"]))
        steps.append(f"ratio {float(edits['ratio']):.3f}")
        words.append(f"×{float(edits['ratio']):.3g} speed")
    if edits.get("semitones"):
        samples = transforms.transpose(samples, rate, float(edits["semitones"]))
        steps.append(f"transpose {float(edits['semitones']):+g} semitones")
        words.append(f"{float(edits['semitones']):+g} st")
    if "add_drums" in edits:
        analysis = analyze_signal(samples, rate)
        samples = drums.add_drums(samples, rate, str(edits["add_drums"]), analysis)
        steps.append(f"drums ({edits['add_drums']})")
        words.append(f"+ {edits['add_drums']} drums")
    return samples, steps, words


def _loudness(samples: Any, rate: int) -> float:
    import numpy as np

    from musia.audio.loudness import integrated_loudness

    return float(integrated_loudness(np.ascontiguousarray(samples.T), rate))


def _keep_loudness(samples: Any, rate: int, source_lufs: float) -> Any:
    """Back to the source's integrated loudness (true peak kept under −1 dBFS by the limiter);
    a silent or too-short source has no loudness to keep."""
    import math

    from musia.audio import transforms

    low, high = transforms.MIN_TARGET_LUFS, transforms.MAX_TARGET_LUFS
    if not (math.isfinite(source_lufs) and low <= source_lufs <= high):
        return samples
    if not math.isfinite(_loudness(samples, rate)):
        return samples
    return transforms.normalize(samples, rate, source_lufs)


NAME_SEPARATOR = " — "


def result_name(source_name: str, words: list[str]) -> str:
    """ "x.wav" + ["128 bpm", "+2 st"] → "x — 128 bpm, +2 st.wav". A source that is itself a
    result keeps its root and what was done before, updated: a new tempo replaces the old one,
    semitones add up ("x — 128 bpm, +2 st" + ["+1 st"] → "x — 128 bpm, +3 st")."""
    stem = Path(source_name).stem
    root, _, done = stem.partition(NAME_SEPARATOR)
    before = [w for w in done.split(", ") if w] if done else []
    merged = _merge_words(before, words)
    return f"{root}{NAME_SEPARATOR}{', '.join(merged)}.wav" if merged else f"{root}.wav"


def _merge_words(before: list[str], now: list[str]) -> list[str]:
    tempo = [w for w in now if w.endswith((" bpm", " speed"))]
    kept = [w for w in before if not (tempo and w.endswith((" bpm", " speed")))]
    semitones = sum(float(w.removesuffix(" st")) for w in kept + now if w.endswith(" st"))
    others = [w for w in kept + now if not w.endswith(" st") and w not in tempo]
    shift = [f"{semitones:+g} st"] if semitones else []
    return list(dict.fromkeys([*tempo, *others, *shift]))


def _store_from_url(context: JobContext, url: str, folder: Path) -> str:
    from urllib.parse import unquote, urlsplit

    from musia.fetch import fetch_to_file
    from musia.files import safe_name
    from musia.sniff import sniff_audio

    settings = context.runtime.settings
    context.progress(0.05, "downloading")
    target = folder / "download"
    fetch_to_file(
        url,
        target,
        limit_bytes=settings.upload.max_audio_bytes,
        allow_private=settings.http.allow_private_urls,
        timeout_s=settings.http.fetch_timeout_s,
    )
    with target.open("rb") as file:
        kind = sniff_audio(file.read(64))
    stem = Path(unquote(urlsplit(url).path)).stem
    name = safe_name(stem, fallback="music", max_chars=80) + kind.extension
    with transaction(context.runtime.sessions) as session:
        music = Music(session).add(
            context.owner_id,
            name=name,
            file="",
            content_type=kind.content_type,
            size_bytes=target.stat().st_size,
            source_url=url,
        )
        music.file = music_key(context.owner_id, music.id, name)
        context.runtime.storage.put_file(music.file, target, kind.content_type)
        return music.id


def _store_produced(
    context: JobContext, source_id: str, produced: Path, details: dict[str, Any]
) -> str:
    from musia.sniff import sniff_audio

    with produced.open("rb") as file:
        kind = sniff_audio(file.read(64))
    with transaction(context.runtime.sessions) as session:
        music = Music(session).add(
            context.owner_id,
            name=produced.name,
            file="",
            content_type=kind.content_type,
            size_bytes=produced.stat().st_size,
            source_id=source_id,
            instruction=str(context.input["instruction"]),
            processed=bool(details.get("analysis")),
            result_data=details.get("analysis"),
        )
        music.file = music_key(context.owner_id, music.id, _key_name(produced.name))
        context.runtime.storage.put_file(music.file, produced, kind.content_type)
        return music.id


def _key_name(name: str) -> str:
    """The name as a storage key segment: the dash and × of "x — ×1.05 speed" become plain."""
    return re.sub(r"[^\w .#()+,=@-]", "-", name, flags=re.UNICODE)


def _stored_key(context: JobContext, music_id: str) -> str:
    return _stored(context, music_id)[0]


def _stored(context: JobContext, music_id: str) -> tuple[str, str]:
    """The music file's storage key and its name as shown."""
    with transaction(context.runtime.sessions) as session:
        music = Music(session).get_any(music_id)
        if music is None:
            raise NotFound("the music file is gone")
        return music.file, music.name
