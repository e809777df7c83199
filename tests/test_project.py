"""The project folder as a producer receives it: the set plays the rendered stems from `Samples/`,
`--zip` packs it deterministically, and bad names or unwritable folders never leave half a
project behind."""

from __future__ import annotations

import gzip
import json
import os
import resource
import signal
import subprocess
import sys
import wave
import zipfile
from array import array
from pathlib import Path

import pytest

from musia.core.plan_builder import plan_from_text
from musia.instruments import MAX_HOLD_S
from musia.project import GeneratedProject, write_project
from tests.cli.test_cli import MUSIA, run
from tests.conftest import shared_path
from tests.formats.als.helpers import read_set, value
from tests.helpers import unshare_prefix

PROMPT = "deep house, 122 bpm, D minor, 8 bars"
HOSTILE = 'My/Song "quoted" \\ 🎹🔥 <b> ' + "x" * 300
STAMP = "1700000000"


def _checker(*sets: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        str(shared_path("tools", "als_check.py")),
        "--samples",
        *map(str, sets),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)


@pytest.fixture(scope="module", params=[11, 12])
def rendered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> GeneratedProject:
    """A real project with rendered stems (short, to keep the suite quick)."""
    plan = plan_from_text(PROMPT, seed=4)
    return write_project(plan, tmp_path_factory.mktemp("out"), live_version=request.param)


@pytest.mark.shared
def test_a_project_with_stems_passes_the_checker(rendered: GeneratedProject) -> None:
    als = next(p for p in rendered.files if p.suffix == ".als")
    done = _checker(als)
    assert done.returncode == 0, done.stdout[-3000:]


def test_the_set_plays_the_stems_it_ships(rendered: GeneratedProject) -> None:
    folder = rendered.folder
    stems = sorted((folder / "Samples" / "Imported").glob("*.wav"))
    assert [p.stem for p in stems] == sorted(t.name for t in rendered.song.tracks)
    assert not (folder / "stems").exists(), "stems live in Samples/ only"
    root = read_set(next(folder.glob("*.als")))
    refs = {
        value(r, "FileRef/RelativePath"): r
        for t in root.findall("LiveSet/Tracks/AudioTrack")
        for r in t.iter("SampleRef")
    }
    assert {folder / rel for rel in refs} == set(stems)
    for rel, ref in refs.items():
        path = folder / rel
        assert int(value(ref, "LastModDate")) == int(path.stat().st_mtime)
        assert int(value(ref, "FileRef/OriginalFileSize")) == path.stat().st_size
        assert Path(value(ref, "FileRef/Path")) == path.absolute()
    names = [value(t, "Name/EffectiveName") for t in root.findall("LiveSet/Tracks/AudioTrack")]
    assert names == [f"{t.name} Audio" for t in rendered.song.tracks]


def test_the_midi_tracks_play_musias_instruments_the_project_ships(
    rendered: GeneratedProject,
) -> None:
    """Drums on a Drum Rack; every other part multi-sampled: a Sampler in a Live 12 set, an
    Instrument Rack of key-zoned Simplers in a Live 11 set."""
    folder = rendered.folder
    root = read_set(next(folder.glob("*.als")))
    live12 = root.find("LiveSet/MainTrack") is not None
    tracks = root.findall("LiveSet/Tracks/MidiTrack")
    assert len(tracks) == len(rendered.song.tracks)
    for track, part in zip(tracks, rendered.song.tracks, strict=True):
        devices = [d.tag for d in track.findall("DeviceChain/DeviceChain/Devices/*")]
        melodic = "MultiSampler" if live12 else "InstrumentGroupDevice"
        assert devices[0] == ("DrumGroupDevice" if part.is_drums else melodic)
        assert devices[1:] in ([], ["AudioEffectGroupDevice"])  # the part's channel rack
    shots = sorted((folder / "Samples" / "Instruments").glob("*.wav"))
    refs = {value(r, "FileRef/RelativePath") for t in tracks for r in t.iter("SampleRef")}
    assert {folder / rel for rel in refs} == set(shots)
    for path in shots:
        with wave.open(str(path), "rb") as reader:
            assert (reader.getframerate(), reader.getsampwidth()) == (44100, 2)
            frames = reader.readframes(reader.getnframes())
        # A zone: seconds, not a song (a held sound lasts its part's longest note, 32 s at most).
        assert 0 < reader.getnframes() <= 44100 * (MAX_HOLD_S + 6)
        assert max(abs(x) for x in array("h", frames)) > 20000  # peak-normalised, not silence
    (group,) = root.findall("LiveSet/Tracks/GroupTrack")
    assert value(group, "DeviceChain/Mixer/Speaker/Manual") == "false"  # stems: reference only
    assert str(folder / "Samples" / "Instruments" / shots[0].name) in map(str, rendered.files)


