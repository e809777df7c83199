"""The audio preview: a song → a 44.1 kHz stereo WAV mix and one WAV stem per part.

A song Musia composed plays on Musia's own instruments (`musia.audio.multisample`: patches per
style, multi-sampled, played by `musia.audio.sampler` with the clips' filter and pitch-bend
automation) through the desk and master of its style (`musia.audio.desk`: gain staging,
high-passes, sidechain, reverb and delay returns, glue, the style's loudness at -1 dBTP true
peak). The producer's library samples chosen for the song (`--samples`) replace the kit's pieces
they were chosen for, and a chosen loop plays with the drums. The stems are the parts after the
desk; with the returns they add up to the mix.

A MIDI file from elsewhere, or any song when a SoundFont is named, is rendered with a General
MIDI SoundFont instead (`musia.audio.synth`; drums with the drum kit, bank 128). Levels, in this
order:

1. **Balance** (songs Musia composed): General MIDI presets differ by 30 dB and more, so a part's
   `volume_db` is taken as its loudness relative to the others, measured with the BS.1770 gate
   (so a part that plays only now and then is judged by how loud it is when it plays). A MIDI
   file from elsewhere keeps its own balance: `volume_db` is then a plain gain (from CC 7).
2. **Master**: one gain brings the mix to `TARGET_LUFS` integrated; a look-ahead limiter keeps
   every sample at or under `PEAK_CEILING_DBFS`.
3. **Stems** carry the same part gain, master gain and limiter gain as the mix, so laid side by
   side at 0 dB in a DAW they add up to the preview; each is limited on its own as well, in case
   one peaks higher alone than in the mix (it then no longer sums exactly, by that much).

The render runs `TAIL_S` past the song's end so that releases ring out, then ends half a second
after the mix last rises above `SILENCE_DBFS` (never before the song's end), with a short fade.
WAV files are 16-bit PCM, written under a temporary name and renamed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from musia.audio.gm_soundfont import find_soundfont
from musia.core.model import Song, Track
from musia.core.styles import load_style
from musia.errors import AudioUnavailable, InvalidInput
from musia.files import safe_name, write_atomic

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from musia.audio.multisample import Instrument
    from musia.audio.soundfont import SoundFont
    from musia.production.library import ChosenSamples

    Audio = npt.NDArray[np.float32]  # (2, frames): channels first

SAMPLE_RATE = 44_100
TARGET_LUFS = -14.0
PEAK_CEILING_DBFS = -1.0
# Long enough for the longest release the sampler plays (`synth.MAX_RELEASE_S`, 4 s, 100 dB down)
# to fall under `SILENCE_DBFS` and leave `END_SILENCE_S` of silence: FluidR3_GM's strings and
# pads have releases of several seconds, and a 2 s tail cut them off at -39 dBFS.
TAIL_S = 4.5
SILENCE_DBFS = -60.0
END_SILENCE_S = 0.5
FADE_S = 0.25
MAX_RENDER_S = 31 * 60.0  # the plan's 30-minute limit, and a margin for the tail
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Stem:
    name: str
    part: str
    audio: Audio
    gain_db: float  # part gain (balance) before the master gain


@dataclass(frozen=True)
class Preview:
    mix: Audio
    stems: tuple[Stem, ...]
    sample_rate: int
    loudness_lufs: float
    peak_dbfs: float
    master_gain_db: float
    soundfont: Path | None  # None: Musia's own instruments
    returns: Audio | None = None  # the reverb and delay returns (Musia's desk)

    @property
    def duration_s(self) -> float:
        return int(self.mix.shape[-1]) / self.sample_rate

    def summary(self) -> dict[str, object]:
        return {
            "sample_rate": self.sample_rate,
            "duration_s": round(self.duration_s, 3),
            "loudness_lufs": round(self.loudness_lufs, 2),
            "peak_dbfs": round(self.peak_dbfs, 2),
            "soundfont": str(self.soundfont) if self.soundfont else None,
            "instruments": "General MIDI" if self.soundfont else "Musia",
            "stems": [stem.name for stem in self.stems],
        }


def audio_available() -> bool:
    try:
        return all(find_spec(name) is not None for name in ("numpy", "scipy"))
    except ValueError:  # a module blocked in sys.modules (None) has no spec
        return False


def render_song(
    song: Song,
    *,
    soundfont: Path | None = None,
    balance: bool = True,
    progress: Progress | None = None,
    general_midi: bool = False,
    library: ChosenSamples | None = None,
) -> Preview:
    """Render every part and the mix as the module docstring says: on Musia's instruments for a
    composed song (`balance`) unless a `soundfont` is named or `general_midi` is asked."""
    if not audio_available():
        raise AudioUnavailable("audio needs the audio extra: pip install 'musia[audio]'")
    if balance and soundfont is None and not general_midi:
        return _render_produced(song, progress, library)
    import numpy as np

    from musia.audio.loudness import k_weighted
    from musia.audio.soundfont import load_soundfont

    font_path = find_soundfont(soundfont)
    font = load_soundfont(font_path)
    song_frames, total_frames = _frames(song)
    tracks = [t for t in song.tracks if any(c.notes for c in t.clips)]
    if not tracks:
        raise InvalidInput("the song has no notes to render")
    raw: list[Audio] = []
    for track in tracks:
        if progress:
            progress(track.name)
        raw.append(_render_track(font, track, song, total_frames))
    gains_db = _part_gains(tracks, raw, balance)
    # The parts' buffers are scaled in place and become the stems: a 3-minute stereo part is
    # 65 MB, and fresh memory (page faults) cost a render more time than its arithmetic.
    mix = np.zeros_like(raw[0])
    for audio, gain_db in zip(raw, gains_db, strict=True):
        np.multiply(audio, np.float32(10 ** (gain_db / 20)), out=audio)
        mix += audio
    master, envelope, loudness = _master_gain(mix, k_weighted(mix, SAMPLE_RATE))
    gain = envelope
    gain *= np.float32(master)  # the master gain and the limiter's, shared by mix and stems
    end = _end_frame(mix, gain, song_frames)
    fade = _fade(end, song_frames)
    out_mix = _finish(mix, gain, end, fade)
    stems = tuple(
        Stem(_stem_name(track), track.part, _finish(audio, gain, end, fade, limit=True), gain_db)
        for track, audio, gain_db in zip(tracks, raw, gains_db, strict=True)
    )
    peak = float(max(out_mix.max(), -out_mix.min()))
    return Preview(
        mix=out_mix,
        stems=stems,
        sample_rate=SAMPLE_RATE,
        loudness_lufs=loudness,
        peak_dbfs=20 * math.log10(peak) if peak > 0 else -math.inf,
        master_gain_db=20 * math.log10(master),
        soundfont=font_path,
    )


def _render_produced(
    song: Song, progress: Progress | None, library: ChosenSamples | None
) -> Preview:
    import numpy as np

    from musia.audio.desk import Channel, mix_down
    from musia.audio.multisample import instrument_for
    from musia.audio.sampler import play_track

    song_frames, total_frames = _frames(song)
    tracks = [t for t in song.tracks if any(c.notes for c in t.clips)]
    if not tracks:
        raise InvalidInput("the song has no notes to render")
    chosen = _library_drums(library)
    mix = load_style(song.style).mix
    channels = []
    for track in tracks:
        if progress:
            progress(track.name)
        keys = [n.pitch for c in track.clips for n in c.notes]
        settings = mix.parts.get(track.part)
        instrument = instrument_for(
            song.style,
            track.part,
            keys,
            drums=track.is_drums,
            highpass_hz=settings.highpass_hz if settings else 0.0,
        )
        if track.is_drums and chosen:
            instrument = _with_library(instrument, chosen)
        audio = play_track(instrument, track, song.bpm, total_frames)
        channels.append(Channel(track.part, audio, track.pan))
    loop = _library_loop(library, song, total_frames)
    if loop is not None:
        channels.append(Channel("drums", loop))
    mastered = mix_down(
        channels,
        mix,
        bpm=song.bpm,
        kicks_s=_kick_times(song),
        sample_rate=SAMPLE_RATE,
    )
    ones = np.ones(total_frames, dtype=np.float32)
    end = _end_frame(mastered.mix, ones, song_frames)
    fade = _fade(end, song_frames)
    out_mix = _finish(mastered.mix, ones, end, fade)
    stems = tuple(
        Stem(_stem_name(track), track.part, _finish(audio, ones, end, fade), gain_db)
        for track, audio, gain_db in zip(tracks, mastered.stems, mastered.gains_db, strict=False)
    )
    returns = _finish(mastered.returns, ones, end, fade)
    if loop is not None:  # the loop is a track of the set: its stem is written by the library
        returns += mastered.stems[-1][:, :end]
    peak = float(max(out_mix.max(), -out_mix.min()))
    return Preview(
        mix=out_mix,
        stems=stems,
        sample_rate=SAMPLE_RATE,
        loudness_lufs=mastered.loudness_lufs,
        peak_dbfs=20 * math.log10(peak) if peak > 0 else -math.inf,
        master_gain_db=mastered.master_gain_db,
        soundfont=None,
        returns=returns,
    )


KICK_KEYS = frozenset({35, 36})


def _kick_times(song: Song) -> list[float]:
    """When the kick strikes (s): what the sidechain listens to."""
    drums = next((t for t in song.tracks if t.is_drums), None)
    if drums is None:
        return []
    seconds_per_beat = 60.0 / song.bpm
    return [
        n.start_beats * seconds_per_beat for n in drums.absolute_notes() if n.pitch in KICK_KEYS
    ]


def _library_drums(library: ChosenSamples | None) -> dict[int, Path]:
    if library is None:
        return {}
    return {note: library.files[s.id] for note, s in library.choice.drums if s.id in library.files}


def _with_library(instrument: Instrument, chosen: dict[int, Path]) -> Instrument:
    """The kit with the library's one-shots on the keys they were chosen for."""
    from dataclasses import replace

    from musia.audio.multisample import Instrument as Kit

    zones = tuple(
        replace(
            zone,
            patch=f"library:{chosen[zone.root_key].name}",
            audio=_one_shot_audio(chosen[zone.root_key]),
        )
        if zone.root_key in chosen
        else zone
        for zone in instrument.zones
    )
    return Kit(instrument.name, zones, drums=True)


