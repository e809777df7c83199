"""samples.analyze and samples.starter: the sample library's jobs (issue 22, point 5)."""

from __future__ import annotations

from musia.jobs.registry import JobKind, register
from musia.services.samples import (
    ANALYZE_KIND,
    STARTER_KIND,
    add_starter,
    analysis_failed,
    analyze_stored,
)

register(JobKind(ANALYZE_KIND, analyze_stored, analysis_failed))
register(JobKind(STARTER_KIND, add_starter))
