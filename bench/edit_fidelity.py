"""Edit fidelity over the whole corpus (the tests run a sample of it; this runs every set):

    .venv/bin/python bench/edit_fidelity.py [FOLDER_OR_FILES...]   # default ../shared/als-corpus

For each set: rename the first track and change the tempo, then check with a canonical diff
(ElementTree, independent of our reader) that only name and tempo elements changed; then delete
the first return track (or the last track) and transpose, and check that the result reads back
(every id and routing still points somewhere). Prints one line per failure and a summary.
"""

from __future__ import annotations

import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from musia.errors import MusiaError
from musia.formats.als.editor import SetEditor
from musia.formats.als.reader import read_set

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "als-corpus"
NAME_AND_TEMPO = {"EffectiveName", "UserName", "Manual", "FloatEvent"}


def rows(xml: bytes) -> Counter[tuple[int, str, tuple[tuple[str, str], ...]]]:
    found: Counter[tuple[int, str, tuple[tuple[str, str], ...]]] = Counter()
    stack = [(ET.fromstring(xml), 0)]
    while stack:
        element, depth = stack.pop()
        found[(depth, element.tag, tuple(element.attrib.items()))] += 1
        stack.extend((child, depth + 1) for child in element)
    return found


def check(path: Path) -> str | None:
    live_set = read_set(path)
    names = Counter(t.name for t in live_set.info.tracks)
    unique = [t for t in live_set.info.tracks if names[t.name] == 1]  # edits name one track
    if not unique:
        return None
    editor = SetEditor(live_set)
    editor.rename_track(unique[0].name, "Musia renamed")
    editor.set_tempo(min(live_set.info.tempo + 1, 999))
    before, after = rows(live_set.doc.data), rows(editor.to_bytes())
    touched = {r[1] for r in (before - after) + (after - before)}
    if not touched <= NAME_AND_TEMPO:
        return f"rename/tempo touched {sorted(touched - NAME_AND_TEMPO)}"
    names = Counter(t.name for t in editor.info.tracks)
    unique = [t for t in editor.info.tracks if names[t.name] == 1]
    returns = [t for t in unique if t.type == "return"]
    editor.delete_track((returns or unique)[0].name)
    try:
        editor.transpose(1)
    except MusiaError as exc:  # notes at the top of the MIDI range: refused, fine
        if "MIDI range" not in exc.message:
            raise
    return None


def main(args: list[str]) -> None:
    targets = [Path(a) for a in args] or [DEFAULT]
    files = sorted(p for t in targets for p in ([t] if t.is_file() else t.glob("*.als")))
    started, failures = time.perf_counter(), 0
    for path in files:
        try:
            problem = check(path)
        except MusiaError as exc:
            problem = f"refused: {exc.message}"
        if problem:
            failures += 1
            print(f"FAIL {path.name}: {problem}")
    elapsed = time.perf_counter() - started
    print(f"{len(files) - failures}/{len(files)} sets edited with fidelity in {elapsed:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