def _one_shot_audio(path: Path) -> npt.NDArray[np.float32]:
    import numpy as np
    from scipy.signal import resample_poly

    from musia.audio.io import read_audio

    samples, rate = read_audio(path, max_duration_s=60.0)
    mono = np.asarray(samples, dtype=np.float32)
    if mono.ndim == 2:
        mono = mono.mean(axis=1)
    if rate != SAMPLE_RATE:
        mono = resample_poly(mono, SAMPLE_RATE, rate).astype(np.float32)
    peak = float(np.abs(mono).max()) if len(mono) else 0.0
    return mono * np.float32(0.89 / peak) if peak > 0 else mono


def _library_loop(
    library: ChosenSamples | None, song: Song, frames: int
) -> npt.NDArray[np.float32] | None:
    """The chosen loop laid out as the set plays it (mono), or None."""
    if library is None or library.choice.loop is None:
        return None
    import numpy as np
    from scipy.signal import resample_poly

    from musia.production.library import laid_out_loop

    sample = library.choice.loop
    laid, rate = laid_out_loop(library.files[sample.id], sample, song)
    mono = laid.mean(axis=1) if laid.ndim == 2 else laid
    if rate != SAMPLE_RATE:
        mono = resample_poly(mono, SAMPLE_RATE, rate).astype(np.float32)
    out = np.zeros(frames, dtype=np.float32)
    out[: min(frames, len(mono))] = mono[:frames]
    return out


