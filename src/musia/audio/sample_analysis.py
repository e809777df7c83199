"""One sample file → one index record: kind, class, tempo and key for loops, duration, loudness.

Loop or one-shot: a name that says "loop" or states a tempo ("124bpm") makes a loop; otherwise a
sound of at least `LOOP_MIN_S` with a steady pulse (the analysis module's tempo, confident, with
several onsets a second) is one, and everything else is a one-shot. A loop's class is `loop`;
what plays in it (a name's "bass loop") is kept as its instrument. The tempo and key of a loop
come from the name when it states them, else from `musia.audio.analysis`: of the tempo and its
other octaves, the one at which the loop lasts a whole number of bars (loops are cut to bars, so
this settles a half- or double-time reading), and the key only when the audio has tonal content
and the estimate is likely right (its calibrated confidence).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from musia.audio.sample_classes import combine, name_evidence, name_tokens
from musia.errors import InvalidInput

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from musia.audio.analysis import AudioAnalysis

MAX_SAMPLE_S = 600.0  # ten minutes: longer files are songs or stems, not samples
LOOP_MIN_S = 1.0
LOOP_MIN_TEMPO_CONFIDENCE = 0.5
LOOP_MIN_ONSETS_PER_S = 1.5
LOOP_MIN_ONSETS = 4
KEY_MIN_CONFIDENCE = 0.5  # the estimate is right at least half the time at this margin
BAR_BEATS = 4
WHOLE_BARS_TOLERANCE = 0.03  # a loop within 3 % of a whole number of bars
LOOP_MIN_BPM = 64.0
DARK_CENTROID_HZ = 800.0
BRIGHT_CENTROID_HZ = 4000.0
_NAME_BPM = re.compile(r"(?<!\d)(\d{2,3}(?:\.\d+)?)\s*-?\s*bpm\b", re.IGNORECASE)
_NAME_KEY = re.compile(
    r"(?:^|[\s_\-.(\[])([A-G])([#b]?)\s?(m|min|minor|maj|major)?(?=$|[\s_\-.)\]])"
)
_LOOP_WORDS = {"loop", "loops", "break", "breaks", "groove", "луп", "петля"}
_DRUM_WORDS = {
    "drum",
    "drums",
    "beat",
    "break",
    "breaks",
    "perc",
    "percussion",
    "top",
    "tops",
    "kick",
    "snare",
    "hat",
    "hats",
    "hihat",
    "clap",
    "groove",
    "барабаны",
    "ударні",
}


@dataclass(slots=True)
class SampleRecord:
    path: str
    name: str
    kind: str  # "one-shot" | "loop"
    class_name: str
    class_confidence: float
    class_source: str  # "name+audio", "name", "audio", "none"
    audio_class: str | None
    name_class: str | None
    instrument: str | None  # for a loop: what its name says plays in it
    duration_s: float
    sample_rate: int
    channels: int
    loudness_lufs: float | None
    peak_dbfs: float | None
    bpm: float | None = None
    bpm_source: str | None = None  # "name" | "audio"
    key_tonic_pc: int | None = None
    key_mode: str | None = None
    key_confidence: float | None = None
    tags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        body = asdict(self)
        body["key_name"] = key_name(self.key_tonic_pc, self.key_mode)
        return body


def key_name(tonic_pc: int | None, mode: str | None) -> str | None:
    from musia.core.theory.key import Key

    if tonic_pc is None or mode not in {"major", "minor"}:
        return None
    return Key(tonic_pc, "minor" if mode == "minor" else "major").name


def analyze_sample(path: Path, root: Path) -> SampleRecord:
    """The record of one file; raises a `MusiaError` (the reason it is skipped) when the file
    is not audio Musia can read."""
    import numpy as np

    from musia.audio.io import read_audio
    from musia.audio.sample_features import air_ratio, describe, to_mono

    samples, sample_rate = read_audio(path, max_duration_s=MAX_SAMPLE_S)
    duration_s = samples.shape[0] / sample_rate
    folders = list(path.relative_to(root).parent.parts) if path.is_relative_to(root) else []
    name = name_evidence(path.stem, folders)
    stated_bpm = _stated_bpm(path.stem)
    mono = to_mono(samples, sample_rate)
    features = np.append(describe(mono), air_ratio(samples, sample_rate))
    is_loop, analysis = _loop_or_not(samples, sample_rate, mono, path.stem, folders, stated_bpm)
    probabilities = None if is_loop else _sound_probabilities(features)
    verdict = combine(name, probabilities)
    record = SampleRecord(
        path=str(path),
        name=path.name,
        kind="loop" if is_loop else "one-shot",
        class_name="loop" if is_loop else verdict.class_name,
        class_confidence=round(verdict.confidence if not is_loop else 1.0, 3),
        class_source=verdict.source if not is_loop else "name+audio" if name.source else "audio",
        audio_class=verdict.audio_class,
        name_class=name.class_name,
        instrument=name.class_name if is_loop and name.class_name != "loop" else None,
        duration_s=round(duration_s, 4),
        sample_rate=sample_rate,
        channels=int(samples.shape[1]),
        loudness_lufs=_loudness(samples, sample_rate, analysis),
        peak_dbfs=_peak_dbfs(samples),
    )
    if is_loop:
        _add_tempo_and_key(record, path.stem, stated_bpm, analysis)
    record.tags = _tags(record, path, folders, features)
    return record


def _loop_or_not(
    samples: npt.NDArray[np.float32],
    sample_rate: int,
    mono: npt.NDArray[np.float64],
    stem: str,
    folders: list[str],
    stated_bpm: float | None,
) -> tuple[bool, AudioAnalysis | None]:
    """Whether the file is a loop, and the analysis when one was worth running."""
    says_loop = _says_loop(stem, folders) or stated_bpm is not None
    analysis = None
    if samples.shape[0] >= LOOP_MIN_S * sample_rate and (says_loop or _may_pulse(mono)):
        analysis = _analysis(samples, sample_rate, stem, stated_bpm)
    return says_loop or _pulses(analysis), analysis


def _may_pulse(mono: npt.NDArray[np.float64]) -> bool:
    """Several hits spread over most of the sound: worth asking the analysis for a tempo."""
    from musia.audio.sample_features import onset_count

    count, span = onset_count(mono)
    return count >= LOOP_MIN_ONSETS and span >= 0.5


def _analysis(
    samples: npt.NDArray[np.float32], sample_rate: int, stem: str, stated_bpm: float | None
) -> AudioAnalysis | None:
    """Tempo, key and loudness, unless the name already says all that matters (a tempo, and a
    key or drums, whose key means nothing): the analysis is the slow part of indexing."""
    if stated_bpm is not None and (_stated_key(stem) is not None or _is_drums(stem)):
        return None
    import warnings

    from musia.audio.analysis import analyze_signal

    try:
        with warnings.catch_warnings():  # librosa's notes on short frames are not the user's
            warnings.simplefilter("ignore", UserWarning)
            return analyze_signal(samples, sample_rate)
    except InvalidInput:  # too short or silent for a tempo: a one-shot, judged by sound alone
        return None


def _is_drums(stem: str) -> bool:
    return bool(set(name_tokens(stem)) & _DRUM_WORDS)


def _says_loop(stem: str, folders: list[str]) -> bool:
    words = set(name_tokens(stem)) | {t for f in folders for t in name_tokens(f)}
    return bool(words & _LOOP_WORDS)


def _pulses(analysis: AudioAnalysis | None) -> bool:
    return (
        analysis is not None
        and analysis.tempo_bpm is not None
        and analysis.tempo_confidence >= LOOP_MIN_TEMPO_CONFIDENCE
        and analysis.onset_rate_per_s >= LOOP_MIN_ONSETS_PER_S
    )


def _stated_bpm(stem: str) -> float | None:
    match = _NAME_BPM.search(stem)
    if not match:
        return None
    bpm = float(match.group(1))
    return bpm if 20.0 <= bpm <= 999.0 else None


def _stated_key(stem: str) -> tuple[int, str] | None:
    from musia.audio.sample_search import parse_key

    for letter, accidental, mode in _NAME_KEY.findall(stem):
        if not mode and not accidental:
            continue  # a lone capital ("A", "B") is more often a variant than a key
        found = parse_key(f"{letter}{accidental} {mode or 'major'}")
        return found.tonic_pc, found.mode or "major"
    return None


def _add_tempo_and_key(
    record: SampleRecord, stem: str, stated_bpm: float | None, analysis: AudioAnalysis | None
) -> None:
    if stated_bpm is not None:
        record.bpm, record.bpm_source = stated_bpm, "name"
    elif analysis is not None and analysis.tempo_bpm is not None:
        record.bpm, record.bpm_source = round(loop_tempo(analysis), 2), "audio"
    stated_key = _stated_key(stem)
    if _is_drums(stem) and stated_key is None:
        return  # a drum loop's "key" would be noise
    if stated_key is not None:
        record.key_tonic_pc, record.key_mode = stated_key
        record.key_confidence = 1.0
    elif (
        analysis is not None
        and analysis.key_tonic_pc is not None
        and analysis.key_mode
        and analysis.key_confidence >= KEY_MIN_CONFIDENCE
    ):
        record.key_tonic_pc, record.key_mode = analysis.key_tonic_pc, analysis.key_mode
        record.key_confidence = round(analysis.key_confidence, 3)


def loop_tempo(analysis: AudioAnalysis) -> float:
    """The analysed tempo, or the other octave at which the loop is a whole number of bars
    (1, 2, 4, 8 or 16) when the analysed one does not make it so. A loop read under
    `LOOP_MIN_BPM` whose double is whole bars too takes the double: no style Musia matches
    loops to goes that slow (lo-fi starts at 65), and a drumless chord loop at 120 reads as
    60 to the octave model, which learnt slow tempi from ambient songs."""
    assert analysis.tempo_bpm is not None
    whole = [b for b in (analysis.tempo_bpm, *analysis.tempo_alternatives_bpm)
             if _whole_bars(analysis.duration_s, b)]  # fmt: skip
    if not whole:
        return analysis.tempo_bpm
    double = analysis.tempo_bpm * 2
    if whole[0] < LOOP_MIN_BPM and any(abs(b - double) < 0.01 * double for b in whole):
        return double
    return whole[0]


def _whole_bars(duration_s: float, bpm: float) -> bool:
    bars = duration_s * bpm / 60.0 / BAR_BEATS
    return any(abs(bars - n) <= WHOLE_BARS_TOLERANCE * n for n in (1, 2, 4, 8, 16))


def _sound_probabilities(features: npt.NDArray[np.float64]) -> dict[str, float]:
    from musia.audio.sample_classes import shipped_model

    return shipped_model().probabilities(features[None, :])[0]


def _loudness(
    samples: npt.NDArray[np.float32], sample_rate: int, analysis: AudioAnalysis | None
) -> float | None:
    """Integrated loudness (BS.1770) when the file lasts a gating block (400 ms); a shorter hit
    gets the same K-weighted measure over its whole length, ungated."""
    if analysis is not None and analysis.loudness_lufs is not None:
        return round(analysis.loudness_lufs, 2)
    import numpy as np

    from musia.audio.loudness import integrated_loudness, k_weighted

    channels_first = np.ascontiguousarray(samples.T)
    long_enough = samples.shape[0] >= 0.4 * sample_rate
    value = integrated_loudness(channels_first, sample_rate) if long_enough else -math.inf
    if not math.isfinite(value):
        weighted = k_weighted(channels_first, sample_rate)
        power = float(np.mean(weighted**2, axis=1).sum())
        value = -0.691 + 10 * math.log10(power) if power > 1e-12 else -math.inf
    return round(value, 2) if math.isfinite(value) else None


def _peak_dbfs(samples: npt.NDArray[np.float32]) -> float | None:
    import numpy as np

    peak = float(np.max(np.abs(samples)))
    return round(20 * math.log10(peak), 2) if peak > 0 else None


def _tags(
    record: SampleRecord, path: Path, folders: list[str], features: npt.NDArray[np.float64]
) -> list[str]:
    """Words to search by: the name's and folders' words, class and kind, and a few words that
    describe the sound (dark/bright from the spectral centroid, short/long, punchy)."""
    from musia.audio.sample_features import FEATURE_NAMES

    value = dict(zip(FEATURE_NAMES, (float(v) for v in features), strict=True))
    centroid_hz = math.exp(value["centroid_log_hz"])
    words = [*name_tokens(path.stem), *(t for f in folders for t in name_tokens(f))]
    words += [record.class_name, record.kind]
    if record.instrument:
        words.append(record.instrument)
    if centroid_hz < DARK_CENTROID_HZ:
        words.append("dark")
    elif centroid_hz > BRIGHT_CENTROID_HZ:
        words.append("bright")
    if record.kind == "one-shot":
        words.append("short" if math.exp(value["log_decay40_s"]) < 0.25 else "long")
        if value["attack_s"] < 0.01 and record.class_name in {"kick", "snare", "clap", "tom"}:
            words.append("punchy")
    if record.key_tonic_pc is not None:
        words.append((key_name(record.key_tonic_pc, record.key_mode) or "").lower())
    return list(dict.fromkeys(w for w in words if w))


THUMBNAIL_POINTS = 48


def thumbnail_peaks(path: Path, points: int = THUMBNAIL_POINTS) -> list[float]:
    """The waveform thumbnail of a library's table: the peak level (0..1 of full scale, channels
    mixed) of each of `points` equal slices of the file, so a kick is a spike that dies away and
    a loop a row of hits. Small enough to travel with every row of a search (48 numbers)."""
    import numpy as np

    from musia.audio.io import read_audio

    samples, _rate = read_audio(path, max_duration_s=MAX_SAMPLE_S)
    level = np.max(np.abs(samples), axis=1)
    edges = np.linspace(0, len(level), points + 1).astype(int)
    return [
        round(float(level[start:end].max()), 3) if end > start else 0.0
        for start, end in itertools.pairwise(edges)
    ]
