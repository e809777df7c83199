"""Key (tonic and mode) from audio: which notes sound, bass and harmony apart, matched against key
profiles.

1. **Note spectrum**: a constant-Q transform, three bins per semitone from C1 (32.7 Hz: a club
   bass's fundamental, G1 is 49 Hz, must be in) to B7, tuned to the sub-bin that carries the
   most energy (a recording a little sharp or flat still lands on its notes), folded to one
   value per semitone and averaged over half-second segments.
2. **Notes, not partials**: each segment is explained as a non-negative sum of harmonic notes
   (eight partials falling by `PARTIAL_DECAY` each; non-negative least squares). A bass note's
   third and fifth partials (a fifth and a major third above) no longer count as notes of their
   own: left in, they outvote the bass and pull the estimate a fifth off.
3. **Bass and harmony**: the notes from C3 up make the harmony chroma, each segment counted by
   its loudness, log-compressed (a loud drop counts more than a quiet intro, not ten times
   more); under C3 the bass line: each segment's strongest bass pitch class, counted by its
   loudness and by how clearly it stands out (`bass_line`).
4. **Profiles**: each of the 24 keys scores the correlation of the harmony chroma with its
   profile plus `bass_weight` × that of the bass chroma, plus `tonic_weight` × the bass line's
   share on its tonic: relative keys share their notes, and the bass tells which one is home.
   Nothing looks at how the file ends, so a loop, a fade or an excerpt is read like a whole
   song.

The estimate carries the runner-up key and a confidence calibrated on Musia's own renders (the
share of estimates that are right at that margin, bench/analysis_accuracy.py); audio without
tonal content (drums, noise) gets no key.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from musia.audio.jit import first_call_locked

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# Temperley (2001, the Kostka–Payne corpus), C major and C minor.
TEMPERLEY = (
    (5.0, 2.0, 3.5, 2.0, 4.5, 4.0, 2.0, 4.5, 2.0, 3.5, 1.5, 4.0),
    (5.0, 2.0, 3.5, 4.5, 2.0, 4.0, 2.0, 4.5, 3.5, 2.0, 1.5, 4.0),
)
# Krumhansl–Kessler probe-tone ratings: the classic baseline.
KRUMHANSL = (
    (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88),
    (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17),
)
# Albrecht & Shanahan (2013): pitch-class shares in a corpus of major- and minor-mode pieces.
ALBRECHT = (
    (0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.080, 0.008, 0.081),
    (0.220, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052),
)
# Popular and electronic music (after Faraldo et al. 2016, whose EDM profiles beat the classical
# ones on Beatport tracks): the tonic triad over a diatonic scale; minor is natural (Aeolian:
# its flat seventh outweighs the raised leading tone classical minor leans on).
ELECTRONIC = (
    (1.0, 0.0, 0.5, 0.0, 0.8, 0.5, 0.0, 0.9, 0.0, 0.5, 0.15, 0.35),
    (1.0, 0.0, 0.5, 0.8, 0.0, 0.5, 0.05, 0.9, 0.5, 0.0, 0.55, 0.15),
)
PROFILES: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "electronic": ELECTRONIC,
    "krumhansl": KRUMHANSL,
    "temperley": TEMPERLEY,
    "albrecht": ALBRECHT,
}
KEY_RATE = 11_025  # partials up to C8 fit under its Nyquist
KEY_HOP = 1024
BINS_PER_SEMITONE = 3
LOWEST_MIDI = 24  # C1
NOTES = 84  # C1 … B7
BASS_NOTES = 24  # C1 … B2: the bass chroma
SEGMENT_FRAMES = 5  # 0.46 s per least-squares fit
PARTIALS = 8
COMPRESSION = 10.0  # log(1 + 10 x)
FILE_SECONDS = 120.0  # of each recording heard for a set's key
MODES = ("major", "minor")
NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True)
class KeySetting:
    """What the decision may be tuned by (bench/analysis_accuracy.py chooses on one half of
    Musia's renders and scores on the other)."""

    profile: str = "krumhansl"
    bass_weight: float = 0.25
    partial_decay: float = 0.5
    # × the bass line's share on each key's tonic: a key and its relative share their notes, and
    # the harmony alone cannot tell them apart (i7–VI–VII in G minor sounds Bb major's chords);
    # the bass rests on the tonic.
    tonic_weight: float = 0.0


# Music with drums (club tracks, hip-hop, pop): chosen on the tune half of Musia's renders.
DEFAULT_SETTING = KeySetting(tonic_weight=0.3)
# Pitched instruments alone (no drums: ambient pads, a choir, strings, a piano piece): the
# electronic profile with the bass counted as much as the harmony, chosen on the drumless songs of
# the tune half of Musia's renders among the settings that keep rendered Bach chorales ≥ 90 %
# (bench/analysis_accuracy.py, pitched_choice). The chorales' own classical profile (Albrecht,
# bass x0.5, partials 0.7) read ambient pads a third off: the pad's third (Bb over a G minor
# bass) as the dominant of the relative major (Eb major).
PITCHED_SETTING = KeySetting("electronic", 1.0, 0.6)
# Spectral flatness (mean over frames) under which audio counts as pitched only: rendered
# chorales measure 0–0.0048, songs with drums 0.003 and up (their median 0.016).
DRUMS_FLATNESS = 0.005


def setting_for(flatness: float | None) -> KeySetting:
    """The setting for audio of this spectral flatness (None: unknown, taken as with drums)."""
    return (
        PITCHED_SETTING if flatness is not None and flatness < DRUMS_FLATNESS else DEFAULT_SETTING
    )


@dataclass(frozen=True)
class KeyEstimate:
    tonic_pc: int | None
    mode: str | None
    confidence: float  # the chance the key is right, as measured at this margin
    scores: tuple[float, ...] = ()  # 24 scores: C major … B major, C minor … B minor
    runner_up: tuple[int, str] | None = None
    tonality: float = 0.0  # 0 (noise, drums) … 1 (one pitch class): how pitched the harmony is

    @property
    def name(self) -> str | None:
        return key_name(self.tonic_pc, self.mode)


@dataclass(frozen=True)
class KeyEvidence:
    """What the key is decided from: the note spectrum of each half-second segment."""

    spectrum: npt.NDArray[np.float64]  # (NOTES, segments) magnitudes, C1 first
    _notes: dict[float, npt.NDArray[np.float64]] = field(default_factory=dict, compare=False)

    def notes(self, partial_decay: float) -> npt.NDArray[np.float64]:
        """(NOTES, segments) note strengths: the spectrum explained as harmonic notes."""
        if partial_decay not in self._notes:
            self._notes[partial_decay] = note_activations(self.spectrum, partial_decay)
        return self._notes[partial_decay]


def key_name(tonic_pc: int | None, mode: str | None) -> str | None:
    if tonic_pc is None or mode is None:
        return None
    return f"{NAMES[tonic_pc]} {mode}"


def estimate_key(
    mono: npt.NDArray[np.float32], sample_rate: int, *, flatness: float | None = None
) -> KeyEstimate:
    """The key of `mono`; `flatness` (the spectrum's, `analysis.Spectral.flatness`) tells music
    with drums from pitched instruments alone, whose keys are read with other profiles."""
    evidence = key_evidence(mono, sample_rate)
    if evidence is None:
        return KeyEstimate(None, None, 0.0)
    return decide(evidence, setting_for(flatness))


def decide(evidence: KeyEvidence, setting: KeySetting = DEFAULT_SETTING) -> KeyEstimate:
    import numpy as np

    scores = decide_scores(evidence, setting)
    order = np.argsort(scores)[::-1]
    best, second = int(order[0]), int(order[1])
    tonal = tonality(evidence, setting)
    if tonal < MIN_TONALITY:
        return KeyEstimate(None, None, 0.0, tuple(scores), None, tonal)
    margin = float(scores[best] - scores[second])
    return KeyEstimate(
        tonic_pc=best % 12,
        mode=MODES[best // 12],
        confidence=calibrated(margin),
        scores=tuple(float(s) for s in scores),
        runner_up=(second % 12, MODES[second // 12]),
        tonality=tonal,
    )


def decide_scores(
    evidence: KeyEvidence, setting: KeySetting = DEFAULT_SETTING
) -> npt.NDArray[np.float64]:
    """Harmony correlation plus `bass_weight` × bass correlation plus `tonic_weight` × the bass
    line's share on the key's tonic, for the 24 keys."""
    import numpy as np

    bass, harmony = chromas(evidence, setting.partial_decay)
    major, minor = PROFILES[setting.profile]
    scores = key_scores(harmony, major, minor)
    scores = scores + setting.bass_weight * key_scores(bass, major, minor)
    total = float(bass.sum())
    if setting.tonic_weight and total > 0:
        scores = scores + setting.tonic_weight * np.tile(bass / total, 2)
    return scores


def chromas(
    evidence: KeyEvidence, partial_decay: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(bass, harmony) chroma: note strengths log-compressed, summed over time, folded; the bass
    as the bass line (`bass_line`)."""
    import numpy as np

    notes = evidence.notes(partial_decay)
    peak = float(notes.max())
    compressed = np.log1p(COMPRESSION * notes / peak) if peak > 0 else notes
    harmony = np.zeros(12)
    for index, value in enumerate(compressed[BASS_NOTES:].sum(axis=1)):
        harmony[(LOWEST_MIDI + BASS_NOTES + index) % 12] += value
    return bass_line(notes[:BASS_NOTES], peak), harmony


def bass_line(bass: npt.NDArray[np.float64], peak: float) -> npt.NDArray[np.float64]:
    """The pitch classes the bass plays: in each half-second segment one note, the strongest
    pitch class under C3, counted by its loudness (log-compressed against `peak`, the loudest
    note of the piece) and by how clearly it stands out (its share of the segment's bass, 1/12
    counting nothing). Summed note by note instead, a short low note's spectral spread (a 16th
    at 98 Hz covers a semitone either side) and a kick's broadband thump fill every pitch class
    and the bass no longer says where the tonic is."""
    import numpy as np

    folded = np.zeros((12, bass.shape[1]))
    for index, row in enumerate(bass):
        folded[(LOWEST_MIDI + index) % 12] += row
    strongest = folded.max(axis=0)
    if peak <= 0:
        return np.zeros(12)
    clarity = np.clip((strongest / np.maximum(folded.sum(axis=0), 1e-12) - 1 / 12) * 12 / 11, 0, 1)
    weights = np.log1p(COMPRESSION * strongest / peak) * clarity
    line: npt.NDArray[np.float64] = np.bincount(
        folded.argmax(axis=0), weights=weights, minlength=12
    ).astype(np.float64)
    return line


def key_evidence(mono: npt.NDArray[np.float32], sample_rate: int) -> KeyEvidence | None:
    """The segment note spectrum of `mono`; None for silence."""
    return evidence_from_cqt(constant_q(mono, sample_rate))


def evidence_from_cqt(cqt: npt.NDArray[np.float64]) -> KeyEvidence | None:
    import numpy as np

    if cqt.shape[1] == 0 or float(cqt.max()) <= 0:
        return None
    per_note = _tuned_semitones(cqt)
    segments = max(1, per_note.shape[1] // SEGMENT_FRAMES)
    frames = min(per_note.shape[1], segments * SEGMENT_FRAMES)
    spectrum = per_note[:, :frames].reshape(NOTES, segments, -1).mean(axis=2)
    return KeyEvidence(np.asarray(spectrum, dtype=np.float64))


@first_call_locked
def constant_q(mono: npt.NDArray[np.float32], sample_rate: int) -> npt.NDArray[np.float64]:
    """(3 × NOTES, frames) constant-Q magnitudes from C1 up, three bins per semitone: one
    centred on the note, one a third of a semitone either side."""
    import librosa
    import numpy as np

    signal = mono
    if sample_rate != KEY_RATE:
        import soxr

        signal = soxr.resample(mono, sample_rate, KEY_RATE)
    cqt: npt.NDArray[np.float64] = np.abs(
        librosa.cqt(
            np.asarray(signal, dtype=np.float32),
            sr=KEY_RATE,
            hop_length=KEY_HOP,
            fmin=librosa.midi_to_hz(LOWEST_MIDI - 1 / BINS_PER_SEMITONE),
            n_bins=BINS_PER_SEMITONE * NOTES,
            bins_per_octave=12 * BINS_PER_SEMITONE,
        )
    ).astype(np.float64)
    return cqt


def _tuned_semitones(cqt: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """One row per semitone: the sub-bin that carries the most energy over the piece is taken as
    the centre (a recording up to a third of a semitone off pitch), its neighbours count half."""
    import numpy as np

    per_bin = BINS_PER_SEMITONE
    offset = int(np.argmax(cqt.reshape(NOTES, per_bin, -1).sum(axis=(0, 2)))) - per_bin // 2
    padded = np.pad(cqt, ((per_bin, per_bin), (0, 0)))
    shifted = padded[per_bin + offset : per_bin + offset + per_bin * NOTES]
    bins = shifted.reshape(NOTES, per_bin, -1)
    result: npt.NDArray[np.float64] = 0.5 * bins[:, 0] + bins[:, 1] + 0.5 * bins[:, 2]
    return result


@functools.cache
def _harmonic_dictionary(partial_decay: float) -> npt.NDArray[np.float64]:
    """(NOTES, NOTES): column n is note n's spectrum, `PARTIALS` partials on the nearest
    semitones, the k-th `partial_decay`^(k−1) as loud as the fundamental."""
    import numpy as np

    dictionary = np.zeros((NOTES, NOTES))
    for note in range(NOTES):
        for partial in range(1, PARTIALS + 1):
            row = note + round(12 * np.log2(partial))
            if row < NOTES:
                dictionary[row, note] += partial_decay ** (partial - 1)
    return dictionary


def note_activations(
    spectrum: npt.NDArray[np.float64], partial_decay: float
) -> npt.NDArray[np.float64]:
    """Each segment's spectrum as a non-negative sum of harmonic notes."""
    import numpy as np
    from scipy.optimize import nnls

    dictionary = _harmonic_dictionary(partial_decay)
    notes = np.zeros_like(spectrum)
    for index in range(spectrum.shape[1]):
        column = spectrum[:, index]
        if float(column.max()) > 0:
            notes[:, index] = nnls(dictionary, column, maxiter=20 * NOTES)[0]
    return notes


def key_scores(
    profile: npt.NDArray[np.float64],
    major: tuple[float, ...],
    minor: tuple[float, ...],
) -> npt.NDArray[np.float64]:
    """Pearson correlation of `profile` with every rotation of the major and minor profiles."""
    import numpy as np

    rotations = np.asarray(
        [np.roll(np.asarray(t, dtype=np.float64), k) for t in (major, minor) for k in range(12)]
    )
    centred = rotations - rotations.mean(axis=1, keepdims=True)
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)
    vector = np.asarray(profile, dtype=np.float64) - float(np.mean(profile))
    norm = float(np.linalg.norm(vector))
    if norm <= 0:
        return np.full(24, -1.0)
    result: npt.NDArray[np.float64] = centred @ (vector / norm)
    return result


# Under it, no key: Musia's drum grooves measure 0.01–0.12, its songs 0.10–0.40 (tune half).
MIN_TONALITY = 0.09
CONFIDENCE_SLOPE, CONFIDENCE_BIAS = 10.71, 0.41  # fitted on seed 1 of the electronic set


def tonality(evidence: KeyEvidence, setting: KeySetting = DEFAULT_SETTING) -> float:
    """How pitched the harmony is: 1 − the entropy (0 … 1) of each half-second's harmony chroma,
    averaged by loudness. A chord or a melody puts its energy on a few pitch classes; hats,
    snares and noise spread it over all twelve (entropy near 1)."""
    import numpy as np

    notes = evidence.notes(setting.partial_decay)[BASS_NOTES:]
    chroma = np.zeros((12, notes.shape[1]))
    for index, row in enumerate(notes):
        chroma[(LOWEST_MIDI + BASS_NOTES + index) % 12] += row
    totals = chroma.sum(axis=0)
    if float(totals.sum()) <= 0:
        return 0.0
    shares = chroma / np.maximum(totals, 1e-12)
    entropy = -(shares * np.log(np.maximum(shares, 1e-12))).sum(axis=0) / np.log(12)
    return float(np.clip(1.0 - (entropy * totals).sum() / totals.sum(), 0.0, 1.0))


def calibrated(margin: float) -> float:
    """The chance the estimate is right given its score's margin over the runner-up's (a
    logistic curve fitted on the tune half of Musia's renders; bench/analysis_accuracy.py
    prints how it holds on the other half)."""
    import math

    return 1.0 / (1.0 + math.exp(-(CONFIDENCE_SLOPE * margin + CONFIDENCE_BIAS)))


def combined(evidences: list[KeyEvidence]) -> KeyEvidence | None:
    """One piece of evidence from several recordings (a set's audio clips): their segments side
    by side, so each counts by its length and loudness."""
    import numpy as np

    if not evidences:
        return None
    return KeyEvidence(np.hstack([e.spectrum for e in evidences]))


def key_of_files(paths: list[Path], max_seconds: float = FILE_SECONDS) -> KeyEstimate:
    """The key of recordings heard together (the audio clips of a set): each file's first
    `max_seconds`, mono; files that cannot be read are skipped."""
    import numpy as np

    from musia.audio.io import read_audio
    from musia.errors import MusiaError

    evidences = []
    for path in paths:
        try:
            samples, rate = read_audio(path)
        except MusiaError:
            continue
        mono = np.ascontiguousarray(samples[: round(max_seconds * rate)].mean(axis=1))
        found = key_evidence(mono.astype(np.float32), rate)
        if found is not None:
            evidences.append(found)
    evidence = combined(evidences)
    return decide(evidence) if evidence is not None else KeyEstimate(None, None, 0.0)
