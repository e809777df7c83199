"""How well the generated MIDI follows the tempo and key stated in MidiCaps captions.

For every caption: plan + compose + MIDI bytes, then the MIDI file is judged on its own (read back
with mido, independently of the plan): tempo from its set_tempo event, key by a Krumhansl–Schmuckler
estimate over its notes. Prints the text2midi metrics TB, TBT, CK and CKD, a table of misses and the
published reference figures. Exit 0 even below target (a measurement); exit 2 when it cannot run.

    .venv/bin/python bench/adherence.py [--captions PATH] [--seed N] [--json]
"""

from __future__ import annotations

import argparse
import bisect
import io
import json
import math
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import mido

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CAPTIONS = REPO.parent / "shared" / "prompts" / "midicaps_captions.jsonl"
DRUM_CHANNEL = 9  # General MIDI channel 10, counted from 0 as mido does

# MidiCaps' Italian tempo markings. MidiCaps labels a tempo with `np.sum(bpm > marks)`, so a value
# on a boundary belongs to the lower bin (140 BPM is Allegro, 140.5 is Vivace).
TEMPO_MARKS: tuple[float, ...] = (40, 60, 70, 90, 110, 140, 160, 210)
TEMPO_BINS: tuple[str, ...] = (
    "Grave", "Largo", "Adagio", "Andante", "Moderato", "Allegro", "Vivace", "Presto", "Prestissimo",
)  # fmt: skip
# Plain words name the Italian bin a listener would pick; MidiCaps' own plain words use other
# boundaries (80/120/160), which TB cannot compare with, so they are mapped here once.
PLAIN_TEMPO_WORDS = {
    "slow": "Adagio", "moderate": "Moderato", "fast": "Allegro", "very fast": "Vivace",
}  # fmt: skip
TEMPO_RULE = (
    "tempo truth: ground_truth.tempo_bpm, else mentioned.tempo_bpm, else the bin of "
    "mentioned.tempo_word (slow → Adagio, moderate → Moderato, fast → Allegro, "
    "very fast → Vivace; Italian words → their own bin)"
)
BPM_DECIMALS = 2  # a set_tempo holds whole microseconds: 140 BPM reads back as 140.00005

# The spelling of each tonic that key signatures make common (Ab major but G# minor).
TONIC_NAMES = {
    "major": ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"),
    "minor": ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B"),
}
_LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACCIDENTAL = {"#": 1, "♯": 1, "b": -1, "♭": -1}

# Key profiles, index 0 = tonic. Krumhansl & Kessler (1982) is what text2midi / MidiCaps report
# with; Temperley's Kostka–Payne profiles (Music and Probability, 2007) fit tonal corpora better.
PROFILES: dict[str, dict[str, tuple[float, ...]]] = {
    "Krumhansl–Kessler": {
        "major": (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88),
        "minor": (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17),
    },
    "Temperley (Kostka–Payne)": {  # in thousandths: a correlation does not care about scale
        "major": (748, 60, 488, 82, 670, 460, 96, 715, 104, 366, 57, 400),
        "minor": (712, 84, 474, 618, 49, 460, 105, 747, 404, 67, 133, 330),
    },
}
MAIN_PROFILE = "Krumhansl–Kessler"
REFERENCE = "text2midi publishes TB 39.7 %, CK 33.6 %; target ≥ 95 %"
TARGET_PERCENT = 95.0

Key = tuple[int, str]  # (tonic pitch class C=0, "major" | "minor")


# --- tempo ---------------------------------------------------------------------------------------


def tempo_bin(bpm: float) -> int:
    """Index into TEMPO_BINS: how many MidiCaps marks lie strictly below `bpm`."""
    return bisect.bisect_left(TEMPO_MARKS, bpm)


def word_bin(word: str) -> int | None:
    """The bin a caption's tempo word names, or None for a word this benchmark does not know."""
    cleaned = " ".join(word.lower().replace("tempo", " ").split())
    italian = PLAIN_TEMPO_WORDS.get(cleaned, cleaned.title())
    return TEMPO_BINS.index(italian) if italian in TEMPO_BINS else None


