"""The README's table of settings is the settings model's: made from it, and checked against it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from musia.audio.gm_soundfont import SOUNDFONT_ENV
from musia.errors import InvalidInput
from musia.settings import Settings
from musia.settings_doc import (
    SOUNDFONT_VARIABLE,
    TABLE_END,
    TABLE_START,
    main,
    markdown_table,
    readme_table,
    setting_rows,
    setting_variables,
)
from tests.deploy.deploy_files import REPO


def test_the_readme_table_is_current() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert readme_table(readme) == markdown_table(), (
        "the README's settings table is out of date: run "
        "`.venv/bin/python -m musia.settings_doc --readme README.md`"
    )


def test_every_field_of_every_group_has_a_documented_row() -> None:
    fields = 0
    for field in Settings.model_fields.values():
        group = field.annotation
        if isinstance(group, type) and issubclass(group, BaseSettings):
            fields += len(group.model_fields)
    rows = setting_rows()
    assert len(rows) == fields + 3  # plus MUSIA_DATA_DIR, MUSIA_SOUNDFONT and MUSIA_CACHE_DIR
    assert all(row.meaning and row.default for row in rows)
    assert len(setting_variables()) == len(rows)
    by_name = {row.variable: row for row in rows}
    assert by_name["MUSIA_UPLOAD_MAX_AUDIO_BYTES"].default == "`209715200`"
    assert by_name["MUSIA_HTTP_CORS_ORIGINS"].default == '`["http://localhost:3000"]`'
    assert by_name["MUSIA_HTTP_LOG_JSON"].default == "`true`"
    assert by_name["MUSIA_AUTH_JWT_SECRET"].default == "(none)"
    assert by_name["MUSIA_DATA_DIR"].default == "`data`"
    assert SOUNDFONT_VARIABLE == SOUNDFONT_ENV
    assert by_name["MUSIA_CACHE_DIR"].default == "(none)"


def test_the_rewrite_fixes_a_stale_table_and_keeps_the_rest(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\n{TABLE_START}\n| stale |\n{TABLE_END}\n\nAfter.\n", "utf-8")
    assert main(["--readme", str(readme)]) == 0
    text = readme.read_text("utf-8")
    assert readme_table(text) == markdown_table()
    assert text.startswith("# Title\n\n") and text.endswith(f"{TABLE_END}\n\nAfter.\n")
    assert main(["--readme", str(readme)]) == 0
    assert readme.read_text("utf-8") == text


def test_the_module_prints_the_table() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "musia.settings_doc", "--markdown"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout == markdown_table()
    assert "| `MUSIA_DATABASE_URL` |" in result.stdout


def test_bad_arguments_and_missing_markers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--frobnicate"]) == 2
    unmarked = tmp_path / "README.md"
    unmarked.write_text("# no table here\n", "utf-8")
    assert main(["--readme", str(unmarked)]) == 2
    assert main(["--readme", str(tmp_path / "missing.md")]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 3 and "markers" in errors[1] and "missing.md" in errors[2]
    assert unmarked.read_text("utf-8") == "# no table here\n"
    with pytest.raises(InvalidInput, match="markers"):
        readme_table("# a README without the table\n")
