"""What a sample is: evidence from its name, evidence from its sound, and one verdict.

Names: producers name files and folders by what they hold ("Kicks/BD_Deep_01.wav",
"808 Cowbell", "Hat Open 2"), in several languages and in shorthand. The table below turns a
token of the file name or of a folder name into a class; the file's own name outranks its
folders, and a later token of a name outranks an earlier one only when it is more specific
("808 kick" is a kick, "808" alone a bass).

Sound: a random forest, a support-vector machine and a logistic regression voting over
`sample_features.describe_sound` (attack, decay, brightness, noise, band ratios, MFCC stats;
`Blend`). The shipped model is trained on sounds Musia synthesises itself
(`sample_synth`, other seeds than the starter pack; their features ship in `data/`) and on the
recorded drums of the General MIDI SoundFont that renders the previews, labelled by the GM
percussion map (`soundfont_drum_set`: rendered on first use and cached on disk).

Verdict: the name's class is a prior (0.85 for the file name, 0.7 for a folder), the sound model's
probabilities are the likelihood, and their product decides; so a clear name wins over a
hesitant sound and a clear sound can overrule a vague folder.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from musia.errors import AudioUnavailable, MusiaError
from musia.files import cache_folder, write_bytes_atomic

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

CLASSES = (
    "kick", "snare", "clap", "hat", "cymbal", "tom", "perc",
    "bass", "lead", "pad", "fx", "vocal", "loop",
)  # fmt: skip
AUDIO_CLASSES = (
    "kick",
    "snare",
    "clap",
    "hat",
    "cymbal",
    "tom",
    "perc",
    "bass",
    "lead",
    "pad",
    "fx",
)
"""What the sound model can tell apart; vocals are recognised by name only."""

FILE_PRIOR = 0.85
FOLDER_PRIOR = 0.7
TRAINING_SEEDS = range(1000, 1030)  # the starter pack uses seeds below 1000

# token -> class. Tokens are lower-cased words of a name, split at separators, case changes
# and digit runs ("BD_Deep01" -> bd, deep, 01; "OpenHat" -> open, hat).
NAME_HINTS: dict[str, str] = {
    **dict.fromkeys(
        ["kick", "kicks", "kik", "kck", "bd", "bassdrum", "kickdrum", "bombo", "бочка", "кік",
         "кик", "grosse", "cassa", "kicker", "bdrum"], "kick"),
    **dict.fromkeys(
        ["snare", "snares", "snr", "sd", "sn", "snaredrum", "caja", "redoblante", "rimshot",
         "рабочий", "малий", "малый", "снейр", "снер", "claire"], "snare"),
    **dict.fromkeys(["clap", "claps", "clp", "handclap", "palmas", "snap", "snaps", "хлопок",
                     "оплески", "клеп", "клэп"], "clap"),
    **dict.fromkeys(
        ["hat", "hats", "hh", "hihat", "hihats", "oh", "ch", "ohh", "chh", "hhat", "charles",
         "charleston", "хэт", "хет", "хай"], "hat"),
    **dict.fromkeys(
        ["ride", "crash", "cymbal", "cymbals", "cym", "china", "splash", "platillo", "becken",
         "тарелка", "тарілка", "крэш", "райд"], "cymbal"),
    **dict.fromkeys(["tom", "toms", "floortom", "tomtom", "том"], "tom"),
    **dict.fromkeys(
        ["perc", "percs", "percussion", "shaker", "shakers", "conga", "congas", "bongo", "bongos",
         "cowbell", "clave", "claves", "tambourine", "tamb", "tambo", "maraca", "maracas",
         "woodblock", "block", "agogo", "djembe", "cajon", "triangle", "guiro", "timbale",
         "timbales", "rim", "stick", "sidestick", "perk", "перкуссия", "перкусія", "шейкер"],
        "perc"),
    **dict.fromkeys(["bass", "basses", "sub", "subbass", "808", "reese", "bajo", "бас"], "bass"),
    **dict.fromkeys(["lead", "leads", "pluck", "plucks", "synth", "arp", "lid", "лид", "лід"],
                    "lead"),
    **dict.fromkeys(["pad", "pads", "atmo", "atmos", "drone", "ambient", "пэд", "пед"], "pad"),
    **dict.fromkeys(
        ["fx", "sfx", "riser", "risers", "sweep", "sweeps", "uplifter", "downlifter", "impact",
         "impacts", "zap", "whoosh", "noise", "transition", "reverse", "эффект", "ефект"], "fx"),
    **dict.fromkeys(
        ["vox", "vocal", "vocals", "voice", "voices", "chant", "chants", "acapella", "voz",
         "vocale", "вокал", "голос"], "vocal"),
    **dict.fromkeys(["loop", "loops", "break", "breaks", "groove", "beat", "луп", "петля"],
                    "loop"),
}  # fmt: skip
# Within one name a drum beats hand percussion, which beats a tonal class: "808 kick" is a
# kick, "snare rim" a snare, "808 cowbell" a cowbell.
_RANKS = ({"kick", "snare", "clap", "hat", "cymbal", "tom", "vocal"}, {"perc"})
_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+|[^\W\d_]+", re.UNICODE)


def name_tokens(text: str) -> list[str]:
    """Lower-cased words of a name: separators, case changes and digit runs split it."""
    return [token.lower() for token in _TOKEN.findall(text)]


def class_from_words(text: str) -> str | None:
    """The class a name states, or None. "bass drum" and "bassdrum" are kicks."""
    lowered = text.lower()
    if re.search(r"bass[\s_-]*drum|kick", lowered):
        return "kick"
    found = [NAME_HINTS[t] for t in name_tokens(text) if t in NAME_HINTS]
    if not found:
        return None
    for rank in _RANKS:  # "Snare Rim" is a snare, "808 Cowbell" a cowbell
        ranked = [c for c in found if c in rank]
        if ranked:
            return ranked[0]
    instruments = [c for c in found if c != "loop"]  # "bass loop": a loop that plays bass
    return (instruments or found)[0]


@dataclass(frozen=True, slots=True)
class NameEvidence:
    class_name: str | None
    prior: float  # how much the name is believed, 0 when it says nothing
    source: str  # "file", "folder" or ""


def name_evidence(stem: str, folders: list[str]) -> NameEvidence:
    """The file name first, then the nearest folder that states a class."""
    found = class_from_words(stem)
    if found:
        return NameEvidence(found, FILE_PRIOR, "file")
    for folder in reversed(folders):
        found = class_from_words(folder)
        if found:
            return NameEvidence(found, FOLDER_PRIOR, "folder")
    return NameEvidence(None, 0.0, "")


@dataclass(frozen=True, slots=True)
class Verdict:
    class_name: str
    confidence: float  # 0 … 1
    source: str  # "name+audio", "name", "audio"
    audio_class: str | None
    name_class: str | None


def combine(name: NameEvidence, audio: dict[str, float] | None) -> Verdict:
    """Name prior times sound likelihood; either alone when the other says nothing."""
    if audio is None or not audio:
        if name.class_name is None:
            return Verdict("fx", 0.0, "none", None, None)
        return Verdict(name.class_name, name.prior, "name", None, name.class_name)
    audio_class = max(audio, key=audio.__getitem__)
    if name.class_name is None or name.class_name == "loop":
        return Verdict(audio_class, audio[audio_class], "audio", audio_class, name.class_name)
    others = (1 - name.prior) / (len(CLASSES) - 1)
    floor = 0.02  # the model's 0 means "not among my training sounds", not "impossible"
    posterior = {
        c: (name.prior if c == name.class_name else others) * (audio.get(c, 0.0) + floor)
        for c in CLASSES
    }
    total = sum(posterior.values())
    best = max(posterior, key=posterior.__getitem__)
    return Verdict(best, posterior[best] / total, "name+audio", audio_class, name.class_name)


# --- the sound model -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Blend:
    """How the sound model's three learners vote: a random forest (splits on single features:
    "decays in under 50 ms"), an RBF support-vector machine and a logistic regression (both on
    standardised features: they weigh every feature at once, and are smoother between the sounds
    they learnt). Their class probabilities are averaged with these shares; the forest counts
    for `forest_share` and the other two split the rest. Chosen on the Hydrogen kits
    (`bench/sample_classes.py`, which also scores the choice made without each held-out kit)."""

    forest_share: float = 0.5
    svm_c: float = 0.3
    logistic_c: float = 0.03


BLEND = Blend()
FOREST_TREES = 300
SOUND_MODEL_VERSION = 1  # part of the fitted model's cache key: bump when SoundModel changes


def balanced_weights(
    labels: npt.NDArray[Any], weights: npt.NDArray[np.float64] | None = None
) -> npt.NDArray[np.float64]:
    """`weights` (1 when omitted) scaled so that every class weighs as much in all: the rare
    classes (claps) are not outvoted by the many cymbals and hats."""
    import numpy as np

    balanced = np.ones(len(labels)) if weights is None else np.asarray(weights, float).copy()
    for name in np.unique(labels):
        balanced[labels == name] *= len(labels) / balanced[labels == name].sum()
    return balanced


def fit_forest(features: Any, labels: Any, weights: Any, seed: int = 0) -> Any:
    from sklearn.ensemble import RandomForestClassifier

    forest = RandomForestClassifier(n_estimators=FOREST_TREES, random_state=seed, n_jobs=1)
    return forest.fit(features, labels, sample_weight=weights)


def fit_svm(scaled: Any, labels: Any, weights: Any, c: float) -> Any:
    """An RBF SVM whose probabilities are libsvm's: Platt-scaled per pair of classes, by an
    internal 5-fold fit (seeded, so repeatable), then coupled. scikit-learn 1.9 deprecates
    `probability=True` for one-vs-rest calibration (`CalibratedClassifierCV`), which scored about
    a point lower in the blend on the Hydrogen kits; hence scikit-learn < 1.11 in pyproject."""
    import warnings

    from sklearn.svm import SVC

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The `probability` parameter", FutureWarning)
        svm = SVC(C=c, probability=True, random_state=0)
        return svm.fit(scaled, labels, sample_weight=weights)


def fit_logistic(scaled: Any, labels: Any, weights: Any, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000).fit(scaled, labels, sample_weight=weights)


def class_table(learner: Any, features: Any, classes: Any) -> npt.NDArray[np.float64]:
    """A learner's probabilities as (sounds, `classes`) columns; a class it never saw gets 0."""
    import numpy as np

    table = np.zeros((len(features), len(classes)))
    table[:, np.searchsorted(classes, learner.classes_)] = learner.predict_proba(features)
    return table


