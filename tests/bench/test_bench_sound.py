"""bench/sound.py: a quick run on one style, its figures parsed and in range, and its pictures
written (the full run, every style and two seeds, is `make bench`'s)."""

from __future__ import annotations

import importlib.util
import io
import json
import math
import sys
from contextlib import redirect_stdout
from pathlib import Path
from types import ModuleType

from musia.formats.png import decode_rgb
from tests.conftest import REPO


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_sound", REPO / "bench" / "sound.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


sound = _load()


def test_a_quick_run_prints_figures_for_both_renders(tmp_path: Path) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        code = sound.main(["--quick", "--json", "--styles", "techno", "--pictures", str(tmp_path)])
    assert code == 0
    result = json.loads(out.getvalue())
    (row,) = result["renders"]
    assert row["style"] == "techno" and row["seed"] == 1
    for render in ("musia", "gm"):
        figures = row[render]
        assert set(figures) == {"low", "crest", "lufs", "lufs_off", "tp", "lift"}
        assert 0.0 <= figures["low"] <= 1.0
        assert 3.0 < figures["crest"] < 30.0
        assert -40.0 < figures["lufs"] < 0.0 and figures["tp"] < 0.0
        assert math.isfinite(figures["lift"])
    assert abs(row["musia"]["lufs_off"] - (row["musia"]["lufs"] - row["target_lufs"])) < 0.02
    picture = decode_rgb((tmp_path / "techno.png").read_bytes())
    assert picture.shape[0] == 400 and picture.shape[1] > 100
    assert (tmp_path / "techno_gm.png").is_file()


def test_the_targets_name_what_a_render_misses() -> None:
    good = {"low": 0.4, "crest": 9.0, "lufs": -9.0, "lufs_off": 0.0, "tp": -1.1, "lift": 4.0}
    assert sound.passes("house", good) == []
    bad = {"low": 0.1, "crest": 14.0, "lufs": -12.0, "lufs_off": -3.0, "tp": -0.5, "lift": 1.0}
    assert sound.passes("house", bad) == ["low", "crest", "lufs", "tp", "lift"]
    assert "low" not in sound.passes("ambient", bad)  # the low end is asked of club styles


def test_the_dev_prompts_give_every_style_a_prompt() -> None:
    prompts = sound.style_prompts()
    assert set(prompts) == set(sound.STYLES)
    assert all(prompts.values())
