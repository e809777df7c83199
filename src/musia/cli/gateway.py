"""`musia providers setup-kie|setup-hf|setup-glm|setup-minimax --api-key K` (a preset into the
database, the key encrypted), `musia models list`, `musia models test ID --prompt …`."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from musia.cli.service import DataDir

models = typer.Typer(help="AI models in the database: list, test.", no_args_is_help=True)
SETUPS = {"setup-kie": "kie", "setup-hf": "huggingface", "setup-glm": "zhipu"}
SETUPS |= {"setup-minimax": "minimax"}
ApiKey = Annotated[str, typer.Option("--api-key", help="The vendor account's key.")]
BaseUrl = Annotated[str | None, typer.Option(help="Another base URL (a proxy, a test server).")]


def register(app: typer.Typer, providers: typer.Typer) -> None:
    for command, preset_name in SETUPS.items():
        providers.command(command, help=f"Load the {preset_name} preset into the database.")(
            _setup(preset_name)
        )
    providers.command("setup-local", help="Add Musia's own generator as a model.")(setup_local)
    app.add_typer(models, name="models")


def _setup(preset_name: str) -> Any:
    def setup(api_key: ApiKey, base_url: BaseUrl = None, data_dir: DataDir = None) -> None:
        from musia.db.engine import transaction
        from musia.gateway.store import install_preset

        runtime = _runtime(data_dir)
        try:
            with transaction(runtime.sessions) as session:
                provider, rows = install_preset(
                    session, runtime.settings, preset_name, api_key.strip(), base_url
                )
                lines = [f"  {row.id}  {row.name} ({row.kind})" for row in rows]
                name, url = provider.name, provider.base_url
        finally:
            runtime.close()
        typer.echo(f"provider {name} at {url}: {len(lines)} models (key stored encrypted)")
        typer.echo("\n".join(lines))

    return setup


def setup_local(data_dir: DataDir = None) -> None:
    from sqlalchemy import select

    from musia.db.engine import transaction
    from musia.db.models import AiModel, AiProvider
    from musia.gateway.local import local_model_rows

    runtime = _runtime(data_dir)
    try:
        with transaction(runtime.sessions) as session:
            found = session.scalar(select(AiProvider).where(AiProvider.name == "local"))
            provider, model = local_model_rows(found)
            session.add(provider)
            session.flush()
            existing = session.scalar(select(AiModel).where(AiModel.provider_id == provider.id))
            if existing is None:
                model.provider_id = provider.id
                session.add(model)
                session.flush()
            model_id = (existing or model).id
    finally:
        runtime.close()
    typer.echo(f"provider local: musia-generate {model_id}")


@models.command("list")
def list_models(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for other tools.")] = False,
    data_dir: DataDir = None,
) -> None:
    """The active models in the database with their parameters."""
    from musia.db.engine import transaction
    from musia.gateway.store import active_models, model_summary

    runtime = _runtime(data_dir)
    try:
        with transaction(runtime.sessions) as session:
            rows = [model_summary(m, p) for m, p in active_models(session)]
    finally:
        runtime.close()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no models yet: run `musia providers setup-kie --api-key …` (or setup-hf…)")
    for row in rows:
        fields = ",".join(f["name"] for f in row["parameters_schema"])
        typer.echo(
            f"{row['id']}  {row['provider']:<12} {row['name']:<14} {row['type']:<6} {fields}"
        )


@models.command("test")
def test_model(
    model_id: Annotated[str, typer.Argument(help="The model's id (from `musia models list`).")],
    prompt: Annotated[str, typer.Option(help="The prompt to send.")],
    param: Annotated[
        list[str] | None, typer.Option(help="A parameter as name=JSON value (repeatable).")
    ] = None,
    timeout_s: Annotated[float, typer.Option(help="How long to wait.", min=1)] = 600.0,
    data_dir: DataDir = None,
) -> None:
    """Run one generation through the configured engine and print each status change."""
    from musia.gateway.cli_test import run_model_test

    runtime = _runtime(data_dir)
    try:
        run_model_test(runtime, model_id, prompt, _params(param or []), timeout_s, typer.echo)
    finally:
        runtime.close()


def _params(pairs: list[str]) -> dict[str, Any]:
    from musia.errors import InvalidInput

    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise InvalidInput(f"--param {pair!r}: write name=value", field="param")
        try:
            params[name] = json.loads(raw)
        except ValueError:
            params[name] = raw  # a bare word is a string
    return params


def _runtime(data_dir: Any) -> Any:
    from musia.runtime import open_runtime
    from musia.settings import load_settings

    return open_runtime(load_settings(data_dir))
