"""jobs.noop: does nothing for `sleep_s` seconds in steps, reporting progress at each step.
What `musia jobs check` and the benches run; cancelable and idempotent like every handler."""

from __future__ import annotations

import time
from typing import Any

from musia.errors import InvalidInput
from musia.jobs.context import JobContext
from musia.jobs.registry import JobKind, register

NOOP_KIND = "jobs.noop"
MAX_SLEEP_S = 60.0
STEP_S = 0.25


def noop(context: JobContext) -> dict[str, Any]:
    sleep_s = context.input.get("sleep_s", 0)
    if isinstance(sleep_s, bool) or not isinstance(sleep_s, int | float):
        raise InvalidInput("sleep_s must be a number", field="sleep_s")
    if not 0 <= sleep_s <= MAX_SLEEP_S:
        raise InvalidInput(f"sleep_s must be between 0 and {MAX_SLEEP_S:g}", field="sleep_s")
    slept_s = 0.0
    while slept_s < sleep_s:
        step_s = min(STEP_S, sleep_s - slept_s)
        time.sleep(step_s)
        slept_s += step_s
        context.progress(slept_s / sleep_s, f"slept {slept_s:.2f} s")
    return {"slept_s": slept_s, "attempt": context.attempt}


register(JobKind(NOOP_KIND, noop))
