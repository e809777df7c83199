"""Boxes and assets (the seeds' workspace): a user's collections of uploaded and generated
files. A generated asset is made by a `provider_generation` job; its parameters are checked
against the model's form before the job is queued, so a bad request never reaches a worker.
Another user's box or asset answers NotFound, like a missing one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from musia.db.models import Asset, Box, JobStatus
from musia.db.repos.jobs import Jobs
from musia.errors import InvalidInput, NotFound
from musia.gateway.generation import KIND
from musia.gateway.store import LOCAL, active_model, model_spec
from musia.services.uow import UnitOfWork

# Variables a parent asset fills, by the kind of its file.
PARENT_VARIABLES = {"image": "image_url", "audio": "audio_url", "video": "video_url"}


def create_box(uow: UnitOfWork, owner_id: str, name: str, description: str | None) -> Box:
    box = Box(owner_id=owner_id, name=name, description=description)
    uow.session.add(box)
    uow.session.flush()
    return box


def boxes(uow: UnitOfWork, owner_id: str) -> list[Box]:
    query = select(Box).where(Box.owner_id == owner_id).order_by(Box.created_at)
    return list(uow.session.scalars(query))


def box(uow: UnitOfWork, owner_id: str, box_id: str) -> Box:
    found = uow.session.get(Box, box_id)
    if found is None or found.owner_id != owner_id:
        raise NotFound(f"no box {box_id}")
    return found


def asset(uow: UnitOfWork, owner_id: str, asset_id: str) -> Asset:
    found = uow.session.get(Asset, asset_id)
    if found is None or found.owner_id != owner_id:
        raise NotFound(f"no asset {asset_id}")
    return found


def box_assets(uow: UnitOfWork, owner_id: str, box_id: str) -> list[Asset]:
    box(uow, owner_id, box_id)
    query = select(Asset).where(Asset.box_id == box_id).order_by(Asset.created_at)
    return list(uow.session.scalars(query))


def generate(
    uow: UnitOfWork,
    owner_id: str,
    box_id: str,
    *,
    prompt: str,
    ai_model_id: str,
    parent_asset_id: str | None,
    generation_config: dict[str, Any],
    parent_url: str | None,
) -> Asset:
    box(uow, owner_id, box_id)
    model_row, provider_row = active_model(uow.session, ai_model_id)
    params: dict[str, Any] = {**generation_config, "prompt": prompt}
    parent = asset(uow, owner_id, parent_asset_id) if parent_asset_id else None
    if parent is not None:
        if parent.status != JobStatus.COMPLETED or not parent.file_key:
            raise InvalidInput("the parent asset has no file yet", field="parent_asset_id")
        variable = PARENT_VARIABLES.get(parent.kind)
        if variable and parent_url:
            params.setdefault(variable, parent_url)
    if provider_row.name != LOCAL:
        from musia.providers.templating import build_request

        spec = model_spec(model_row, provider_row.name)
        declared = {field.name for field in spec.parameters_schema}
        params = {k: v for k, v in params.items() if k in declared or k in generation_config}
        build_request(spec, params)  # field errors now, not in a worker
    made = Asset(
        owner_id=owner_id,
        box_id=box_id,
        kind=model_row.kind.lower(),
        name=prompt[:200],
        status=JobStatus.PENDING,
        prompt_text=prompt,
        ai_model_id=model_row.id,
        parent_asset_id=parent.id if parent else None,
    )
    uow.session.add(made)
    uow.session.flush()
    job = Jobs(uow.session).create(
        owner_id, KIND, {"model_id": model_row.id, "params": params, "asset_id": made.id}
    )
    made.job_id = job.id
    uow.enqueue_after_commit(job.id)
    return made


def asset_view(uow: UnitOfWork, found: Asset) -> dict[str, Any]:
    """An asset with its live status: a generated one follows its job's row."""
    status, error = found.status, found.error_message
    if found.job_id and status == JobStatus.PENDING:
        job = Jobs(uow.session).get_any(found.job_id)
        if job is not None:
            status, error = job.status, job.error or error
    return {
        "id": found.id,
        "box_id": found.box_id,
        "kind": found.kind,
        "name": found.name,
        "status": status,
        "prompt_text": found.prompt_text,
        "ai_model_id": found.ai_model_id,
        "parent_asset_id": found.parent_asset_id,
        "job_id": found.job_id,
        "external_task_id": found.external_task_id,
        "error_message": error,
        "content_type": found.content_type,
        "size_bytes": found.size_bytes,
        "file_url": f"/api/v1/assets/{found.id}/file" if found.file_key else None,
        "created_at": found.created_at,
    }
