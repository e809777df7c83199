"""The building blocks: value formatting, serialisation, id allocation, mixer maths, devices."""

from __future__ import annotations

import pytest

from musia.formats.als.ids import DocumentIds, sibling_ids
from musia.formats.als.mixer import db_to_gain
from musia.formats.als.node import el, fmt, serialize, val
from musia.formats.als.params import GAIN_MAX, GAIN_MIN, Build, float_param
from musia.formats.als.versions import LIVE_11


@pytest.mark.parametrize(
    ("given", "written"),
    [
        (True, "true"),
        (False, "false"),
        (3, "3"),
        (-1, "-1"),
        (2.0, "2"),
        (0.25, "0.25"),
        (1 / 960, "0.0010416666666666667"),
        (1e-7, "0.0000001"),
        (0.0003162277571, "0.0003162277571"),
        ("a<b", "a<b"),
    ],
)
def test_values_are_written_as_live_writes_them(given: object, written: str) -> None:
    assert fmt(given) == written


def test_non_finite_numbers_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot hold"):
        fmt(float("nan"))


def test_serialised_layout() -> None:
    root = el("Root", val("Name", 'a "b" <c> & d\te'), el("Empty"), Id=3)
    assert serialize(root) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Root Id="3">\n'
        '\t<Name Value="a &quot;b&quot; &lt;c&gt; &amp; d&#9;e" />\n'
        "\t<Empty />\n"
        "</Root>\n"
    )
    assert root.get("Id") == "3" and root.find("Empty") is not None


def test_one_allocator_per_document() -> None:
    ids = DocumentIds()
    b = Build(LIVE_11, ids)
    param = float_param("Volume", b, 1.0, GAIN_MIN, GAIN_MAX)
    targets = [n.get("Id") for n in param.iter() if n.tag.endswith("Target")]
    assert targets == ["1", "2"] and ids.pointees.next_free == 3
    assert (ids.tracks.take(), ids.tracks.take()) == (1, 2)
    assert list(sibling_ids(3)) == [0, 1, 2]


@pytest.mark.parametrize(
    ("db", "gain"), [(0.0, 1.0), (-6.0, 0.5011872336), (12.0, GAIN_MAX), (-100.0, GAIN_MIN)]
)
def test_decibels_to_live_gain(db: float, gain: float) -> None:
    assert db_to_gain(db) == pytest.approx(gain, rel=1e-9)
