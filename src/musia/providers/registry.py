"""The presets shipped with Musia: one JSON file per vendor in `presets/`, each a provider (base
URL and auth scheme, no key) and the models documented for it. Loaded and validated on use."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from musia.errors import PresetInvalid
from musia.providers.spec import Auth, ModelSpec, Provider, load_model


class Preset(BaseModel):
    model_config = ConfigDict(frozen=True)

    provider: Provider
    description: str = ""
    models: tuple[ModelSpec, ...]

    def model(self, name: str) -> ModelSpec:
        for model in self.models:
            if model.name == name:
                return model
        known = ", ".join(m.name for m in self.models)
        raise PresetInvalid(f"{self.provider.name} has no model {name!r} (it has {known})")

    def with_key(self, api_key: str, *, base_url: str | None = None) -> Provider:
        """The preset's provider with an account key (and another base URL, e.g. a proxy)."""
        return self.provider.model_copy(
            update={"api_key": SecretStr(api_key), "base_url": base_url or self.provider.base_url}
        )


def parse_preset(data: Any, *, origin: str) -> Preset:
    """A Preset from the JSON of one preset file, or PresetInvalid naming the file."""
    if not isinstance(data, dict) or not isinstance(data.get("models"), list):
        raise PresetInvalid(f"{origin}: a preset is an object with `provider` and `models`")
    try:
        provider = Provider.model_validate(data.get("provider"))
    except ValidationError as exc:
        raise PresetInvalid(f"{origin}: provider: {exc.errors()[0]['msg']}") from None
    models = []
    for number, entry in enumerate(data["models"]):
        if not isinstance(entry, dict):
            raise PresetInvalid(f"{origin}: model {number} is not an object")
        try:
            models.append(load_model({**entry, "provider": provider.name}))
        except PresetInvalid as exc:
            raise PresetInvalid(f"{origin}: model {entry.get('name', number)!r}: {exc}") from None
    return Preset(
        provider=provider, description=str(data.get("description", "")), models=tuple(models)
    )


@lru_cache(maxsize=1)
def load_presets() -> tuple[Preset, ...]:
    folder = resources.files("musia.providers") / "presets"
    presets = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            presets.append(parse_preset(json.loads(entry.read_text("utf-8")), origin=entry.name))
    return tuple(presets)


def preset(name: str) -> Preset:
    for found in load_presets():
        if found.provider.name == name:
            return found
    known = ", ".join(p.provider.name for p in load_presets())
    raise PresetInvalid(f"no preset named {name!r} (there are {known})")


__all__ = ["Auth", "Preset", "load_presets", "parse_preset", "preset"]
