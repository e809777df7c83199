"""The `provider_generation` job: one vendor generation from a model row, its results kept in
our storage at once (vendor links expire). Input: `model_id`, `params` (the model's form),
`context` (template variables such as prompt, image_url) and optionally the `asset_id` being
made. Idempotent across worker deaths: the vendor's task id is saved the moment it is known,
and a retried job follows that task (poll_task) instead of creating and paying for another."""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy import update

from musia.db.engine import transaction
from musia.db.models import AiModel, AiProvider, Asset, Job
from musia.db.repos.jobs import Jobs
from musia.errors import ProviderRejected
from musia.gateway.store import LOCAL, active_model, model_spec, provider_spec
from musia.jobs.context import JobContext
from musia.providers import GenerationResult, ProviderClient, Status, StatusEvent
from musia.providers.download import StoredFile, download_results, store_content

KIND = "provider_generation"
STATUS_PROGRESS = {Status.PENDING: 0.05, Status.PROCESSING: 0.3, Status.COMPLETED: 0.9}


def generate(context: JobContext) -> dict[str, Any]:
    with transaction(context.runtime.sessions) as session:
        model_row, provider_row = active_model(session, str(context.input.get("model_id", "")))
        job = Jobs(session).get_any(context.job_id)
        task_id = job.external_task_id if job is not None else None
    if provider_row.name == LOCAL:
        from musia.gateway.local import generate_project

        return generate_project(context, model_row)
    result = _call(context, model_row, provider_row, task_id)
    if result.status != Status.COMPLETED:
        raise ProviderRejected(result.error or f"the vendor reported the task {result.status}")
    stored = _keep(context, result)
    files = [
        {"key": f.reference, "content_type": f.content_type, "size_bytes": f.size_bytes}
        for f in stored
    ]
    outcome = {"task_id": result.task_id, "files": files, "text": result.text}
    _finish_asset(context, stored, result.text)
    return outcome


def _call(
    context: JobContext, model_row: AiModel, provider_row: AiProvider, task_id: str | None
) -> GenerationResult:
    settings = context.runtime.settings
    spec = model_spec(model_row, provider_row.name)
    provider = provider_spec(provider_row, settings)
    client = ProviderClient(allow_private_hosts=settings.http.allow_private_urls)
    known = {"task_id": task_id}

    def on_status(event: StatusEvent) -> None:
        if event.task_id and event.task_id != known["task_id"]:
            known["task_id"] = event.task_id
            _save_task_id(context, event.task_id)
        fraction = (
            event.progress if event.progress is not None else STATUS_PROGRESS.get(event.status, 0.5)
        )
        message = f"{provider.name}: {event.status.value} {event.message}".strip()
        context.progress(min(0.9, fraction), message)  # raises JobCanceled when canceled

    params = dict(context.input.get("params") or {})
    variables = {k: str(v) for k, v in dict(context.input.get("context") or {}).items()}
    if task_id and spec.poll is not None:  # a previous attempt created the task: follow it
        return client.poll_task(provider, spec, task_id, params, on_status=on_status)
    return client.run_generation(provider, spec, params, context=variables, on_status=on_status)


def _keep(context: JobContext, result: GenerationResult) -> list[StoredFile]:
    storage = context.runtime.storage
    prefix = f"generations/{context.job_id}"

    def put(name: str, data: bytes, content_type: str) -> str:
        key = f"{prefix}/{name}"
        storage.put_stream(key, io.BytesIO(data), content_type)
        return key

    if result.content is not None:
        return [store_content(result.content, put)]
    client = ProviderClient(allow_private_hosts=context.runtime.settings.http.allow_private_urls)
    return download_results(result.result_urls, put, client=client) if result.result_urls else []


def _save_task_id(context: JobContext, task_id: str) -> None:
    with transaction(context.runtime.sessions) as session:
        session.execute(
            update(Job).where(Job.id == context.job_id).values(external_task_id=task_id)
        )
        asset_id = context.input.get("asset_id")
        if asset_id:
            session.execute(
                update(Asset).where(Asset.id == asset_id).values(external_task_id=task_id)
            )


def _finish_asset(context: JobContext, stored: list[StoredFile], text: str | None) -> None:
    first = stored[0] if stored else None
    complete_asset(
        context,
        file_key=first.reference if first else None,
        content_type=first.content_type if first else None,
        size_bytes=first.size_bytes if first else None,
        data={
            "files": [f.reference for f in stored],
            **({"text": text} if text is not None else {}),
        },
        keep_file=first is None,
    )


def complete_asset(
    context: JobContext,
    *,
    file_key: str | None,
    content_type: str | None,
    size_bytes: int | None,
    data: dict[str, Any],
    keep_file: bool = False,
) -> None:
    """Mark the job's asset (if it has one) COMPLETED with its file and extra data; with
    `keep_file` the asset keeps the file it had (an answer that stored none)."""
    asset_id = context.input.get("asset_id")
    if not asset_id:
        return
    with transaction(context.runtime.sessions) as session:
        asset = session.get(Asset, asset_id)
        if asset is None:
            return
        asset.status = "COMPLETED"
        if not keep_file:
            asset.file_key, asset.content_type, asset.size_bytes = (
                file_key,
                content_type,
                size_bytes,
            )
        asset.data = {**(asset.data or {}), **data}


def failed(context: JobContext, error: str) -> None:
    asset_id = context.input.get("asset_id")
    if not asset_id:
        return
    with transaction(context.runtime.sessions) as session:
        session.execute(
            update(Asset).where(Asset.id == asset_id).values(status="FAILED", error_message=error)
        )
