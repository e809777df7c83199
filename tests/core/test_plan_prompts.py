"""`musia plan` reads every asserted field of every prompt in ../shared/prompts/dev.jsonl: the
checks run on the plan (what other tools read), not only on the parser's reading."""

from __future__ import annotations

import json

import pytest

from musia.core.plan import Plan
from musia.core.plan_builder import plan_from_text
from tests.conftest import SHARED, shared_path

DEV = SHARED / "prompts" / "dev.jsonl"
ROWS = [json.loads(line) for line in DEV.read_text("utf-8").splitlines()] if DEV.exists() else []


def test_dev_prompts_are_there() -> None:
    rows = shared_path("prompts", "dev.jsonl").read_text("utf-8").splitlines()
    assert len(rows) >= 40


def _check(plan: Plan, expect: dict[str, object]) -> list[str]:
    wrong = []
    for field in ("style", "bpm", "tonic_pc", "mode", "time_signature", "bars", "minutes", "mood"):
        if field in expect and getattr(plan, field) != expect[field]:
            wrong.append(f"{field}: expected {expect[field]!r}, planned {getattr(plan, field)!r}")
    for part in expect.get("include", []):  # type: ignore[attr-defined]
        if part not in plan.parts and part not in plan.add_parts:
            wrong.append(f"include {part}: parts {plan.parts}")
    for part in expect.get("exclude", []):  # type: ignore[attr-defined]
        if part in plan.parts or part not in plan.remove_parts:
            wrong.append(f"exclude {part}: parts {plan.parts}, removed {plan.remove_parts}")
    return wrong


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_dev_prompt_plan(row: dict[str, object]) -> None:
    plan = plan_from_text(str(row["prompt"]))
    assert plan.intent == row["intent"]
    assert _check(plan, row["expect"]) == []  # type: ignore[arg-type]
    if "minutes" in row["expect"]:  # type: ignore[operator]
        minutes = plan.bars * 4 * 60 / plan.bpm / 60
        assert abs(minutes - row["expect"]["minutes"]) <= 4 * 4 / plan.bpm  # type: ignore[index]
