"""The benchmark scripts: their key and tempo judges, and a smoke run of each on a tiny input."""

from __future__ import annotations

import importlib.util
import io
import json
import random
import re
import sys
from pathlib import Path
from types import ModuleType

import mido
import pytest

from musia.core.styles import load_style
from tests.conftest import REPO, shared_path


def _load(name: str) -> ModuleType:
    """bench/ is a folder of scripts, not a package: load one by path."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


adherence = _load("adherence")
generate = _load("generate")
musicality = _load("musicality")
render = _load("render")

C_MAJOR = (0, "major")
A_MINOR = (9, "minor")


def _histogram(beats_by_pc: dict[int, float]) -> list[float]:
    return [beats_by_pc.get(pc, 0.0) for pc in range(12)]


# C major scale, one beat a step, over a C major chord held two beats per note.
C_MAJOR_MATERIAL = {0: 3.0, 2: 1.0, 4: 3.0, 5: 1.0, 7: 3.0, 9: 1.0, 11: 1.0}
# A harmonic minor scale over an A minor chord: the G# is what says minor, not C major.
A_MINOR_MATERIAL = {9: 3.0, 11: 1.0, 0: 3.0, 2: 1.0, 4: 3.0, 5: 1.0, 8: 1.0}


def _transposed(material: dict[int, float], semitones: int) -> dict[int, float]:
    return {(pc + semitones) % 12: beats for pc, beats in material.items()}


# --- key estimator -------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", list(adherence.PROFILES))
def test_c_major_material_reads_c_major(profile: str) -> None:
    assert adherence.estimate_key(_histogram(C_MAJOR_MATERIAL), profile) == C_MAJOR


@pytest.mark.parametrize("profile", list(adherence.PROFILES))
def test_a_minor_material_reads_a_minor(profile: str) -> None:
    assert adherence.estimate_key(_histogram(A_MINOR_MATERIAL), profile) == A_MINOR


@pytest.mark.parametrize("profile", list(adherence.PROFILES))
@pytest.mark.parametrize("semitones", range(1, 12))
def test_the_estimate_moves_with_a_transposition(profile: str, semitones: int) -> None:
    major = adherence.estimate_key(_histogram(_transposed(C_MAJOR_MATERIAL, semitones)), profile)
    minor = adherence.estimate_key(_histogram(_transposed(A_MINOR_MATERIAL, semitones)), profile)
    assert major == (semitones, "major")
    assert minor == ((9 + semitones) % 12, "minor")


def test_no_pitched_notes_gives_no_key() -> None:
    assert adherence.estimate_key([0.0] * 12) is None


def test_key_names_parse_and_print() -> None:
    assert adherence.parse_key("C# minor") == (1, "minor")
    assert adherence.parse_key("Eb major") == (3, "major")
    assert adherence.parse_key("Bb major") == (10, "major")
    assert adherence.key_name((8, "minor")) == "G# minor"
    assert adherence.key_name((8, "major")) == "Ab major"


def test_ckd_also_counts_the_relative_key() -> None:
    assert adherence.key_hits(A_MINOR, C_MAJOR) == (False, True)
    assert adherence.key_hits(C_MAJOR, A_MINOR) == (False, True)
    assert adherence.key_hits(A_MINOR, A_MINOR) == (True, True)
    assert adherence.key_hits(A_MINOR, (9, "major")) == (False, False)
    assert adherence.key_hits(A_MINOR, None) == (False, False)


# --- tempo bins ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bpm", "name"),
    [
        (30, "Grave"), (40, "Grave"), (40.01, "Largo"), (60, "Largo"), (60.5, "Adagio"),
        (70, "Adagio"), (90, "Andante"), (90.5, "Moderato"), (110, "Moderato"),
        (110.5, "Allegro"), (140, "Allegro"), (140.01, "Vivace"), (160, "Vivace"),
        (160.5, "Presto"), (210, "Presto"), (210.5, "Prestissimo"),
        # the ground-truth rows of the caption file
        (94, "Moderato"), (96, "Moderato"), (125, "Allegro"), (143, "Vivace"), (200, "Presto"),
        (212, "Prestissimo"),
    ],
)  # fmt: skip
def test_tempo_bins_put_a_boundary_in_the_lower_bin(bpm: float, name: str) -> None:
    assert adherence.TEMPO_BINS[adherence.tempo_bin(bpm)] == name


@pytest.mark.parametrize(
    ("word", "name"),
    [("slow", "Adagio"), ("moderate", "Moderato"), ("Moderate tempo", "Moderato"),
     ("fast", "Allegro"), ("very fast", "Vivace"), ("Andante", "Andante"), ("Presto", "Presto")],
)  # fmt: skip
def test_tempo_words_name_a_bin(word: str, name: str) -> None:
    index = adherence.word_bin(word)
    assert index is not None
    assert adherence.TEMPO_BINS[index] == name


def test_an_unknown_tempo_word_names_no_bin() -> None:
    assert adherence.word_bin("brisk") is None


def test_tbt_allows_the_next_bin_only() -> None:
    allegro = adherence.TEMPO_BINS.index("Allegro")
    assert adherence.tempo_hits(allegro, 125) == (True, True)
    assert adherence.tempo_hits(allegro, 150) == (False, True)
    assert adherence.tempo_hits(allegro, 100) == (False, True)
    assert adherence.tempo_hits(allegro, 180) == (False, False)
    assert adherence.tempo_hits(allegro, None) == (False, False)


def test_the_bins_fit_the_ground_truth_of_the_captions() -> None:
    rows = adherence.load_captions(shared_path("prompts", "midicaps_captions.jsonl"))
    agree, checked = adherence.bin_check(rows)
    assert checked >= 6
    assert agree == checked


# --- reading a MIDI file -------------------------------------------------------------------------


def _midi_bytes(bpm: float) -> bytes:
    """A-minor notes on channel 1 and loud C#/F# drums on channel 10 that must not count."""
    midi = mido.MidiFile(type=1, ticks_per_beat=480)
    conductor = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(bpm))])
    notes, drums = mido.MidiTrack(), mido.MidiTrack()
    for pc, beats in A_MINOR_MATERIAL.items():
        pitch, ticks = 57 + (pc - 9) % 12, round(beats * 480)
        notes += [mido.Message("note_on", note=pitch, velocity=90, time=0)]
        notes += [mido.Message("note_off", note=pitch, velocity=64, time=ticks)]
    for _ in range(32):
        for pitch in (37, 42):
            drums += [mido.Message("note_on", channel=9, note=pitch, velocity=127, time=0)]
            drums += [mido.Message("note_off", channel=9, note=pitch, velocity=0, time=960)]
    midi.tracks += [conductor, notes, drums]
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def test_read_midi_takes_the_tempo_and_skips_the_drum_channel() -> None:
    facts = adherence.read_midi(_midi_bytes(140))
    assert facts.bpm == 140  # rounded: the set_tempo microseconds alone read 140.00005
    assert facts.pitched_notes == len(A_MINOR_MATERIAL)
    assert facts.histogram[1] == facts.histogram[6] == 0
    assert facts.histogram[9] == pytest.approx(3.0)
    assert adherence.estimate_key(facts.histogram) == A_MINOR


