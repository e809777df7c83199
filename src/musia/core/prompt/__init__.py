"""The offline multilingual prompt parser: `read_prompt(text) -> PromptReading`."""

from musia.core.prompt.parser import read_prompt
from musia.core.prompt.reading import (
    DRUM_ELEMENTS,
    MOODS,
    PARTS,
    STYLES,
    TEMPO_WORDS,
    PromptReading,
)

__all__ = [
    "DRUM_ELEMENTS",
    "MOODS",
    "PARTS",
    "STYLES",
    "TEMPO_WORDS",
    "PromptReading",
    "read_prompt",
]
