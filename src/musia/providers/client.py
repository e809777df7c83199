"""Running one generation on a vendor model: build the request from the model's template,
create the task, poll it (or take the answer at once for sync models), report every status
change, and return the final result. Everything vendor-specific comes from the ModelSpec.

Outcomes: a vendor-reported task outcome (COMPLETED with result URLs / text / bytes, or
FAILED with the vendor's message) is returned as a GenerationResult; a request the vendor
refuses raises ProviderRejected, exhausted retries ProviderUnavailable, the whole-job deadline
ProviderTimeout, an unreadable answer ProviderAnswerInvalid. on_status hears FAILED first.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from musia.errors import MusiaError, PresetInvalid, ProviderAnswerInvalid
from musia.providers.http import (
    Judgement,
    RetryPolicy,
    Session,
    Timeouts,
    open_client,
    retry_after_s,
)
from musia.providers.paths import read_all, read_one
from musia.providers.spec import FINAL_STATUSES, ModelSpec, Provider, Reading, Status
from musia.providers.templating import build_request, render_path, resolve_values

DEFAULT_JOB_TIMEOUT_S = 30 * 60.0


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


@dataclass(frozen=True)
class StatusEvent:
    status: Status
    progress: float | None = None
    message: str = ""
    task_id: str | None = None


OnStatus = Callable[[StatusEvent], None]


class _Reporter:
    """Calls on_status when anything in the event changes (status, progress, message, the
    task id becoming known), never twice in a row for the same event."""

    def __init__(self, on_status: OnStatus | None) -> None:
        self._on_status = on_status
        self._last: StatusEvent | None = None

    def report(self, event: StatusEvent) -> None:
        if self._on_status and event != self._last:
            self._on_status(event)
        self._last = event


class ProviderClient:
    """The gateway's HTTP side. `transport` is any httpx transport (the app may inject one);
    `sleep`, `clock` and `rng` are injectable so tests need not wait."""

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        job_timeout_s: float = DEFAULT_JOB_TIMEOUT_S,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        allow_private_hosts: bool = False,
    ) -> None:
        self.transport = transport
        # Result links may only lead to private or loopback addresses when the operator says
        # so (a vendor answer could otherwise make us fetch from inside our network).
        self.allow_private_hosts = allow_private_hosts
        self.timeouts = timeouts or Timeouts()
        self.retry = retry or RetryPolicy()
        self.job_timeout_s = job_timeout_s
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()

    def session(self, client: httpx.Client, *, secrets: list[str], label: str) -> Session:
        deadline = self.clock() + self.job_timeout_s
        return Session(
            client, self.retry, deadline, self.sleep, self.clock, self.rng, secrets, label
        )

    def run_generation(
        self,
        provider: Provider,
        model: ModelSpec,
        params: Mapping[str, Any],
        *,
        context: Mapping[str, str] | None = None,
        on_status: OnStatus | None = None,
    ) -> GenerationResult:
        if model.provider != provider.name:
            raise PresetInvalid(f"model {model.name!r} belongs to {model.provider!r}")
        endpoint, body = build_request(model, params, context)  # refuses before sending
        values = resolve_values(model, params, context)
        reporter = _Reporter(on_status)
        with open_client(self.transport, self.timeouts, provider.secrets()) as http:
            session = self.session(http, secrets=provider.secrets(), label=provider.name)
            try:
                return self._run(session, provider, model, (endpoint, body), values, reporter)
            except MusiaError as exc:
                reporter.report(StatusEvent(Status.FAILED, message=exc.message))
                raise

    def _run(
        self,
        session: Session,
        provider: Provider,
        model: ModelSpec,
        request: tuple[str, Any],
        values: Mapping[str, Any],
        reporter: _Reporter,
    ) -> GenerationResult:
        reporter.report(StatusEvent(Status.PENDING))
        endpoint, body = request
        created = _call(session, provider, model, model.method, endpoint, body)
        if model.delivery == "sync":
            result = _sync_result(model, created)
            reporter.report(_event(result))
            return result
        task_id = read_one(created.payload, model.create.task_id_path or "")
        if not isinstance(task_id, str | int) or isinstance(task_id, bool) or task_id == "":
            raise ProviderAnswerInvalid(f"{provider.name}: the answer has no task id")
        task_id = str(task_id)
        reporter.report(StatusEvent(Status.PENDING, task_id=task_id))
        if model.delivery == "callback":
            return GenerationResult(status=Status.PENDING, task_id=task_id, raw=created.payload)
        return self._poll(session, provider, model, task_id, values, reporter)

    def _poll(
        self,
        session: Session,
        provider: Provider,
        model: ModelSpec,
        task_id: str,
        values: Mapping[str, Any],
        reporter: _Reporter,
    ) -> GenerationResult:
        assert model.poll is not None
        poll = model.poll
        endpoint = render_path(poll.endpoint, {**values, "task_id": task_id}, where="poll")
        while True:
            session.check_deadline(poll.interval_s)
            self.sleep(poll.interval_s)
            answer = _call(session, provider, model, poll.method, endpoint, None)
            result = read_answer(model, poll.reading, answer.payload, task_id=task_id)
            reporter.report(_event(result))
            if result.status in FINAL_STATUSES:
                return result

    def read_callback(self, model: ModelSpec, body: Any) -> GenerationResult:
        """The result a vendor POSTed to our callback URL (the web app receives it)."""
        if model.callback is None:
            raise PresetInvalid(f"model {model.name!r} does not deliver by callback")
        return read_answer(model, model.callback, body)


def run_generation(
    provider: Provider,
    model: ModelSpec,
    params: Mapping[str, Any],
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_status: OnStatus | None = None,
    context: Mapping[str, str] | None = None,
    client: ProviderClient | None = None,
) -> GenerationResult:
    """One generation with a default client (or `client`, whose sleep/clock then apply)."""
    client = client or ProviderClient(sleep=sleep, clock=clock)
    return client.run_generation(provider, model, params, context=context, on_status=on_status)


def _event(result: GenerationResult) -> StatusEvent:
    return StatusEvent(result.status, result.progress, result.error or "", result.task_id)


def _call(
    session: Session, provider: Provider, model: ModelSpec, method: str, endpoint: str, body: Any
) -> Judgement:
    headers, params = auth_parts(provider)
    url = provider.base_url.rstrip("/") + endpoint
    return session.request(
        method,
        url,
        lambda response: judge_answer(model, response),
        json_body=body,
        params=params,
        headers=headers,
    )


def auth_parts(provider: Provider) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, query parameters) that carry the provider's key."""
    key = provider.api_key.get_secret_value() if provider.api_key else ""
    headers = {"Accept": "application/json"}
    if not key or provider.auth.scheme == "none":
        return headers, {}
    if provider.auth.scheme == "bearer":
        return headers | {"Authorization": f"Bearer {key}"}, {}
    assert provider.auth.name
    if provider.auth.scheme == "header":
        return headers | {provider.auth.name: key}, {}
    return headers, {provider.auth.name: key}


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


def _sync_result(model: ModelSpec, created: Judgement) -> GenerationResult:
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
