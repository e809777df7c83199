"""Does Musia write tracks or loops? The figures of issue 19, on the files a producer gets.

Over the generate prompts of `../shared/prompts/dev.jsonl` × seeds (default 1, 2, 3): plan +
compose + MIDI bytes, then every song is judged on the **MIDI file read back with mido** and its
**plan as JSON** (what plan.json holds), never on the composer's objects. Each metric is printed
with its target, PASS/FAIL and what real music measures (DESIGN.md §8). Exit 0 even below target
(a measurement); 2 when it cannot run.

    .venv/bin/python bench/musicality.py [--seeds 1,2,3] [--songs DIR] [--write DIR] [--json]

`--songs DIR` judges songs already written (DIR/<prompt id>-s<seed>/song.mid + plan.json), e.g.
by an older Musia, instead of composing; `--write DIR` keeps the composed songs there that way
(draw them with `musia pianoroll DIR/<id>-s<seed>`).
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import statistics
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mido

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PROMPTS = REPO.parent / "shared" / "prompts" / "dev.jsonl"
CLUB = frozenset({"house", "deep house", "progressive house", "techno", "melodic techno",
                  "minimal techno", "drum and bass", "dubstep"})  # fmt: skip
HAT_STYLES = frozenset({"hip-hop", "lo-fi", "house", "deep house", "trap"})
RICH_CHORD_STYLES = frozenset({"deep house", "progressive house"})
HATS = frozenset({42, 44, 46})  # GM closed, pedal, open hi-hat
KICKS = frozenset({35, 36})
DRUM_CHANNEL = 9
GRID_BEATS = 1 / 8  # lead patterns and chords are compared on a 32nd-note grid
DRUM_GRID_BEATS = 1 / 4  # drums on the sixteenth they are meant on (swing and feel aside)
ROLL_GAP_BEATS = 0.2  # three or more hits clearly faster than sixteenths make a roll
KICK_WINDOW_BEATS = 1 / 16


@dataclass
class Note:
    start: float  # beats
    end: float
    pitch: int
    velocity: int


@dataclass
class Judged:
    """One song as its files tell it."""

    id: str
    seed: int
    style: str
    stated_length: bool
    bpm: float
    bar_beats: float
    minutes: float
    sections: list[tuple[str, int, int, int]]  # name, start bar, bars, energy
    parts: dict[str, list[Note]] = field(default_factory=dict)  # by lower-case track name


# --- reading the files ---------------------------------------------------------------------------


def read_song(midi_bytes: bytes, plan: dict[str, Any], row: dict[str, Any], seed: int) -> Judged:
    midi = mido.MidiFile(file=io.BytesIO(midi_bytes))
    tpb = midi.ticks_per_beat
    tempo = next((m.tempo for m in midi.tracks[0] if m.type == "set_tempo"), 500_000)
    signature = next((m for m in midi.tracks[0] if m.type == "time_signature"), None)
    bar_beats = 4.0 * signature.numerator / signature.denominator if signature else 4.0
    sections, bar = [], 0
    for s in plan["sections"]:
        sections.append((s["name"], bar, s["bars"], s["energy"]))
        bar += s["bars"]
    expect = row.get("expect", {})
    song = Judged(
        id=row["id"], seed=seed, style=plan["style"], bpm=60e6 / tempo, bar_beats=bar_beats,
        stated_length="bars" in expect or "minutes" in expect,
        minutes=mido.tick2second(max(sum(m.time for m in t) for t in midi.tracks), tpb, tempo)
        / 60, sections=sections,
    )  # fmt: skip
    for track in midi.tracks[1:]:
        name = next((m.name for m in track if m.type == "track_name"), "").lower()
        song.parts[name] = _notes(track, tpb)
    return song


def _notes(track: mido.MidiTrack, tpb: int) -> list[Note]:
    now, open_notes, notes = 0, {}, []
    for m in track:
        now += m.time
        if m.type == "note_on" and m.velocity > 0:
            open_notes.setdefault(m.note, []).append((now, m.velocity))
        elif m.type in ("note_on", "note_off") and open_notes.get(m.note):
            start, velocity = open_notes[m.note].pop(0)
            notes.append(Note(start / tpb, now / tpb, m.note, velocity))
    return sorted(notes, key=lambda n: (n.start, n.pitch))


# --- helpers ------------------------------------------------------------------------------------


def drops(song: Judged) -> list[tuple[str, int, int, int]]:
    """The sections at the song's highest energy: its drops, choruses or peaks."""
    peak = max((s[3] for s in song.sections), default=0)
    return [s for s in song.sections if s[3] == peak and peak > 0]


