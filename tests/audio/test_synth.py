"""The SoundFont reader, the sampler and the loudness meter, measured on what they produce."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest

from musia.audio.gm_soundfont import find_soundfont
from musia.audio.loudness import (
    block_peaks,
    gated_loudness,
    integrated_loudness,
    k_weighted,
    limiter_gain,
    peak_limiter_gain,
    step_powers,
)
from musia.audio.soundfont import DRUM_BANK, SoundFont, load_soundfont
from musia.audio.synth import NoteEvent, render_track
from musia.errors import FileFormatError

RATE = 44_100


@pytest.fixture(scope="module")
def font() -> SoundFont:
    return load_soundfont(find_soundfont())


def _note(font: SoundFont, pitch: int, *, program: int = 0, drums: bool = False) -> np.ndarray:
    audio = render_track(
        font,
        [NoteEvent(0.0, 1.0, pitch, 100)],
        program=program,
        drums=drums,
        frames=3 * RATE,
        sample_rate=RATE,
    )
    return audio[0] + audio[1]


def _f0(mono: np.ndarray) -> float:
    """Fundamental by autocorrelation over 40 ms – 0.5 ms lags."""
    x = mono - mono.mean()
    spectrum = np.fft.rfft(x, 2 * len(x))
    correlation = np.fft.irfft(np.abs(spectrum) ** 2)[: len(x)]
    lo, hi = RATE // 2000, RATE // 25
    return RATE / (lo + int(np.argmax(correlation[lo:hi])))


def test_the_bundled_soundfont_has_general_midi_and_a_drum_kit(font: SoundFont) -> None:
    assert font.path.name.endswith(".sf2")
    assert all((0, program) in font.presets for program in (0, 33, 38, 48, 81, 89, 119))
    assert (DRUM_BANK, 0) in font.presets


@pytest.mark.parametrize("program", [0, 33, 38, 81, 89])
@pytest.mark.parametrize("pitch", [45, 57, 69])
def test_a_note_sounds_at_its_pitch(font: SoundFont, program: int, pitch: int) -> None:
    mono = _note(font, pitch, program=program)
    expected = 440.0 * 2 ** ((pitch - 69) / 12)
    measured = _f0(mono[RATE // 10 : RATE // 10 + 16384])
    assert abs(1200 * math.log2(measured / expected)) < 25  # cents


def test_a_kick_on_the_drum_channel_is_a_drum(font: SoundFont) -> None:
    """GM note 36 on channel 10 is a kick: short, low and percussive; on a melodic channel the
    same note is a piano C2 that rings for the whole note."""
    kick, piano = _note(font, 36, drums=True), _note(font, 36, program=0)
    assert not np.allclose(kick[: RATE // 2], piano[: RATE // 2])
    energy = np.cumsum(kick.astype(np.float64) ** 2)
    assert energy[RATE // 4] > 0.95 * energy[-1], "a kick is over in a quarter second"
    piano_energy = np.cumsum(piano.astype(np.float64) ** 2)
    assert piano_energy[RATE // 4] < 0.8 * piano_energy[-1]
    assert _low_share(kick) > 0.85, "a kick's energy is below 250 Hz"
    assert _low_share(_note(font, 42, drums=True)) < 0.05, "a closed hat's is not"


def _low_share(mono: np.ndarray) -> float:
    power = np.abs(np.fft.rfft(mono[: RATE // 10])) ** 2
    freqs = np.fft.rfftfreq(RATE // 10, 1 / RATE)
    return float(power[freqs < 250].sum() / power.sum())


def test_a_closed_hat_chokes_the_open_one(font: SoundFont) -> None:
    open_hat = [NoteEvent(0.0, 1.0, 46, 100)]
    choked = [*open_hat, NoteEvent(0.25, 0.05, 42, 100)]
    kwargs = {"program": 0, "drums": True, "frames": 2 * RATE, "sample_rate": RATE}
    alone = render_track(font, open_hat, **kwargs)  # type: ignore[arg-type]
    cut = render_track(font, choked, **kwargs)  # type: ignore[arg-type]
    late = slice(RATE // 2, RATE)
    assert np.abs(alone[:, late]).max() > 10 * np.abs(cut[:, late]).max()


def test_every_voice_ends(font: SoundFont) -> None:
    """A ten-second string note: its release ends within the limit and the buffer stays bounded."""
    audio = render_track(
        font, [NoteEvent(0.0, 10.0, 60, 100)], program=48, drums=False, frames=16 * RATE,
        sample_rate=RATE,
    )  # fmt: skip
    assert np.abs(audio[:, 5 * RATE : 9 * RATE]).max() > 1e-3
    assert np.abs(audio[:, 15 * RATE :]).max() == 0.0


def test_a_file_that_is_not_a_soundfont_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sf2"
    bad.write_bytes(b"RIFF\x10\x00\x00\x00sfbkLIST" + b"\x00" * 8)
    with pytest.raises(FileFormatError):
        load_soundfont(bad)
    text = tmp_path / "text.sf2"
    text.write_text("hello")
    with pytest.raises(FileFormatError, match="not a SoundFont"):
        load_soundfont(text)


# --- loudness ------------------------------------------------------------------------------------


def _signals() -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    t = np.arange(10 * RATE) / RATE
    tone = 0.3 * np.sin(2 * np.pi * 997 * t)
    bursts = rng.standard_normal(10 * RATE) * 0.2 * (np.sin(2 * np.pi * 0.5 * t) > 0)
    bass = 0.5 * np.sin(2 * np.pi * 55 * t) + 0.05 * rng.standard_normal(10 * RATE)
    return [np.stack((tone, tone * 0.5)), np.stack((bursts, bursts[::-1])), np.stack((bass, bass))]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("index", range(3))
def test_loudness_agrees_with_pyloudnorm(index: int, dtype: type) -> None:
    signal = _signals()[index]
    reference = pyloudnorm.Meter(RATE).integrated_loudness(signal.T)
    assert integrated_loudness(signal.astype(dtype), RATE) == pytest.approx(reference, abs=0.02)


def test_float32_audio_is_weighted_in_float32_as_loud_as_in_float64() -> None:
    signal = np.concatenate([s[:, : 5 * RATE] for s in _signals()], axis=1)  # with quiet parts
    single = k_weighted(signal.astype(np.float32), RATE)
    assert single.dtype == np.float32
    assert gated_loudness(step_powers(single, RATE), RATE) == pytest.approx(
        integrated_loudness(signal, RATE), abs=0.001
    )


def test_step_powers_with_a_gain_are_those_of_the_gained_signal() -> None:
    signal = _signals()[1].astype(np.float32)
    gain = np.linspace(0.2, 1.5, signal.shape[-1], dtype=np.float32)
    assert np.allclose(step_powers(signal, RATE, gain=gain), step_powers(signal * gain, RATE))


def test_silence_has_no_loudness() -> None:
    assert integrated_loudness(np.zeros((2, 5 * RATE)), RATE) == -math.inf


def test_the_limiter_holds_every_sample_under_the_ceiling() -> None:
    rng = np.random.default_rng(11)
    audio = (rng.standard_normal((2, 5 * RATE)) * 0.3).astype(np.float32)
    audio[:, RATE : RATE + 50] *= 8  # a few loud transients
    gain = limiter_gain(audio, 0.5)
    assert gain is not None
    assert np.abs(audio * gain).max() <= 0.5 + 1e-6
    assert np.abs(np.diff(gain)).max() < 0.01, "the gain moves in ramps, not steps"
    assert limiter_gain(audio * 0.01, 0.5) is None


@pytest.mark.parametrize("frames", [1, 255, 256, 257, 3 * RATE + 7])
def test_scaled_block_peaks_give_the_limiter_of_the_scaled_audio(frames: int) -> None:
    audio = (np.random.default_rng(frames).standard_normal((2, frames)) * 0.3).astype(np.float32)
    for scale in (0.5, 2.0, 6.0):
        expected = limiter_gain(audio * np.float32(scale), 0.9)
        got = peak_limiter_gain(block_peaks(audio) * scale, frames, 0.9)
        assert (got is None) == (expected is None)
        if got is not None and expected is not None:
            assert got.shape == (frames,)
            assert np.allclose(got, expected, atol=1e-6)