# --- smoke runs ----------------------------------------------------------------------------------

METRIC_LINE = re.compile(r"^(TB|TBT|CK|CKD)\s+(\d+\.\d) %\s+(\d+)/(\d+)\s", re.MULTILINE)
SMOKE_IDS = ("mcs-000", "mcs-020", "mcs-031")  # fast/A major, 138 BPM/A minor, slow/Eb major


def _tiny_captions(tmp_path: Path) -> Path:
    source = shared_path("prompts", "midicaps_captions.jsonl")
    rows = [r for r in adherence.load_captions(source) if r["id"] in SMOKE_IDS]
    path = tmp_path / "captions.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_adherence_prints_figures_that_parse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert adherence.main(["--captions", str(_tiny_captions(tmp_path))]) == 0
    out = capsys.readouterr().out
    figures = METRIC_LINE.findall(out)
    assert [name for name, *_ in figures[:4]] == ["TB", "TBT", "CK", "CKD"]
    for _, percent, hits, total in figures:
        assert int(total) == len(SMOKE_IDS)
        assert float(percent) == pytest.approx(100 * int(hits) / int(total), abs=0.05)
    assert "text2midi publishes TB 39.7 %, CK 33.6 %; target ≥ 95 %" in out


def test_adherence_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        adherence.main(["--captions", str(_tiny_captions(tmp_path)), "--json", "--seed", "3"]) == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["captions"] == len(SMOKE_IDS)
    assert report["metrics"]["TB"]["total"] == len(SMOKE_IDS)
    assert report["metrics"]["CK Krumhansl–Kessler"]["total"] == len(SMOKE_IDS)


