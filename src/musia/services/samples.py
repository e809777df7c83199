"""The service's sample library, with the CLI's semantics: an upload is analysed in a job by
`analyze_sample`, the function `musia samples index` runs on every file, and searched with the
CLI's query (`SampleQuery`, `matches`, `rank`) over its rows described in the index's shape. The
starter pack that `musia samples starter` writes is added to a library in one job.

What the producer states on upload (type, BPM, key, style) wins over what the analysis hears;
the analysis fills the rest. A sample's `data` holds the analysis:
`{"status": "pending" | "analysed" | "failed", "job_id", "analysis": {the index record},
"peaks": [48 levels for the table's thumbnail], "filled": [fields the analysis filled],
"starter": "Kicks/Musia Kick 01.wav" for the starter pack's files, "error": why it failed}`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import Row

from musia.audio.sample_search import SampleQuery, matches, parse_key, parse_type, rank
from musia.core.prompt.key import read_key_name
from musia.db.engine import transaction
from musia.db.models import Job, Sample
from musia.db.repos.jobs import Jobs
from musia.db.repos.media import Samples
from musia.errors import NotFound
from musia.jobs.context import JobContext
from musia.services.music import audio_engine
from musia.services.uow import UnitOfWork

ANALYZE_KIND = "samples.analyze"
STARTER_KIND = "samples.starter"
MAX_SEARCHED = 20_000  # the newest; the query runs over rows described in Python


def sample_key(owner_id: str, sample_id: str, filename: str) -> str:
    return f"samples/{owner_id}/{sample_id}/{filename}"


def stated_type(text: str | None) -> str | None:
    """The class a producer typed ("kicks", "hihat", "808", "loop"), or a 422 naming them."""
    return parse_type(text) if text and text.strip() else None


def stated_key(text: str | None) -> str | None:
    """ "Am", "la menor", "ля мінор" → "A minor" (stored so), or a 422."""
    return parse_key(text).name if text and text.strip() else None


def add_uploaded(
    uow: UnitOfWork,
    owner_id: str,
    *,
    name: str,
    content_type: str,
    size_bytes: int,
    stated: dict[str, Any],
) -> tuple[Sample, Job]:
    """The row and its analysis job; the caller stores the file under `sample.file_key`.
    `stated`: type, bpm, key and style as the producer gave them (already read)."""
    sample = Samples(uow.session).add(
        owner_id, name=name, file_key="", content_type=content_type, size_bytes=size_bytes,
        **stated,
    )  # fmt: skip
    sample.file_key = sample_key(owner_id, sample.id, name)
    job = Jobs(uow.session).create(owner_id, ANALYZE_KIND, {"sample_id": sample.id})
    sample.data = {"status": "pending", "job_id": job.id}
    uow.enqueue_after_commit(job.id)
    return sample, job


def start_analysis(uow: UnitOfWork, owner_id: str, sample_id: str) -> Job:
    """Analyse a stored sample again (one uploaded before uploads were analysed, or whose
    analysis failed); what the producer stated stays."""
    sample = Samples(uow.session).get(owner_id, sample_id)
    job = Jobs(uow.session).create(owner_id, ANALYZE_KIND, {"sample_id": sample.id})
    sample.data = {**(sample.data or {}), "status": "pending", "job_id": job.id}
    uow.enqueue_after_commit(job.id)
    return job


def start_starter(uow: UnitOfWork, owner_id: str) -> Job:
    job = Jobs(uow.session).create(owner_id, STARTER_KIND, {})
    uow.enqueue_after_commit(job.id)
    return job


# ---- search -------------------------------------------------------------------------------


def search(
    uow: UnitOfWork, owner_id: str, query: SampleQuery, offset: int, limit: int
) -> tuple[list[Sample], int]:
    """The page of the owner's samples that `query` finds, in the CLI's ranking, and how many
    it finds in all."""
    library = Samples(uow.session)
    rows = library.facts(owner_id, MAX_SEARCHED)
    found = rank(query, [d for d in map(describe, rows) if matches(query, d)])
    page = [str(d["id"]) for d in found[offset : offset + limit]]
    return library.by_ids(owner_id, page), len(found)


def describe(sample: Sample | Row[Any]) -> dict[str, Any]:
    """A service row in the shape of a row of the CLI's index, for `matches` and `rank`."""
    data = sample.data or {}
    analysis: dict[str, Any] = data.get("analysis") or {}
    class_name = sample.type
    if class_name in {"loop", "one-shot"}:
        kind: str | None = class_name
    else:
        kind = analysis.get("kind") or ("one-shot" if class_name else None)
    key = read_key_name(sample.key) if sample.key else None
    words = [*analysis.get("tags", []), sample.type or "", sample.style or ""]
    return {
        "id": sample.id,
        "path": sample.name,
        "root": "",
        "name": sample.name,
        "kind": kind,
        "class_name": class_name,
        "class_confidence": analysis.get("class_confidence"),
        "instrument": analysis.get("instrument"),
        "bpm": sample.bpm,
        "key_tonic_pc": key.tonic_pc if key else None,
        "key_mode": key.mode if key else None,
        "tags": " ".join(w for w in words if w),
        "style": sample.style,
    }


