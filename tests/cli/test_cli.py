"""The `musia` command as a user runs it: every README example, the outputs, and bad input."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import mido
import pytest

from tests.conftest import REPO, shared_path
from tests.helpers import CliResult, run_cli

MUSIA = Path(sys.executable).with_name("musia")


def run(*args: str, cwd: Path | None = None) -> CliResult:
    return run_cli(*args, cwd=cwd)


def run_script(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script, in a process of its own."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [str(MUSIA), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


def readme_examples() -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    return re.findall(r"^\$ (musia .+)$", text, flags=re.MULTILINE)


def test_readme_has_examples() -> None:
    assert len(readme_examples()) >= 5


@pytest.fixture(scope="module")
def readme_session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CliResult]:
    """Every README example, once, in README order, in one folder, as a user types them: the
    `render` examples read the project a `generate` example above wrote, `analyze` and
    `transform` read the WAV a `render` example wrote, the searches read the index the
    `samples` examples built."""
    folder = tmp_path_factory.mktemp("readme")
    return {
        example: run_cli(*shlex.split(example)[1:], cwd=folder) for example in readme_examples()
    }


@pytest.mark.parametrize("example", readme_examples())
def test_every_readme_example_runs(example: str, readme_session: dict[str, CliResult]) -> None:
    result = readme_session[example]
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "Traceback" not in result.stderr


def test_the_readme_sample_searches_find_what_they_say(
    readme_session: dict[str, CliResult],
) -> None:
    searches = {e: r for e, r in readme_session.items() if e.startswith("musia samples search")}
    assert len(searches) >= 3
    for example, result in searches.items():
        args = shlex.split(example)
        if "--json" not in args:
            assert result.stdout.strip(), example
            continue
        rows = json.loads(result.stdout)
        assert rows, example
        if "--type" in args:
            wanted = args[args.index("--type") + 1]
            assert all(wanted in (r["class_name"], r["instrument"]) for r in rows), rows


def test_plan_json_has_the_keys_other_tools_read() -> None:
    result = run("plan", "Genera un track de house a 124 BPM en La menor", "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    required = {
        "intent",
        "style",
        "bpm",
        "tonic_pc",
        "mode",
        "time_signature",
        "bars",
        "mood",
        "parts",
        "add_parts",
        "remove_parts",
        "seed",
        "warnings",
    }
    assert required <= plan.keys()
    assert (plan["intent"], plan["style"], plan["bpm"], plan["tonic_pc"], plan["mode"]) == (
        "generate",
        "house",
        124,
        9,
        "minor",
    )


def test_generate_writes_a_midi_file_with_the_asked_tempo_key_and_meter(tmp_path: Path) -> None:
    result = run(
        "generate",
        "techno at 6/8, 132 bpm, C# minor, 16 bars",
        "--out",
        str(tmp_path),
        "--json",
        "--no-audio",
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    midi_path = next(Path(p) for p in summary["files"] if p.endswith(".mid"))
    midi = mido.MidiFile(midi_path)
    meta = {m.type: m for m in midi.tracks[0] if m.is_meta}
    assert round(mido.tempo2bpm(meta["set_tempo"].tempo), 3) == 132
    assert (meta["time_signature"].numerator, meta["time_signature"].denominator) == (6, 8)
    assert meta["key_signature"].key == "C#m"
    assert summary["plan"]["bars"] == 16
    assert abs(midi.length - summary["duration_s"]) < 0.01


def test_same_prompt_and_seed_give_identical_bytes(tmp_path: Path) -> None:
    files = []
    for out in ("a", "b"):
        result = run(
            "generate",
            "lofi hip hop, chill, 75 bpm, F major",
            "--out",
            str(tmp_path / out),
            "--seed",
            "5",
            "--json",
            "--no-audio",
        )
        assert result.returncode == 0, result.stderr
        files.append(
            next(Path(p) for p in json.loads(result.stdout)["files"] if p.endswith(".mid"))
        )
    assert files[0].read_bytes() == files[1].read_bytes()
    other = run(
        "generate",
        "lofi hip hop, chill, 75 bpm, F major",
        "--out",
        str(tmp_path / "c"),
        "--seed",
        "6",
        "--json",
        "--no-audio",
    )
    other_file = next(Path(p) for p in json.loads(other.stdout)["files"] if p.endswith(".mid"))
    assert other_file.read_bytes() != files[0].read_bytes()


def test_an_existing_project_is_never_overwritten(tmp_path: Path) -> None:
    for _ in range(2):
        result = run("generate", "pop song in C major", "--out", str(tmp_path), "--no-audio")
        assert result.returncode == 0
    folders = sorted(p.name for p in tmp_path.iterdir())
    assert folders == ["Pop 110 C major 2 Project", "Pop 110 C major Project"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", ""], "empty"),
        (["generate", "   "], "empty"),
        (["plan", "x" * 100_000], "limit"),
        (["generate", "Как дела?"], "chat"),
        (["generate", "qwpoeiru zxmcnvb asdlkfj"], "not a description"),
        (["generate", "house", "--seed", "-1"], "seed"),
        (["generate"], "Missing argument"),
        (["nonsense-command"], "No such command"),
    ],
)
def test_bad_input_is_a_clear_message_and_exit_code_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = run_script(*args, cwd=tmp_path)  # the installed script: its exit code is the shell's
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message.lower() in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir()), "a refused command must not write anything"


@pytest.mark.parametrize(
    ("prompt", "warning"),
    [
        ("house at 10000 bpm", "999"),
        ("techno, 0 bpm", "20"),
        ("polka party at 120 bpm", "no style named"),
    ],
)
def test_clamps_and_guesses_are_reported(prompt: str, warning: str) -> None:
    result = run("plan", prompt, "--json")
    assert result.returncode == 0, result.stderr
    assert any(warning in w for w in json.loads(result.stdout)["warnings"])


def test_out_must_be_a_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    result = run("generate", "house track", "--out", str(blocker))
    assert result.returncode == 2 and "not a folder" in result.stderr
    assert blocker.read_text() == "keep me"


@pytest.mark.parametrize("live", ["11", "12"])
def test_generate_writes_a_live_set_that_passes_the_checker(live: str, tmp_path: Path) -> None:
    checker = shared_path("tools", "als_check.py")
    result = run(
        "generate",
        "Genera un track de house a 124 BPM en La menor",
        "--out",
        str(tmp_path),
        "--live",
        live,
        "--json",
        "--no-audio",
    )
    assert result.returncode == 0, result.stderr
    als = next(Path(p) for p in json.loads(result.stdout)["files"] if p.endswith(".als"))
    check = subprocess.run(
        [sys.executable, str(checker), "--samples", str(als)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no staging folder left"


@pytest.mark.parametrize("live", ["11", "12"])
def test_generate_with_a_sample_index_uses_the_library(live: str, tmp_path: Path) -> None:
    index = tmp_path / "samples.sqlite"
    made = run("samples", "index", str(tmp_path / "pack"), "--starter", "--index", str(index))
    assert made.returncode == 0, made.stderr
    result = run(
        "generate",
        "house 124 bpm A minor, 16 bars",
        "--out",
        str(tmp_path / "songs"),
        "--samples",
        str(index),
        "--live",
        live,
        "--json",
        "--no-audio",
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    used = {s["role"] + ":" + str(s["note"]): s for s in summary["samples"]}
    assert {"drum:36", "drum:39", "drum:42", "loop:None"} <= set(used), sorted(used)
    assert "kick" in used["drum:36"]["name"].lower()
    assert "124" in used["loop:None"]["name"]  # the starter's drum loop, not its chord loop
    folder = Path(summary["folder"])
    assert all((folder / s["file"]).is_file() for s in summary["samples"])
    als = next(Path(p) for p in summary["files"] if p.endswith(".als"))
    check = subprocess.run(
        [sys.executable, str(shared_path("tools", "als_check.py")), "--samples", str(als)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    missing = run("generate", "house", "--out", str(tmp_path), "--samples", str(tmp_path / "no"))
    assert missing.returncode == 2 and "no sample index" in missing.stderr


def test_pianoroll_draws_a_project_and_refuses_what_it_cannot_write(tmp_path: Path) -> None:
    from musia.formats.png import decode_rgb

    made = run("generate", "house, 124 bpm, A minor, 16 bars", "--out", str(tmp_path), "--json",
               "--no-audio")  # fmt: skip
    assert made.returncode == 0, made.stderr
    project = Path(next(p for p in json.loads(made.stdout)["files"] if p.endswith(".mid"))).parent
    drawn = run("pianoroll", str(project), "-o", str(tmp_path / "song.png"), "--width", "800")
    assert drawn.returncode == 0, drawn.stderr
    assert decode_rgb((tmp_path / "song.png").read_bytes()).shape[1] == 800
    wrong = run("pianoroll", str(project), "-o", str(tmp_path / "song.jpg"))
    assert wrong.returncode == 2 and "must be a .png" in wrong.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run("pianoroll", str(empty))
    assert nothing.returncode == 2 and "0 MIDI files" in nothing.stderr