def in_bars(notes: Iterable[Note], song: Judged, first: int, bars: int) -> list[Note]:
    lo, hi = first * song.bar_beats, (first + bars) * song.bar_beats
    return [n for n in notes if lo - 1e-6 <= n.start < hi - 1e-6]


def bar_patterns(
    notes: Sequence[Note], song: Judged, first: int, bars: int, grid: float = GRID_BEATS
) -> list[frozenset]:
    """Each bar's notes as a set of (pitch, position on the grid); a note belongs to the bar its
    grid position is in (a downbeat played a little early is still the next bar's)."""
    patterns: list[set[tuple[int, int]]] = [set() for _ in range(bars)]
    per_bar = round(song.bar_beats / grid)
    for n in notes:
        index = round((n.start - first * song.bar_beats) / grid)
        bar, position = divmod(index, per_bar)
        if 0 <= bar < bars:
            patterns[bar].add((n.pitch, position))
    return [frozenset(p) for p in patterns]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ms(beats: float, bpm: float) -> float:
    return beats * 60_000 / bpm


# --- the metrics ----------------------------------------------------------------------------------


def sections_in_phrases(songs: Sequence[Judged]) -> float:
    bars = [s[2] for song in songs for s in song.sections]
    return sum(b % 8 == 0 for b in bars) / len(bars)


def default_lengths(songs: Sequence[Judged]) -> dict[str, float]:
    """Shortest song, in minutes, among those whose prompt states no length."""
    club = [s.minutes for s in songs if not s.stated_length and s.style in CLUB]
    other = [s.minutes for s in songs if not s.stated_length and s.style not in CLUB]
    return {"club": min(club, default=float("nan")), "other": min(other, default=float("nan"))}


def hook_returns(song: Judged) -> float | None:
    """The smallest share of the first drop's lead bar patterns that a later drop plays again;
    None when fewer than two drops hold a lead."""
    lead = song.parts.get("lead", [])
    sets = [
        {p for p in bar_patterns(lead, song, first, bars) if p} for _, first, bars, _ in drops(song)
    ]
    sets = [s for s in sets if s]
    if len(sets) < 2:
        return None
    return min(len(sets[0] & later) / len(sets[0]) for later in sets[1:])


def lead_intervals(songs: Sequence[Judged]) -> dict[str, float]:
    """Steps (1-2 semitones), leaps (3 or more) and repeats between successive lead notes."""
    counts = {"step": 0, "leap": 0, "repeat": 0}
    for song in songs:
        line = _top_line(song.parts.get("lead", []))
        for a, b in itertools.pairwise(line):
            interval = abs(b - a)
            counts["repeat" if interval == 0 else "step" if interval <= 2 else "leap"] += 1
    total = sum(counts.values()) or 1
    return {k: v / total for k, v in counts.items()}


def _top_line(notes: Sequence[Note]) -> list[int]:
    tops: dict[float, int] = {}
    for n in notes:
        tops[n.start] = max(tops.get(n.start, 0), n.pitch)
    return [tops[t] for t in sorted(tops)]


def distinct_drum_bars(song: Judged) -> list[int]:
    """Distinct drum bars in each whole 16 bars of the song's drops (where drums play)."""
    drums = song.parts.get("drums", [])
    counts = []
    for _, first, bars, _ in drops(song):
        for window in range(first, first + bars - 15, 16):
            patterns = bar_patterns(drums, song, window, 16, DRUM_GRID_BEATS)
            if any(patterns):
                counts.append(len(set(patterns)))
    return counts


def hat_feel(song: Judged) -> tuple[float, float] | None:
    """(onset deviation std in ms beyond swing, velocity std) of the hi-hats."""
    hats = [n for n in song.parts.get("drums", []) if n.pitch in HATS]
    if len(hats) < 16:
        return None
    offsets: dict[int, list[float]] = {0: [], 1: []}  # on-beat and off-beat sixteenths
    for n in hats:
        step = round(n.start * 4)
        offsets[step % 2].append(n.start - step / 4)
    residuals = []
    for values in offsets.values():
        if values:  # the median of each group is its swing; what is left is feel
            centre = median(values)
            residuals += [v - centre for v in values if abs(v - centre) < 1 / 16]
    deviation = statistics.pstdev(ms(r, song.bpm) for r in residuals) if residuals else 0.0
    return deviation, statistics.pstdev(n.velocity for n in hats)


