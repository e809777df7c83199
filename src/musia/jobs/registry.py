"""Job kinds and their handlers. A handler is a function of the job's context that returns the
job's result (JSON) or raises; `on_failure` lets it mark what it was making as failed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from musia.jobs.context import JobContext

Handler = Callable[[JobContext], dict[str, Any]]
FailureHook = Callable[[JobContext, str], None]


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    on_failure: FailureHook | None = None


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _KINDS[kind.name] = kind
    return kind


def kind(name: str) -> JobKind | None:
    _load_handlers()  # once; a handler module imported earlier on its own is not enough
    return _KINDS.get(name)


@cache
def _load_handlers() -> None:
    from musia.jobs.handlers import music, noop, projects, providers, samples  # noqa: F401 (they register themselves)
