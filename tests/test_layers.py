"""Imports point one way: the core loads no web, database, HTTP, audio or CLI module."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "httpx",
    "requests",
    "numpy",
    "soundfile",
    "librosa",
    "typer",
    "click",
    "rich",
    "celery",
    "redis",
    "boto3",
    "mido",
    "musia.cli",
    "musia.formats",
)


def test_core_imports_nothing_from_the_edges() -> None:
    code = (
        "import sys\n"
        "import musia.core.compose, musia.core.plan_builder, musia.core.prompt\n"
        "from musia.core.plan_builder import plan_from_text\n"
        "from musia.core.compose import compose\n"
        "compose(plan_from_text('house 124 bpm A minor'))\n"
        f"bad = [m for m in sys.modules if m.startswith({FORBIDDEN!r})]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
