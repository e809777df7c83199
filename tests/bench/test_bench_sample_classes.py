"""bench/sample_classes.py: its instrument-name table, and a smoke run on stand-in kits (the
tests cannot assume the Debian Hydrogen packages; `make bench` measures on them)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_sample_classes", REPO / "bench" / "sample_classes.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _load()


@pytest.mark.parametrize(
    ("name", "label"),
    [("Kick", "kick"), ("BassDrum", "kick"), ("c3 - bass drum 1", "kick"),
     ("Snare Rimshot", "snare"), ("Snare Jazz", "snare"), ("Rim Click (Pearl)", "perc"),
     ("Stick", "perc"), ("Pearl Side Stick", "perc"), ("Hand Clap", "clap"),
     ("Finger Snaps", "clap"), ("Hat Closed", "hat"), ("Closed HH", "hat"),
     ("Hi-Hat Semiopen (Paiste)", "hat"), ("Sabian Hat Choke", "hat"), ("Ride Bell", "cymbal"),
     ("Bell", "cymbal"), ("crash16inch", "cymbal"), ("Zildjian Splash Choke", "cymbal"),
     ("Cowbell", "perc"), ("Sangban1 Bell Hit", "perc"), ("Djembe2 Bass", "perc"),
     ("Tom Floor", "tom"), ("tomhi2", "tom"), ("15", None), ("Drum 1", None), ("Zap 1", None),
     ("redo super opaco", None)],
)  # fmt: skip
def test_instrument_names_map_to_drum_classes(name: str, label: str | None) -> None:
    assert bench.class_of(name) == label


def test_stand_in_kits_print_figures_that_parse(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--stand-in", "--limit", "8"]) == 0
    out = capsys.readouterr().out
    assert len(re.findall(r"^  Stand-in Kit \d\s+8 files read", out, re.M)) == 3, out
    ours = re.search(r"^  ours \(Musia features \+ random forest\)\s+([\d.]+) %", out, re.M)
    baseline = re.search(r"^  baseline \(MFCC mean \+ random forest\)\s+([\d.]+) %", out, re.M)
    shipped = re.search(r"^  any class\s+([\d.]+) %", out, re.M)
    assert ours and baseline and shipped, out
    assert 0 <= float(baseline.group(1)) <= 100
    # our own synthesised drums, held out kit by kit: the features must tell them apart
    assert float(ours.group(1)) >= 70 and float(shipped.group(1)) >= 90
    assert re.search(r"^SoundFont drums learnt from: TimGM6mb\.sf2 \d+", out, re.M), out
    assert re.search(r"^  ours, other kits only \(no SoundFont\)\s+[\d.]+ %$", out, re.M), out
    assert re.search(r"^  kick\s+3\s+[\d.]+ %\s+[\d.]+ %$", out, re.M), out


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--stand-in", "--limit", "8", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == 24
    assert set(report["accuracy"]) >= {"ours", "ours_kits_only", "baseline_mfcc_rf", "shipped"}
    assert report["soundfont_drums"]["TimGM6mb.sf2"] >= 100
    assert sum(sum(row.values()) for row in report["confusion_ours"].values()) == 24
    assert set(report["per_class"]["ours"]) == set(bench.DRUM_CLASSES)


def test_missing_kits_say_so_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--kits", str(tmp_path / "none")]) == 2
    assert "no Hydrogen drum kits" in capsys.readouterr().err
    assert bench.main(["--kits", str(tmp_path)]) == 2


def test_a_missing_soundfont_says_so_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--stand-in", "--soundfont", str(tmp_path / "none.sf2")]) == 2
    assert "no such SoundFont" in capsys.readouterr().err
