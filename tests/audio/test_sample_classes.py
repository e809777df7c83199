"""The sound model's training sets: the drums of a General MIDI SoundFont, and the weights."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from musia.audio import sample_classes
from musia.audio.sample_classes import (
    Blend,
    SoundModel,
    fitted_model,
    shipped_model,
    soundfont_drum_set,
)
from musia.audio.sample_features import FEATURE_NAMES
from musia.formats.preview import bundled_soundfont


@pytest.fixture(scope="module")
def font() -> Path:
    found = bundled_soundfont()
    assert found is not None, "the audio extra ships TimGM6mb.sf2 with pretty_midi"
    return found


def test_the_soundfont_gives_every_drum_class_labelled_by_the_gm_map(font: Path) -> None:
    features, labels = soundfont_drum_set(font)
    assert features.shape == (len(labels), len(FEATURE_NAMES))
    counts = Counter(labels)
    assert set(counts) == {"kick", "snare", "clap", "hat", "cymbal", "tom", "perc"}, counts
    # 8 drum kits x 47 keys x 3 velocities, less the renders heard before (shared samples)
    assert 100 <= len(labels) < 8 * 47 * 3
    assert np.isfinite(features).all()
    assert len({row.tobytes() for row in features}) == len(labels)  # no render twice


def test_the_soundfont_drums_are_cached_and_a_stale_cache_is_made_again(
    font: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUSIA_CACHE_DIR", str(tmp_path))
    first = soundfont_drum_set(font)
    (cached,) = (tmp_path / "training").glob("*.json")
    cached.write_text('{"version": 0, "features": [], "rows": []}', encoding="utf-8")
    again = soundfont_drum_set(font)  # stale: the table is written to the cache again
    assert again[1] == first[1] and np.allclose(again[0], first[0], rtol=1e-5, atol=1e-6)
    assert '"version": 0' not in cached.read_text(encoding="utf-8")
    cached.write_bytes(b"\x00 not json")
    assert soundfont_drum_set(font)[1] == first[1]  # a broken cache is not an error


def test_an_unwritable_cache_is_skipped(
    font: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("MUSIA_CACHE_DIR", str(blocker))
    assert len(soundfont_drum_set(font)[1]) >= 100


def test_weights_decide_how_much_a_sound_counts() -> None:
    """Kicks at 0 and at 1, toms at 1: at 1 the toms are more likely, and more so when the kicks
    there hardly count. Classes are balanced by their total weight. The forest alone (a blend
    that is all forest) splits on the feature, so it follows the weights most closely."""
    features = np.r_[np.zeros((10, 2)), np.ones((20, 2))]
    labels = ["kick"] * 20 + ["tom"] * 10
    at_one = np.ones((1, 2))
    weights = np.r_[np.ones(10), np.full(10, 0.01), np.ones(10)]
    plain = SoundModel(features, labels).probabilities(at_one)[0]
    weighted = SoundModel(features, labels, weights=weights).probabilities(at_one)[0]
    assert 0.55 < plain["tom"] < 0.8, plain
    assert weighted["tom"] > plain["tom"] + 0.15, (plain, weighted)
    assert SoundModel(features, labels, weights=weights).predict(np.zeros((1, 2))) == ["kick"]
    forest = Blend(forest_share=1.0)
    assert 0.55 < SoundModel(features, labels, blend=forest).probabilities(at_one)[0]["tom"] < 0.8
    forest_weighted = SoundModel(features, labels, weights=weights, blend=forest)
    assert forest_weighted.probabilities(at_one)[0]["tom"] > 0.9


def test_the_model_knows_every_class_it_learnt_and_sums_to_one() -> None:
    """Three learners, one table: every class of the training sounds, probabilities that sum to
    1 for each sound, and the right class for sounds like those it learnt."""
    rng = np.random.default_rng(3)
    centres = {"kick": (0.0, 0.0), "snare": (4.0, 0.0), "hat": (0.0, 4.0)}
    features = np.vstack([rng.normal(c, 0.5, (30, 2)) for c in centres.values()])
    labels = [name for name in centres for _ in range(30)]
    model = SoundModel(features, labels)
    table = model.probabilities(np.array(list(centres.values())))
    assert [set(row) for row in table] == [set(centres)] * 3
    assert all(abs(sum(row.values()) - 1.0) < 1e-9 for row in table)
    assert model.predict(np.array(list(centres.values()))) == list(centres)


def test_the_shipped_model_learns_the_soundfont_drums_and_does_without_them(
    font: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    synth_rows = len(sample_classes.read_training_table()[1])
    drum_rows = len(soundfont_drum_set(font)[1])
    monkeypatch.setenv("MUSIA_SOUNDFONT", str(font))
    shipped_model.cache_clear()
    try:
        assert shipped_model().training_rows == synth_rows + drum_rows
        monkeypatch.setenv("MUSIA_SOUNDFONT", str(tmp_path / "missing.sf2"))
        shipped_model.cache_clear()
        assert shipped_model().training_rows == synth_rows  # the synth alone still teaches
    finally:
        shipped_model.cache_clear()


def test_a_fitted_model_is_kept_on_disk_and_used_from_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MUSIA_CACHE_DIR", str(tmp_path))
    rng = np.random.default_rng(5)
    features = np.vstack([rng.normal(c, 0.5, (20, 2)) for c in (0.0, 3.0)])
    labels = ["kick"] * 20 + ["hat"] * 20
    probe = rng.normal(1.5, 1.0, (8, 2))
    fitted = fitted_model(features, labels)
    (kept,) = (tmp_path / "models").glob("sound-model-*.pickle")
    swapped = ["hat"] * 20 + ["kick"] * 20  # another training set: another file
    other = fitted_model(features, swapped)
    (other_file,) = set((tmp_path / "models").glob("*.pickle")) - {kept}
    assert other.predict(np.zeros((1, 2))) == ["hat"] != fitted.predict(np.zeros((1, 2)))
    kept.write_bytes(other_file.read_bytes())  # what is on disk is what is used
    assert np.array_equal(fitted_model(features, labels).table(probe), other.table(probe))
    kept.write_bytes(b"not a pickle")  # a broken file is fitted again, not an error
    assert np.array_equal(fitted_model(features, labels).table(probe), fitted.table(probe))
