"""Corpus sets, read by our reader, give the facts MANIFEST.tsv counted independently: every
third set here (each Live version and size is among them), all 150 in `bench/corpus_sweep.py`."""

from __future__ import annotations

from musia.formats.als.reader import read_set
from tests.formats.als_reader.corpus import corpus_dir, manifest, time_signature_code


def manifest_mismatches(rows: list[dict[str, str]]) -> list[tuple[str, dict[str, object]]]:
    """The sets whose facts, as our reader finds them, differ from the manifest's."""
    mismatches: list[tuple[str, dict[str, object]]] = []
    for row in rows:
        got = _facts(row)
        # an empty manifest cell is a fact the independent walk could not count (old formats)
        wrong = {k: (v, row[k]) for k, v in got.items() if row[k] and float(row[k]) != v}
        if wrong:
            mismatches.append((row["local_file"], wrong))
    return mismatches


def _facts(row: dict[str, str]) -> dict[str, float]:
    info = read_set(corpus_dir() / row["local_file"]).info
    counts = info.track_counts()
    clips = [(c.kind, c.location) for t in info.tracks for c in t.clips]
    got: dict[str, float] = {
        "midi_tracks": counts["midi"],
        "audio_tracks": counts["audio"],
        "group_tracks": counts["group"],
        "return_tracks": counts["return"],
        "arr_midi_clips": clips.count(("midi", "arrangement")),
        "session_midi_clips": clips.count(("midi", "session")),
        "arr_audio_clips": clips.count(("audio", "arrangement")),
        "session_audio_clips": clips.count(("audio", "session")),
        "scenes": len(info.scenes),
        "locators": len(info.locators),
        "tempo": info.tempo,
        "time_sig_enc": time_signature_code(*info.time_signature),
    }
    return got


def test_corpus_sets_match_the_manifest() -> None:
    rows = manifest()
    assert len(rows) == 150
    sample = rows[::3]
    assert {r["live_major"] for r in sample} == {r["live_major"] for r in rows}
    assert not manifest_mismatches(sample)