def trap_figures(song: Judged) -> tuple[float, float] | None:
    """(hat rolls per bar where hats play, share of 808 onsets on a kick where kicks play)."""
    drums = song.parts.get("drums", [])
    hats = sorted(n.start for n in drums if n.pitch in HATS)
    kicks = sorted(n.start for n in drums if n.pitch in KICKS)
    bass = song.parts.get("bass", [])
    if not hats or not kicks or not bass:
        return None
    rolls, run = 0, 1
    for a, b in itertools.pairwise(hats):
        run = run + 1 if b - a <= ROLL_GAP_BEATS else 1
        rolls += run == 3
    hat_bars = len({int(t / song.bar_beats) for t in hats})
    kick_bars = {int(t / song.bar_beats) for t in kicks}
    onsets = [n.start for n in bass if int(n.start / song.bar_beats) in kick_bars]
    on_kick = sum(any(abs(t - k) <= KICK_WINDOW_BEATS for k in kicks) for t in onsets)
    return rolls / hat_bars, on_kick / max(1, len(onsets))


def chord_richness(song: Judged) -> tuple[float, float] | None:
    """(share of chords with 4+ pitch classes, median voicing span in semitones)."""
    groups: dict[int, list[int]] = {}
    for n in song.parts.get("chords", []):
        groups.setdefault(round(n.start / GRID_BEATS), []).append(n.pitch)
    chords = [g for g in groups.values() if len(g) >= 2]
    if not chords:
        return None
    rich = sum(len({p % 12 for p in g}) >= 4 for g in chords) / len(chords)
    return rich, median([max(g) - min(g) for g in chords])


def registers(song: Judged) -> bool | None:
    """Lead at least 5 semitones above the chords (medians) and the bass at or below C3."""
    lead, chords, bass = (song.parts.get(p, []) for p in ("lead", "chords", "bass"))
    checks = []
    if lead and chords:
        checks.append(median([n.pitch for n in lead]) >= median([n.pitch for n in chords]) + 5)
    if bass:
        checks.append(median([n.pitch for n in bass]) <= 48)
    return all(checks) if checks else None


def shared(a: Sequence[Note], b: Sequence[Note], grid: float) -> float | None:
    """Share of notes (pitch, onset on the grid) two songs both play, of the smaller song."""
    sa = {(n.pitch, round(n.start / grid)) for n in a}
    sb = {(n.pitch, round(n.start / grid)) for n in b}
    return len(sa & sb) / min(len(sa), len(sb)) if sa and sb else None


def seed_overlap(songs: Sequence[Judged], part: str) -> float:
    grid = DRUM_GRID_BEATS if part == "drums" else GRID_BEATS
    by_prompt: dict[str, list[Judged]] = {}
    for song in songs:
        by_prompt.setdefault(song.id, []).append(song)
    values = [
        v
        for group in by_prompt.values()
        for x, y in itertools.combinations(group, 2)
        if (v := shared(x.parts.get(part, []), y.parts.get(part, []), grid)) is not None
    ]
    return statistics.fmean(values) if values else float("nan")


# --- the report -----------------------------------------------------------------------------------


@dataclass
class Row:
    metric: str
    value: str
    target: str
    passed: bool
    reference: str = ""


def _share(values: Iterable[bool | None]) -> tuple[float, int]:
    known = [v for v in values if v is not None]
    return (sum(known) / len(known) if known else float("nan")), len(known)


def _per_style(songs: Sequence[Judged], styles: frozenset[str], judge: Callable[[Judged], Any]
               ) -> list[tuple[Judged, Any]]:  # fmt: skip
    return [(s, v) for s in songs if s.style in styles and (v := judge(s)) is not None]


def report(songs: Sequence[Judged]) -> list[Row]:
    rows = [_phrases_row(songs), *_length_rows(songs), _hook_row(songs), *_melody_rows(songs)]
    rows += [_drum_bars_row(songs), *_hat_rows(songs), *_trap_rows(songs), *_chord_rows(songs)]
    rows += [_register_row(songs), *_overlap_rows(songs)]
    return rows


