"""`musia providers presets`: the shipped presets, as a person and as a tool read them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from musia.providers import load_presets

MUSIA = Path(sys.executable).with_name("musia")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MUSIA), *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_presets_json_lists_every_shipped_model() -> None:
    result = run("providers", "presets", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    shipped = {(p.provider.name, m.name) for p in load_presets() for m in p.models}
    assert {(row["provider"], row["model"]) for row in rows} == shipped
    suno = next(row for row in rows if row["model"] == "suno")
    assert suno["type"] == "MUSIC" and suno["delivery"] == "poll"
    assert suno["endpoint"] == "POST /api/v1/generate"
    assert "prompt" in suno["parameters"]
    assert all("api_key" not in row for row in rows)


def test_presets_text_has_one_line_per_model() -> None:
    result = run("providers", "presets")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == sum(len(p.models) for p in load_presets())
    assert any(line.split()[:3] == ["zhipu", "glm-4.6", "TEXT"] for line in lines)


def test_an_unknown_subcommand_is_a_one_line_refusal() -> None:
    result = run("providers", "setup-nothing")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
