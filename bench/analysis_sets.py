"""Audio sets for `analysis_accuracy.py` whose key and tempo are known, rendered once and cached
outside the repository.

**Electronic set**: every style Musia composes × `KEYS_PER_STYLE` keys (half minor, half major;
over the 13 styles every one of the 24 keys comes up) × two composer seeds. Each song is a plan
(`plan_from_text("<style>, <bpm> bpm, <key>, 32 bars")`, so its form is whatever the checkout's
composer makes of 32 bars) rendered by `musia render PLAN.json` in a subprocess under a timeout:
the composer and preview renderer the checkout has, whatever module they live in. Each render
also comes in two versions made by tools other than Musia's:

- **pitch**: Rubber Band (`rubberband -p N`, the CLI) shifts it by ±1…5 semitones, tempo kept;
- **stretch**: sox's `tempo` effect (WSOLA) plays it 0.9–1.1× as fast, pitch kept.

The seed splits the set: settings are chosen on `TUNE_SEED`'s files and scored on `TEST_SEED`'s.

**Cache**: `$MUSIA_BENCH_CACHE` (default `~/.cache/musia/bench/analysis`) / a fingerprint of
the code that composes and renders (`RENDER_CODE`: core/ with the styles, production/,
the instrument engine, multi-sampler, sampler, desk and patches, the fall-backs) and of the
SoundFont. When the composer or the sound changes, the fingerprint changes and the set is rendered
anew; the analysis code is left out, so changing it re-uses the renders. A render that imports a
module the list misses stops the bench (`unlisted_render_modules`), so a cached render is never
stale.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "src" / "musia"
# What composes and renders a preview (relative to src/musia; folders count whole, with their
# .py, .toml and .json files): the composer (core/, styles and patches as data), the preview
# renderer and every module it reaches on any path (the instrument engine, its multi-sampled
# zones, the sampler, the mixing desk, loudness; the SoundFont and synth fall-backs, library
# samples, the MIDI reader the chorales use). `unlisted_render_modules()` names any module a
# render imports that this list misses; the bench refuses to use the cache while there is one.
RENDER_CODE = (
    "core",
    "production",
    "formats/midi",
    "formats/midi.py",
    "audio/engine.py",
    "audio/multisample.py",
    "audio/sampler.py",
    "audio/desk.py",
    "audio/patches",
    "audio/loudness.py",
    "audio/io.py",
    "audio/synth.py",
    "audio/synth",
    "audio/soundfont.py",
    "audio/gm_soundfont.py",
    "audio/samples.py",
    "audio/sample_synth.py",
    "files.py",
)
# Imported on the way to a render without shaping its sound: package markers, the errors and the
# in-memory caches' bound.
NOT_SOUND = ("__init__.py", "audio/__init__.py", "formats/__init__.py", "errors.py", "memo.py")
# Composes and renders a few bars of every style in a fresh interpreter and prints the files of
# the musia modules it imported.
_CLOSURE_SCRIPT = """
import sys
from musia.core.plan_builder import plan_from_text
from musia.core.styles import style_names
from musia.core.compose import compose
from musia.production.render import render_song
for style in style_names():
    render_song(compose(plan_from_text(style + ", 4 bars", seed=1)), balance=True)
for name, module in sorted(sys.modules.items()):
    if name.startswith("musia") and getattr(module, "__file__", None):
        print(module.__file__)
