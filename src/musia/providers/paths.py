"""Reading values out of vendor answers with tiny paths: `data.taskId`,
`data.response.sunoData[0].audioUrl`, `choices[0].message.content`, `output[*].url`.

Grammar: names separated by dots, each optionally followed by `[N]` (an index, negative counts
from the end) or `[*]` (every element). A path may start with an index (`[0].url`). Nothing is
evaluated; a path is parsed once into steps and walked over plain JSON values.

Some vendors put JSON inside a string (Kie's market `data.resultJson` is the text
`{"resultUrls": [...]}`): when a step asks for a name or an index inside a string, the string is
parsed as JSON (up to 1 MB) and the walk continues in it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from musia.errors import PresetInvalid

MAX_PATH_CHARS = 300
MAX_STEPS = 32
MAX_EMBEDDED_JSON_CHARS = 1_000_000

_NAME = r"[A-Za-z_$][A-Za-z0-9_$\-]*"
_SEGMENT = re.compile(rf"(?P<name>{_NAME})?(?P<indexes>(?:\[(?:-?\d+|\*)\])*)")
_INDEX = re.compile(r"\[(-?\d+|\*)\]")

WILDCARD = "*"


@dataclass(frozen=True)
class _Step:
    key: str | int  # a name, an index, or WILDCARD


@lru_cache(maxsize=512)
def parse_path(path: str) -> tuple[_Step, ...]:
    """The steps of `path`, or PresetInvalid naming what is wrong with it."""
    if not path or len(path) > MAX_PATH_CHARS:
        raise PresetInvalid(f"a path must have 1 to {MAX_PATH_CHARS} characters: {path!r}")
    steps: list[_Step] = []
    for number, segment in enumerate(path.split(".")):
        match = _SEGMENT.fullmatch(segment)
        if not match or not segment or (number > 0 and not match["name"]):
            raise PresetInvalid(f"bad path {path!r} at {segment!r}")
        if match["name"]:
            steps.append(_Step(match["name"]))
        for index in _INDEX.findall(match["indexes"]):
            steps.append(_Step(WILDCARD if index == WILDCARD else int(index)))
    if len(steps) > MAX_STEPS:
        raise PresetInvalid(f"path {path!r} is deeper than {MAX_STEPS} steps")
    return tuple(steps)


def read_all(data: Any, path: str) -> list[Any]:
    """Every value `path` reaches in `data` (several when it has `[*]`); [] when none."""
    values = [data]
    for step in parse_path(path):
        values = [found for value in values for found in _step(value, step.key)]
        if not values:
            break
    return [value for value in values if value is not None]


def read_one(data: Any, path: str) -> Any:
    """The first value `path` reaches, or None."""
    found = read_all(data, path)
    return found[0] if found else None


def _step(value: Any, key: str | int) -> list[Any]:
    if isinstance(value, str):
        value = _embedded_json(value)
    if isinstance(key, str) and key != WILDCARD:
        return [value[key]] if isinstance(value, dict) and key in value else []
    if not isinstance(value, list):
        return []
    if key == WILDCARD:
        return list(value)
    assert isinstance(key, int)
    return [value[key]] if -len(value) <= key < len(value) else []


def _embedded_json(text: str) -> Any:
    if len(text) > MAX_EMBEDDED_JSON_CHARS or text[:1] not in "{[":
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None
