"""Musia's instruments and desk, judged by what they sound like: where a sound's energy sits, how
a loop joins, what the sidechain, the filter, the limiter and the loudness target do."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from musia.audio import desk
from musia.audio.engine import SAMPLE_RATE, render_note, seamless_loop
from musia.audio.loudness import integrated_loudness
from musia.audio.multisample import ZONE_STEP, instrument_for, kit, patches, sounds_for
from musia.audio.sampler import cutoff_hz, play_track
from musia.core.model import Clip, Envelope, EnvelopePoint, Note, Track
from musia.core.styles import load_style, style_names

RATE = SAMPLE_RATE


def _share_below(audio: np.ndarray, hz: float) -> float:
    spectrum = np.abs(np.fft.rfft(audio.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(audio), 1 / RATE)
    return float(spectrum[freqs < hz].sum() / spectrum.sum())


def _centroid_hz(audio: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(audio.astype(np.float64)))
    freqs = np.fft.rfftfreq(len(audio), 1 / RATE)
    return float((spectrum * freqs).sum() / spectrum.sum())


def _track(
    part: str,
    notes: list[Note],
    envelopes: tuple[Envelope, ...] = (),
    channel: int = 0,
    beats: float = 16.0,
) -> Track:
    clip = Clip("clip", 0.0, beats, tuple(notes), envelopes)
    return Track(part.title(), part, 0, channel, 0, (clip,))


@pytest.mark.parametrize("name", ["kick_909", "kick_808", "kick_rumble", "kick_dnb"])
def test_a_kick_puts_its_energy_below_100_hz(name: str) -> None:
    audio = render_note(name, patches()[name], 36).audio
    assert _share_below(audio, 100.0) > 0.5  # the rest is its click and drive
    assert _share_below(audio, 150.0) > 0.7


def test_a_hat_lives_in_the_top_and_a_snare_in_between() -> None:
    hat = render_note("hat_closed", patches()["hat_closed"], 42).audio
    snare = render_note("snare_909", patches()["snare_909"], 38).audio
    assert _centroid_hz(hat) > 7000
    assert 1000 < _centroid_hz(snare) < _centroid_hz(hat)


def test_a_note_renders_to_the_same_samples_every_time() -> None:
    first = render_note("pad_warm", patches()["pad_warm"], 60)
    again = render_note("pad_warm", patches()["pad_warm"], 60)
    assert np.array_equal(first.audio, again.audio) and first.loop == again.loop


@pytest.mark.parametrize("name", ["pad_warm", "pad_air", "bass_reese", "lead_supersaw"])
def test_a_sustained_sound_loops_without_a_seam(name: str) -> None:
    rendered = render_note(name, patches()[name], 57)
    assert rendered.loop is not None
    start, end = rendered.loop
    audio = rendered.audio
    # The jump from the loop's end back to its start is no bigger than a step inside the loop.
    steps = np.abs(np.diff(audio[start:end]))
    jump = abs(float(audio[start]) - float(audio[end - 1]))
    assert jump <= np.percentile(steps, 99.9)
    # … and the level does not dip or swell across it.
    window = 2048
    before = np.sqrt(np.mean(audio[end - window : end] ** 2))
    after = np.sqrt(np.mean(audio[start : start + window] ** 2))
    assert abs(20 * math.log10(before / after)) < 1.5


def test_without_the_crossfade_a_loop_would_click() -> None:
    t = np.arange(RATE) / RATE
    tone = np.sin(2 * np.pi * 101.3 * t).astype(np.float32)
    start, end = 20_000, 40_000
    plain_jump = abs(float(tone[start]) - float(tone[end - 1]))
    looped = seamless_loop(tone, start, end)
    assert abs(float(looped[start]) - float(looped[end - 1])) < plain_jump / 10


def test_every_style_finds_its_patches_and_kit() -> None:
    for style in style_names():
        sounds = sounds_for(style)
        for part in ("bass", "chords", "pad", "lead"):
            assert sounds[part] in patches(), (style, part)
        assert set(kit(str(sounds["kit"])).values()) <= set(patches())


def test_zones_cover_the_keys_a_part_plays_every_few_semitones() -> None:
    keys = list(range(40, 72))
    instrument = instrument_for("house", "pad", keys, drums=False)
    roots = [z.root_key for z in instrument.zones]
    assert all(b - a == ZONE_STEP for a, b in itertools.pairwise(roots))
    for key in keys:
        zone = instrument.zone_for(key)
        assert zone.low_key <= key <= zone.high_key
        assert abs(zone.root_key - key) <= ZONE_STEP
    assert all(z.loop is not None for z in instrument.zones)  # a pad holds


def test_the_fx_play_an_impact_low_and_a_riser_high() -> None:
    instrument = instrument_for("techno", "fx", [41, 65, 77], drums=False)
    assert instrument.zone_for(41).patch == "impact"
    assert instrument.zone_for(65).patch == instrument.zone_for(77).patch == "riser_noise"


def test_a_cutoff_envelope_darkens_the_part() -> None:
    notes = [Note(float(beat), 57, 1.0, 100) for beat in range(8)]
    closing = Envelope("cutoff", (EnvelopePoint(0.0, 0.2), EnvelopePoint(8.0, 0.2)))
    instrument = instrument_for("house", "chords", [57], drums=False)
    frames = 4 * RATE
    open_ = play_track(instrument, _track("chords", notes, beats=8.0), 120.0, frames)
    dark = play_track(instrument, _track("chords", notes, (closing,), beats=8.0), 120.0, frames)
    assert _centroid_hz(dark) < _centroid_hz(open_) / 2
    assert cutoff_hz(0.0) == pytest.approx(80.0) and cutoff_hz(1.0) > 15_000


def test_a_pitch_bend_glides_the_note() -> None:
    note = [Note(0.0, 45, 4.0, 100)]
    bend = Envelope(
        "pitch_bend",
        (
            EnvelopePoint(0.0, 0.0),
            EnvelopePoint(1.0, 0.0),
            EnvelopePoint(2.0, 12.0),
            EnvelopePoint(4.0, 12.0),
        ),
    )
    instrument = instrument_for("melodic techno", "bass", [45], drums=False)  # a sub
    audio = play_track(instrument, _track("bass", note, (bend,), beats=4.0), 120.0, 2 * RATE)
    early, late = audio[: RATE // 2], audio[int(1.2 * RATE) : int(1.7 * RATE)]

    def fundamental(piece: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(piece * np.hanning(len(piece))))
        freqs = np.fft.rfftfreq(len(piece), 1 / RATE)
        band = (freqs > 60) & (freqs < 400)
        return float(freqs[band][np.argmax(spectrum[band])])

    assert fundamental(late) == pytest.approx(2 * fundamental(early), rel=0.05)


def _mixed(duck_db: float) -> tuple[np.ndarray, list[float]]:
    mix = load_style("house").mix
    bass_notes = [Note(float(beat), 33, 1.0, 100) for beat in range(8)]
    bass = play_track(
        instrument_for("house", "bass", [33], drums=False),
        _track("bass", bass_notes, beats=8.0),
        120.0,
        4 * RATE,
    )
    parts = {**mix.parts, "bass": desk.PartMix(0.0, 0.0, 0.0, 0.0, duck_db)}
    settings = desk.Mix(
        **{**{f: getattr(mix, f) for f in mix.__dataclass_fields__}, "parts": parts, "glue_db": 0.0}
    )
    kicks = [beat * 0.5 for beat in range(8)]
    out = desk.mix_down(
        [desk.Channel("bass", bass)], settings, bpm=120.0, kicks_s=kicks, sample_rate=RATE
    )
    return out.stems[0][0], kicks


def test_the_kick_ducks_the_bass_and_lets_it_back() -> None:
    ducked, kicks = _mixed(duck_db=8.0)
    plain, _ = _mixed(duck_db=0.0)
    window = round(0.02 * RATE)
    for kick in kicks[1:-1]:
        at = round(kick * RATE)
        just_after = slice(at + window // 4, at + window)
        recovered = slice(at + round(0.4 * RATE), at + round(0.4 * RATE) + window)

        def ratio_db(piece: slice) -> float:
            return 20 * math.log10(
                np.sqrt(np.mean(ducked[piece] ** 2)) / np.sqrt(np.mean(plain[piece] ** 2))
            )

        assert ratio_db(just_after) < ratio_db(recovered) - 5.0


def _noisy_mix(seconds: float = 20.0) -> np.ndarray:
    """Thumps and hiss with sharp accents: a mix that the limiter has to work on."""
    from scipy.signal import butter, sosfilt

    rng = np.random.default_rng(1)
    frames = round(seconds * RATE)
    t = np.arange(frames) / RATE
    thumps = np.sin(2 * np.pi * 50 * t) * (np.mod(t, 0.5) < 0.12)
    hiss = sosfilt(butter(4, 10_000, fs=RATE, output="sos"), rng.standard_normal(frames))
    audio = 0.3 * hiss * (1 + (np.mod(t, 0.25) < 0.02) * 6) + thumps
    return audio.astype(np.float32)


@pytest.mark.parametrize("target", [-9.0, -14.0])
def test_the_master_lands_on_the_loudness_target_under_the_true_peak_ceiling(
    target: float,
) -> None:
    from scipy.signal import resample_poly

    mono = _noisy_mix()
    mix = load_style("house").mix
    settings = desk.Mix(
        **{**{f: getattr(mix, f) for f in mix.__dataclass_fields__}, "loudness_lufs": target}
    )
    out = desk.mix_down(
        [desk.Channel("drums", mono)], settings, bpm=120.0, kicks_s=[], sample_rate=RATE
    )
    assert integrated_loudness(out.mix, RATE) == pytest.approx(target, abs=0.3)
    upsampled = resample_poly(out.mix.astype(np.float64), 4, 1, axis=-1)
    true_peak = 20 * np.log10(np.abs(upsampled).max())
    assert true_peak <= settings.true_peak_dbtp + 0.05


def test_stems_and_returns_add_up_to_the_mix() -> None:
    mono = _noisy_mix(6.0)
    out = desk.mix_down(
        [desk.Channel("pad", mono * 0.5), desk.Channel("drums", mono)],
        load_style("house").mix,
        bpm=124.0,
        kicks_s=[0.0, 1.0],
        sample_rate=RATE,
    )
    total = out.returns + out.stems[0] + out.stems[1]
    assert np.abs(total - out.mix).max() < 1e-4
    assert np.abs(out.returns).max() > 0.01  # the pad's sends reach the reverb