"""
CACHE_ENV = "MUSIA_BENCH_CACHE"
KEYS_PER_STYLE = 8
TUNE_SEED, TEST_SEED = 1, 2
BARS = 32
RENDER_TIMEOUT_S = 600
SHIFTS = (-5, -4, -3, -2, -1, 1, 2, 3, 4, 5)
STRETCHES = (0.9, 0.93, 0.96, 1.04, 1.07, 1.1)
VERSIONS = ("original", "pitch", "stretch")
NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
GROOVE_BPM = (70.0, 180.0)
GROOVE_BARS = 16
CHORALE_BPM = (60.0, 120.0)
# Instruments a chorale voice may be played on (General MIDI programs).
INSTRUMENTS = (0, 6, 11, 19, 24, 40, 42, 48, 52, 56, 60, 68, 70, 71, 73)
Key = tuple[int, str]


@dataclass(frozen=True)
class Piece:
    """One audio file of a set and its truth."""

    name: str
    group: str  # the style, or the set's own grouping (a genre)
    path: Path
    key: Key | None
    bpm: float | None
    seed: int = 0  # which half of the electronic set
    version: str = "original"


def cache_root() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache/musia/bench/analysis")


def _listed(relative: str) -> bool:
    return relative in NOT_SOUND or any(
        relative == entry or relative.startswith(entry + "/") for entry in RENDER_CODE
    )


def unlisted_render_modules() -> list[str]:
    """Modules (relative to src/musia) that composing and rendering every style imports but
    `RENDER_CODE` does not list: each one could change the renders without changing the
    fingerprint."""
    done = subprocess.run(
        [sys.executable, "-c", _CLOSURE_SCRIPT],
        check=True,
        capture_output=True,
        text=True,
        timeout=RENDER_TIMEOUT_S,
    )
    files = [Path(line).resolve() for line in done.stdout.splitlines() if line.strip()]
    inside = [f.relative_to(SOURCE).as_posix() for f in files if f.is_relative_to(SOURCE)]
    return [relative for relative in inside if not _listed(relative)]


def render_fingerprint() -> str:
    """A hash of the code that composes and renders, and of the SoundFont it finds."""
    digest = hashlib.sha256()
    for entry in RENDER_CODE:
        path = SOURCE / entry
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.suffix in {".py", ".toml", ".json"}:
                digest.update(file.relative_to(SOURCE).as_posix().encode())
                digest.update(file.read_bytes())
    from musia.audio.gm_soundfont import find_soundfont  # where the renderer looks today

    try:
        font = find_soundfont()
        digest.update(f"{font}:{font.stat().st_size}".encode())
    except Exception:
        digest.update(b"no soundfont")
    return digest.hexdigest()[:16]


def key_text(key: Key) -> str:
    return f"{NAMES[key[0]]} {key[1]}"


def electronic_design() -> list[dict[str, Any]]:
    """The songs of one seed: style, key, tempo and the two third-party versions. The same for
    both seeds, so the halves differ only in what the composer drew."""
    from musia.core.styles import load_style, style_names

    design = []
    for index, style in enumerate(style_names()):
        spec = load_style(style)
        rng = random.Random(f"analysis-set {style}")
        for number in range(KEYS_PER_STYLE):
            tonic = (7 * number + 5 * index) % 12
            mode = "minor" if number % 2 == 0 else "major"
            bpm = rng.randint(math.ceil(spec.tempo_min), math.floor(spec.tempo_max))
            design.append(
                {
                    "style": style,
                    "number": number,
                    "key": (tonic, mode),
                    "bpm": float(bpm),
                    "shift": rng.choice(SHIFTS),
                    "stretch": rng.choice(STRETCHES),
                }
            )
    return design


def electronic_set(
    seeds: tuple[int, ...] = (TUNE_SEED, TEST_SEED),
    per_style: int = KEYS_PER_STYLE,
    styles: tuple[str, ...] | None = None,
    bars: int = BARS,
    progress: Callable[[str], None] = lambda _: None,
    *,
    cached_only: bool = False,
) -> list[Piece]:
    """Every piece of the electronic set for `seeds`, rendered (or read from the cache); without
    sox or rubberband on the machine, the versions they make are left out. `cached_only`: only
    the songs whose render and both versions are in the cache already, nothing rendered."""
    folder = cache_root() / render_fingerprint() / "electronic"
    folder.mkdir(parents=True, exist_ok=True)
    pieces: list[Piece] = []
    for seed in seeds:
        for song in electronic_design():
            if song["number"] < per_style and (styles is None or song["style"] in styles):
                if cached_only and not _all_cached(folder, {**song, "bars": bars}, seed):
                    continue
                pieces += _song_pieces(folder, {**song, "bars": bars}, seed, progress)
    return pieces


def _all_cached(folder: Path, song: dict[str, Any], seed: int) -> bool:
    tools = third_party_tools()
    files = _song_files(folder, song, seed)
    return all(path.exists() for path, needs in files if tools.get(needs, True))


def third_party_tools() -> dict[str, bool]:
    return {tool: shutil.which(tool) is not None for tool in ("rubberband", "sox")}


def _song_pieces(
    folder: Path, song: dict[str, Any], seed: int, progress: Callable[[str], None]
) -> list[Piece]:
    key: Key = (song["key"][0], song["key"][1])
    (original, _), (pitch, _), (stretch, _) = _song_files(folder, song, seed)
    if not original.exists():
        progress(f"render {original.stem}")
        _render(song, seed, original)
    shifted = ((key[0] + song["shift"]) % 12, key[1])
    tools = third_party_tools()
    if not pitch.exists() and tools["rubberband"]:
        _third_party(["rubberband", "-q", "-p", str(song["shift"])], original, pitch)
    if not stretch.exists() and tools["sox"]:
        _third_party(
            ["sox", "-q", "{in}", "{out}", "tempo", "-m", str(song["stretch"])], original, stretch
        )
    name = f"{song['style']} {key_text(key)} {song['bpm']:g} s{seed}"
    made = [Piece(name, song["style"], original, key, song["bpm"], seed, "original")]
    if pitch.exists():
        made.append(
            Piece(
                f"{name} {song['shift']:+d} st",
                song["style"],
                pitch,
                shifted,
                song["bpm"],
                seed,
                "pitch",
            )
        )
    if stretch.exists():
        made.append(
            Piece(
                f"{name} x{song['stretch']:g}",
                song["style"],
                stretch,
                key,
                round(song["bpm"] * song["stretch"], 3),
                seed,
                "stretch",
            )
        )
    return made


def _song_files(folder: Path, song: dict[str, Any], seed: int) -> list[tuple[Path, str]]:
    """The original's, the pitch version's and the stretch version's files, each with the tool
    that makes it ("musia", "rubberband", "sox")."""
    bars = "" if song["bars"] == BARS else f"-{song['bars']}bars"
    stem = f"{song['style'].replace(' ', '_')}-{song['number']}-s{seed}{bars}"
    return [
        (folder / f"{stem}.original.flac", "musia"),
        (folder / f"{stem}.pitch{song['shift']:+d}.flac", "rubberband"),
        (folder / f"{stem}.stretch{song['stretch']:g}.flac", "sox"),
    ]


def _render(song: dict[str, Any], seed: int, out: Path) -> None:
    """Compose the plan and render it with the checkout's `musia render`, then keep a FLAC."""
    from musia.core.plan_builder import plan_from_text

    text = f"{song['style']}, {song['bpm']:g} bpm, {key_text(song['key'])}, {song['bars']} bars"
    plan = plan_from_text(text, seed=seed * 1000 + song["number"])
    asked = (song["key"][0], song["key"][1], song["bpm"], song["bars"])
    if (plan.tonic_pc, plan.mode, plan.bpm, plan.bars) != asked or plan.style != song["style"]:
        raise RuntimeError(f"the plan for {text!r} is not what was asked: {plan}")
    work = out.with_suffix(f".{os.getpid()}.work")
    work.mkdir(exist_ok=True)
    try:
        (work / "plan.json").write_text(plan.model_dump_json(), "utf-8")
        musia = Path(sys.executable).with_name("musia")
        subprocess.run(
            [str(musia), "render", str(work / "plan.json"), "--out", str(work / "mix.wav")],
            check=True,
            capture_output=True,
            timeout=RENDER_TIMEOUT_S,
        )
        _to_flac(work / "mix.wav", out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _third_party(command: list[str], source: Path, out: Path) -> None:
    """Run sox or rubberband on a WAV copy of `source` and keep the result as FLAC."""
    import soundfile

    work = out.with_suffix(f".{os.getpid()}.work")
    work.mkdir(exist_ok=True)
    try:
        data, rate = soundfile.read(source, dtype="float32")
        soundfile.write(work / "in.wav", data, rate, subtype="FLOAT")
        filled = [
            c.replace("{in}", str(work / "in.wav")).replace("{out}", str(work / "out.wav"))
            for c in command
        ]
        if "{in}" not in command:
            filled += [str(work / "in.wav"), str(work / "out.wav")]
        subprocess.run(filled, check=True, capture_output=True, timeout=RENDER_TIMEOUT_S)
        _to_flac(work / "out.wav", out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _to_flac(wav: Path, out: Path) -> None:
    import numpy as np
    import soundfile

    data, rate = soundfile.read(wav, dtype="float32")
    peak = float(np.abs(data).max()) if data.size else 0.0
    if peak > 1.0:  # a stretch or shift may overshoot full scale; the FLAC is 24-bit integer
        data = data / peak
    partial = out.with_suffix(".part.flac")
    soundfile.write(partial, data, rate, subtype="PCM_24")
    partial.replace(out)


def chorale_pieces(limit: int | None, seed: int, progress: Callable[[str], None]) -> list[Piece]:
    """Rendered chorales (cached like the electronic set) with their keys."""
    from music21 import corpus

    rng = random.Random(seed)
    paths = sorted(p for p in corpus.getComposer("bach") if p.suffix == ".mxl")
    rng.shuffle(paths)
    folder = cache_root() / render_fingerprint() / f"chorales-{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    pieces = []
    for path in paths[:limit] if limit else paths:
        made = _cached_chorale(path, rng, folder, progress)
        if made is not None:
            pieces.append(made)
    return pieces


def _cached_chorale(
    path: Path, rng: random.Random, folder: Path, progress: Callable[[str], None]
) -> Piece | None:
    """The chorale's render and truth from the cache, else made now. The random draws happen
    either way, so a cached run and a fresh one pick the same instruments and tempi."""
    instruments = [rng.choice(INSTRUMENTS) for _ in range(8)]
    bpm = round(rng.uniform(*CHORALE_BPM), 1)
    audio, facts = folder / f"{path.stem}.flac", folder / f"{path.stem}.json"
    if not facts.exists():
        progress(f"render {path.stem}")
        facts.write_text(json.dumps(_render_chorale(path, instruments, bpm, audio)), "utf-8")
    truth = json.loads(facts.read_text("utf-8"))
    if truth["key"] is None:
        return None
    key, stated = tuple(truth["key"]), tuple(truth["stated"])
    return Piece(path.stem, "chorale", audio, (key[0], key[1]), None, 0, f"{stated[0]} {stated[1]}")


def _render_chorale(path: Path, instruments: list[int], bpm: float, out: Path) -> dict[str, Any]:
    import tempfile

    from music21 import converter, key

    from musia.formats.midi import read_midi

    score = converter.parse(str(path))
    signature = next(iter(score.recurse().getElementsByClass(key.KeySignature)), None)
    last = score.parts[-1].flatten().notes.last() if score.parts else None
    if signature is None or last is None:
        return {"key": None}
    truth = signature_and_final(signature.sharps, last.pitches[0].pitchClass)
    if truth is None:
        return {"key": None}
    stated = (
        truth
        if not isinstance(signature, key.Key)
        else (signature.tonic.pitchClass, signature.mode)
    )
    with tempfile.TemporaryDirectory(prefix="musia-chorale-") as folder:
        midi_path = Path(folder) / f"{path.stem}.mid"
        score.write("midi", fp=str(midi_path))
        song = read_midi(midi_path)
    voices = [t for t in song.tracks if not t.is_drums]
    tracks = tuple(replace(t, program=instruments[i % 8]) for i, t in enumerate(voices))
    _write_render(replace(song, tracks=tracks, bpm=bpm), out, balance=False)
    return {"key": list(truth), "stated": list(stated)}


def signature_and_final(sharps: int, final_pc: int) -> Key | None:
    """The key from a signature (sharps, negative for flats) and the final bass note."""
    major = (7 * sharps) % 12
    minor = (major + 9) % 12
    if final_pc == major:
        return final_pc, "major"
    if final_pc in (minor, (minor + 5) % 12):  # the relative minor, or its Dorian notation
        return final_pc, "minor"
    if final_pc == (major + 5) % 12:  # Mixolydian notation: one sharp short
        return final_pc, "major"
    return None


def groove_song(index: int, rng: random.Random) -> tuple[Any, float]:
    from musia.core.compose import compose
    from musia.core.plan import Plan, SectionPlan
    from musia.core.styles import load_style, style_names

    names = style_names()
    name = names[index % len(names)]
    style = load_style(name)
    low, high = max(GROOVE_BPM[0], style.tempo_min), min(GROOVE_BPM[1], style.tempo_max)
    bpm = round(rng.uniform(low, high), 2)
    energy = rng.randint(1, 3)
    plan = Plan(
        style=name,
        bpm=bpm,
        tonic_pc=0,
        mode="minor",
        time_signature="4/4",
        bars=GROOVE_BARS,
        parts=("drums",),
        seed=rng.randrange(2**31),
        sections=(SectionPlan(name="main", bars=GROOVE_BARS, energy=energy, parts=("drums",)),),
    )
    return compose(plan), bpm


def groove_pieces(count: int, seed: int, progress: Callable[[str], None]) -> list[Piece]:
    rng = random.Random(seed)
    folder = cache_root() / render_fingerprint() / f"grooves-{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    pieces = []
    for index in range(count):
        song, bpm = groove_song(index, rng)
        path = folder / f"{index:03d}-{song.style.replace(' ', '_')}-{bpm:g}.flac"
        if not path.exists():
            progress(f"render {path.stem}")
            _write_render(song, path, balance=True)
        pieces.append(Piece(f"{song.style} {bpm:g}", song.style, path, None, bpm))
    return pieces


def _write_render(song: Any, out: Path, *, balance: bool) -> None:
    import soundfile

    from musia.production.render import render_song

    preview = render_song(song, balance=balance)
    partial = out.with_suffix(".part.flac")
    soundfile.write(partial, preview.mix.T, preview.sample_rate, subtype="PCM_24")
    partial.replace(out)


def real_pieces(listing: Path) -> list[Piece]:
    """Labelled recordings: a CSV of path (relative to the CSV), key, bpm and group."""
    from musia.audio.sample_search import parse_key

    pieces = []
    with listing.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            path = (listing.parent / row["path"]).resolve()
            found = parse_key(row["key"]) if row.get("key") else None
            key = (found.tonic_pc, found.mode or "major") if found else None
            bpm = float(row["bpm"]) if row.get("bpm") else None
            pieces.append(Piece(path.stem, row.get("group") or "real", path, key, bpm))
    return pieces


def load_piece(piece: Piece) -> tuple[Any, int]:
    """(frames, channels) float32 samples and their rate."""
    import soundfile

    data, rate = soundfile.read(piece.path, dtype="float32", always_2d=True)
    return data, int(rate)


def manifest(pieces: list[Piece]) -> Iterator[dict[str, Any]]:
    for piece in pieces:
        row = asdict(piece)
        row["path"] = str(piece.path)
        yield row


def main() -> int:
    """Render (or find) the whole electronic set and print where it is."""
    pieces = electronic_set(progress=lambda s: print(s, file=sys.stderr, flush=True))
    print(json.dumps({"pieces": len(pieces), "folder": str(pieces[0].path.parent)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