def test_without_audio_the_set_has_instruments_but_no_audio_tracks(tmp_path: Path) -> None:
    result = run("generate", PROMPT, "--out", str(tmp_path), "--no-audio", "--json")
    assert result.returncode == 0, result.stderr
    folder = Path(json.loads(result.stdout)["folder"])
    root = read_set(next(folder.glob("*.als")))
    assert root.findall("LiveSet/Tracks/AudioTrack") == []
    assert root.findall("LiveSet/Tracks/GroupTrack") == []
    tracks = root.findall("LiveSet/Tracks/MidiTrack")
    assert tracks and all(t.findall("DeviceChain/DeviceChain/Devices/*") for t in tracks)
    assert [p.name for p in (folder / "Samples").iterdir()] == ["Instruments"]
    name = folder.name.removesuffix(" Project")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{name}.als", f"{name}.mid", "plan.json", "Samples", "Presets", "Ableton Project Info"]
    )
    assert list((folder / "Ableton Project Info").iterdir()) == []
    done = _checker(next(folder.glob("*.als")))
    assert done.returncode == 0, done.stdout[-3000:]


def _zip(out: Path, *extra: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    env_args = ["generate", PROMPT, "--out", str(out), "--zip", "--json", *extra]
    result = subprocess.run(
        [str(MUSIA), *env_args],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": STAMP},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    archive = next(Path(p) for p in json.loads(result.stdout)["files"] if p.endswith(".zip"))
    return archive, result


def test_zip_packs_the_folder_deterministically(tmp_path: Path) -> None:
    # The same place both times: a set names its samples by absolute path too, as Live does.
    first, _ = _zip(tmp_path / "out", "--no-audio", "--seed", "2")
    first_bytes = first.read_bytes()
    (tmp_path / "out").rename(tmp_path / "first")
    again, _ = _zip(tmp_path / "out", "--no-audio", "--seed", "2")
    assert first.name == "Deep House 122 D minor Project.zip" == again.name
    assert first_bytes == again.read_bytes()
    with zipfile.ZipFile(again) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        folder = again.with_suffix("")
        expected = sorted(
            f"{folder.name}/{p.relative_to(folder).as_posix()}" + "/" * p.is_dir()
            for p in folder.rglob("*")
            if p.is_file() or not any(p.iterdir())  # Ableton Project Info: an empty folder
        )
        assert names == expected
        assert f"{folder.name}/Ableton Project Info/" in names
        for info in archive.infolist():
            assert info.date_time == (2023, 11, 14, 22, 13, 20)
            if not info.is_dir():
                assert archive.read(info) == (folder.parent / info.filename).read_bytes()
    assert not [p for p in again.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.shared
def test_an_unzipped_project_with_stems_passes_the_checker(tmp_path: Path) -> None:
    archive, _ = _zip(tmp_path / "out", "--seed", "3", "--live", "12")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(archive) as packed:
        packed.extractall(unpacked)
    (project,) = unpacked.iterdir()
    als = next(project.glob("*.als"))
    assert (project / "Samples" / "Imported").is_dir()
    done = _checker(als)
    assert done.returncode == 0, done.stdout[-3000:]


def test_an_existing_zip_is_never_overwritten(tmp_path: Path) -> None:
    taken = tmp_path / "Deep House 122 D minor Project.zip"
    taken.write_bytes(b"keep me")
    archive, _ = _zip(tmp_path, "--no-audio")
    assert archive.name == "Deep House 122 D minor 2 Project.zip"
    assert taken.read_bytes() == b"keep me"


def test_hostile_names_are_sanitised(tmp_path: Path) -> None:
    result = run(
        "generate", PROMPT, "--out", str(tmp_path), "--no-audio", "--json", "--name", HOSTILE
    )
    assert result.returncode == 0, result.stderr
    folder = Path(json.loads(result.stdout)["folder"])
    assert folder.parent == tmp_path  # the slash made no sub-folder
    stem = folder.name.removesuffix(" Project")
    assert stem.startswith("My Song quoted") and len(stem) <= 80
    assert not any(ch in folder.name for ch in '/\\"<>🎹')
    assert (folder / f"{stem}.als").is_file() and (folder / f"{stem}.mid").is_file()
    gzip.decompress((folder / f"{stem}.als").read_bytes())


@pytest.mark.parametrize("name", ["", "  ", "///", "🎹🔥"])
def test_a_name_with_nothing_usable_falls_back(name: str, tmp_path: Path) -> None:
    result = run("generate", PROMPT, "--out", str(tmp_path), "--no-audio", "--name", name)
    assert result.returncode == 0, result.stderr
    (folder,) = tmp_path.iterdir()
    assert folder.name in ("Musia Project", "Deep House 122 D minor Project")


# A file system of our own for the command: a mount namespace (root, or unprivileged user
# namespaces) with a tmpfs at `$1`, tiny or read-only; what the command leaves there is listed
# after it exits, since the mount vanishes with the namespace. The host's mounts are untouched.
IN_OWN_MOUNT = """
set -u
dir=$1; options=$2; shift 2
mount -t tmpfs -o "$options" musia-test "$dir" || exit 97
"$@"; code=$?
echo "LEFT:$(cd "$dir" && find . -mindepth 1 | sort | tr '\\n' '|')"
exit $code
"""


def _generate_in_own_mount(tmp_path: Path, options: str, *args: str) -> tuple[int, str, str]:
    prefix = unshare_prefix()
    if prefix is None:
        pytest.fail("this machine cannot mount a test file system (unshare --mount)")
    mount = tmp_path / "mnt"
    mount.mkdir()
    command = [str(MUSIA), "generate", PROMPT, "--out", str(mount / "songs"), *args]
    done = subprocess.run(
        [*prefix, "sh", "-c", IN_OWN_MOUNT, "sh", str(mount), options, *command],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    left = done.stdout.rsplit("LEFT:", 1)[-1].strip()
    return done.returncode, done.stderr, left


def test_a_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    code, stderr, left = _generate_in_own_mount(tmp_path, "ro", "--no-audio")
    assert code == 2, stderr
    assert "cannot write the project into" in stderr and "Read-only file system" in stderr
    assert "Traceback" not in stderr and left == ""


def test_a_full_disk_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    """32 KiB: the folder and staging area fit, the set does not."""
    code, stderr, left = _generate_in_own_mount(tmp_path, "size=32k", "--no-audio", "--zip")
    assert code == 2, stderr
    assert "cannot write the project into" in stderr and "No space left on device" in stderr
    assert "Traceback" not in stderr
    assert left == "./songs|", "only the (empty) output folder: no project, zip or staging"


def _small_file_limit() -> None:
    """Files may grow to 16 KiB: the set (tens of KiB) fails half-way, as on a full disk.
    SIGXFSZ ignored, so the write fails with EFBIG instead of killing the process."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, resource.RLIM_INFINITY))


def test_a_write_that_fails_half_way_leaves_nothing(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(MUSIA), "generate", PROMPT, "--out", str(tmp_path), "--zip"],
        capture_output=True,
        text=True,
        preexec_fn=_small_file_limit,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "cannot write the project into" in result.stderr and "too large" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == [], "no project, no zip, no staging folder"
