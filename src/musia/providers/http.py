"""Outbound HTTP for the gateway: timeouts, retries with exponential backoff and jitter,
Retry-After on 429, a deadline for the whole job, and logs with every secret masked.

The httpx transport is injectable (the app passes its own; tests run real servers on
127.0.0.1). What to make of an answer (accept, retry, refuse) is decided by a `judge` the
caller supplies, because some vendors put their error code in a 200 answer's body.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

import httpx

from musia.errors import ProviderRejected, ProviderTimeout, ProviderUnavailable

log = logging.getLogger("musia.providers")

MASK = "***"
MAX_LOGGED_CHARS = 2_000


@dataclass(frozen=True)
class Timeouts:
    connect_s: float = 10.0
    read_s: float = 30.0
    write_s: float = 30.0

    def httpx(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_s, connect=self.connect_s, write=self.write_s)


@dataclass(frozen=True)
class RetryPolicy:
    """`max_attempts` counts every try of one request (so 5 = 1 try + 4 retries)."""

    max_attempts: int = 5
    base_delay_s: float = 1.0
    max_delay_s: float = 30.0
    jitter: float = 0.25  # each delay is stretched by a random 0..jitter fraction
    max_retry_after_s: float = 300.0

    def delay_s(self, attempt: int, rng: random.Random) -> float:
        """Backoff before retry number `attempt` (1-based): base * 2^(attempt-1), capped,
        stretched by jitter so clients that failed together do not retry together."""
        plain = min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1))
        return float(plain * (1 + rng.uniform(0, self.jitter)))


@dataclass(frozen=True)
class Judgement:
    """What to do with one answer: `ok` (payload is the answer), `retry` or `reject`."""

    kind: Literal["ok", "retry", "reject"]
    payload: Any = None
    message: str = ""
    http_status: int | None = None
    retry_after_s: float | None = None
    content_type: str | None = None


def mask(text: str, secrets: Sequence[str]) -> str:
    """`text` with every secret, raw or URL-quoted, replaced by ***."""
    for secret in secrets:
        if len(secret) >= 4:
            text = text.replace(secret, MASK).replace(quote(secret, safe=""), MASK)
    return text


def describe_body(body: Any, secrets: Sequence[str]) -> str:
    if body is None:
        return "-"
    text = json.dumps(body, ensure_ascii=False, default=str)
    if len(text) > MAX_LOGGED_CHARS:
        text = text[:MAX_LOGGED_CHARS] + f"… ({len(text)} chars)"
    return mask(text, secrets)


def retry_after_s(response: httpx.Response, now: Callable[[], float] = time.time) -> float | None:
    """Seconds the server asks us to wait (Retry-After as seconds or as an HTTP date)."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


@dataclass
class Session:
    """One generation's (or one download batch's) HTTP: a client, the retry policy and the
    deadline shared by every request in it."""

    client: httpx.Client
    retry: RetryPolicy
    deadline: float
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    rng: random.Random
    secrets: Sequence[str] = ()
    label: str = "provider"
    attempts: int = field(default=0)

    def request(
        self,
        method: str,
        url: str,
        judge: Callable[[httpx.Response], Judgement],
        *,
        json_body: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Judgement:
        # httpx would replace the URL's own query with `params`; merge them instead.
        full_url = httpx.URL(url).copy_merge_params(params or {})
        shown = mask(str(full_url), self.secrets)
        log.info(
            "%s %s %s body=%s", self.label, method, shown, describe_body(json_body, self.secrets)
        )

        def once() -> Judgement:
            response = self.client.request(method, full_url, json=json_body, headers=headers)
            log.info("%s %s %s -> HTTP %s", self.label, method, shown, response.status_code)
            return judge(response)

        return self.attempt(once, what=f"{method} {shown}")

    def attempt(self, once: Callable[[], Judgement], *, what: str) -> Judgement:
        """Run `once` until it is accepted, refused, out of attempts or out of time."""
        for attempt in range(1, self.retry.max_attempts + 1):
            self.check_deadline(0.0)
            self.attempts += 1
            verdict = self._try(once)
            if verdict.kind == "ok":
                return verdict
            message = mask(verdict.message, self.secrets)
            if verdict.kind == "reject":
                raise ProviderRejected(message, http_status=verdict.http_status)
            if attempt == self.retry.max_attempts:
                raise ProviderUnavailable(
                    f"{self.label}: {message} (gave up after {attempt} attempts)",
                    http_status=verdict.http_status,
                )
            self._wait(verdict, attempt, message, what)
        raise AssertionError("unreachable")  # pragma: no cover

    def _try(self, once: Callable[[], Judgement]) -> Judgement:
        try:
            return once()
        except httpx.TimeoutException as exc:
            return Judgement("retry", message=f"timed out ({type(exc).__name__})")
        except httpx.TransportError as exc:
            return Judgement("retry", message=f"connection failed ({type(exc).__name__})")

    def _wait(self, verdict: Judgement, attempt: int, message: str, what: str) -> None:
        if verdict.retry_after_s is not None:
            delay = min(verdict.retry_after_s, self.retry.max_retry_after_s)
        else:
            delay = self.retry.delay_s(attempt, self.rng)
        self.check_deadline(delay)
        log.warning("%s %s: %s; retry %d in %.2f s", self.label, what, message, attempt, delay)
        self.sleep(delay)

    def check_deadline(self, wait_s: float) -> None:
        if self.clock() + wait_s > self.deadline:
            raise ProviderTimeout(f"{self.label}: the job ran out of time")


class _MaskingFilter(logging.Filter):
    """httpx logs every request URL at INFO, key and all when it travels in the query: mask
    the secrets of every client open in this process in those records too."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[str, int] = {}  # secret -> number of open clients using it
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            record.msg = mask(record.getMessage(), list(self.secrets))
            record.args = None
        return True

    @contextmanager
    def masking(self, secrets: Sequence[str]) -> Iterator[None]:
        with self._lock:
            for secret in secrets:
                self.secrets[secret] = self.secrets.get(secret, 0) + 1
        try:
            yield
        finally:
            with self._lock:
                for secret in secrets:
                    self.secrets[secret] -= 1
                    if not self.secrets[secret]:
                        del self.secrets[secret]


_LIBRARY_LOGS = _MaskingFilter()
for _name in ("httpx", "httpcore.http11", "httpcore.connection"):
    logging.getLogger(_name).addFilter(_LIBRARY_LOGS)


@contextmanager
def open_client(
    transport: httpx.BaseTransport | None, timeouts: Timeouts, secrets: Sequence[str] = ()
) -> Iterator[httpx.Client]:
    # trust_env=False: proxies and .netrc from the environment must not receive vendor keys.
    with (
        _LIBRARY_LOGS.masking(secrets),
        httpx.Client(
            transport=transport, timeout=timeouts.httpx(), follow_redirects=True, trust_env=False
        ) as client,
    ):
        yield client
