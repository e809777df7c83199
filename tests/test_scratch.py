"""Scratch folders: what a killed process was writing is removed at the next sweep, what a live
process is writing is kept (another worker on the same data folder), whatever their ages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from musia.scratch import Scratch

WRITER = """
import sys, time
from pathlib import Path
from musia.scratch import Scratch

scratch = Scratch(Path(sys.argv[1]))
with scratch.temporary("render-") as folder:
    (Path(folder) / "preview.wav").write_bytes(b"RIFF half a preview")
    print(folder, flush=True)
    time.sleep(600)  # killed or stopped by the test before this ends
"""


def _writer(root: Path) -> tuple[subprocess.Popen[str], Path]:
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WRITER), str(root)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    return process, Path(process.stdout.readline().strip())


def test_a_killed_process_s_folder_is_swept_and_a_live_one_is_kept(tmp_path: Path) -> None:
    root = tmp_path / "tmp"
    killed, killed_work = _writer(root)
    alive, alive_work = _writer(root)
    try:
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)
        assert (killed_work / "preview.wav").exists()  # a kill runs no clean-up

        removed = Scratch(root).sweep()

        assert removed == [killed_work.parent]
        assert not killed_work.parent.exists()
        assert (alive_work / "preview.wav").exists()
    finally:
        alive.kill()
        alive.wait(timeout=30)
    assert Scratch(root).sweep() == [alive_work.parent]


def test_a_process_s_own_folder_survives_its_own_sweep_and_a_fresh_unlocked_one_waits(
    tmp_path: Path,
) -> None:
    scratch = Scratch(tmp_path)
    with scratch.temporary("upload-") as folder:
        mine = Path(folder).parent
        being_made = tmp_path / "12345-abc"  # between another process's mkdir and its lock
        being_made.mkdir()
        assert scratch.sweep() == []
        assert mine.is_dir() and Path(folder).is_dir() and being_made.is_dir()
        old = time.time() - 3600
        os.utime(being_made, (old, old))  # an hour later it has no lock: a crash before it
        assert scratch.sweep() == [being_made]
    assert list(mine.iterdir()) == [mine / ".owner"]  # the work folder went with its block
