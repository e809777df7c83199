"""Running one generation on a vendor model: build the request from the model's template,
create the task, poll it (or take the answer at once for sync models), report every status
change, and return the final result. Everything vendor-specific comes from the ModelSpec.

Outcomes: a vendor-reported task outcome (COMPLETED with result URLs / text / bytes, or
FAILED with the vendor's message) is returned as a GenerationResult; a request the vendor
refuses raises ProviderRejected, exhausted retries ProviderUnavailable, the whole-job deadline
ProviderTimeout, an unreadable answer ProviderAnswerInvalid. on_status hears FAILED first.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from musia.errors import (
    MusiaError,
    PresetInvalid,
    ProviderAnswerInvalid,
    ProviderRequestInvalid,
)
from musia.providers.answers import GenerationResult, judge_answer, read_answer, sync_result
from musia.providers.http import (
    Judgement,
    RetryPolicy,
    Session,
    Timeouts,
    open_client,
)
from musia.providers.paths import read_one
from musia.providers.spec import FINAL_STATUSES, ModelSpec, Provider, Status
from musia.providers.templating import build_request, render_path, resolve_values

DEFAULT_JOB_TIMEOUT_S = 30 * 60.0


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

    def poll_task(
        self,
        provider: Provider,
        model: ModelSpec,
        task_id: str,
        params: Mapping[str, Any] | None = None,
        *,
        on_status: OnStatus | None = None,
    ) -> GenerationResult:
        """Follow a task created earlier (its id was reported with the first PENDING event)
        to its end, creating nothing: how a job resumes after its worker died."""
        if model.poll is None:
            raise PresetInvalid(f"model {model.name!r} is not polled")
        # The poll endpoint may use parameters; without them, their defaults stand in.
        defaults = {f.name: f.default for f in model.parameters_schema if f.default is not None}
        values = resolve_values(model, params) if params else defaults
        reporter = _Reporter(on_status)
        with open_client(self.transport, self.timeouts, provider.secrets()) as http:
            session = self.session(http, secrets=provider.secrets(), label=provider.name)
            try:
                return self._poll(session, provider, model, task_id, values, reporter)
            except MusiaError as exc:
                reporter.report(StatusEvent(Status.FAILED, message=exc.message, task_id=task_id))
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
            result = sync_result(model, created)
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
        try:
            endpoint = render_path(poll.endpoint, {**values, "task_id": task_id}, where="poll")
        except ProviderRequestInvalid:
            raise ProviderAnswerInvalid(f"{provider.name}: unusable task id {task_id!r}") from None
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
