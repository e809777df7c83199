"""`read_prompt`: one sentence in English, Spanish, Ukrainian or Russian -> a PromptReading.

Offline and rule-based: the text is tokenised once, concept phrases are found in one linear scan,
and each reader (style, tempo, key, structure, parts, intent) works on that scan. Only what the
text states is returned; the plan builder adds the style's defaults.
"""

from __future__ import annotations

from musia.core.prompt.doc import Doc
from musia.core.prompt.intent import read_intent
from musia.core.prompt.key import read_key
from musia.core.prompt.parts import read_parts
from musia.core.prompt.reading import PromptReading
from musia.core.prompt.structure import read_structure
from musia.core.prompt.style import read_style
from musia.core.prompt.tempo import read_tempo

MAX_WARNINGS = 8
FAILED = "the prompt could not be read; treating it as conversation"


def read_prompt(text: str) -> PromptReading:
    """Read what `text` states. Never raises: any string gives a reading (chat when nothing
    musical is found)."""
    if not isinstance(text, str) or not text.strip():
        return PromptReading(intent="chat")
    try:
        return _read(Doc(text))
    except Exception:  # a last line of defence: the caller gets a reading, never a traceback
        import logging  # only on this path, to keep the import light

        logging.getLogger(__name__).exception("prompt parser failed on %d characters", len(text))
        return PromptReading(intent="chat", warnings=(FAILED,))


def _read(doc: Doc) -> PromptReading:
    style, tempo, key = read_style(doc), read_tempo(doc), read_key(doc)
    structure, parts = read_structure(doc), read_parts(doc)
    stated = (style.style, style.mood, tempo.bpm, tempo.word, tempo.direction, key.tonic_pc,
              key.mode, structure.time_signature, structure.bars, structure.minutes,
              structure.transpose_semitones)  # fmt: skip
    content = any(v is not None for v in stated) or bool(parts.include or parts.exclude)
    intent = read_intent(doc, content=content)
    include = parts.include
    if parts.beat and intent == "generate" and "drums" not in parts.exclude + include:
        include = (*include, "drums")  # a beat is drums, unless they were refused
    warnings = style.warnings + tempo.warnings + key.warnings + structure.warnings + parts.warnings
    if doc.truncated:
        cut = f"the prompt is very long; only its first {len(doc)} words and signs were read"
        warnings = (cut, *warnings)
    return PromptReading(
        intent=intent,
        style=style.style,
        style_source=style.source,
        genre_words=style.genre_words,
        bpm=tempo.bpm,
        tempo_word=tempo.word,
        tempo_marking=tempo.marking,
        tempo_direction=tempo.direction,
        tonic_pc=key.tonic_pc,
        mode=key.mode,
        unread_key=key.unread,
        time_signature=structure.time_signature,
        bars=structure.bars,
        minutes=structure.minutes,
        form=structure.form,
        mood=style.mood,
        include=include,
        exclude=parts.exclude,
        transpose_semitones=structure.transpose_semitones,
        sounds=parts.sounds,
        warnings=tuple(dict.fromkeys(warnings))[:MAX_WARNINGS],
    )