def _part_gains(tracks: list[Track], raw: list[Audio], balance: bool) -> list[float]:
    """Each part's gain in dB: `volume_db` as a loudness relative to the other parts when
    balancing (a silent part keeps its plain gain), else `volume_db` as a plain gain."""
    from musia.audio.loudness import integrated_loudness

    gains = []
    for track, audio in zip(tracks, raw, strict=True):
        loudness = integrated_loudness(audio[0] + audio[1], SAMPLE_RATE) if balance else math.nan
        gains.append(track.volume_db - loudness if math.isfinite(loudness) else track.volume_db)
    return gains


def _frames(song: Song) -> tuple[int, int]:
    last_note_s = max(
        (n.end_beats * 60.0 / song.bpm for t in song.tracks for n in t.absolute_notes()),
        default=0.0,
    )
    song_s = max(song.duration_s, last_note_s)
    if song_s + TAIL_S > MAX_RENDER_S:
        raise InvalidInput(
            f"the song lasts {song_s / 60:.1f} minutes; a preview renders at most "
            f"{(MAX_RENDER_S - 60) / 60:.0f}"
        )
    return round(song_s * SAMPLE_RATE), round((song_s + TAIL_S) * SAMPLE_RATE)


def _render_track(font: SoundFont, track: Track, song: Song, frames: int) -> Audio:
    from musia.audio.synth import NoteEvent, render_track

    seconds_per_beat = 60.0 / song.bpm
    notes = [
        NoteEvent(
            n.start_beats * seconds_per_beat,
            n.duration_beats * seconds_per_beat,
            n.pitch,
            n.velocity,
        )
        for n in track.absolute_notes()
    ]
    return render_track(
        font,
        notes,
        program=track.program,
        drums=track.is_drums,
        frames=frames,
        sample_rate=SAMPLE_RATE,
        pan=track.pan,
    )


