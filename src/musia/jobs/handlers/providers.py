"""provider_generation: one vendor (or local) generation, results kept in our storage."""

from __future__ import annotations

from typing import Any

from musia.jobs.context import JobContext
from musia.jobs.registry import JobKind, register

KIND = "provider_generation"


def _generate(context: JobContext) -> dict[str, Any]:
    from musia.gateway.generation import generate

    return generate(context)


def _failed(context: JobContext, error: str) -> None:
    from musia.gateway.generation import failed

    failed(context, error)


register(JobKind(KIND, _generate, _failed))
