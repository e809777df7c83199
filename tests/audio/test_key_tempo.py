"""Key and tempo as a producer hears them: bass-led loops cut anywhere, half-time and double-time
grooves, drums with no key. Every signal is synthesised, so its key and tempo are known."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from musia.audio import key as key_module
from musia.audio import tempo as tempo_module
from musia.audio.analysis import HOP, _magnitude, analyze_signal
from musia.audio.io import write_audio
from tests.audio.signals import RATE, club_loop, drum_groove, metronome, relative_loop, saw

EIGHTHS = tuple(range(0, 16, 2))


def test_a_bass_note_counts_as_itself_not_as_its_partials() -> None:
    """A sawtooth G1 has a strong third partial, D (a fifth up): folded as it is, D carries a
    fifth of G's chroma; explained as one harmonic note, a twentieth, and the bass chroma says G."""
    evidence = key_module.key_evidence(saw(31, 3.0), RATE)
    assert evidence is not None
    raw, notes = np.zeros(12), np.zeros(12)
    decay = key_module.DEFAULT_SETTING.partial_decay
    for index, (heard, played) in enumerate(
        zip(evidence.spectrum.sum(axis=1), evidence.notes(decay).sum(axis=1), strict=True)
    ):
        raw[(key_module.LOWEST_MIDI + index) % 12] += heard
        notes[(key_module.LOWEST_MIDI + index) % 12] += played
    assert raw[2] > 0.15 * raw[7]
    assert notes[2] < 0.06 * notes[7]
    bass, _ = key_module.chromas(evidence, decay)
    assert int(np.argmax(bass)) == 7


@pytest.mark.parametrize(
    ("tonic_midi", "mode"), [(43, "minor"), (45, "minor"), (41, "minor"), (40, "major"),
                             (38, "major"), (46, "major")],
)  # fmt: skip
def test_a_bass_led_loop_reads_its_key_wherever_it_is_cut(tonic_midi: int, mode: str) -> None:
    """i–iv–VI–v in minor, I–V–vi–IV in major, bass on the roots: the key is the same whether
    the loop starts on its second chord or its third (no ending to lean on)."""
    loop = club_loop(tonic_midi, mode)
    bar = round(240.0 / 124.0 * RATE)
    for cut in (loop, np.roll(loop, -bar, axis=0)):
        result = analyze_signal(cut, RATE)
        assert (result.key_tonic_pc, result.key_mode) == (tonic_midi % 12, mode)
        assert result.key_runner_up_pc is not None
        assert (result.key_runner_up_pc, result.key_runner_up_mode) != (tonic_midi % 12, mode)
        assert 0 < result.key_confidence < 1
        assert result.key_tonality >= key_module.MIN_TONALITY


@pytest.mark.parametrize("tonic_pc", [7, 9, 2, 4])
def test_a_minor_key_in_its_relative_majors_chords_is_heard_from_its_bass(tonic_pc: int) -> None:
    """i7–VImaj7–VII–i7 over a bass on the roots, as a deep-house track plays it: the chords
    alone are the relative major's, the bass rests on the minor tonic (half its notes). The bass
    line is read one note a segment, so a short low note's smear and the kick do not flatten it;
    G minor was heard as Bb major before."""
    result = analyze_signal(relative_loop(tonic_pc), RATE)
    assert (result.key_tonic_pc, result.key_mode) == (tonic_pc, "minor")
    assert result.key_confidence > 0.5


def test_the_bass_line_is_the_notes_the_bass_plays() -> None:
    """Short sawtooth notes G2, Eb2, F2 (half, a quarter, a quarter of the bars) under drums:
    the bass line puts nearly all its weight on those three, in that order."""
    evidence = key_module.key_evidence(relative_loop(7)[:, 0], RATE)
    assert evidence is not None
    bass, _ = key_module.chromas(evidence, key_module.DEFAULT_SETTING.partial_decay)
    shares = bass / bass.sum()
    assert shares[7] > shares[3] > 0.15 and shares[5] > 0.15
    assert shares[[7, 3, 5]].sum() > 0.9


def test_drums_alone_have_no_key() -> None:
    groove = drum_groove(124.0, 10.0, kicks=(0, 4, 8, 12), snares=(4, 12), hats=EIGHTHS)
    result = analyze_signal(groove, RATE)
    assert result.key_tonic_pc is None and result.key_mode is None
    assert result.key_name is None and result.key_runner_up_name is None
    assert result.key_tonality < key_module.MIN_TONALITY
    assert result.tempo_bpm == pytest.approx(124.0, rel=0.01)