def _master_gain(mix: Audio, weighted: npt.NDArray[np.floating]) -> tuple[float, Audio, float]:
    """The gain to `TARGET_LUFS`, the limiter's gain, and the loudness they give. The limiter
    takes a little loudness away, so the gain is raised by what the measurement finds missing
    (a round or two). The gains are applied to the K-weighted mix rather than filtering again:
    the limiter's gain moves slowly next to the filter's memory, so this is within 0.1 LU."""
    import numpy as np

    from musia.audio.loudness import block_peaks, gated_loudness, peak_limiter_gain, step_powers

    ceiling = 10 ** (PEAK_CEILING_DBFS / 20)
    loudness = gated_loudness(step_powers(weighted, SAMPLE_RATE), SAMPLE_RATE)
    if not math.isfinite(loudness):
        return 1.0, np.ones(mix.shape[-1], dtype=np.float32), loudness
    master = 10 ** ((TARGET_LUFS - loudness) / 20)
    envelope = np.ones(mix.shape[-1], dtype=np.float32)
    peaks = block_peaks(mix)  # the gain only scales them: measured once for every attempt
    for attempt in range(5):
        limited = peak_limiter_gain(peaks * master, mix.shape[-1], ceiling)
        envelope = np.ones_like(envelope) if limited is None else limited
        if limited is None:
            return master, envelope, TARGET_LUFS
        if attempt == 4:
            break
        powers = step_powers(weighted, SAMPLE_RATE, gain=master * envelope)
        loudness = gated_loudness(powers, SAMPLE_RATE)
        if abs(TARGET_LUFS - loudness) < 0.05:
            break
        master *= 10 ** ((TARGET_LUFS - loudness) / 20)
    return master, envelope, loudness


def _end_frame(mix: Audio, gain: Audio, song_frames: int) -> int:
    """Half a second after the mix last rises above `SILENCE_DBFS`, never before the song ends.
    The search starts half a second before the song's end: a release still dying there needs its
    half-second of silence too."""
    import numpy as np

    threshold = 10 ** (SILENCE_DBFS / 20)
    silence = round(END_SILENCE_S * SAMPLE_RATE)
    start = max(0, song_frames - silence)
    after = np.maximum(np.abs(mix[0, start:]), np.abs(mix[1, start:]))
    loud = np.flatnonzero(after * gain[start:] > threshold)
    end = start + int(loud[-1]) + 1 + silence if len(loud) else song_frames
    return min(int(mix.shape[-1]), max(song_frames, end))