# --- key -----------------------------------------------------------------------------------------


def parse_key(text: str) -> Key:
    """'C# minor', 'Eb major', 'A minor' → (pitch class, mode)."""
    tonic, mode = text.strip().split()
    pc = _LETTER_PC[tonic[0].upper()] + sum(_ACCIDENTAL[c] for c in tonic[1:])
    if mode.lower() not in ("major", "minor"):
        raise ValueError(f"not a major or minor key: {text!r}")
    return pc % 12, mode.lower()


def key_name(key: Key | None) -> str:
    return "-" if key is None else f"{TONIC_NAMES[key[1]][key[0]]} {key[1]}"


def relative(key: Key) -> Key:
    """The key with the same signature: A minor ↔ C major."""
    tonic, mode = key
    return ((tonic + 3) % 12, "major") if mode == "minor" else ((tonic - 3) % 12, "minor")


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    denominator = math.sqrt(sum(d * d for d in dx) * sum(d * d for d in dy))
    return sum(a * b for a, b in zip(dx, dy, strict=True)) / denominator if denominator else 0.0


def estimate_key(histogram: Sequence[float], profile: str = MAIN_PROFILE) -> Key | None:
    """Krumhansl–Schmuckler: the key whose rotated profile correlates best with the histogram.
    None when there is nothing to judge (no pitched notes, or every pitch class equally long)."""
    if len(histogram) != 12 or max(histogram) == min(histogram):
        return None
    best: tuple[float, Key] | None = None
    for mode in ("major", "minor"):
        weights = PROFILES[profile][mode]
        for tonic in range(12):
            rotated = [histogram[(tonic + degree) % 12] for degree in range(12)]
            score = _pearson(rotated, weights)
            if best is None or score > best[0]:
                best = (score, (tonic, mode))
    return None if best is None else best[1]


# --- reading the MIDI file -----------------------------------------------------------------------


@dataclass(frozen=True)
class MidiFacts:
    bpm: float | None  # the first set_tempo event, rounded to BPM_DECIMALS
    histogram: tuple[float, ...]  # beats sounding per pitch class, drum channel skipped
    pitched_notes: int
    key_signature: str | None  # the key_signature meta event as mido names it, for diagnosis


Started = dict[tuple[int, int], list[int]]  # (channel, pitch) → start ticks of sounding notes


def read_midi(data: bytes) -> MidiFacts:
    midi = mido.MidiFile(file=io.BytesIO(data))
    histogram = [0.0] * 12
    first_tempo: tuple[int, int] | None = None  # (tick, microseconds per beat)
    key_signature: str | None = None
    pitched = 0
    for track in midi.tracks:
        now = 0
        started: Started = defaultdict(list)
        for message in track:
            now += message.time
            if message.type == "set_tempo" and (first_tempo is None or now < first_tempo[0]):
                first_tempo = (now, message.tempo)
            elif message.type == "key_signature" and key_signature is None:
                key_signature = message.key
            elif _is_pitched_note(message):
                pitched += _note_event(message, now, started, histogram)
        for (_, pitch), starts in started.items():  # notes never released sound to the track's end
            for start in starts:
                histogram[pitch % 12] += now - start
    bpm = round(mido.tempo2bpm(first_tempo[1]), BPM_DECIMALS) if first_tempo else None
    beats = [ticks / midi.ticks_per_beat for ticks in histogram]
    return MidiFacts(bpm, tuple(beats), pitched, key_signature)


def _is_pitched_note(message: mido.Message) -> bool:
    return message.type in ("note_on", "note_off") and message.channel != DRUM_CHANNEL


def _note_event(message: mido.Message, now: int, started: Started, histogram: list[float]) -> int:
    """Open or close a note (first in, first out per channel and pitch); 1 when a note starts."""
    slot = (message.channel, message.note)
    if message.type == "note_on" and message.velocity > 0:
        started[slot].append(now)
        return 1
    if started[slot]:
        histogram[message.note % 12] += now - started[slot].pop(0)
    return 0


