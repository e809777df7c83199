"""Key and tempo accuracy of `musia.audio.analysis` on audio nobody here composed.

- **Key**: Bach chorales from the music21 corpus, written to MIDI by music21, read by
  `musia.formats.midi.read_midi`, given a random tempo (60–120 BPM) and one random General MIDI
  instrument per voice, and rendered by Musia's preview
  renderer. The truth is the key of the score by the rule of the chorale books: the key
  signature names a major key and its relative minor, and the final bass note says which (a
  signature one flat "short", as in Dorian notation, or one sharp short, Mixolydian, is read the
  same way); a chorale whose last bass note fits none of these (a Phrygian or half-cadence
  ending) is left out. Exact-key accuracy and the MIREX weighted score (1 exact, 0.5 a fifth away
  with the same mode, 0.3 the relative key, 0.2 the parallel key); and, for comparison, exact
  accuracy against the key the file states (its signature and a mode tag, which calls a Dorian
  G minor "D minor": even music21's own key analysis of the notes agrees with it only ~78 %).
- **Tempo**: drum grooves Musia composes (every style, energy 1–3, random seed) at a random tempo
  in the style's range within 70–180 BPM, 16 bars, rendered the same way. Acc1: within 4 %;
  Acc2: within 4 % of the tempo ×1, ×2, ×3, ×½ or ×⅓; median |error| in BPM where Acc1 is right.
- **Baselines** in the same run on the same audio: librosa's plain beat tracker
  (`librosa.beat.beat_track`, its tempo) and mean `chroma_cqt` with Krumhansl–Schmuckler
  (Krumhansl–Kessler and Temperley profiles).
- **Cross-validation of the key settings**: the profile pair (Albrecht–Shanahan, Temperley,
  Krumhansl–Kessler) and the final-chord weight (0, 0.5, 1, 2) are what could be tuned on these
  chorales, so the run also picks the setting with the most hits on 4 of 5 folds and scores it
  on the fifth: the held-out accuracy is the figure a setting chosen on chorales earns on
  chorales it never saw. Every setting's accuracy on all chorales is printed too.

    .venv/bin/python bench/analysis_accuracy.py [--limit N] [--seed S] [--json]

Targets: key ≥ 90 % exact on the chorales, tempo Acc1 ≥ 90 %, Acc2 ≥ 99 %, median error ≤ 0.1 BPM.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

TARGET_KEY_EXACT = 0.90
CV_FOLDS = 5
CV_FINAL_WEIGHTS = (0.0, 0.5, 1.0, 2.0)
TARGET_ACC1, TARGET_ACC2, TARGET_MEDIAN_BPM = 0.90, 0.99, 0.1
ACC_TOLERANCE = 0.04
OCTAVE_FACTORS = (1.0, 2.0, 3.0, 0.5, 1 / 3)
GROOVE_BPM = (70.0, 180.0)
GROOVE_BARS = 16
CHORALE_BPM = (60.0, 120.0)
ANALYSIS_RATE = 22_050
# Instruments a chorale voice may be played on (General MIDI programs).
INSTRUMENTS = (0, 6, 11, 19, 24, 40, 42, 48, 52, 56, 60, 68, 70, 71, 73)
Key = tuple[int, str]  # (tonic pitch class, "major" | "minor")


@dataclass(frozen=True)
class Case:
    name: str
    truth_key: Key | None
    truth_bpm: float | None
    stated_key: Key | None = None
    musia_key: Key | None = None
    musia_bpm: float | None = None
    baseline_keys: tuple[tuple[str, Key | None], ...] = ()
    baseline_bpm: float | None = None
    analysis_s: float = 0.0
    key_evidence: Any = None  # musia.audio.key.KeyEvidence of the chorale, for cross-validation


def mirex_score(truth: Key, estimate: Key | None) -> float:
    """1 exact, 0.5 a perfect fifth up or down in the same mode, 0.3 relative, 0.2 parallel."""
    if estimate is None:
        return 0.0
    (tonic, mode), (guess, guess_mode) = truth, estimate
    if estimate == truth:
        return 1.0
    if mode == guess_mode and (guess - tonic) % 12 in (5, 7):
        return 0.5
    if mode != guess_mode:
        relative = (tonic + 9) % 12 if mode == "major" else (tonic + 3) % 12
        if guess == relative:
            return 0.3
        if guess == tonic:
            return 0.2
    return 0.0


def tempo_hits(truth: float, estimate: float | None) -> tuple[bool, bool]:
    """(Acc1, Acc2)."""
    if estimate is None or estimate <= 0:
        return False, False

    def near(target: float) -> bool:
        return abs(estimate - target) <= ACC_TOLERANCE * target

    return near(truth), any(near(truth * factor) for factor in OCTAVE_FACTORS)


def chorale_paths(limit: int | None, rng: random.Random) -> list[Path]:
    from music21 import corpus

    paths = sorted(p for p in corpus.getComposer("bach") if p.suffix == ".mxl")
    rng.shuffle(paths)
    return paths[:limit] if limit else paths


def chorale_song(path: Path, rng: random.Random, folder: Path) -> tuple[Any, Key, Key] | None:
    """The chorale as a Musia song (via a MIDI file), its key by signature and final bass note,
    and the key its file states; None when the signature and the final disagree."""
    from music21 import converter, key

    from musia.formats.midi import read_midi

    score = converter.parse(str(path))
    signature = next(iter(score.recurse().getElementsByClass(key.KeySignature)), None)
    last = score.parts[-1].flatten().notes.last() if score.parts else None
    if signature is None or last is None:
        return None
    truth = signature_and_final(signature.sharps, last.pitches[0].pitchClass)
    if truth is None:
        return None
    stated = (truth if not isinstance(signature, key.Key) else
              (signature.tonic.pitchClass, signature.mode))  # fmt: skip
    midi_path = folder / f"{path.stem}.mid"
    score.write("midi", fp=str(midi_path))
    song = read_midi(midi_path)
    tracks = tuple(
        replace(track, program=rng.choice(INSTRUMENTS))
        for track in song.tracks
        if not track.is_drums
    )
    bpm = round(rng.uniform(*CHORALE_BPM), 1)
    return replace(song, tracks=tracks, bpm=bpm), truth, stated


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
        style=name, bpm=bpm, tonic_pc=0, mode="minor", time_signature="4/4", bars=GROOVE_BARS,
        parts=("drums",), seed=rng.randrange(2**31),
        sections=(SectionPlan(name="main", bars=GROOVE_BARS, energy=energy, parts=("drums",)),),
    )  # fmt: skip
    return compose(plan), bpm


def render_mono(song: Any) -> tuple[Any, Any]:
    """(the preview mix as (frames, 2), its rate) and a 22.05 kHz mono copy for the baselines."""
    import numpy as np
    import soxr

    from musia.formats.preview import render_song

    preview = render_song(song, balance=False)
    stereo = np.ascontiguousarray(preview.mix.T)
    mono = soxr.resample(stereo.mean(axis=1), preview.sample_rate, ANALYSIS_RATE)
    return (stereo, preview.sample_rate), np.asarray(mono, dtype=np.float32)


def baseline_keys(mono: Any) -> tuple[tuple[str, Key | None], ...]:
    import librosa
    import numpy as np

    from musia.audio.key import (
        KRUMHANSL_MAJOR,
        KRUMHANSL_MINOR,
        TEMPERLEY_MAJOR,
        TEMPERLEY_MINOR,
        key_scores,
    )

    chroma = librosa.feature.chroma_cqt(y=mono, sr=ANALYSIS_RATE).mean(axis=1)
    result = []
    for name, major, minor in (
        ("Krumhansl", KRUMHANSL_MAJOR, KRUMHANSL_MINOR),
        ("Temperley", TEMPERLEY_MAJOR, TEMPERLEY_MINOR),
    ):
        best = int(np.argmax(key_scores(chroma.astype(np.float64), major, minor)))
        result.append((name, (best % 12, "major" if best < 12 else "minor")))
    return tuple(result)


def baseline_bpm(mono: Any) -> float | None:
    import librosa
    import numpy as np

    tempo, _ = librosa.beat.beat_track(y=mono, sr=ANALYSIS_RATE)
    value = float(np.atleast_1d(tempo)[0])
    return value if value > 0 else None


def analyse(name: str, song: Any, truth_key: Key | None, truth_bpm: float | None) -> Case:
    from musia.audio.analysis import analyze_signal

    (stereo, rate), mono = render_mono(song)
    start = time.perf_counter()
    result = analyze_signal(stereo, rate)
    elapsed = time.perf_counter() - start
    key = (
        (result.key_tonic_pc, result.key_mode)
        if result.key_tonic_pc is not None and result.key_mode
        else None
    )
    return Case(
        name=name,
        truth_key=truth_key,
        truth_bpm=truth_bpm,
        musia_key=key,
        musia_bpm=result.tempo_bpm,
        baseline_keys=baseline_keys(mono) if truth_key else (),
        key_evidence=_key_evidence(stereo, rate) if truth_key else None,
        baseline_bpm=baseline_bpm(mono) if truth_bpm else None,
        analysis_s=elapsed,
    )


def _key_evidence(stereo: Any, rate: int) -> Any:
    import numpy as np

    from musia.audio.analysis import ANALYSIS_RATE as MUSIA_RATE
    from musia.audio.analysis import _mono_at
    from musia.audio.key import key_evidence

    mono = _mono_at(np.ascontiguousarray(stereo.T, dtype=np.float32), rate)
    return key_evidence(mono, MUSIA_RATE)


def key_choices() -> dict[str, tuple[tuple[float, ...], tuple[float, ...], float]]:
    """The settings cross-validation chooses among: profile pair × final-chord weight."""
    from musia.audio import key as k

    profiles = {
        "Albrecht-Shanahan": (k.ALBRECHT_MAJOR, k.ALBRECHT_MINOR),
        "Temperley": (k.TEMPERLEY_MAJOR, k.TEMPERLEY_MINOR),
        "Krumhansl": (k.KRUMHANSL_MAJOR, k.KRUMHANSL_MINOR),
    }
    return {
        f"{name}, final chord x{weight:g}": (*pair, weight)
        for name, pair in profiles.items()
        for weight in CV_FINAL_WEIGHTS
    }


def cross_validated_key(cases: Sequence[Case], seed: int) -> dict[str, Any]:
    """`CV_FOLDS`-fold cross-validation of the key settings: on each fold, pick the setting
    with the most exact hits on the other folds, then score it on the held-out fold. The
    held-out accuracy is what a setting chosen on chorales earns on chorales it never saw."""
    import numpy as np

    from musia.audio.key import decide_scores

    keyed = [c for c in cases if c.truth_key is not None and c.key_evidence is not None]
    choices = key_choices()

    def verdict(case: Case, setting: tuple[Any, Any, float]) -> Key:
        best = int(np.argmax(decide_scores(case.key_evidence, *setting)))
        return best % 12, "major" if best < 12 else "minor"

    hits = {name: [verdict(c, s) == c.truth_key for c in keyed] for name, s in choices.items()}
    order = list(range(len(keyed)))
    random.Random(seed).shuffle(order)
    fold_of = {index: rank % CV_FOLDS for rank, index in enumerate(order)}
    held_out, chosen = 0, []
    for fold in range(CV_FOLDS):
        train = [i for i in range(len(keyed)) if fold_of[i] != fold]
        test = [i for i in range(len(keyed)) if fold_of[i] == fold]
        best = max(choices, key=lambda name: sum(hits[name][i] for i in train))
        chosen.append(best)
        held_out += sum(hits[best][i] for i in test)
    return {
        "folds": CV_FOLDS,
        "held_out_exact": held_out / len(keyed) if keyed else 0.0,
        "chosen": chosen,
        "all_settings": {name: sum(h) / len(keyed) for name, h in hits.items()} if keyed else {},
    }


def key_summary(cases: Sequence[Case], pick: Callable[[Case], Key | None]) -> dict[str, Any]:
    keyed = [c for c in cases if c.truth_key is not None]
    exact = sum(pick(c) == c.truth_key for c in keyed)
    weighted = sum(mirex_score(c.truth_key, pick(c)) for c in keyed if c.truth_key)
    stated = sum(pick(c) == c.stated_key for c in keyed)
    total = len(keyed)
    return {
        "exact": exact / total if total else 0.0,
        "mirex": weighted / total if total else 0.0,
        "hits": exact,
        "total": total,
        "exact_vs_stated": stated / total if total else 0.0,
    }


def tempo_summary(cases: Sequence[Case], pick: Callable[[Case], float | None]) -> dict[str, Any]:
    timed = [c for c in cases if c.truth_bpm is not None]
    acc1 = acc2 = 0
    errors = []
    for case in timed:
        assert case.truth_bpm is not None
        one, two = tempo_hits(case.truth_bpm, pick(case))
        acc1, acc2 = acc1 + one, acc2 + two
        if one:
            errors.append(abs((pick(case) or 0.0) - case.truth_bpm))
    total = len(timed)
    return {
        "acc1": acc1 / total if total else 0.0,
        "acc2": acc2 / total if total else 0.0,
        "median_error_bpm": statistics.median(errors) if errors else None,
        "total": total,
    }


def run(limit: int | None, seed: int, progress: Callable[[str], None]) -> dict[str, Any]:
    rng = random.Random(seed)
    chorales: list[Case] = []
    with tempfile.TemporaryDirectory(prefix="musia-chorales-") as folder:
        for path in chorale_paths(limit, rng):
            made = chorale_song(path, rng, Path(folder))
            if made is not None:
                progress(path.stem)
                case = analyse(path.stem, made[0], made[1], None)
                chorales.append(replace(case, stated_key=made[2]))
    grooves: list[Case] = []
    for index in range(limit or 130):
        song, bpm = groove_song(index, rng)
        progress(f"{song.style} {bpm}")
        grooves.append(analyse(f"{song.style} {bpm:g}", song, None, bpm))
    baselines = [name for name, _ in (chorales[0].baseline_keys if chorales else ())]
    return {
        "seed": seed,
        "chorales": len(chorales),
        "grooves": len(grooves),
        "key": {
            "musia": key_summary(chorales, lambda c: c.musia_key),
            **{
                f"chroma_cqt + {name}": key_summary(chorales, lambda c, i=i: c.baseline_keys[i][1])
                for i, name in enumerate(baselines)
            },
        },
        "key_cross_validation": cross_validated_key(chorales, seed),
        "tempo": {
            "musia": tempo_summary(grooves, lambda c: c.musia_bpm),
            "librosa beat_track": tempo_summary(grooves, lambda c: c.baseline_bpm),
        },
        "misses": {
            "key": [
                f"{c.name}: {c.truth_key} → {c.musia_key}"
                for c in chorales
                if c.musia_key != c.truth_key
            ],
            "tempo": [
                f"{c.name} → {c.musia_bpm:.2f}" if c.musia_bpm else f"{c.name} → none"
                for c in grooves
                if c.truth_bpm and not tempo_hits(c.truth_bpm, c.musia_bpm)[0]
            ],
        },
        "analysis_s_mean": statistics.mean([c.analysis_s for c in chorales + grooves] or [0.0]),
    }


def report_text(report: dict[str, Any]) -> str:
    lines = [
        f"Musia audio analysis accuracy — {report['chorales']} Bach chorales (music21 corpus), "
        f"{report['grooves']} drum grooves, seed {report['seed']}",
        "",
        f"{'key (chorales)':<32}{'exact':>8}{'MIREX':>8}{'':>10}{'vs stated key':>15}",
    ]
    for name, row in report["key"].items():
        share = f"{row['hits']}/{row['total']}"
        lines.append(
            f"{name:<32}{100 * row['exact']:>7.1f}%{row['mirex']:>8.3f}   {share:<7}"
            f"{100 * row['exact_vs_stated']:>14.1f}%"
        )
    key_ok = report["key"]["musia"]["exact"] >= TARGET_KEY_EXACT
    cv = report["key_cross_validation"]
    lines.append(
        f"{cv['folds']}-fold cross-validation of the key settings (profile x final-chord weight, "
        f"chosen on the other folds): held-out exact {100 * cv['held_out_exact']:.1f}%; chosen: "
        + "; ".join(dict.fromkeys(cv["chosen"]))
    )
    lines.append(
        "  every setting on all chorales: "
        + "; ".join(f"{n} {100 * a:.1f}%" for n, a in cv["all_settings"].items())
    )
    lines += [
        f"target: exact ≥ {100 * TARGET_KEY_EXACT:g} %: {'PASS' if key_ok else 'FAIL'}",
        "",
        f"{'tempo (grooves 70–180 BPM)':<32}{'Acc1':>8}{'Acc2':>8}{'median err':>12}",
    ]
    for name, row in report["tempo"].items():
        median = row["median_error_bpm"]
        median_text = f"{median:.3f} BPM" if median is not None else "-"
        lines.append(
            f"{name:<32}{100 * row['acc1']:>7.1f}%{100 * row['acc2']:>7.1f}%{median_text:>12}"
        )
    tempo = report["tempo"]["musia"]
    median = tempo["median_error_bpm"]
    tempo_ok = (
        tempo["acc1"] >= TARGET_ACC1
        and tempo["acc2"] >= TARGET_ACC2
        and median is not None
        and median <= TARGET_MEDIAN_BPM
    )
    lines += [
        f"target: Acc1 ≥ {100 * TARGET_ACC1:g} %, Acc2 ≥ {100 * TARGET_ACC2:g} %, median ≤ "
        f"{TARGET_MEDIAN_BPM:g} BPM: {'PASS' if tempo_ok else 'FAIL'}",
        "",
        f"mean analysis time per file: {report['analysis_s_mean']:.3f} s",
    ]
    for kind in ("key", "tempo"):
        misses = report["misses"][kind]
        if misses:
            lines.append(f"{kind} misses ({len(misses)}): " + "; ".join(misses[:20]))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=None, help="chorales and grooves to use")
    parser.add_argument("--seed", type=int, default=1, help="tempi, instruments and grooves")
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be ≥ 1")
    progress = (lambda _: None) if args.quiet else (lambda s: print(s, file=sys.stderr))
    try:
        report = run(args.limit, args.seed, progress)
    except ImportError as exc:
        print(f"analysis_accuracy: needs the audio and bench extras: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2) if args.json else report_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
