"""The audio preview of a song, measured on the WAV files as any player would read them."""

from __future__ import annotations

import io
from pathlib import Path

import mido
import numpy as np
import pyloudnorm
import pytest
import soundfile

from musia.audio.gm_soundfont import SYSTEM_SOUNDFONTS, bundled_soundfont, find_soundfont
from musia.audio.synth import MAX_RELEASE_S
from musia.core.model import Note, Song
from musia.core.styles import load_style
from musia.errors import InvalidInput
from musia.formats.midi import read_midi, song_to_midi
from musia.production.render import (
    END_SILENCE_S,
    PEAK_CEILING_DBFS,
    TAIL_S,
    TARGET_LUFS,
    Preview,
    render_song,
    write_preview,
)
from tests.helpers import make_song

RATE = 44_100


@pytest.fixture(scope="module")
def song() -> Song:
    return make_song("house", seed=3, bars=8)


@pytest.fixture(scope="module")
def preview(song: Song) -> Preview:
    return render_song(song)


@pytest.fixture(scope="module")
def written(preview: Preview, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("preview")
    write_preview(preview, folder)
    return folder


def _read(path: Path) -> np.ndarray:
    data, rate = soundfile.read(path, dtype="float64", always_2d=True)
    assert rate == RATE
    return data


def _dbfs(value: float) -> float:
    return 20 * np.log10(max(value, 1e-12))


def test_the_mix_is_44k1_stereo_16_bit_and_lasts_the_song(written: Path, song: Song) -> None:
    info = soundfile.info(str(written / "preview.wav"))
    assert (info.samplerate, info.channels, info.subtype) == (RATE, 2, "PCM_16")
    assert song.duration_s <= info.duration <= song.duration_s + TAIL_S + 0.01


def test_the_mix_is_at_the_styles_loudness_under_minus_1_dbtp(written: Path, song: Song) -> None:
    from scipy.signal import resample_poly

    mix = _read(written / "preview.wav")
    loudness = pyloudnorm.Meter(RATE).integrated_loudness(mix)
    target = load_style(song.style).mix
    assert loudness == pytest.approx(target.loudness_lufs, abs=0.5)  # club: -9 LUFS
    true_peak = _dbfs(np.abs(resample_poly(mix, 4, 1, axis=0)).max())
    assert true_peak <= target.true_peak_dbtp + 0.05  # 16-bit rounding


def test_a_midi_file_renders_with_general_midi_at_minus_14_lufs(song: Song) -> None:
    preview = render_song(song, general_midi=True)
    assert preview.soundfont is not None
    assert pyloudnorm.Meter(RATE).integrated_loudness(preview.mix.T.astype(np.float64)) == (
        pytest.approx(TARGET_LUFS, abs=0.5)
    )
    assert _dbfs(float(np.abs(preview.mix).max())) <= PEAK_CEILING_DBFS + 0.01


def test_one_audible_stem_per_part(written: Path, song: Song) -> None:
    stems = sorted((written / "stems").glob("*.wav"))
    assert [p.stem for p in stems] == sorted(t.name for t in song.tracks)
    mix_frames = len(_read(written / "preview.wav"))
    for path in stems:
        audio = _read(path)
        assert len(audio) == mix_frames, path.name
        rms_dbfs = 10 * np.log10(np.mean(audio**2))
        assert rms_dbfs > -50, f"{path.name} is near silent: {rms_dbfs:.1f} dBFS RMS"
        assert _dbfs(np.abs(audio).max()) < 0.0, path.name  # none clips


def test_the_stems_and_the_returns_add_up_to_the_mix(preview: Preview) -> None:
    # Each stem is its part after the desk (fader, high-pass, sidechain) and the master's gains;
    # the reverb and delay returns are the rest.
    assert preview.returns is not None
    total = preview.returns + sum(stem.audio for stem in preview.stems)
    mix = preview.mix
    residual = 10 * np.log10(np.mean((total - mix) ** 2) / np.mean(mix**2))
    assert residual < -60, f"stems and returns differ from the mix by {residual:.1f} dB"
    wet = 10 * np.log10(np.mean(preview.returns**2) / np.mean(mix**2))
    assert -40 < wet < -6  # the returns are heard, under the parts


def test_nothing_sounds_after_the_tail(written: Path) -> None:
    mix = _read(written / "preview.wav")
    assert _dbfs(np.abs(mix[-RATE // 2 :]).max()) < -50


def test_the_drums_hit_on_the_kicks(preview: Preview, song: Song) -> None:
    drums = next(s for s in preview.stems if s.part == "drums")
    track = song.track("drums")
    assert track is not None
    mono = np.abs(drums.audio[0] + drums.audio[1]).astype(np.float64)
    window = RATE // 100  # 10 ms
    kicks = [n.start_beats * 60 / song.bpm for n in track.absolute_notes() if n.pitch in (35, 36)]
    assert len(kicks) >= 8
    rises = []
    for seconds in kicks:
        at = round(seconds * RATE)
        before = mono[max(0, at - 3 * window) : at - window // 2].mean() + 1e-9
        rises.append(mono[at : at + 3 * window].mean() / before)
    assert np.median(rises) > 4, "no sharp onset at the kick positions"


def test_the_same_song_renders_to_the_same_samples(song: Song, preview: Preview) -> None:
    again = render_song(song)
    assert np.array_equal(again.mix, preview.mix)
    assert all(
        np.array_equal(a.audio, b.audio) for a, b in zip(again.stems, preview.stems, strict=True)
    )


def test_the_tail_lets_the_longest_release_die_out() -> None:
    # A release falls 100 dB in its release time, cut at MAX_RELEASE_S: -60 dBFS is reached
    # 60 % of the way, and the render keeps END_SILENCE_S of silence after that.
    assert TAIL_S >= MAX_RELEASE_S * 0.6 + END_SILENCE_S


def _soundfonts() -> list[Path]:
    bundled = bundled_soundfont()
    assert bundled is not None
    return [bundled, *(p for p in SYSTEM_SOUNDFONTS if p.is_file())]


@pytest.mark.parametrize("font", _soundfonts(), ids=lambda p: p.name)
def test_a_note_left_on_in_a_midi_file_stops_at_the_end(tmp_path: Path, font: Path) -> None:
    """A strings note with no note-off (looped sample, long release): the reader closes it at the
    end of the file, and the render is silent half a second before its end, with the bundled
    SoundFont and with every system one (FluidR3_GM's strings ring for seconds)."""
    midi = mido.MidiFile(type=1, ticks_per_beat=480)
    track = mido.MidiTrack(
        [
            mido.MetaMessage("set_tempo", tempo=500_000),
            mido.Message("program_change", channel=0, program=48),
            mido.Message("note_on", channel=0, note=60, velocity=100),
            mido.Message("note_on", channel=0, note=64, velocity=100, time=480),
            mido.Message("note_off", channel=0, note=64, time=480),
            mido.MetaMessage("end_of_track", time=960 * 2),
        ]
    )
    midi.tracks.append(track)
    path = tmp_path / "stuck.mid"
    midi.save(path)
    song = read_midi(path)
    assert song.tracks[0].absolute_notes()[0].end_beats == pytest.approx(6.0)
    preview = render_song(song, balance=False, soundfont=font)
    assert preview.duration_s <= song.duration_s + TAIL_S + 0.01
    assert _dbfs(np.abs(preview.mix[:, -RATE // 2 :]).max()) < -50


def test_a_midi_file_reads_back_as_the_song(song: Song, tmp_path: Path) -> None:
    path = tmp_path / "song.mid"
    path.write_bytes(song_to_midi(song))
    again = read_midi(path)
    assert again.bpm == pytest.approx(song.bpm, rel=1e-6)
    assert [t.name for t in again.tracks] == [t.name for t in song.tracks]
    for ours, theirs in zip(song.tracks, again.tracks, strict=True):
        assert (theirs.program, theirs.channel) == (ours.program, ours.channel)
        assert _rounded(theirs.absolute_notes()) == _rounded(ours.absolute_notes())


def _rounded(notes: list[Note]) -> list[tuple[float, int, float, int]]:
    return [
        (round(n.start_beats, 6), n.pitch, round(n.duration_beats, 6), n.velocity) for n in notes
    ]


def test_a_tempo_change_keeps_the_seconds(tmp_path: Path) -> None:
    midi = mido.MidiFile(type=0, ticks_per_beat=100)
    midi.tracks.append(
        mido.MidiTrack(
            [
                mido.MetaMessage("set_tempo", tempo=1_000_000),  # 60 BPM: a beat is 1 s
                mido.Message("note_on", note=60, velocity=90),
                mido.Message("note_off", note=60, time=100),
                mido.MetaMessage("set_tempo", tempo=250_000),  # 240 BPM: a beat is 0.25 s
                mido.Message("note_on", note=62, velocity=90, time=100),
                mido.Message("note_off", note=62, time=100),
            ]
        )
    )
    buffer = io.BytesIO()
    midi.save(file=buffer)
    path = tmp_path / "tempo.mid"
    path.write_bytes(buffer.getvalue())
    song = read_midi(path)
    second = song.tracks[0].absolute_notes()[1]
    assert second.start_beats * 60 / song.bpm == pytest.approx(1.25, abs=1e-3)
    assert second.duration_beats * 60 / song.bpm == pytest.approx(0.25, abs=1e-3)


def test_the_soundfont_comes_from_the_option_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = find_soundfont()
    copy = tmp_path / "mine.sf2"
    copy.write_bytes(bundled.read_bytes())
    monkeypatch.setenv("MUSIA_SOUNDFONT", str(copy))
    assert find_soundfont() == copy
    assert find_soundfont(bundled) == bundled
    monkeypatch.setenv("MUSIA_SOUNDFONT", str(tmp_path / "missing.sf2"))
    with pytest.raises(InvalidInput, match="SoundFont not found"):
        find_soundfont()


def test_without_a_choice_a_system_soundfont_comes_before_the_bundled_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MUSIA_SOUNDFONT", raising=False)  # the tests pin the bundled one
    system = [p for p in SYSTEM_SOUNDFONTS if p.is_file()]
    assert find_soundfont() == (system[0] if system else bundled_soundfont())


def test_the_librarys_chosen_one_shot_plays_in_the_preview(song: Song, tmp_path: Path) -> None:
    from musia.core.sample_choice import LibrarySample, SampleChoice
    from musia.production.library import ChosenSamples

    # A "clap" that is a 3 kHz beep: where the song claps, the drums stem beeps.
    t = np.arange(RATE // 5) / RATE
    beep = 0.8 * np.sin(2 * np.pi * 3000 * t) * np.exp(-t * 20)
    path = tmp_path / "beep clap.wav"
    soundfile.write(path, beep, RATE, subtype="PCM_16")
    drums = song.track("drums")
    assert drums is not None
    clap_key = next(n.pitch for n in drums.absolute_notes() if n.pitch in (38, 39, 40))
    sample = LibrarySample(id=str(path), name=path.name, kind="clap")
    chosen = ChosenSamples(SampleChoice(((clap_key, sample),), None), {sample.id: path})

    def tone_share(preview: Preview) -> float:
        stem = next(s for s in preview.stems if s.part == "drums").audio.mean(axis=0)
        spectrum = np.abs(np.fft.rfft(stem.astype(np.float64))) ** 2
        freqs = np.fft.rfftfreq(len(stem), 1 / RATE)
        return float(spectrum[(freqs > 2990) & (freqs < 3010)].sum() / spectrum.sum())

    assert tone_share(render_song(song, library=chosen)) > 10 * tone_share(render_song(song))