# ---- analysis jobs ------------------------------------------------------------------------


def analyze_stored(context: JobContext) -> dict[str, Any]:
    sample_id = str(context.input["sample_id"])
    with transaction(context.runtime.sessions) as session:
        row = Samples(session).get_any(sample_id)
        if row is None:
            raise NotFound("the sample was deleted before it was analysed")
        file_key, name = row.file_key, row.name
    context.progress(0.1, "analysing")
    with context.runtime.scratch.temporary("sample-") as folder:
        path = context.runtime.storage.fetch(file_key, Path(folder) / name)
        analysis, peaks = analysed(path, Path(folder))
    with transaction(context.runtime.sessions) as session:
        row = Samples(session).get_any(sample_id)
        if row is None:
            raise NotFound("the sample was deleted while it was analysed")
        apply_analysis(row, analysis, peaks)
        return {"sample_id": sample_id, "type": row.type, "bpm": row.bpm, "key": row.key}


def analysis_failed(context: JobContext, message: str) -> None:
    with transaction(context.runtime.sessions) as session:
        row = Samples(session).get_any(str(context.input.get("sample_id")))
        if row is not None:
            row.data = {**(row.data or {}), "status": "failed", "error": message}


def analysed(path: Path, root: Path) -> tuple[dict[str, Any], list[float]]:
    """What `musia samples index` records of the file (its path inside `root` gives the name
    hints), without the path, and its thumbnail."""
    engine = audio_engine("sample_analysis")
    record = engine.analyze_sample(path, root).to_dict()
    record.pop("path")
    return record, engine.thumbnail_peaks(path)


def apply_analysis(row: Sample, analysis: dict[str, Any], peaks: list[float]) -> None:
    """Fill what the producer did not state; keep the whole analysis in `data`."""
    filled = []
    for column, value in (
        ("type", analysis["class_name"]),
        ("bpm", analysis["bpm"]),
        ("key", analysis["key_name"]),
    ):
        if getattr(row, column) is None and value is not None:
            setattr(row, column, value)
            filled.append(column)
    row.duration_s = analysis["duration_s"]
    status = {"status": "analysed", "analysis": analysis, "peaks": peaks, "filled": filled}
    row.data = {k: v for k, v in (row.data or {}).items() if k != "error"} | status


# ---- the starter pack ---------------------------------------------------------------------


def add_starter(context: JobContext) -> dict[str, Any]:
    """Synthesise the starter pack, then add each file the library does not hold yet (by its
    place in the pack), analysed as `musia samples index --starter` would: one commit each."""
    from musia.audio.sample_starter import write_starter_pack

    audio_engine("sample_analysis")  # a clear "unavailable" before any work
    context.progress(0.02, "synthesising the starter pack")
    with context.runtime.scratch.temporary("starter-") as name:
        folder = Path(name)
        files = sorted(write_starter_pack(folder).written)
        with transaction(context.runtime.sessions) as session:
            held = _starter_paths(Samples(session).newest(context.owner_id, MAX_SEARCHED))
        added, kept = [], 0
        for number, path in enumerate(files, start=1):
            relative = path.relative_to(folder).as_posix()
            if relative in held:
                kept += 1
            else:
                added.append(_add_starter_file(context, path, relative, folder))
            fraction = 0.05 + 0.95 * number / len(files)
            context.progress(fraction, f"{path.name} ({number}/{len(files)})")
    return {"added": len(added), "kept": kept, "sample_ids": added}


def _starter_paths(rows: Iterable[Sample]) -> set[str]:
    return {str(row.data["starter"]) for row in rows if row.data and row.data.get("starter")}


def _add_starter_file(context: JobContext, path: Path, relative: str, folder: Path) -> str:
    """Row and file together: the file is stored before the row commits, and removed again
    when the commit fails, so neither outlives the other."""
    analysis, peaks = analysed(path, folder)
    storage, stored = context.runtime.storage, ""
    try:
        with transaction(context.runtime.sessions) as session:
            sample = Samples(session).add(
                context.owner_id, name=path.name, file_key="", content_type="audio/wav",
                size_bytes=path.stat().st_size, data={"starter": relative},
            )  # fmt: skip
            sample.file_key = sample_key(context.owner_id, sample.id, path.name)
            storage.put_file(sample.file_key, path, "audio/wav")
            stored = sample.file_key.rsplit("/", 1)[0] + "/"
            apply_analysis(sample, analysis, peaks)
            sample_id = sample.id
    except BaseException:
        if stored:
            storage.delete_prefix(stored)
        raise
    return sample_id
