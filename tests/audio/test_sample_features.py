"""The sound features the sample classifier reads, on sounds whose shape is known."""

from __future__ import annotations

import numpy as np

from musia.audio.sample_features import ANALYSIS_RATE, FEATURE_NAMES, describe, describe_sound


def _burst(decay_s: float, tone_hz: float | None, seconds: float = 1.0) -> np.ndarray:
    """White noise or a sine that starts at once and decays exponentially with `decay_s`."""
    t = np.arange(round(seconds * ANALYSIS_RATE)) / ANALYSIS_RATE
    rng = np.random.default_rng(3)
    source = rng.standard_normal(len(t)) if tone_hz is None else np.sin(2 * np.pi * tone_hz * t)
    return np.asarray(0.5 * source * np.exp(-t / decay_s), dtype=np.float64)


def _named(vector: np.ndarray) -> dict[str, float]:
    """`describe` leaves out the last feature, `air_ratio`."""
    return dict(zip(FEATURE_NAMES[:-1], (float(v) for v in vector), strict=True))


def test_every_feature_has_a_name() -> None:
    vector = describe_sound(_burst(0.1, None)[:, None], ANALYSIS_RATE)
    assert len(vector) == len(FEATURE_NAMES) == len(set(FEATURE_NAMES))
    assert np.all(np.isfinite(vector))


def test_the_level_after_the_peak_follows_the_decay() -> None:
    short, long = _named(describe(_burst(0.03, None))), _named(describe(_burst(0.3, None)))
    # -8.7 dB per time constant: 200 ms is ~58 dB down for the short burst, ~6 dB for the long.
    assert short["level_db_at_200ms"] < -45 < -10 < long["level_db_at_200ms"]
    assert short["level_db_at_10ms"] > -6
    assert short["level_db_150_400ms"] < long["level_db_150_400ms"] - 20


def test_the_windows_tell_noise_from_a_tone_and_low_from_high() -> None:
    noise, tone = _named(describe(_burst(0.3, None))), _named(describe(_burst(0.3, 80.0)))
    for window in ("0_50ms", "50_150ms", "150_400ms"):
        assert noise[f"flatness_{window}"] > 10 * tone[f"flatness_{window}"]
        assert tone[f"band_0_120_{window}"] > 0.9
        assert noise[f"centroid_log_hz_{window}"] > tone[f"centroid_log_hz_{window}"] + 2
