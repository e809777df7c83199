"""Musia's own generator as a gateway model (provider `local`): a box can hold generated Live
projects beside vendor results. The asset's file is the Live set; every file is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from musia.db.models import AiModel, AiProvider
from musia.errors import InvalidInput
from musia.gateway.generation import complete_asset
from musia.jobs.context import JobContext

LOCAL_BASE_URL = "http://127.0.0.1/local"  # never called: the work happens in the worker
CONTENT_TYPES = {".als": "application/gzip", ".mid": "audio/midi", ".json": "application/json"}
CONTENT_TYPES |= {".wav": "audio/wav"}


def local_model_rows(provider: AiProvider | None) -> tuple[AiProvider, AiModel]:
    """The `local` provider and its `musia-generate` model, as new or refreshed rows."""
    row = provider or AiProvider(name="local", base_url=LOCAL_BASE_URL, auth_scheme="none")
    row.is_active = True
    model = AiModel(
        name="musia-generate",
        kind="MUSIC",
        endpoint="/generate",
        request_schema={"prompt": "{{prompt}}"},
        parameters_schema={
            "fields": [
                {"name": "seed", "kind": "number", "integer": True, "min": 0, "max": 2**31 - 1},
                {"name": "audio", "kind": "bool", "default": False},
            ]
        },
        response_map={"delivery": "local", "description": "Musia's own Live set generator"},
    )
    return row, model


def generate_project(context: JobContext, model_row: AiModel) -> dict[str, Any]:
    from musia.core.plan_builder import plan_from_text
    from musia.production.assemble import write_project

    params = dict(context.input.get("params") or {})
    prompt = str(params.get("prompt", "")).strip()
    if not prompt:
        raise InvalidInput("the local generator needs a prompt", field="prompt")
    seed = params.get("seed")
    plan = plan_from_text(prompt, seed=int(seed) if isinstance(seed, int) else None)
    context.progress(0.1, "composing")
    prefix = f"generations/{context.job_id}"
    with context.runtime.scratch.temporary("gen-") as folder:
        project = write_project(plan, Path(folder), audio=bool(params.get("audio", False)))
        context.progress(0.8, "storing")
        files: dict[str, str] = {}
        try:
            for path in project.files:
                relative = path.relative_to(project.folder).as_posix()
                key = f"{prefix}/{relative}"
                context.runtime.storage.put_file(key, path, CONTENT_TYPES.get(path.suffix))
                files[relative] = key
            als = next((key for name, key in files.items() if name.endswith(".als")), None)
            _finish(context, als, files)
        except BaseException:  # a full disk or a lost database: no files without their asset
            context.runtime.storage.delete_prefix(prefix)
            raise
    return {"files": sorted(files.values()), "als": als}


def _finish(context: JobContext, als: str | None, files: dict[str, str]) -> None:
    size = context.runtime.storage.size(als) if als else None
    complete_asset(
        context,
        file_key=als,
        content_type="application/gzip",
        size_bytes=size,
        data={"files": files},
    )
