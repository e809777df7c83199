"""Imports point one way: the core loads no web, database, HTTP, audio or CLI module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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


# What each layer may never import, lazily or not: production (a song → sound and files) sits
# above the formats, the audio engine and the core, which it uses.
NEVER_IMPORTS = {
    "src/musia/core": ("musia.production", "musia.audio", "musia.formats"),
    "src/musia/formats": ("musia.production",),
    "src/musia/audio": ("musia.production",),
}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_lower_layers_never_import_the_upper_ones() -> None:
    repo = Path(__file__).resolve().parents[1]
    wrong = [
        f"{path.relative_to(repo)} imports {module}"
        for folder, forbidden in NEVER_IMPORTS.items()
        for path in sorted((repo / folder).rglob("*.py"))
        for module in sorted(_imported_modules(path))
        if module.startswith(forbidden)
    ]
    assert wrong == []
