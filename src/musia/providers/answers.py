"""Reading vendor answers: whether to accept, retry or refuse one (by HTTP status and by the
code some vendors keep in the body), and what a readable answer says: our status, result URLs,
text, progress and the vendor's own error message. All of it driven by the ModelSpec."""

from __future__ import annotations

import json
import math
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from musia.errors import ProviderAnswerInvalid
from musia.providers.http import Judgement, retry_after_s
from musia.providers.paths import read_all, read_one
from musia.providers.spec import ModelSpec, Reading, Status


class GenerationResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: Status
    task_id: str | None = None
    result_urls: list[str] = []
    text: str | None = None
    content: bytes | None = None  # sync answers that are the file itself (HF audio)
    content_type: str | None = None
    progress: float | None = None
    error: str | None = None
    raw: Any = None  # the vendor's last answer (JSON), for the job's record


def judge_answer(model: ModelSpec, response: httpx.Response) -> Judgement:
    """Accept, retry or refuse one vendor answer, by its HTTP status and then by the status
    code the vendor may keep in the body (the model's envelope)."""
    is_bytes = model.answer_format == "bytes" and "json" not in response.headers.get(
        "content-type", ""
    )
    payload: Any = response.content if is_bytes else _json_or_text(response)
    verdict = _judge_status(model, response, response.status_code, payload)
    if verdict or is_bytes:
        return verdict or Judgement(
            "ok", payload, content_type=response.headers.get("content-type")
        )
    code = read_one(payload, model.envelope.code_path) if model.envelope.code_path else None
    if (
        code is None
        or code in model.envelope.ok_codes
        or str(code) in map(str, model.envelope.ok_codes)
    ):
        if isinstance(payload, str):
            raise ProviderAnswerInvalid(f"{model.provider}: the answer is not JSON")
        return Judgement("ok", payload)
    effective = model.envelope.code_to_http.get(str(code))
    if effective is None:
        effective = code if isinstance(code, int) and 400 <= code <= 599 else 400
    return _judge_status(model, response, effective, payload, vendor_code=code) or Judgement(
        "reject", message=f"vendor code {code}", http_status=effective
    )


def _judge_status(
    model: ModelSpec,
    response: httpx.Response,
    status: int,
    payload: Any,
    vendor_code: Any = None,
) -> Judgement | None:
    if status < 400:
        return None
    message = _vendor_message(model, payload) or response.reason_phrase or "error"
    if vendor_code is not None:
        message = f"{message} (vendor code {vendor_code})"
    text = f"HTTP {status}: {message}"
    if status == 429:
        return Judgement(
            "retry", message=text, http_status=429, retry_after_s=retry_after_s(response)
        )
    if status >= 500:
        return Judgement("retry", message=text, http_status=status)
    return Judgement("reject", message=text, http_status=status)


def _json_or_text(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        return response.text[:500]


def _vendor_message(model: ModelSpec, payload: Any) -> str:
    if isinstance(payload, str | bytes):
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        return text.strip()[:300]
    for path in model.error_paths:
        found = read_one(payload, path)
        if isinstance(found, str) and found.strip():
            return found.strip()[:500]
    return ""


def sync_result(model: ModelSpec, created: Judgement) -> GenerationResult:
    if isinstance(created.payload, bytes):
        if not created.payload:
            raise ProviderAnswerInvalid(f"{model.provider}: the answer is empty")
        return GenerationResult(
            status=Status.COMPLETED, content=created.payload, content_type=created.content_type
        )
    return read_answer(model, model.create, created.payload, sync=True)


def read_answer(
    model: ModelSpec,
    reading: Reading,
    payload: Any,
    *,
    task_id: str | None = None,
    sync: bool = False,
) -> GenerationResult:
    """A vendor answer read through `reading`: status (mapped to ours), result URLs, text,
    progress and the vendor's error message."""
    raw_status = read_one(payload, reading.status_path) if reading.status_path else None
    if raw_status is None:
        status = Status.COMPLETED if sync else reading.unknown_status
    else:
        status = reading.status_map.get(_status_key(raw_status), reading.unknown_status)
    urls = [
        url
        for path in reading.result_url_paths
        for url in read_all(payload, path)
        if isinstance(url, str) and url
    ]
    text = read_one(payload, reading.text_path) if reading.text_path else None
    text = text if isinstance(text, str) else None
    found_id = read_one(payload, reading.task_id_path) if reading.task_id_path else None
    error = _first_text(payload, [*reading.error_paths, *model.error_paths])
    if status is Status.COMPLETED and not urls and text is None:
        raise ProviderAnswerInvalid(f"{model.provider}: the answer says done but holds no result")
    if status is Status.FAILED and not error:
        error = f"the vendor reported {raw_status}"
    return GenerationResult(
        status=status,
        task_id=task_id or (str(found_id) if found_id is not None else None),
        result_urls=urls,
        text=text,
        progress=_progress(payload, reading),
        error=error if status is Status.FAILED else None,
        raw=payload,
    )


def _status_key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else json.dumps(value)


def _first_text(payload: Any, paths: list[str]) -> str | None:
    for path in paths:
        found = read_one(payload, path)
        if isinstance(found, str) and found.strip():
            return found.strip()[:500]
    return None


def _progress(payload: Any, reading: Reading) -> float | None:
    if not reading.progress_path:
        return None
    value = read_one(payload, reading.progress_path)
    try:
        number = float(str(value).rstrip("%")) if value is not None else None
    except ValueError:
        return None
    if number is None or math.isnan(number):
        return None
    return max(0.0, min(1.0, number / reading.progress_scale))