def _fade(end: int, song_frames: int) -> int:
    return max(0, min(round(FADE_S * SAMPLE_RATE), end - song_frames))


def _finish(audio: Audio, gain: Audio, end: int, fade: int, *, limit: bool = False) -> Audio:
    import numpy as np

    from musia.audio.loudness import limiter_gain

    result: Audio = audio[:, :end]  # in place: the caller's buffer becomes the result
    result *= gain[:end]
    if fade:
        result[:, end - fade :] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    limited = limiter_gain(result, 10 ** (PEAK_CEILING_DBFS / 20)) if limit else None
    if limited is not None:
        result *= limited
    return result


def _stem_name(track: Track) -> str:
    return safe_name(track.name, fallback=track.part or "Part", max_chars=100)


def write_wav(path: Path, audio: Audio, sample_rate: int = SAMPLE_RATE) -> Path:
    """16-bit PCM WAV from (channels, frames) audio, written under a temporary name in the same
    folder and renamed, so a reader never sees half a file."""
    import wave

    import numpy as np

    scaled = audio * np.float32(32767.0)
    np.rint(scaled, out=scaled)
    np.clip(scaled, -32768, 32767, out=scaled)
    pcm = np.empty((audio.shape[-1], audio.shape[0]), dtype="<i2")  # interleaved frames
    for channel in range(audio.shape[0]):
        pcm[:, channel] = scaled[channel]

    def write(file: BinaryIO) -> None:
        with wave.open(file, "wb") as writer:
            writer.setnchannels(audio.shape[0])
            writer.setsampwidth(2)
            writer.setframerate(sample_rate)
            writer.writeframes(pcm.tobytes())

    return write_atomic(path, write)


def write_preview(preview: Preview, folder: Path) -> list[Path]:
    """`folder/preview.wav` and `folder/stems/<Part>.wav`; returns the paths written."""
    mix = write_wav(folder / "preview.wav", preview.mix, preview.sample_rate)
    return [mix, *write_stems(preview, folder / "stems")]


def write_stems(preview: Preview, folder: Path) -> list[Path]:
    """One `<Part>.wav` per part in `folder` (created); two parts of one name get a number."""
    folder.mkdir(parents=True, exist_ok=True)
    written, used = [], set()
    for stem in preview.stems:
        name, number = stem.name, 1
        while name.lower() in used:
            number += 1
            name = f"{stem.name} {number}"
        used.add(name.lower())
        written.append(write_wav(folder / f"{name}.wav", stem.audio, preview.sample_rate))
    return written


def song_from_source(source: Path) -> tuple[Song, bool, Path]:
    """What `musia render` reads: a MIDI file, a project folder Musia wrote (its plan.json, or
    else its one .mid file), or a plan.json. Returns the song, whether to balance its parts (a
    song Musia composed) or keep the file's own levels, and the default output path."""
    if source.is_dir():
        plan_file = source / "plan.json"
        if plan_file.is_file():
            return _song_from_plan(plan_file), True, source / "preview.wav"
        midi_files = sorted(source.glob("*.mid")) + sorted(source.glob("*.midi"))
        if len(midi_files) != 1:
            raise InvalidInput(
                f"{source} holds no plan.json and {len(midi_files)} MIDI files: name the file",
                field="source",
            )
        source = midi_files[0]
    if source.suffix.lower() == ".json":
        return _song_from_plan(source), True, source.with_name("preview.wav")
    from musia.formats.midi import read_midi

    return read_midi(source), False, source.with_suffix(".wav")


def _song_from_plan(path: Path) -> Song:
    from pydantic import ValidationError

    from musia.core.compose import compose
    from musia.core.plan import Plan
    from musia.errors import FileFormatError

    try:
        text = path.read_text("utf-8")
    except FileNotFoundError as exc:
        raise InvalidInput(f"no such file: {path}", field="source") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise FileFormatError(f"cannot read {path}: {exc}") from exc
    try:
        plan = Plan.model_validate_json(text)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"]) or "plan"
        raise FileFormatError(
            f"{path.name} is not a Musia plan ({where}: {problem['msg']})"
        ) from exc
    return compose(plan)
