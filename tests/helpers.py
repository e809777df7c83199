"""Building plans and songs for tests without going through the prompt parser, and running the
`musia` command."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from musia.cli.main import main
from musia.core.compose import compose
from musia.core.model import Song
from musia.core.plan import Plan
from musia.core.plan_builder import plan_from_reading
from musia.core.prompt.reading import PromptReading


def make_plan(style: str = "house", seed: int = 7, **fields: object) -> Plan:
    reading = PromptReading(intent="generate", style=style, style_source="explicit", **fields)  # type: ignore[arg-type]
    return plan_from_reading(reading, seed=seed)


def make_song(style: str = "house", seed: int = 7, **fields: object) -> Song:
    return compose(make_plan(style, seed, **fields))


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str | None] | None = None
) -> CliResult:
    """`musia ARGS` through `main()`, the console script's own function (its exit codes and
    one-line errors), in this process: the audio libraries (librosa alone costs ~6 s of CPU to
    import) load once per test process instead of once per command. Tests of the installed
    script itself run it as a subprocess. `env` sets variables for the command (None removes
    one); the environment is restored afterwards."""
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with (
        contextlib.chdir(cwd or Path.cwd()),
        mock.patch.dict(os.environ),
        mock.patch.object(sys, "argv", ["musia", *args]),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        for name, value in (env or {}).items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        try:
            main()
        except SystemExit as exit_:
            code = exit_.code
    returncode = code if isinstance(code, int) else 0 if code is None else 1
    return CliResult(returncode, out.getvalue(), err.getvalue())


def unshare_prefix() -> list[str] | None:
    """The `unshare` prefix that lets this machine mount a tmpfs, or None."""
    for prefix in (["unshare", "--mount"], ["unshare", "--user", "--map-root-user", "--mount"]):
        try:
            probe = subprocess.run(
                [*prefix, "sh", "-c", "mount -t tmpfs -o size=4k none /mnt 2>/dev/null"],
                capture_output=True,
                timeout=30,
                check=False,
            )
        except FileNotFoundError:
            return None
        if probe.returncode == 0:
            return prefix
    return None
