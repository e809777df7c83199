"""`ai_provider` / `ai_model` rows ↔ `musia.providers` specs. A model row keeps the columns an
operator edits most (endpoint, request_schema, parameters_schema) and the rest of the spec
(delivery, readings, envelope, poll) in `response_map`; a row always loads back into a checked
ModelSpec, or the job refuses it with the spec's reasons."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session

from musia.db.models import AiModel, AiProvider
from musia.errors import NotFound
from musia.gateway.keys import decrypt, encrypt
from musia.providers import Auth, ModelSpec, Provider, preset
from musia.providers.spec import load_model
from musia.settings import Settings

COLUMNS = ("name", "type", "endpoint", "request_schema", "parameters_schema", "provider")
LOCAL = "local"  # Musia's own generator: a model of this provider makes Live projects


def model_values(spec: ModelSpec) -> dict[str, Any]:
    data = spec.model_dump(mode="json")
    rest = {key: value for key, value in data.items() if key not in COLUMNS}
    return {
        "name": spec.name,
        "kind": spec.type.value,
        "endpoint": spec.endpoint,
        "request_schema": data["request_schema"],
        "parameters_schema": {"fields": data["parameters_schema"]},
        "response_map": rest,
    }


def model_spec(row: AiModel, provider_name: str) -> ModelSpec:
    return load_model(
        {
            "provider": provider_name,
            "name": row.name,
            "type": row.kind,
            "endpoint": row.endpoint,
            "request_schema": row.request_schema,
            "parameters_schema": list(row.parameters_schema.get("fields", [])),
            **row.response_map,
        }
    )


def provider_spec(row: AiProvider, settings: Settings) -> Provider:
    key = decrypt(settings, row.api_key) if row.api_key else None
    return Provider(
        name=row.name,
        base_url=row.base_url,
        auth=Auth(scheme=row.auth_scheme, name=row.auth_name),
        api_key=SecretStr(key) if key else None,
    )


def install_preset(
    session: Session, settings: Settings, name: str, api_key: str, base_url: str | None = None
) -> tuple[AiProvider, list[AiModel]]:
    """Create or update the shared provider of a preset and its models (by name)."""
    found = preset(name)
    spec = found.with_key(api_key, base_url=base_url)
    row = session.scalar(
        select(AiProvider).where(AiProvider.name == spec.name, AiProvider.owner_id.is_(None))
    )
    if row is None:
        row = AiProvider(name=spec.name, base_url=spec.base_url, auth_scheme="bearer")
        session.add(row)
    row.base_url, row.auth_scheme, row.auth_name = spec.base_url, spec.auth.scheme, spec.auth.name
    row.api_key = encrypt(settings, api_key) if api_key else None
    row.is_active = True
    session.flush()
    existing = {
        m.name: m for m in session.scalars(select(AiModel).where(AiModel.provider_id == row.id))
    }
    models = []
    for model in found.models:
        model_row = existing.get(model.name) or AiModel(provider_id=row.id)
        for column, value in model_values(model).items():
            setattr(model_row, column, value)
        model_row.is_active = True
        session.add(model_row)
        models.append(model_row)
    session.flush()
    return row, models


def active_models(session: Session) -> list[tuple[AiModel, AiProvider]]:
    query = (
        select(AiModel, AiProvider)
        .join(AiProvider, AiModel.provider_id == AiProvider.id)
        .where(AiModel.is_active, AiProvider.is_active)
        .order_by(AiProvider.name, AiModel.name)
    )
    return [(row[0], row[1]) for row in session.execute(query).all()]


def active_model(session: Session, model_id: str) -> tuple[AiModel, AiProvider]:
    found = session.execute(
        select(AiModel, AiProvider)
        .join(AiProvider, AiModel.provider_id == AiProvider.id)
        .where(AiModel.id == model_id, AiModel.is_active, AiProvider.is_active)
    ).first()
    if found is not None:
        return found[0], found[1]
    raise NotFound(f"no active AI model {model_id}", field="ai_model_id")


def model_summary(model: AiModel, provider: AiProvider) -> dict[str, Any]:
    """What the API and `musia models list` show: never the key."""
    return {
        "id": model.id,
        "provider": provider.name,
        "name": model.name,
        "type": model.kind,
        "delivery": model.response_map.get("delivery", "local"),
        "description": model.response_map.get("description", ""),
        "parameters_schema": list(model.parameters_schema.get("fields", [])),
    }
