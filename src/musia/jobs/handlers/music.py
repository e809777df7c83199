"""music.analyze and music.modify: the seam to the audio analysis and transforms (issue 3)."""

from __future__ import annotations

from typing import Any

from musia.jobs.context import JobContext
from musia.jobs.registry import JobKind, register
from musia.services.music import ANALYZE_KIND, MODIFY_KIND


def analyze(context: JobContext) -> dict[str, Any]:
    from musia.services.music import analyze_stored

    return analyze_stored(context)


def modify(context: JobContext) -> dict[str, Any]:
    from musia.services.music import modify_stored

    return modify_stored(context)


register(JobKind(ANALYZE_KIND, analyze))
register(JobKind(MODIFY_KIND, modify))
