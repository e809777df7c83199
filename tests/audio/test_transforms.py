"""Transforms measured on their result: the analysis must find what the instruction asked for."""

from __future__ import annotations

import numpy as np
import pytest

from musia.audio import transforms
from musia.audio.analysis import analyze_signal, true_peak
from musia.audio.loudness import integrated_loudness
from musia.errors import InvalidInput, UnknownInstruction, UnknownStyle
from musia.production.drums import add_drums
from tests.audio.signals import RATE, cadence, clicks


def _loudness(samples: np.ndarray) -> float:
    return integrated_loudness(np.ascontiguousarray(samples.T), RATE)


def _groove_with_harmony(bpm: float, seconds: float) -> np.ndarray:
    beat = clicks(bpm, seconds, ticks=True)
    harmony = cadence(48, "major", repeats=int(seconds / 2) + 1)[: beat.shape[0]]
    return np.repeat(beat + 0.5 * harmony, 2, axis=1)


def test_a_stretch_to_125_percent_reads_125_percent_faster() -> None:
    source = clicks(100.0, 16.0, ticks=True)
    stretched = transforms.time_stretch(source, 1.25)
    assert stretched.shape[0] == pytest.approx(source.shape[0] / 1.25, rel=0.01)
    tempo = analyze_signal(stretched, RATE).tempo_bpm
    assert tempo == pytest.approx(125.0, rel=0.02)


def test_a_stretch_to_a_tempo_keeps_the_pitch() -> None:
    source = cadence(48, "major", repeats=4)
    slower = transforms.stretch_to_tempo(source, 120.0, 96.0)
    assert slower.shape[0] == pytest.approx(source.shape[0] * 1.25, rel=0.01)
    result = analyze_signal(slower, RATE)
    assert (result.key_tonic_pc, result.key_mode) == (0, "major")


@pytest.mark.parametrize("semitones", [2, -3, 7])
def test_a_transposition_moves_the_key_and_keeps_the_length(semitones: int) -> None:
    source = cadence(48, "major")
    shifted = transforms.transpose(source, RATE, semitones)
    assert abs(shifted.shape[0] - source.shape[0]) <= 2
    result = analyze_signal(shifted, RATE)
    assert result.key_tonic_pc == semitones % 12 and result.key_mode == "major"


def test_a_transposition_keeps_the_tempo() -> None:
    source = _groove_with_harmony(110.0, 12.0)
    shifted = transforms.transpose(source, RATE, 2)
    assert analyze_signal(shifted, RATE).tempo_bpm == pytest.approx(110.0, rel=0.01)


@pytest.mark.parametrize("target", [-23.0, -14.0, -10.0])
def test_normalise_hits_the_target_under_the_ceiling(target: float) -> None:
    source = _groove_with_harmony(120.0, 6.0)
    result = transforms.normalize(source, RATE, target)
    assert _loudness(result) == pytest.approx(target, abs=0.5)
    ceiling = 10 ** (transforms.PEAK_CEILING_DBFS / 20)
    assert true_peak(np.ascontiguousarray(result.T)) <= ceiling * 1.02  # 4x estimate: ±0.2 dB


def test_normalising_silence_is_refused() -> None:
    with pytest.raises(InvalidInput, match="silent"):
        transforms.normalize(np.zeros((RATE * 2, 1), dtype=np.float32), RATE, -14)