def test_adherence_without_captions_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert adherence.main(["--captions", str(tmp_path / "missing.jsonl")]) == 2
    assert "captions file not found" in capsys.readouterr().err


# --- musicality --------------------------------------------------------------------------------


def _bench_song(drums: list[tuple[float, int, int]], bpm: float = 120.0) -> object:
    """A judged one-part song: (start beats, pitch, velocity) drum hits, one 16-bar drop."""
    notes = [musicality.Note(t, t + 0.1, p, v) for t, p, v in drums]
    return musicality.Judged(
        id="x", seed=1, style="house", stated_length=False, bpm=bpm, bar_beats=4.0,
        minutes=1.0, sections=[("drop", 0, 16, 3)], parts={"drums": notes},
    )  # fmt: skip


def test_musicality_hat_feel_is_zero_on_the_grid_and_counts_timing_beyond_swing() -> None:
    # Sixteenth hats, the off-beat ones swung 0.05 beat late: swing alone is no feel.
    swung = [(i / 4 + (0.05 if i % 2 else 0.0), 42, 80 + 20 * (i % 2)) for i in range(64)]
    timing, velocity = musicality.hat_feel(_bench_song(swung))
    assert timing == pytest.approx(0.0, abs=1e-9) and velocity == pytest.approx(10.0)
    # Every fourth hat 0.01 beat late on top (5 ms at 120 BPM): now there is feel.
    pushed = [(t + (0.01 if i % 4 == 0 else 0.0), p, v) for i, (t, p, v) in enumerate(swung)]
    assert musicality.hat_feel(_bench_song(pushed))[0] > 1.0


def test_musicality_counts_distinct_drum_bars_and_rolls() -> None:
    kick = [(bar * 4.0 + beat, 36, 100) for bar in range(16) for beat in range(4)]
    roll = [(bar * 4.0 + 3 + k / 8, 42, 70) for bar in range(0, 16, 4) for k in range(4)]
    song = _bench_song(kick + roll)
    assert musicality.distinct_drum_bars(song) == [2], "four on the floor, and with a roll"
    song.parts["bass"] = [musicality.Note(t, t + 0.5, 36, 100) for t, _, _ in kick[::2]]
    rolls_per_bar, on_kick = musicality.trap_figures(song)
    assert rolls_per_bar == 1.0 and on_kick == 1.0


def test_musicality_prints_every_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        {"id": "t-0", "prompt": "house, 124 bpm, A minor, 32 bars", "intent": "generate",
         "expect": {"bars": 32}},
        {"id": "t-1", "prompt": "trap beat 140 bpm in B minor, 32 bars", "intent": "generate",
         "expect": {"bars": 32}},
    ]  # fmt: skip
    path = tmp_path / "prompts.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    keep = tmp_path / "songs"
    assert musicality.main(["--prompts", str(path), "--seeds", "1,2", "--write", str(keep)]) == 0
    composed = capsys.readouterr().out
    assert re.search(r"^\d+/17 targets met$", composed, re.M), composed
    assert sorted(p.name for p in keep.iterdir()) == ["t-0-s1", "t-0-s2", "t-1-s1", "t-1-s2"]
    assert musicality.main(["--prompts", str(path), "--seeds", "1,2", "--songs", str(keep)]) == 0
    again = capsys.readouterr().out
    assert again.splitlines()[2:] == composed.splitlines()[2:], "the files hold the same songs"