class SoundModel:
    """Class probabilities for any `describe_sound` vector: the `Blend` of three learners.

    `weights` say how much each training sound counts (1 when omitted); the classes are then
    balanced by weight (`balanced_weights`).
    """

    def __init__(
        self,
        features: npt.NDArray[np.float64],
        labels: list[str],
        seed: int = 0,
        weights: npt.NDArray[np.float64] | None = None,
        blend: Blend = BLEND,
    ):
        import numpy as np
        from sklearn.preprocessing import StandardScaler

        classes = np.asarray(labels)
        balanced = balanced_weights(classes, weights)
        self.training_rows = len(classes)
        self.blend = blend
        self.classes = np.unique(classes)
        self.scaler: Any = StandardScaler().fit(features)
        scaled = self.scaler.transform(features)
        self.forest: Any = fit_forest(features, classes, balanced, seed)
        self.svm: Any = fit_svm(scaled, classes, balanced, blend.svm_c)
        self.logistic: Any = fit_logistic(scaled, classes, balanced, blend.logistic_c)

    def table(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """(sounds, `self.classes`) blended probabilities."""
        scaled = self.scaler.transform(features)
        other = (1.0 - self.blend.forest_share) / 2
        result: npt.NDArray[np.float64] = (
            self.blend.forest_share * class_table(self.forest, features, self.classes)
            + other * class_table(self.svm, scaled, self.classes)
            + other * class_table(self.logistic, scaled, self.classes)
        )
        return result

    def probabilities(self, features: npt.NDArray[np.float64]) -> list[dict[str, float]]:
        names = [str(c) for c in self.classes]
        return [
            dict(zip(names, (float(p) for p in row), strict=True)) for row in self.table(features)
        ]

    def predict(self, features: npt.NDArray[np.float64]) -> list[str]:
        return [str(self.classes[i]) for i in self.table(features).argmax(axis=1)]


def synthetic_training_set(
    seeds: range = TRAINING_SEEDS,
) -> tuple[npt.NDArray[np.float64], list[str]]:
    """Feature vectors and classes of `len(seeds)` sounds of every synth recipe, each as
    rendered and once `varied` (as another drum in another room would sound)."""
    import numpy as np

    from musia.audio.sample_features import describe_sound
    from musia.audio.sample_synth import SAMPLE_RATE, VOICES, render_voice, varied, voice_class

    rows, labels = [], []
    for voice in VOICES:
        for seed in seeds:
            sound = render_voice(voice, seed)
            rng = np.random.default_rng([seed, 7])
            for version in (sound, varied(sound, rng)):
                rows.append(describe_sound(version, SAMPLE_RATE))
                labels.append(voice_class(voice))
    return np.array(rows), labels


TRAINING_TABLE = Path(__file__).with_name("data") / "sample_training.json"
TRAINING_VERSION = 4  # bump when the recipes or the features change, then run this module


def write_training_table(path: Path = TRAINING_TABLE) -> Path:
    """Synthesise the training sounds and store their features (`python -m
    musia.audio.sample_classes` after changing a recipe or a feature)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_bytes_atomic(path, _table_bytes(*synthetic_training_set()))


def read_training_table(path: Path = TRAINING_TABLE) -> tuple[npt.NDArray[np.float64], list[str]]:
    table = _read_table(path)
    if table is None:
        raise AudioUnavailable(f"{path} is stale: run python -m musia.audio.sample_classes")
    return table


def _table_bytes(features: npt.NDArray[np.float64], labels: list[str]) -> bytes:
    from musia.audio.sample_features import FEATURE_NAMES

    body = {
        "version": TRAINING_VERSION,
        "features": list(FEATURE_NAMES),
        "rows": [
            [label, *(float(f"{v:.6g}") for v in row)]
            for label, row in zip(labels, features, strict=True)
        ],
    }
    return json.dumps(body, separators=(",", ":")).encode()


def _read_table(path: Path) -> tuple[npt.NDArray[np.float64], list[str]] | None:
    """The table at `path`, or None when it was made by other recipes or features."""
    return _parse_table(path.read_bytes())


def _parse_table(data: bytes) -> tuple[npt.NDArray[np.float64], list[str]] | None:
    import numpy as np

    from musia.audio.sample_features import FEATURE_NAMES

    body = json.loads(data)
    if body.get("version") != TRAINING_VERSION or body.get("features") != list(FEATURE_NAMES):
        return None
    rows = body["rows"]
    return np.array([row[1:] for row in rows], dtype=np.float64), [row[0] for row in rows]


# Recorded drums the shipped model learns from besides Musia's own sounds: every key of the General
# MIDI percussion map, in every drum kit of the SoundFont that renders the previews, struck softly,
# firmly and hard. The GM map names each key's instrument, so the labels are known.
GM_DRUM_KEYS = range(35, 82)
TRAINING_VELOCITIES = (60, 100, 127)
TRAINING_NOTE_S = 1.5
TRAINING_FRAMES_S = 3.0
RENDER_RATE = 44_100
SOUNDFONT_SET_VERSION = 1  # part of the cache key: bump when the rendering changes
SOUNDFONT_WEIGHT = 0.5
"""How much a SoundFont drum counts against a drum of the kits a model is also trained on."""


def soundfont_drum_set(font_path: Path) -> tuple[npt.NDArray[np.float64], list[str]]:
    """Feature vectors and classes of the drums in every drum kit (bank 128) of the SoundFont:
    `GM_DRUM_KEYS` at `TRAINING_VELOCITIES`, classed by `core.sample_choice.drum_class`. A render
    heard before (kits share samples, soft hits may play the same layer) is kept once. Cached on
    disk per SoundFont file; a cache that cannot be read or written is skipped."""
    stat = font_path.stat()
    key = f"{SOUNDFONT_SET_VERSION}|{font_path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    path = cache_folder("training") / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"
    try:
        cached = _read_table(path)  # None when the features changed since
    except (OSError, ValueError, KeyError, TypeError):
        cached = None
    if cached is not None:
        return cached
    table = _rendered_table(font_path.resolve(), stat.st_size, stat.st_mtime_ns)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, table)
    except OSError:
        pass  # a read-only home: render again next time
    rendered = _parse_table(table)  # as rounded in the cache, so a model is the same either way
    assert rendered is not None
    return rendered


@cache
def _rendered_table(font_path: Path, size: int, mtime_ns: int) -> bytes:
    """The drum table of one SoundFont file (as it is now: size and time are in the key),
    rendered once per process: a cache folder that cannot be written costs no second render."""
    return _table_bytes(*_render_soundfont_drums(font_path))


def _render_soundfont_drums(font_path: Path) -> tuple[npt.NDArray[np.float64], list[str]]:
    import numpy as np

    from musia.audio.sample_features import describe_sound
    from musia.audio.soundfont import DRUM_BANK, load_soundfont
    from musia.audio.synth import NoteEvent, render_track
    from musia.core.sample_choice import drum_class

    font = load_soundfont(font_path)
    kits = sorted(program for bank, program in font.presets if bank == DRUM_BANK)
    frames = round(TRAINING_FRAMES_S * RENDER_RATE)
    rows, labels, heard = [], [], set()
    played: set[tuple[object, ...]] = set()
    for kit in kits:
        regions = font.regions(kit, drums=True)
        for note in GM_DRUM_KEYS:
            for velocity in TRAINING_VELOCITIES:
                # Kits share most of their samples: a hit that plays the very regions another
                # kit's did sounds the same, and is not rendered again.
                plays = (note, velocity, *(r for r in regions if r.matches(note, velocity)))
                if plays in played:
                    continue
                played.add(plays)
                audio = render_track(
                    font,
                    [NoteEvent(0.0, TRAINING_NOTE_S, note, velocity)],
                    program=kit,
                    drums=True,
                    frames=frames,
                    sample_rate=RENDER_RATE,
                ).T
                peak = float(np.max(np.abs(audio)))
                fingerprint = np.round(audio[:20000] / max(peak, 1e-9), 3).tobytes()
                if peak < 1e-4 or fingerprint in heard:
                    continue
                heard.add(fingerprint)
                rows.append(describe_sound(audio, RENDER_RATE))
                labels.append(drum_class(note))
    return np.array(rows), labels


@cache
def shipped_model() -> SoundModel:
    """The model `musia samples index` uses: trained on Musia's own synthesised sounds and on
    the drums of the SoundFont that renders the previews (`soundfont_drum_set`, made on first
    use and cached); on the synthesised sounds alone when there is no SoundFont."""
    import numpy as np

    from musia.formats.preview import find_soundfont

    features, labels = read_training_table()
    try:
        drums, drum_labels = soundfont_drum_set(find_soundfont())
    except MusiaError:  # no SoundFont, or one that does not read: the synth still teaches
        return fitted_model(features, labels)
    return fitted_model(np.vstack([features, drums]), [*labels, *drum_labels])


def fitted_model(features: npt.NDArray[np.float64], labels: list[str]) -> SoundModel:
    """`SoundModel(features, labels)`, fitted once per training set and kept in Musia's cache
    folder: fitting the three learners costs seconds of CPU in every process that classifies
    (each `musia samples index`, each server process analysing uploads). The key covers the
    training rows and labels, the blend and the scikit-learn and numpy releases, so a changed
    training set or library fits again; a cache that cannot be read or written is skipped."""
    import pickle

    import numpy as np
    import sklearn

    digest = hashlib.sha256()
    shape = (str(SOUND_MODEL_VERSION), sklearn.__version__, np.__version__, repr(BLEND),
             str(FOREST_TREES), "\n".join(labels))  # fmt: skip
    for part in shape:
        digest.update(part.encode() + b"\0")
    digest.update(np.ascontiguousarray(features, dtype=np.float64).tobytes())
    path = cache_folder("models") / f"sound-model-{digest.hexdigest()[:32]}.pickle"
    try:
        # Our own file in the user's cache folder, named by the hash of what it was fitted on.
        model = pickle.loads(path.read_bytes())
        if isinstance(model, SoundModel):
            return model
    except Exception:  # missing, truncated, or from a class that changed since: fit again
        pass
    model = SoundModel(features, labels)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(path, pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only home: fit again next time
    return model


if __name__ == "__main__":
    print(write_training_table())