def _phrases_row(songs: Sequence[Judged]) -> Row:
    share = sections_in_phrases(songs)
    return Row("sections a multiple of 8 bars", f"{share:.0%}", "≥ 90 %", share >= 0.9,
               "16/32-bar phrases")  # fmt: skip


def _length_rows(songs: Sequence[Judged]) -> list[Row]:
    shortest = default_lengths(songs)
    return [
        Row("shortest club song, length unstated", f"{shortest['club']:.2f} min", "≥ 4.5 min",
            shortest["club"] >= 4.5, "club 5-7 min"),
        Row("shortest other song, length unstated", f"{shortest['other']:.2f} min", "≥ 2.5 min",
            shortest["other"] >= 2.5, "pop ~4 min"),
    ]  # fmt: skip


def _hook_row(songs: Sequence[Judged]) -> Row:
    share, n = _share((r >= 0.5) if (r := hook_returns(s)) is not None else None for s in songs)
    return Row(f"later drops replay ≥ 50 % of the first's lead bars ({n} songs)", f"{share:.0%}",
               "≥ 80 % of songs", share >= 0.8, "whole sections recur (POP909)")  # fmt: skip


def _melody_rows(songs: Sequence[Judged]) -> list[Row]:
    shares = lead_intervals(songs)
    return [
        Row("lead steps (1-2 st)", f"{shares['step']:.2f}", "≥ 0.42", shares["step"] >= 0.42,
            "0.46 (POP909)"),
        Row("lead leaps (≥ 3 st)", f"{shares['leap']:.2f}", "≤ 0.36", shares["leap"] <= 0.36,
            "0.33"),
        Row("lead repeats", f"{shares['repeat']:.2f}", "-", True, "0.22"),
    ]  # fmt: skip


def _drum_bars_row(songs: Sequence[Judged]) -> Row:
    counts = [c for s in songs for c in distinct_drum_bars(s)]
    inside = sum(3 <= c <= 12 for c in counts) / max(1, len(counts))
    value = f"median {median(counts):g}, {min(counts, default=0)}-{max(counts, default=0)}, " \
            f"{inside:.0%} of {len(counts)} within"  # fmt: skip
    return Row("distinct drum bars per 16 in drops", value, "3-12 (≥ 90 % within)",
               inside >= 0.9, "~14 (human drummers)")  # fmt: skip


def _hat_rows(songs: Sequence[Judged]) -> list[Row]:
    feels = _per_style(songs, HAT_STYLES, hat_feel)
    timing = [v[0] for _, v in feels]
    velocity = [v[1] for _, v in feels]
    return [
        Row(f"hat timing std beyond swing, {len(feels)} songs", _spread(timing, "ms"), "≥ 3 ms",
            bool(timing) and min(timing) >= 3, "17-23 ms (GMD)"),
        Row(f"hat velocity std, {len(feels)} songs", _spread(velocity, ""), "≥ 12",
            bool(velocity) and min(velocity) >= 12, "~36 (GMD)"),
    ]  # fmt: skip


def _trap_rows(songs: Sequence[Judged]) -> list[Row]:
    figures = _per_style(songs, frozenset({"trap"}), trap_figures)
    rolls = [v[0] for _, v in figures]
    locked = [v[1] for _, v in figures]
    return [
        Row(f"trap hat rolls per bar, {len(figures)} songs", _spread(rolls, ""), "≥ 1",
            bool(rolls) and min(rolls) >= 1, "~2"),
        Row("trap 808 onsets on a kick", _spread(locked, "", percent=True), "≥ 70 %",
            bool(locked) and min(locked) >= 0.7, "locked to the kick"),
    ]  # fmt: skip


def _chord_rows(songs: Sequence[Judged]) -> list[Row]:
    figures = _per_style(songs, RICH_CHORD_STYLES, chord_richness)
    rich = [v[0] for _, v in figures]
    spans = [v[1] for _, v in figures]
    return [
        Row(f"deep/progressive house chords with 4+ pitch classes, {len(figures)} songs",
            _spread(rich, "", percent=True), "≥ 40 %", bool(rich) and min(rich) >= 0.4,
            "44 % (house chord loops)"),
        Row("deep/progressive house median voicing span", _spread(spans, "st"), "≥ 12 st",
            bool(spans) and min(spans) >= 12, "16 st"),
    ]  # fmt: skip