# --- what each caption states --------------------------------------------------------------------


@dataclass
class Truth:
    tempo_bin: int | None = None
    tempo_source: str = ""  # e.g. "ground_truth 125 BPM" or "caption 'fast'"
    caption_tempo_bin: int | None = None  # from the caption's own words, for the second TB line
    key: Key | None = None
    conflicts: list[str] = field(default_factory=list)


def truth_of(row: dict[str, Any]) -> Truth:
    mentioned: dict[str, Any] = row.get("mentioned") or {}
    ground: dict[str, Any] = row.get("ground_truth") or {}
    truth = Truth()
    _tempo_truth(truth, mentioned, ground)
    if mentioned.get("key"):
        truth.key = parse_key(mentioned["key"])
        if ground.get("key") and parse_key(ground["key"]) != truth.key:
            truth.conflicts.append(
                f"key: caption says {mentioned['key']}, ground_truth.key is {ground['key']}"
            )
    return truth


def _tempo_truth(truth: Truth, mentioned: dict[str, Any], ground: dict[str, Any]) -> None:
    """Only captions that state a tempo are judged on it; ground truth settles what bin it is."""
    stated_bpm, word = mentioned.get("tempo_bpm"), mentioned.get("tempo_word")
    said: list[tuple[int, str]] = []  # (bin, how the caption put it)
    if stated_bpm is not None:
        said.append((tempo_bin(stated_bpm), f"{stated_bpm:g} BPM"))
    if word:
        index = word_bin(word)
        if index is None:
            truth.conflicts.append(f"tempo: unknown tempo word {word!r}, ignored")
        else:
            said.append((index, repr(word)))
    if not said:
        return
    truth.caption_tempo_bin = said[0][0]  # a number beats a word
    if ground.get("tempo_bpm") is not None:
        chosen, source = tempo_bin(ground["tempo_bpm"]), f"ground_truth {ground['tempo_bpm']:g} BPM"
    else:
        chosen, source = said[0][0], f"caption {said[0][1]}"
    truth.tempo_bin, truth.tempo_source = chosen, source
    for index, words in said:
        if index != chosen:
            truth.conflicts.append(
                f"tempo: {source} = {TEMPO_BINS[chosen]}, caption {words} = {TEMPO_BINS[index]}"
            )


