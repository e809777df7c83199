"""bench/sample_classes.py: its instrument-name table, and a smoke run on stand-in kits (the
tests cannot assume the Debian Hydrogen packages; `make bench` measures on them)."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from musia.audio.gm_soundfont import bundled_soundfont
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


@pytest.fixture(scope="module")
def stand_in_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run of the bench on stand-in kits (8 files a kit), learning the bundled SoundFont's
    drums whatever other SoundFonts or sample packs this machine has installed."""
    folder = bench.write_stand_in_kits(tmp_path_factory.mktemp("kits"))
    bundled = bundled_soundfont()
    assert bundled is not None
    return dict(bench.bench(folder, 8, [bundled], 1, []))


def test_stand_in_kits_print_figures_that_parse(
    stand_in_report: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    bench.print_report(stand_in_report)
    out = capsys.readouterr().out
    assert len(re.findall(r"^  Stand-in Kit \d\s+8 files read", out, re.M)) == 3, out
    ours = re.search(r"^  ours \(Musia features, forest\+SVM\+LR\)\s+([\d.]+) %", out, re.M)
    baseline = re.search(r"^  baseline \(MFCC mean \+ random forest\)\s+([\d.]+) %", out, re.M)
    shipped = re.search(r"^  any class\s+([\d.]+) %", out, re.M)
    assert ours and baseline and shipped, out
    assert 0 <= float(baseline.group(1)) <= 100
    # our own synthesised drums, held out kit by kit: the features must tell them apart
    assert float(ours.group(1)) >= 70 and float(shipped.group(1)) >= 90
    assert re.search(r"^SoundFont drums learnt from: TimGM6mb\.sf2 \d+", out, re.M), out
    assert re.search(r"^  ours, other kits only \(no extra drums\)\s+[\d.]+ %$", out, re.M), out
    assert re.search(r"^  kick\s+3\s+[\d.]+ %\s+[\d.]+ %$", out, re.M), out
    assert re.search(
        r"^  blend chosen without the held-out kit\s+[\d.]+ %\s+\(of 27 blends; best on all kits: "
        r"forest [\d.]+ svm C [\d.]+ logistic C [\d.]+, [\d.]+ %\)$",
        out,
        re.M,
    ), out


def test_json_report(stand_in_report: dict[str, Any]) -> None:
    report = json.loads(json.dumps(stand_in_report))  # what --json prints
    assert report["files"] == 24
    assert set(report["accuracy"]) >= {"ours", "ours_kits_only", "baseline_mfcc_rf", "shipped"}
    assert report["soundfont_drums"]["TimGM6mb.sf2"] >= 100
    assert sum(sum(row.values()) for row in report["confusion_ours"].values()) == 24
    assert set(report["per_class"]["ours"]) == set(bench.DRUM_CLASSES)
    assert len(report["blends"]["settings"]) == 27
    assert set(report["blends"]["chosen_per_kit"]) == set(report["kits"])
    assert 0 <= report["accuracy"]["ours_blend_cross_validated"] <= 100


def test_the_blend_is_chosen_without_the_held_out_kit() -> None:
    """Kit C (10 files) is right only with SVM C=1, kits A and B only with C=3: on all kits C=1
    wins (10 of 12), but each kit held out picks the blend the others favour, and loses."""
    import numpy as np

    labels = np.array(["b"] * 12)
    kits = np.array(["A", "B", *["C"] * 10])
    classes = np.array(["a", "b"])
    even = np.full((12, 2), 0.5)  # a tie reads as "a": wrong
    on_c = np.array([[1.0, 0.0]] * 2 + [[0.0, 1.0]] * 10)
    uninformed = ["forest", "svm0.3", "logistic0.03", "logistic0.1", "logistic0.3"]
    tables = dict.fromkeys(uninformed, even)
    tables |= {"svm1.0": on_c, "svm3.0": on_c[:, ::-1]}
    chosen = bench.choose_blend(labels, kits, classes, tables)
    assert chosen["settings"]["forest 0.5 svm C 1.0 logistic C 0.03"] == 83.3
    assert max(chosen["settings"].values()) == 83.3
    assert chosen["chosen_per_kit"]["C"][1] == 3.0 and chosen["chosen_per_kit"]["A"][1] == 1.0
    assert chosen["cross_validated"] == 0.0


def test_missing_kits_say_so_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--kits", str(tmp_path / "none")]) == 2
    assert "no Hydrogen drum kits" in capsys.readouterr().err
    assert bench.main(["--kits", str(tmp_path)]) == 2


def test_a_missing_soundfont_says_so_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main(["--stand-in", "--soundfont", str(tmp_path / "none.sf2")]) == 2
    assert "no such SoundFont" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("stem", "label"),
    [("bd_haus", "kick"), ("drum_heavy_kick", "kick"), ("elec_hollow_kick", "kick"),
     ("bassdrum_acoustic01", "kick"), ("sn_dub", "snare"), ("elec_hi_snare", "snare"),
     ("snare_rim01", "snare"), ("perc_snap2", "clap"), ("clap03", "clap"),
     ("drum_cymbal_closed", "hat"), ("drum_cymbal_open", "hat"), ("hihat_foot_pedal01", "hat"),
     ("hihat_opened02", "hat"), ("drum_splash_soft", "cymbal"), ("ride01", "cymbal"),
     ("drum_tom_lo_hard", "tom"), ("tom_hi01", "tom"), ("drum_cowbell", "perc"),
     ("tabla_na_o", "perc"), ("clav01", "perc"), ("rim01", "perc"), ("shaker02", "perc"),
     ("drum_cymbal_hard", None), ("perc_bell", None), ("elec_blip", None), ("loop_amen", None),
     ("drum_roll", None), ("nasty_bass01", None), ("bass_hit_c", None), ("ambi_choir", None)],
)  # fmt: skip
def test_sample_file_names_map_to_drum_classes(stem: str, label: str | None) -> None:
    assert bench.class_of_file(stem) == label


def test_a_sample_folder_adds_the_drums_its_names_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from musia.audio.io import write_audio
    from musia.audio.sample_synth import SAMPLE_RATE, render_voice

    folder = tmp_path / "samples"
    folder.mkdir()
    for stem, voice in [("bd_one", "kick"), ("hihat_closed01", "hat"), ("loop_amen", "snare")]:
        write_audio(folder / f"{stem}.wav", render_voice(voice, 7)[:, None], SAMPLE_RATE)
    (folder / "kick04.ogg").write_bytes(b"RIFF not really an ogg file")  # left out, not fatal
    (folder / "nested").mkdir()  # only the folder's own files are read
    args = ["--stand-in", "--limit", "8", "--json", "--sample-folder", str(folder)]
    assert bench.main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sample_folder_drums"] == {str(folder): 2}
    assert report["files"] == 24  # the kits are what is measured, the folder only teaches
    assert bench.main([*args[:3], "--sample-folder", str(tmp_path / "none")]) == 2
    assert "no such folder" in capsys.readouterr().err
