"""`musia providers setup-*`, `musia models list` and `musia models test` from the shell, on the
embedded defaults (SQLite, the in-process engine) against fake vendors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import CliResult, run_cli
from tests.providers.fakes import DIALECTS, FakeVendor


def musia(*args: str, data: Path) -> CliResult:
    env = {
        "MUSIA_DATA_DIR": str(data),
        "MUSIA_HTTP_ALLOW_PRIVATE_URLS": "true",
        "MUSIA_JOBS": None,  # the embedded default: the in-process engine
    }
    return run_cli(*args, env=env)


@pytest.mark.parametrize(
    ("command", "provider", "count"),
    [
        ("setup-kie", "kie", 6),
        ("setup-hf", "huggingface", 1),
        ("setup-glm", "zhipu", 1),
        ("setup-minimax", "minimax", 2),
    ],
)
def test_setup_loads_the_preset_and_models_list_shows_it(
    tmp_path: Path, command: str, provider: str, count: int
) -> None:
    setup = musia("providers", command, "--api-key", "sk-Secret123", data=tmp_path)
    assert setup.returncode == 0, setup.stderr
    assert f"{count} models (key stored encrypted)" in setup.stdout
    again = musia("providers", command, "--api-key", "sk-Other456", data=tmp_path)
    assert again.returncode == 0, again.stderr  # idempotent: updated, not doubled
    listed = musia("models", "list", "--json", data=tmp_path)
    rows = json.loads(listed.stdout)
    assert len(rows) == count and {r["provider"] for r in rows} == {provider}
    assert "sk-" not in listed.stdout


def test_models_test_prints_each_status_and_stores_the_result(tmp_path: Path) -> None:
    with FakeVendor(DIALECTS[("huggingface", "text-to-audio")]()) as fake:
        setup = musia(
            "providers",
            "setup-hf",
            "--api-key",
            fake.api_key,
            "--base-url",
            fake.url,
            data=tmp_path,
        )
        assert setup.returncode == 0, setup.stderr
        model_id = json.loads(musia("models", "list", "--json", data=tmp_path).stdout)[0]["id"]
        tested = musia("models", "test", model_id, "--prompt", "rain on a tin roof", data=tmp_path)
    assert tested.returncode == 0, tested.stderr
    lines = tested.stdout.splitlines()
    assert lines[0].endswith("huggingface/text-to-audio")
    assert any(line.startswith("COMPLETED") for line in lines)
    assert any(line.startswith("stored generations/") for line in lines)


def test_models_test_reports_a_refusal_in_one_line(tmp_path: Path) -> None:
    with FakeVendor(DIALECTS[("zhipu", "glm-4.6")](), reject=(401, "API key invalid")) as fake:
        base_url = fake.url + "/api/paas/v4"
        musia("providers", "setup-glm", "--api-key", "k", "--base-url", base_url, data=tmp_path)
        model_id = json.loads(musia("models", "list", "--json", data=tmp_path).stdout)[0]["id"]
        tested = musia("models", "test", model_id, "--prompt", "hi", data=tmp_path)
    assert tested.returncode == 2
    assert "HTTP 401" in tested.stderr  # with the vendor's own message after it
    assert "Traceback" not in tested.stderr
    unknown = musia("models", "test", "nope", "--prompt", "hi", data=tmp_path)
    assert unknown.returncode == 2 and "no active AI model" in unknown.stderr


def test_the_local_generator_makes_a_live_project(tmp_path: Path) -> None:
    assert musia("providers", "setup-local", data=tmp_path).returncode == 0
    model_id = json.loads(musia("models", "list", "--json", data=tmp_path).stdout)[0]["id"]
    tested = musia("models", "test", model_id, "--prompt", "house at 124 bpm", data=tmp_path)
    assert tested.returncode == 0, tested.stderr
    assert "COMPLETED" in tested.stdout


def test_setup_without_a_key_is_a_usage_error(tmp_path: Path) -> None:
    result = musia("providers", "setup-kie", data=tmp_path)
    assert result.returncode == 2
    assert "--api-key" in result.stderr and "Traceback" not in result.stderr