def _register_row(songs: Sequence[Judged]) -> Row:
    share, n = _share(registers(s) for s in songs)
    return Row(f"lead ≥ chords + 5 st and bass ≤ C3 (medians), {n} songs", f"{share:.0%}",
               "≥ 90 % of songs", share >= 0.9, "parts do not mask each other")  # fmt: skip


def _overlap_rows(songs: Sequence[Judged]) -> list[Row]:
    drums, lead = seed_overlap(songs, "drums"), seed_overlap(songs, "lead")
    return [
        Row("drum notes two seeds share (mean)", f"{drums:.2f}", "≤ 0.80", drums <= 0.8),
        Row("lead notes two seeds share (mean)", f"{lead:.2f}", "≤ 0.50", lead <= 0.5),
    ]


def _spread(values: Sequence[float], unit: str, *, percent: bool = False) -> str:
    if not values:
        return "no songs"
    shown = [v * 100 for v in values] if percent else list(values)
    unit = "%" if percent else unit
    unit = f" {unit}" if unit else ""
    return f"min {min(shown):.1f}{unit}, median {median(shown):.1f}{unit}"


def render(rows: Sequence[Row], songs: Sequence[Judged], source: str) -> str:
    width = max(len(r.metric) for r in rows)
    lines = [
        f"Musia musicality — {len(songs)} songs ({source}), judged on the MIDI files and plans",
        "",
        f"{'metric':<{width}}  {'value':<44}{'target':<22}{'':<6}real music",
    ]
    for r in rows:
        verdict = "PASS" if r.passed else "FAIL"
        lines.append(f"{r.metric:<{width}}  {r.value:<44}{r.target:<22}{verdict:<6}{r.reference}")
    failed = [r.metric for r in rows if not r.passed]
    lines += ["", f"{len(rows) - len(failed)}/{len(rows)} targets met"]
    return "\n".join(lines)


# --- songs: composed now, or read from a folder ------------------------------------------------


def prompts(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("intent") == "generate"]


def composed(rows: Sequence[dict[str, Any]], seeds: Sequence[int], keep: Path | None
             ) -> list[Judged]:  # fmt: skip
    from musia.core.compose import compose
    from musia.core.plan_builder import plan_from_text
    from musia.formats.midi import song_to_midi

    songs = []
    for row, seed in itertools.product(rows, seeds):
        plan = plan_from_text(row["prompt"], seed=seed)
        midi, plan_json = song_to_midi(compose(plan)), plan.model_dump_json(indent=1)
        if keep is not None:
            folder = keep / f"{row['id']}-s{seed}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "song.mid").write_bytes(midi)
            (folder / "plan.json").write_text(plan_json, "utf-8")
        songs.append(read_song(midi, json.loads(plan_json), row, seed))
    return songs


def written(rows: Sequence[dict[str, Any]], seeds: Sequence[int], folder: Path) -> list[Judged]:
    songs = []
    for row, seed in itertools.product(rows, seeds):
        song_dir = folder / f"{row['id']}-s{seed}"
        plan = json.loads((song_dir / "plan.json").read_text("utf-8"))
        songs.append(read_song((song_dir / "song.mid").read_bytes(), plan, row, seed))
    return songs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--prompts", type=Path, default=DEFAULT_PROMPTS)
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds per prompt")
    parser.add_argument("--songs", type=Path, help="judge songs written here instead")
    parser.add_argument("--write", type=Path, help="keep the composed songs here")
    parser.add_argument("--json", action="store_true", help="print a machine-readable summary")
    args = parser.parse_args(argv)
    try:
        seeds = [int(s) for s in args.seeds.split(",")]
        rows = prompts(args.prompts)
        songs = (
            written(rows, seeds, args.songs) if args.songs else composed(rows, seeds, args.write)
        )
    except (OSError, ValueError, KeyError, ImportError) as exc:
        print(f"musicality: cannot run: {exc}", file=sys.stderr)
        return 2
    table = report(songs)
    if args.json:
        print(json.dumps([vars(r) for r in table], ensure_ascii=False, indent=2))
    else:
        print(render(table, songs, str(args.songs or "composed now")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