def test_the_key_of_several_recordings_is_heard_together(tmp_path: Path) -> None:
    """Two loops of one song (its first and last bars as separate files) and a file that is not
    audio: the key comes from the two loops, the broken file is skipped."""
    loop = club_loop(45, "minor", bars=4)
    half = len(loop) // 2
    paths = [tmp_path / "a.wav", tmp_path / "b.wav", tmp_path / "broken.wav"]
    write_audio(paths[0], loop[:half], RATE)
    write_audio(paths[1], loop[half:], RATE)
    paths[2].write_bytes(b"RIFF not really")
    found = key_module.key_of_files(paths)
    assert (found.tonic_pc, found.mode) == (9, "minor")
    assert key_module.key_of_files([paths[2]]).tonic_pc is None


@pytest.mark.parametrize(
    ("bpm", "kicks", "snares", "hats", "other"),
    [
        # dubstep: the snare once a bar, on beat 3 — tapped at 140, not 70
        (140.0, (0, 10), (8,), EIGHTHS, 70.0),
        # drum and bass: two-step kick, snare on 2 and 4 — tapped at 174, not 87
        (174.0, (0, 10), (4, 12), EIGHTHS, 87.0),
        # hip-hop: snare on 2 and 4 at 90 — tapped at 90, not 180
        (90.0, (0, 7, 10), (4, 12), EIGHTHS, 180.0),
        # house: four on the floor
        (124.0, (0, 4, 8, 12), (4, 12), (2, 6, 10, 14), 62.0),
    ],
)
def test_the_tempo_is_the_octave_a_listener_taps(
    bpm: float, kicks: tuple[int, ...], snares: tuple[int, ...], hats: tuple[int, ...],
    other: float,
) -> None:  # fmt: skip
    result = analyze_signal(drum_groove(bpm, 16.0, kicks=kicks, snares=snares, hats=hats), RATE)
    assert result.tempo_bpm == pytest.approx(bpm, rel=0.01)
    assert result.tempo_alternatives_bpm[0] == pytest.approx(other, rel=0.01)


@pytest.mark.parametrize("bpm", [110.0, 120.0, 128.0, 140.0])
@pytest.mark.parametrize("seconds", [6.0, 20.0])
def test_a_metronome_is_tapped_where_it_clicks(bpm: float, seconds: float) -> None:
    """Clicks all alike, one a beat, give no reason to hear a half: 120 stays 120, however much
    the octave model's tempo prior leans toward 60 (it was read as 60.1 before)."""
    result = analyze_signal(metronome(bpm, seconds), RATE)
    assert result.tempo_bpm == pytest.approx(bpm, rel=0.01)
    assert any(abs(t - bpm / 2) < 0.01 * bpm for t in result.tempo_alternatives_bpm)


def test_a_half_is_heard_only_where_alternate_beats_differ() -> None:
    """Alternation: a metronome's beats are all alike; a half-time groove's alternate beats are
    a kick and a snare, and a four-on-the-floor kick alone is alike again."""
    frame_s = HOP / RATE

    def alternation(samples: np.ndarray, bpm: float) -> float:
        spectrum = _magnitude(np.ascontiguousarray(samples[:, 0]))
        bands = tempo_module.onset_bands(spectrum, RATE, HOP)
        return tempo_module.alternation(bands, bpm, frame_s)

    dubstep = drum_groove(140.0, 16.0, kicks=(0, 10), snares=(8,), hats=EIGHTHS)
    four = drum_groove(128.0, 16.0, kicks=(0, 4, 8, 12), snares=(), hats=())
    assert alternation(metronome(120.0, 6.0), 120.0) < tempo_module.MIN_ALTERNATION / 2
    assert alternation(four, 128.0) < tempo_module.MIN_ALTERNATION / 2
    assert alternation(dubstep, 140.0) > 2 * tempo_module.MIN_ALTERNATION


def test_the_json_adds_the_runner_up_and_the_alternatives() -> None:
    result = analyze_signal(club_loop(45, "minor"), RATE)
    body = json.loads(json.dumps(result.to_dict()))
    assert body["key_name"] == "A minor"
    assert body["key_runner_up_name"] and body["key_runner_up_name"] != "A minor"
    assert 0 <= body["key_tonality"] <= 1
    assert isinstance(body["tempo_alternatives_bpm"], list)