def bin_check(rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(agree, rows): ground-truth rows whose Italian tempo word is the bin of their BPM, which
    tells that TEMPO_MARKS and the boundary rule are MidiCaps' own."""
    agree = total = 0
    for row in rows:
        ground = row.get("ground_truth") or {}
        word, bpm = ground.get("tempo_word"), ground.get("tempo_bpm")
        if word in TEMPO_BINS and bpm is not None:
            total += 1
            agree += TEMPO_BINS[tempo_bin(bpm)] == word
    return agree, total


# --- judging -------------------------------------------------------------------------------------


@dataclass
class Judgement:
    id: str
    truth: Truth
    bpm: float | None = None
    keys: dict[str, Key | None] = field(default_factory=dict)  # profile name → estimate
    plan: str = ""  # what the plan said, to tell a parser miss from a composer miss
    key_signature: str | None = None
    error: str | None = None


def judge(row: dict[str, Any], seed: int | None) -> Judgement:
    from musia.core.compose import compose
    from musia.core.plan_builder import plan_from_text
    from musia.errors import MusiaError
    from musia.formats.midi import song_to_midi

    result = Judgement(id=str(row.get("id", "?")), truth=truth_of(row))
    try:
        plan = plan_from_text(row["caption"], seed=seed)
        data = song_to_midi(compose(plan))
    except MusiaError as exc:  # a refusal is a miss on everything the caption states
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    facts = read_midi(data)
    result.plan = f"{plan.style}, {plan.bpm:g} BPM, {key_name((plan.tonic_pc, plan.mode))}"
    result.bpm = facts.bpm
    result.key_signature = facts.key_signature
    result.keys = {name: estimate_key(facts.histogram, name) for name in PROFILES}
    return result


@dataclass
class Score:
    hits: int = 0
    total: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.hits / self.total if self.total else 0.0

    def add(self, hit: bool) -> None:
        self.hits += int(hit)
        self.total += 1


def tempo_hits(truth_bin: int, bpm: float | None) -> tuple[bool, bool]:
    """(TB, TBT): same bin; same or adjacent bin."""
    if bpm is None:
        return False, False
    distance = abs(tempo_bin(bpm) - truth_bin)
    return distance == 0, distance <= 1


def key_hits(truth: Key, got: Key | None) -> tuple[bool, bool]:
    """(CK, CKD): same tonic and mode; or the relative major/minor too (same key signature)."""
    if got is None:
        return False, False
    return got == truth, got in (truth, relative(truth))


def score(judgements: Sequence[Judgement]) -> dict[str, Score]:
    scores = {name: Score() for name in ("TB", "TBT", "TB caption", "TBT caption")}
    for profile in PROFILES:
        scores[f"CK {profile}"], scores[f"CKD {profile}"] = Score(), Score()
    for j in judgements:
        truth = j.truth
        if truth.tempo_bin is not None and truth.caption_tempo_bin is not None:
            for suffix, wanted in (("", truth.tempo_bin), (" caption", truth.caption_tempo_bin)):
                tb, tbt = tempo_hits(wanted, j.bpm)
                scores["TB" + suffix].add(tb)
                scores["TBT" + suffix].add(tbt)
        if j.truth.key is not None:
            for profile in PROFILES:
                ck, ckd = key_hits(j.truth.key, j.keys.get(profile))
                scores[f"CK {profile}"].add(ck)
                scores[f"CKD {profile}"].add(ckd)
    return scores


def misses(judgements: Sequence[Judgement]) -> list[dict[str, str]]:
    """One row per caption and metric that missed (TB, or CK with the main profile)."""
    rows = []
    for j in judgements:
        got_bin = f"{TEMPO_BINS[tempo_bin(j.bpm)]} ({j.bpm:g} BPM)" if j.bpm is not None else "-"
        if j.truth.tempo_bin is not None and not tempo_hits(j.truth.tempo_bin, j.bpm)[0]:
            truth = f"{TEMPO_BINS[j.truth.tempo_bin]} ({j.truth.tempo_source})"
            rows.append(_miss_row(j, "tempo", truth, got_bin))
        got_key = j.keys.get(MAIN_PROFILE)
        if j.truth.key is not None and got_key != j.truth.key:
            rows.append(_miss_row(j, "key", key_name(j.truth.key), key_name(got_key)))
    return rows


def _miss_row(j: Judgement, metric: str, truth: str, got: str) -> dict[str, str]:
    plan = j.error or j.plan
    if metric == "key" and j.key_signature:
        plan += f"; key_signature event {j.key_signature}"
    return {"id": j.id, "metric": metric, "truth": truth, "got": got, "plan": plan}


# --- output --------------------------------------------------------------------------------------


def summary(
    judgements: Sequence[Judgement],
    rows: Sequence[dict[str, Any]],
    captions: Path,
    seed: int | None,
) -> dict[str, Any]:
    scores = score(judgements)
    agree, checked = bin_check(rows)
    return {
        "captions_file": str(captions),
        "captions": len(judgements),
        "seed": seed,
        "key_profile": MAIN_PROFILE,
        "tempo_marks_bpm": list(TEMPO_MARKS),
        "tempo_rule": TEMPO_RULE,
        "bin_check": {"agree": agree, "rows": checked},
        "metrics": {n: asdict(s) | {"percent": round(s.percent, 1)} for n, s in scores.items()},
        "misses": misses(judgements),
        "conflicts": [{"id": j.id, "conflict": c} for j in judgements for c in j.truth.conflicts],
        "errors": [{"id": j.id, "error": j.error} for j in judgements if j.error],
        "reference": REFERENCE,
        "target_percent": TARGET_PERCENT,
    }


def _metric_line(name: str, s: Score, meaning: str) -> str:
    return f"{name:<4} {s.percent:5.1f} %  {s.hits:>3}/{s.total:<3}  {meaning}"


def render(report: dict[str, Any]) -> str:
    m = {name: Score(v["hits"], v["total"]) for name, v in report["metrics"].items()}
    second = next(p for p in PROFILES if p != MAIN_PROFILE)
    seed = "from each caption" if report["seed"] is None else report["seed"]
    lines = [
        f"Musia adherence on MidiCaps captions: {report['captions']} captions "
        f"({report['captions_file']}), seed {seed}",
        "judged on the MIDI file alone (mido): tempo = first set_tempo event; key = "
        "Krumhansl–Schmuckler over the duration-weighted pitch-class histogram of all notes "
        "off the drum channel (10)",
        f"key profile: {MAIN_PROFILE} (the text2midi convention); {second} on the second key lines",
        f"tempo bins (MidiCaps, boundary value in the lower bin): {_bins_text()}",
        f"bin check: ground_truth's Italian tempo word is the bin of its BPM on "
        f"{report['bin_check']['agree']}/{report['bin_check']['rows']} rows",
        TEMPO_RULE,
        "key truth: mentioned.key (what the caption states)",
        "",
        _metric_line("TB", m["TB"], "tempo bin matches (captions stating a tempo)"),
        _metric_line("TBT", m["TBT"], "tempo bin matches or is adjacent"),
        _metric_line("CK", m[f"CK {MAIN_PROFILE}"], "same tonic and mode (captions stating a key)"),
        _metric_line(
            "CKD", m[f"CKD {MAIN_PROFILE}"], "same tonic and mode, or its relative major/minor"
        ),
        "",
        "cross-checks (not the headline figures):",
        _metric_line("CK", m[f"CK {second}"], f"same, with {second} profiles"),
        _metric_line("CKD", m[f"CKD {second}"], f"same, with {second} profiles"),
        _metric_line("TB", m["TB caption"], "against the caption's words, ground_truth ignored"),
        _metric_line("TBT", m["TBT caption"], "against the caption's own words"),
        "",
        f"reference: {REFERENCE}",
    ]
    lines += _table("misses", report["misses"], ("id", "metric", "truth", "got", "plan"))
    lines += _table("truth conflicts", report["conflicts"], ("id", "conflict"))
    lines += _table("errors", report["errors"], ("id", "error"))
    return "\n".join(lines)


def _bins_text() -> str:
    names = [f"{TEMPO_BINS[0]} ≤{TEMPO_MARKS[0]:g}"]
    for index, name in enumerate(TEMPO_BINS[1:-1], start=1):
        names.append(f"{name} {TEMPO_MARKS[index - 1]:g}–{TEMPO_MARKS[index]:g}")
    names.append(f"{TEMPO_BINS[-1]} >{TEMPO_MARKS[-1]:g}")
    return ", ".join(names)


def _table(title: str, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> list[str]:
    if not rows:
        return ["", f"{title}: none"]
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in columns]
    head = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    body = [
        "  ".join(str(row[c]).ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()
        for row in rows
    ]
    return ["", f"{title} ({len(rows)}):", head.rstrip(), *body]


# --- command line --------------------------------------------------------------------------------


def load_captions(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            row.setdefault("id", f"line-{number}")
            rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--captions", type=Path, default=DEFAULT_CAPTIONS, help="JSONL captions")
    parser.add_argument("--seed", type=int, default=None, help="one seed for every caption")
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary")
    args = parser.parse_args(argv)
    if not args.captions.is_file():
        print(f"adherence: captions file not found: {args.captions}", file=sys.stderr)
        return 2
    try:
        rows = load_captions(args.captions)
        judgements = [judge(row, args.seed) for row in rows]
    except ImportError as exc:  # the project is not installed, or a module has not landed yet
        print(f"adherence: cannot import the project: {exc}", file=sys.stderr)
        return 2
    report = summary(judgements, rows, args.captions, args.seed)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
