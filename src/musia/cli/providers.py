"""`musia providers …`: the AI vendors and models Musia can call. For now the presets it ships
(as data); adding accounts and testing models comes with the database."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

app = typer.Typer(
    name="providers",
    help="AI providers and the vendor models Musia can call.",
    no_args_is_help=True,
)


@app.command("presets")
def presets(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")] = False,
) -> None:
    """List the vendor presets Musia ships: provider, model, type, delivery, parameters."""
    from musia.providers import load_presets

    rows: list[dict[str, Any]] = []
    for preset in load_presets():
        for model in preset.models:
            rows.append(
                {
                    "provider": preset.provider.name,
                    "base_url": preset.provider.base_url,
                    "auth": preset.provider.auth.scheme,
                    "model": model.name,
                    "type": model.type.value,
                    "delivery": model.delivery,
                    "endpoint": f"{model.method} {model.endpoint}",
                    "parameters": [field.name for field in model.parameters_schema],
                    "description": model.description,
                }
            )
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(
            f"{row['provider']:<12} {row['model']:<14} {row['type']:<6} {row['delivery']:<5} "
            f"{row['endpoint']}"
        )
