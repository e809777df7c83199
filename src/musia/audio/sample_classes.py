"""What a sample is: evidence from its name, evidence from its sound, and one verdict.

Names: producers name files and folders by what they hold ("Kicks/BD_Deep_01.wav",
"808 Cowbell", "Hat Open 2"), in several languages and in shorthand. The table below turns a
token of the file name or of a folder name into a class; the file's own name outranks its
folders, and a later token of a name outranks an earlier one only when it is more specific
("808 kick" is a kick, "808" alone a bass).

Sound: a random forest over `sample_features.describe_sound` (attack, decay, brightness, noise, band
ratios, MFCC stats). The shipped forest is trained on sounds Musia synthesises itself
(`sample_synth`, other seeds than the starter pack), never on sounds recorded by anyone else;
the training set is made on first use and kept in memory.

Verdict: the name's class is a prior (0.85 for the file name, 0.7 for a folder), the forest's
probabilities are the likelihood, and their product decides; so a clear name wins over a
hesitant sound and a clear sound can overrule a vague folder.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from musia.errors import AudioUnavailable

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
    floor = 0.02  # the forest's 0 means "not among my training sounds", not "impossible"
    posterior = {
        c: (name.prior if c == name.class_name else others) * (audio.get(c, 0.0) + floor)
        for c in CLASSES
    }
    total = sum(posterior.values())
    best = max(posterior, key=posterior.__getitem__)
    return Verdict(best, posterior[best] / total, "name+audio", audio_class, name.class_name)


# --- the sound model -----------------------------------------------------------------------------


class SoundModel:
    """A random forest over `describe_sound` vectors, with class probabilities for every sound."""

    def __init__(self, features: npt.NDArray[np.float64], labels: list[str], seed: int = 0):
        from sklearn.ensemble import RandomForestClassifier

        # Balanced: the rare classes (claps) are not outvoted by the many cymbals and hats.
        self.forest: Any = RandomForestClassifier(
            n_estimators=300, class_weight="balanced", random_state=seed, n_jobs=1
        )
        self.forest.fit(features, labels)

    def probabilities(self, features: npt.NDArray[np.float64]) -> list[dict[str, float]]:
        table = self.forest.predict_proba(features)
        names = [str(c) for c in self.forest.classes_]
        return [dict(zip(names, (float(p) for p in row), strict=True)) for row in table]

    def predict(self, features: npt.NDArray[np.float64]) -> list[str]:
        return [str(c) for c in self.forest.predict(features)]


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
    from musia.audio.sample_features import FEATURE_NAMES
    from musia.files import write_bytes_atomic

    features, labels = synthetic_training_set()
    body = {
        "version": TRAINING_VERSION,
        "features": list(FEATURE_NAMES),
        "rows": [
            [label, *(float(f"{v:.6g}") for v in row)]
            for label, row in zip(labels, features, strict=True)
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_bytes_atomic(path, json.dumps(body, separators=(",", ":")).encode())


def read_training_table(path: Path = TRAINING_TABLE) -> tuple[npt.NDArray[np.float64], list[str]]:
    import numpy as np

    from musia.audio.sample_features import FEATURE_NAMES

    body = json.loads(path.read_text(encoding="utf-8"))
    if body.get("version") != TRAINING_VERSION or body.get("features") != list(FEATURE_NAMES):
        raise AudioUnavailable(f"{path} is stale: run python -m musia.audio.sample_classes")
    return np.array([row[1:] for row in body["rows"]], dtype=np.float64), [
        row[0] for row in body["rows"]
    ]


@cache
def shipped_model() -> SoundModel:
    """The model `musia samples index` uses: trained on Musia's own synthesised sounds."""
    return SoundModel(*read_training_table())


if __name__ == "__main__":
    print(write_training_table())