def test_trim_keeps_the_asked_span_and_fades_remove_the_edges() -> None:
    source = _groove_with_harmony(120.0, 6.0)
    part = transforms.trim(source, RATE, 1.0, 3.5)
    assert part.shape == (round(2.5 * RATE), 2)
    middle = round(1.0 * RATE)
    assert np.array_equal(part[middle], source[round(1.0 * RATE) + middle])
    faded = transforms.fade(part, RATE, in_s=0.5, out_s=1.0)
    assert faded[0].tolist() == [0.0, 0.0] and np.abs(faded[-1]).max() < 1e-6
    assert np.array_equal(faded[middle], part[middle])  # 1 s in: past the fade-in, before the out
    assert np.abs(faded[: RATE // 4]).max() < np.abs(part[: RATE // 4]).max()


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda s: transforms.time_stretch(s, 10.0), "ratio"),
        (lambda s: transforms.time_stretch(s, float("nan")), "ratio"),
        (lambda s: transforms.transpose(s, RATE, 13), "semitones"),
        (lambda s: transforms.normalize(s, RATE, 5.0), "normalize"),
        (lambda s: transforms.trim(s, RATE, 3.0, 1.0), "trim"),
        (lambda s: transforms.trim(s, RATE, 50.0, 60.0), "trim"),
        (lambda s: transforms.fade(s, RATE, in_s=-1.0), "fade-in"),
        (lambda s: transforms.fade(s, RATE, out_s=99.0), "fade-out"),
    ],
)
def test_impossible_instructions_are_typed_errors(call: object, field: str) -> None:
    source = clicks(120.0, 2.0)
    with pytest.raises(UnknownInstruction) as caught:
        call(source)  # type: ignore[operator]
    assert caught.value.field == field


def test_add_drums_puts_low_end_on_the_beats() -> None:
    """A tonal loop with only soft ticks gets a kick on its beats: the low band on the beats
    rises well above what it was, the length is kept, the peaks stay under the ceiling."""
    bpm, seconds = 124.0, 10.0
    ticks = clicks(bpm, seconds, ticks=True)
    harmony = cadence(60, "minor", repeats=5)[: ticks.shape[0]]
    source = np.repeat(0.3 * ticks + harmony, 2, axis=1)
    analysis = analyze_signal(source, RATE)
    mixed = add_drums(source, RATE, "techno", analysis)
    assert mixed.shape[0] >= source.shape[0] and mixed.shape[1] == 2
    assert np.abs(mixed).max() <= 10 ** (transforms.PEAK_CEILING_DBFS / 20) + 1e-6
    before, after = (
        _low_band_on_beats(source, analysis.beat_times_s),
        _low_band_on_beats(mixed, analysis.beat_times_s),
    )
    assert after > 2.0 * before


def test_add_drums_in_an_unknown_style_is_a_typed_error() -> None:
    source = clicks(120.0, 4.0, ticks=True)
    with pytest.raises(UnknownStyle):
        add_drums(source, RATE, "polka", analyze_signal(source, RATE))


def test_add_drums_needs_a_beat() -> None:
    silence = np.zeros((RATE * 3, 1), dtype=np.float32)
    with pytest.raises(InvalidInput, match="no steady beat"):
        add_drums(silence, RATE, "house", analyze_signal(silence, RATE))


def _low_band_on_beats(samples: np.ndarray, beats_s: tuple[float, ...]) -> float:
    """Energy under 150 Hz in the 80 ms after each beat."""
    from scipy.signal import butter, sosfilt

    low = sosfilt(butter(4, 150, fs=RATE, output="sos"), samples.mean(axis=1))
    window = round(0.08 * RATE)
    return float(sum(np.sum(low[round(b * RATE) : round(b * RATE) + window] ** 2) for b in beats_s))


def test_add_drums_puts_the_ones_on_the_bars_low_end() -> None:
    """A groove whose kick lands on the second beat of each bar (and ticks elsewhere): the
    drums' bar starts there, not on the first beat the analysis found."""
    from tests.audio.signals import drum_groove

    source = drum_groove(120.0, 12.0, kicks=(4,), snares=(), hats=(0, 2, 6, 8, 10, 12, 14))
    analysis = analyze_signal(source, RATE)
    assert analysis.tempo_bpm == pytest.approx(120.0, rel=0.01)
    beats = analysis.beat_times_s
    phase = transforms.downbeat_phase(source, RATE, beats)
    kick_s = 0.5  # the second beat of the first bar at 120 BPM
    assert min(abs((beats[phase] - kick_s) % 2.0), abs((beats[phase] - kick_s) % 2.0 - 2.0)) < 0.05
