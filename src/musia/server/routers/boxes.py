"""Boxes and assets (the seeds' workspace API) and the gateway's model list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from musia.db.models import Asset, JobStatus
from musia.errors import InvalidInput, UnsupportedType
from musia.gateway.store import active_models, model_summary
from musia.providers.download import sniff
from musia.server import files, uploads
from musia.server.deps import CurrentUser, Work
from musia.services import boxes as service

router = APIRouter(tags=["boxes"])
MAX_PROMPT_CHARS = 4000


class BoxIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4000)


class BoxOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    description: str | None
    created_at: datetime


class GenerateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS)
    ai_model_id: str = Field(min_length=1, max_length=32)
    # an id, never a path: it goes into the parent asset's URL (a "/" made url_for raise, a 500)
    parent_asset_id: str | None = Field(default=None, max_length=32, pattern=r"^[0-9A-Za-z_-]+$")
    generation_config: dict[str, Any] = Field(default_factory=dict, max_length=64)


class AssetOut(BaseModel):
    id: str
    box_id: str | None
    kind: str
    name: str
    status: str
    prompt_text: str | None
    ai_model_id: str | None
    parent_asset_id: str | None
    job_id: str | None
    external_task_id: str | None
    error_message: str | None
    content_type: str | None
    size_bytes: int | None
    file_url: str | None
    created_at: datetime


def _out(uow: Work, asset: Asset) -> AssetOut:
    return AssetOut.model_validate(service.asset_view(uow, asset))


@router.get("/providers/models")
def list_models(_user: CurrentUser, uow: Work) -> list[dict[str, Any]]:
    """Active models with the form (parameters_schema) a client shows; never a key."""
    return [model_summary(model, provider) for model, provider in active_models(uow.session)]


@router.post("/boxes", status_code=201, response_model=BoxOut)
def create_box(body: BoxIn, user: CurrentUser, uow: Work) -> BoxOut:
    return BoxOut.model_validate(service.create_box(uow, user.id, body.name, body.description))


@router.get("/boxes", response_model=list[BoxOut])
def list_boxes(user: CurrentUser, uow: Work) -> list[BoxOut]:
    return [BoxOut.model_validate(found) for found in service.boxes(uow, user.id)]


@router.get("/boxes/{box_id}/assets", response_model=list[AssetOut])
def list_assets(box_id: str, user: CurrentUser, uow: Work) -> list[AssetOut]:
    return [_out(uow, found) for found in service.box_assets(uow, user.id, box_id)]


@router.post("/boxes/{box_id}/upload", status_code=201, response_model=AssetOut)
def upload(
    box_id: str,
    user: CurrentUser,
    uow: Work,
    file: Annotated[UploadFile, File()],
    prompt_text: Annotated[str | None, Form(max_length=MAX_PROMPT_CHARS)] = None,
) -> AssetOut:
    service.box(uow, user.id, box_id)
    size = uploads.check_size(file, uow.runtime.settings.upload.max_audio_bytes)
    found = sniff(uploads.read_head(file))
    if found is None:
        raise UnsupportedType("the file is not audio, an image or a video", field="file")
    content_type, extension = found
    kind = uploads.Kind(content_type, extension)
    asset = Asset(
        owner_id=user.id,
        box_id=box_id,
        kind=content_type.split("/")[0],
        name=uploads.stored_name(file, kind, "upload"),
        content_type=content_type,
        size_bytes=size,
        prompt_text=prompt_text,
        status=JobStatus.COMPLETED,
    )
    uow.session.add(asset)
    uow.session.flush()
    asset.file_key = f"assets/{user.id}/{asset.id}/{asset.name}"
    uploads.store(uow, file, asset.file_key, kind)
    return _out(uow, asset)


@router.post("/boxes/{box_id}/generate", status_code=202, response_model=AssetOut)
def generate(
    box_id: str, body: GenerateIn, request: Request, user: CurrentUser, uow: Work
) -> AssetOut:
    parent_url = None
    if body.parent_asset_id:
        parent_url = str(request.url_for("asset_file", asset_id=body.parent_asset_id))
    asset = service.generate(
        uow,
        user.id,
        box_id,
        prompt=body.prompt,
        ai_model_id=body.ai_model_id,
        parent_asset_id=body.parent_asset_id,
        generation_config=body.generation_config,
        parent_url=parent_url,
    )
    return _out(uow, asset)


@router.get("/assets/{asset_id}", response_model=AssetOut)
def get_asset(asset_id: str, user: CurrentUser, uow: Work) -> AssetOut:
    return _out(uow, service.asset(uow, user.id, asset_id))


@router.get("/assets/{asset_id}/file", response_class=Response, name="asset_file")
def asset_file(asset_id: str, user: CurrentUser, uow: Work) -> Response:
    found = service.asset(uow, user.id, asset_id)
    if not found.file_key:
        raise InvalidInput("the asset has no file yet")
    media_type = found.content_type or "application/octet-stream"
    return files.send(
        uow.runtime.storage, found.file_key, found.file_key.rsplit("/", 1)[-1], media_type
    )
