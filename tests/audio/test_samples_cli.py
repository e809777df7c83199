"""`musia samples` as a user runs it: JSON, a second run, the default index and bad input (the
README examples run in order in tests/cli/test_cli.py, their searches checked there)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.helpers import CliResult, run_cli

MUSIA = Path(sys.executable).with_name("musia")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> CliResult:
    return run_cli(*args, cwd=cwd, env=env)


def test_index_json_reports_counts_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    assert run("samples", "starter", "pack", cwd=tmp_path).returncode == 0
    first = run("samples", "index", "pack", "--index", "s.sqlite", "--json", cwd=tmp_path)
    second = run("samples", "index", "pack", "--index", "s.sqlite", "--json", cwd=tmp_path)
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["added"] == one["samples"] == 36 and one["skipped"] == []
    assert two["added"] == two["updated"] == 0 and two["unchanged"] == 36
    found = run(
        "samples", "search", "--type", "snare", "--index", "s.sqlite", "--json", cwd=tmp_path
    )
    assert [r["class_name"] for r in json.loads(found.stdout)] == ["snare"] * 4


def test_the_default_index_is_in_musia_data_dir(tmp_path: Path) -> None:
    env = {"MUSIA_DATA_DIR": str(tmp_path / "data")}
    assert run("samples", "starter", "pack", cwd=tmp_path).returncode == 0
    (tmp_path / "pack" / "Pads").rename(tmp_path / "pads-only")
    result = run("samples", "index", "pads-only", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "samples.sqlite").is_file()
    found = run("samples", "search", "--type", "pad", "--json", cwd=tmp_path, env=env)
    assert len(json.loads(found.stdout)) == 2


def test_search_before_any_index_finds_nothing_and_says_why(tmp_path: Path) -> None:
    result = run("samples", "search", "--type", "kick", "--index", "none.sqlite", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == ""
    assert "no index" in result.stderr
    assert not (tmp_path / "none.sqlite").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["samples", "index", "missing-folder", "--index", "s.sqlite"], "no such folder"),
        (["samples", "search", "--bpm", "128-120", "--index", "s.sqlite"], "runs backwards"),
        (["samples", "search", "--bpm", "fast", "--index", "s.sqlite"], "tempo range"),
        (["samples", "search", "--key", "H minor", "--index", "s.sqlite"], "cannot read the key"),
        (["samples", "search", "--type", "banjo", "--index", "s.sqlite"], "unknown sample type"),
        (["samples", "search", "--index", "bad.sqlite"], "not a Musia sample index"),
        (["samples", "index", ".", "--index", "bad.sqlite"], "not a Musia sample index"),
        (["samples", "starter", "bad.sqlite"], "not a folder"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "bad.sqlite").write_bytes(b"this is no database" * 50)
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert (tmp_path / "bad.sqlite").read_bytes() == b"this is no database" * 50