def test_generate_prints_figures_that_parse(capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.main(["--iterations", "2", "--cli-runs", "1"]) == 0
    out = capsys.readouterr().out
    total = re.search(r"^total: plan \+ compose \+ MIDI\s+2((?:\s+[\d.]+ ms){4})", out, re.M)
    cli = re.search(r"^musia generate\s+1((?:\s+[\d.]+ s){4})", out, re.M)
    project = re.search(
        r"^project: set \+ MIDI \+ plan on disk\s+2((?:\s+[\d.]+ ms){4})", out, re.M
    )
    assert total and cli and project, out
    for row in (total, cli, project):
        low, p50, p95, high = (float(v) for v in re.findall(r"[\d.]+", row.group(1)))
        assert 0 < low <= p50 <= p95 <= high
    assert re.search(r"^\s+[\d.]+ ms\s+[\d.]+ ms  musia", out, re.M), "no import costs"


def test_percentiles_interpolate_between_ranks() -> None:
    assert generate.percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert generate.percentile([5.0], 0.95) == 5.0
    assert generate.percentile(list(range(101)), 0.95) == 95


def test_importtime_lines_parse_with_who_imported_what() -> None:
    stderr = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       120 |        120 |     pydantic_core\n"
        "import time:       300 |        420 |   pydantic\n"
        "import time:      1000 |       1420 | musia.core.plan\n"
        "import time:      2500 |      40000 | typer\n"
    )
    costs = generate.parse_importtime(stderr)
    assert costs["pydantic_core"] == generate.ImportCost(0.12, 0.12, "pydantic")
    assert costs["pydantic"] == generate.ImportCost(0.3, 0.42, "musia.core.plan")
    assert costs["musia.core.plan"].imported_by == ""
    assert costs["typer"] == generate.ImportCost(2.5, 40.0, "")


def test_render_prints_figures_that_parse(capsys: pytest.CaptureFixture[str]) -> None:
    assert render.main(["--runs", "1", "--prompt", "house with drums and bass, 4 bars"]) == 0
    out = capsys.readouterr().out
    warm = re.search(r"^warm render, best of 1\s+([\d.]+) s\s+([\d.]+)x real time", out, re.M)
    assert warm and float(warm.group(1)) > 0 and float(warm.group(2)) > 0, out
    loudness = re.search(r"(-?[\d.]+) LUFS, sample peak (-?[\d.]+) dBFS", out)
    assert loudness, out
    house_lufs = load_style("house").mix.loudness_lufs  # mastered to its style's loudness
    assert abs(float(loudness.group(1)) - house_lufs) < 1.0, out
    assert float(loudness.group(2)) <= -1.0
    # and the analysis of the written preview is timed too
    line = re.search(r"first call ([\d.]+) s, warm best of 1 ([\d.]+) s \(CPU ([\d.]+) s\)", out)
    assert line, out
    assert all(float(v) > 0 for v in line.groups())


