"""A set's session view laid after its arrangement: rows of its own follow it, rows that only
copy it (Musia's sets keep each section in its scene) do not play twice."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from pathlib import Path

from musia.core.plan_builder import plan_from_text
from musia.formats.als.reader import read_set
from musia.formats.als.scenes import session_rows
from musia.production.assemble import write_project


def _set(folder: Path) -> Path:
    # techno at 130 bpm, 16 bars: more than one section, so more than one scene
    project = write_project(plan_from_text("techno 130 bpm, 16 bars", seed=3), folder, audio=False)
    return next(p for p in project.files if p.suffix == ".als")


def test_scenes_that_copy_the_arrangement_are_not_laid_out_again(tmp_path: Path) -> None:
    assert session_rows(read_set(_set(tmp_path)).info) == {}


def test_a_session_only_set_plays_its_scenes_one_after_another(tmp_path: Path) -> None:
    source = _set(tmp_path)
    root = ET.fromstring(gzip.decompress(source.read_bytes()))  # our own file: trusted
    for parent in root.iter():
        for child in list(parent):
            if parent.tag == "Events" and child.tag == "MidiClip":  # the arrangement's
                parent.remove(child)
    stripped = tmp_path / "session.als"
    stripped.write_bytes(gzip.compress(ET.tostring(root, xml_declaration=True, encoding="UTF-8")))
    info = read_set(stripped).info
    rows = session_rows(info)
    sections = read_set(source).info.locators  # one locator, one scene per section
    assert len(rows) == len(sections) >= 2
    # each row starts where the one before ends, from the (now empty) arrangement's end
    starts = [start for start, _ in rows.values()]
    assert starts[0] == 0.0
    for (start, length), following in zip(rows.values(), starts[1:], strict=False):
        assert following == start + length
    assert sum(length for _, length in rows.values()) == 16 * 4
