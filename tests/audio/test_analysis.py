"""Audio analysis measured on signals whose tempo, key and level are known by construction."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from musia.audio.analysis import AudioAnalysis, analyze_file, analyze_signal
from musia.audio.io import write_audio
from musia.errors import AudioFormatError
from tests.audio.signals import RATE, cadence, clicks, rendered


@pytest.mark.parametrize(
    ("bpm", "ticks"), [(76.0, False), (97.0, False), (124.0, True), (150.0, True), (174.0, True)]
)
def test_a_click_track_reads_its_tempo_to_a_tenth_of_a_bpm(bpm: float, ticks: bool) -> None:
    """Slow clicks have no offbeat ticks: eighth-note ticks at 76 BPM are read as 152 BPM's
    beats, as hats on every eighth of a hip-hop or lo-fi tempo would be (the octave model)."""
    result = analyze_signal(clicks(bpm, 20.0, ticks=ticks), RATE)
    assert result.tempo_bpm == pytest.approx(bpm, abs=0.1)
    assert result.tempo_confidence > 0.2
    beats = np.diff(result.beat_times_s)
    assert np.median(beats) == pytest.approx(60 / bpm, rel=0.02)


@pytest.mark.parametrize(
    ("tonic", "mode"), [(0, "major"), (2, "major"), (9, "minor"), (7, "minor")]
)
def test_a_cadence_reads_its_key(tonic: int, mode: str) -> None:
    result = analyze_signal(cadence(48 + tonic, mode), RATE)
    assert (result.key_tonic_pc, result.key_mode) == (tonic, mode)
    assert 0 < result.key_confidence <= 1


def test_a_rendered_song_reads_its_tempo_loudness_and_peaks() -> None:
    _, preview = rendered("house", bpm=126.0, bars=8)
    result = analyze_signal(preview.mix.T, preview.sample_rate)
    assert result.tempo_bpm == pytest.approx(126.0, rel=0.01)
    assert result.loudness_lufs == pytest.approx(preview.loudness_lufs, abs=0.05)
    assert result.sample_peak_dbfs == pytest.approx(preview.peak_dbfs, abs=0.01)
    assert result.true_peak_dbfs is not None
    assert result.true_peak_dbfs >= result.sample_peak_dbfs - 1e-6
    assert result.channels == 2 and result.sample_rate == 44_100
    assert result.duration_s == pytest.approx(preview.duration_s)
    assert result.onset_rate_per_s > 2  # at least the kick on every beat


def test_true_peak_finds_the_peak_between_samples() -> None:
    """A sine at a quarter of the rate, sampled 45° off its crests: samples peak at 0.707."""
    n = np.arange(RATE)
    samples = np.sin(2 * np.pi * n / 4 + np.pi / 4).astype(np.float32)[:, None]
    result = analyze_signal(samples, RATE)
    assert result.sample_peak_dbfs == pytest.approx(-3.01, abs=0.02)
    assert result.true_peak_dbfs == pytest.approx(0.0, abs=0.2)


def test_spectral_summary_tells_a_low_tone_from_noise() -> None:
    t = np.arange(2 * RATE) / RATE
    low = analyze_signal((0.5 * np.sin(2 * np.pi * 80 * t)).astype(np.float32), RATE).spectral
    noise = np.random.default_rng(0).normal(0, 0.1, len(t)).astype(np.float32)
    bright = analyze_signal(noise, RATE).spectral
    assert low.centroid_hz < 300 and bright.centroid_hz > 3000
    assert low.low_band_ratio > 0.9 and bright.low_band_ratio < 0.05
    assert low.flatness < 0.05 and bright.flatness > 0.3
    assert bright.rolloff_hz > 5000 and bright.bandwidth_hz > low.bandwidth_hz


def test_silence_has_no_tempo_key_or_loudness() -> None:
    result = analyze_signal(np.zeros((3 * RATE, 2), dtype=np.float32), RATE)
    assert result.tempo_bpm is None and result.beat_times_s == ()
    assert result.key_tonic_pc is None and result.key_mode is None
    assert result.loudness_lufs is None and result.sample_peak_dbfs is None
    assert json.loads(json.dumps(result.to_dict()))["loudness_lufs"] is None


def test_too_short_or_misshapen_audio_is_refused() -> None:
    with pytest.raises(AudioFormatError, match="too short"):
        analyze_signal(np.zeros((10, 1), dtype=np.float32), RATE)
    with pytest.raises(AudioFormatError):
        analyze_signal(np.zeros((2, 2, 2), dtype=np.float32), RATE)


def test_to_dict_carries_the_keys_other_tools_read() -> None:
    result = analyze_signal(cadence(50, "major"), RATE)
    body = json.loads(json.dumps(result.to_dict()))
    for key in ("duration_s", "tempo_bpm", "key_tonic_pc", "key_mode", "loudness_lufs"):
        assert key in body
    assert body["key_tonic_pc"] == 2 and body["key_mode"] == "major"
    assert body["key_name"] == "D major"
    assert set(body["spectral"]) >= {"centroid_hz", "rolloff_hz", "flatness", "bandwidth_hz"}
    assert all(math.isfinite(v) for v in body["spectral"].values())


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".aiff"])
def test_analyze_file_reads_every_format_alike(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"clicks{suffix}"
    write_audio(path, np.repeat(clicks(120.0, 8.0), 2, axis=1), RATE)
    result = analyze_file(path)
    assert isinstance(result, AudioAnalysis)
    assert result.channels == 2 and result.sample_rate == RATE
    assert result.duration_s == pytest.approx(8.0, abs=0.06)  # Vorbis pads a little
    assert result.tempo_bpm == pytest.approx(120.0, rel=0.01)