def test_parse_bench_prints_figures_on_a_tiny_set(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """No network, no abletoolz needed: without it the ElementTree baseline runs."""
    from musia.formats.als import write_als
    from tests.helpers import make_song

    parse = _load("parse")
    path = write_als(make_song("house", seed=2), tmp_path / "tiny.als")
    parse.main([str(path)])
    out = capsys.readouterr().out
    assert re.search(
        r"musia\s+[\d.]+ MB/s \([\d.]+ MB/s of CPU\)\s+peak on the largest set\s+[\d.]+x", out
    ), out
    assert re.search(r"speed-up: [\d.]+x", out), out


def test_api_bench_prints_figures_that_parse(capsys: pytest.CaptureFixture[str]) -> None:
    api = _load("api")
    assert api.main(["--clients", "2", "--projects", "2"]) == 0
    out = capsys.readouterr().out
    throughput = re.search(r"^throughput\s+([\d.]+) projects/s", out, re.M)
    latency = re.search(r"^latency\s+p50 ([\d.]+) s\s+p95 ([\d.]+) s\s+max ([\d.]+) s", out, re.M)
    assert throughput and latency, out
    assert float(throughput.group(1)) > 0
    p50, p95, high = (float(v) for v in latency.groups())
    assert 0 < p50 <= p95 <= high
    assert "2 clients, 2/2 projects" in out


# --- analysis accuracy ---------------------------------------------------------------------------

analysis_accuracy = _load("analysis_accuracy")


@pytest.mark.parametrize(
    ("truth", "estimate", "score"),
    [
        ((0, "major"), (0, "major"), 1.0),
        ((0, "major"), (7, "major"), 0.5),  # a fifth up
        ((0, "major"), (5, "major"), 0.5),  # a fifth down
        ((0, "major"), (9, "minor"), 0.3),  # relative minor
        ((9, "minor"), (0, "major"), 0.3),  # relative major
        ((0, "major"), (0, "minor"), 0.2),  # parallel
        ((0, "major"), (7, "minor"), 0.0),
        ((0, "major"), (2, "major"), 0.0),
        ((0, "major"), None, 0.0),
    ],
)
def test_mirex_weights(
    truth: tuple[int, str], estimate: tuple[int, str] | None, score: float
) -> None:
    assert analysis_accuracy.mirex_score(truth, estimate) == score


@pytest.mark.parametrize(
    ("estimate", "hits"),
    [
        (120.0, (True, True)),
        (124.7, (True, True)),
        (125.0, (False, False)),
        (240.0, (False, True)),
        (60.0, (False, True)),
        (360.0, (False, True)),
        (40.0, (False, True)),
        (80.0, (False, False)),  # 2:3 is not an octave error
        (None, (False, False)),
    ],
)
def test_tempo_accuracies(estimate: float | None, hits: tuple[bool, bool]) -> None:
    assert analysis_accuracy.tempo_hits(120.0, estimate) == hits


def test_analysis_accuracy_prints_figures_that_parse(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A tiny sample of the bench: one 4-bar house song per seed (with its Rubber Band and sox
    versions where those tools are installed), two chorales, two grooves."""
    monkeypatch.setenv("MUSIA_BENCH_CACHE", str(tmp_path))
    argv = ["--styles", "house", "--per-style", "1", "--bars", "4", "--limit", "2", "--quiet"]
    assert analysis_accuracy.main(argv) == 0
    out = capsys.readouterr().out
    rows = re.findall(
        r"^  (musia|chroma_cqt \+ \w+)\s+([\d.]+)%\s+([\d.]+)\s+(\d+)/(\d+)", out, re.M
    )
    names = [name for name, *_ in rows]
    # electronic test half, tune half and chorales: musia and both librosa baselines each
    assert names == ["musia", "chroma_cqt + Krumhansl", "chroma_cqt + Temperley"] * 3, out
    for _, percent, mirex, hits, total in rows:
        assert float(percent) == pytest.approx(100 * int(hits) / int(total), abs=0.05)
        assert float(mirex) >= int(hits) / int(total) - 0.0005  # printed to 3 places
    tempo = re.findall(r"^  (musia|librosa beat_track)\s+([\d.]+)%\s+([\d.]+)%", out, re.M)
    assert [name for name, *_ in tempo] == ["musia", "librosa beat_track"] * 3, out
    assert all(float(acc1) <= float(acc2) for _, acc1, acc2 in tempo)
    assert re.search(r"^  house\s+n=\d+", out, re.M), out
    assert "key setting (drums) shipped:" in out and "targets:" in out
    # the misses by kind, per style and in all: the counts add up to the misses
    table = re.findall(r"^    (house|all styles)\s+((?:\d+\s+){5})(\d+)/(\d+)$", out, re.M)
    assert [name for name, *_ in table] == ["house", "all styles"], out
    for _, kinds, misses, _total in table:
        assert sum(int(k) for k in kinds.split()) == int(misses)


fit_tempo_octave = _load("fit_tempo_octave")


def test_octave_fit_learns_which_feature_tells_the_double() -> None:
    """Pairs where the listener taps the double exactly when the second feature (onsets per
    beat of the double) is positive: the fitted weight on it is positive, the fit decides every
    pair right, and the weights stay finite though the classes separate cleanly (the L2 term)."""
    rng = random.Random(3)
    rows = []
    for index in range(60):
        density = rng.uniform(-2, 2)
        noise = tuple(rng.uniform(-1, 1) for _ in range(5))
        rows.append(
            fit_tempo_octave.Row(
                f"pair {index}", "house", (noise[0], density, *noise[1:], 0.0), density > 0
            )
        )
    weights, bias = fit_tempo_octave.fit(rows, l2=1.0)
    assert len(weights) == 7 and weights[1] > 2 * max(
        abs(w) for i, w in enumerate(weights) if i != 1
    )
    assert all(abs(w) < 50 for w in (*weights, bias))
    for row in rows:
        score = bias + sum(w * f for w, f in zip(weights, row.features, strict=True))
        assert (score > 0) == row.faster or abs(row.features[1]) < 0.2  # near the boundary


def test_analysis_accuracy_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MUSIA_BENCH_CACHE", str(tmp_path))
    argv = ["--sets", "chorales,grooves", "--limit", "1", "--quiet", "--json", "--seed", "5"]
    assert analysis_accuracy.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["chorales"]["count"], report["grooves"]["count"]) == (1, 1)
    assert set(report["grooves"]["tempo"]) == {"musia", "librosa beat_track"}
    assert report["chorales"]["key"]["musia"]["total"] == 1


def test_analysis_accuracy_reads_a_list_of_labelled_recordings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Real recordings are listed in a CSV beside them (never copied into the repository)."""
    monkeypatch.setenv("MUSIA_BENCH_CACHE", str(tmp_path / "cache"))
    from musia.audio.io import write_audio
    from tests.audio.signals import RATE, club_loop

    write_audio(tmp_path / "loop.wav", club_loop(45, "minor", bars=8), RATE)
    (tmp_path / "list.csv").write_text("path,key,bpm,group\nloop.wav,A minor,124,test\n")
    argv = ["--sets", "", "--real", str(tmp_path / "list.csv"), "--quiet", "--json"]
    assert analysis_accuracy.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["real"]["key"]["musia"]["total"] == 1
    assert report["real"]["per_group"]["test"]["count"] == 1


def test_chat_bench_runs_three_clients(capsys: pytest.CaptureFixture[str]) -> None:
    chat = _load("chat")
    assert chat.main(["--clients", "3", "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^first progress\s+p50 [\d.]+ s\s+p95 [\d.]+ s", out, re.M), out
    assert re.search(r"^result\s+p50 [\d.]+ s\s+p95 [\d.]+ s", out, re.M), out
    assert "own events only  3/3" in out and "results          3/3" in out


def test_edit_fidelity_bench_on_a_tiny_set(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from musia.formats.als import write_als
    from tests.helpers import make_song

    fidelity = _load("edit_fidelity")
    path = write_als(make_song("house", seed=2), tmp_path / "tiny.als")
    fidelity.main([str(path)])
    assert "1/1 sets edited with fidelity" in capsys.readouterr().out


def test_jobs_prints_figures_that_parse(capsys: pytest.CaptureFixture[str], redis_url: str) -> None:
    jobs = _load("jobs")
    assert jobs.main(["--noop", "20", "--projects", "2"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(
        r"^(no-op|project), .+?\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", out, re.M
    )
    assert len(rows) == 4, out
    for _kind, count, failed, per_s, p50, p95 in rows:
        assert int(count) > 0 and int(failed) == 0
        assert float(per_s) > 0 and 0 <= float(p50) <= float(p95)


def test_checker_sweep_prints_figures_that_parse(capsys: pytest.CaptureFixture[str]) -> None:
    assert _load("checker_sweep").main(["--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^2 sets \(2 with stem tracks\): 2 conform .+ in [\d.]+ s$", out, re.M), out


def test_robustness_prints_figures_that_parse(capsys: pytest.CaptureFixture[str]) -> None:
    assert _load("robustness").main(["--fuzz-cases", "5"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"typical prompt\s+\d+ µs", out), out
    assert re.search(r"fuzz: 5 cases, \d+ read, \d+ refused, slowest [\d.]+ CPU s", out), out
    assert "0 untyped errors" in out


def test_corpus_sweep_prints_figures_that_parse(capsys: pytest.CaptureFixture[str]) -> None:
    assert _load("corpus_sweep").main(["--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^2 of 2 corpus sets: our index .+ in [\d.]+ s$", out, re.M), out
    assert re.search(r"^2 of 2 corpus sets: the facts .+ MANIFEST.tsv's, in [\d.]+ s$", out, re.M)
