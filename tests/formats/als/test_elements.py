"""The building blocks: value formatting, serialisation, id allocation, mixer maths, devices."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from musia.formats.als.devices import DELAY, REVERB
from musia.formats.als.ids import DocumentIds, sibling_ids
from musia.formats.als.liveset import build_live_set
from musia.formats.als.mixer import db_to_gain
from musia.formats.als.node import el, fmt, serialize, val
from musia.formats.als.params import GAIN_MAX, GAIN_MIN, Build, float_param
from musia.formats.als.versions import LIVE_11, live_format
from tests.conftest import shared_path
from tests.formats.als.helpers import midi_tracks, parse_xml, pointee_ids, run_checker, value
from tests.helpers import make_song


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


@pytest.mark.shared
@pytest.mark.parametrize("version", [11, 12])
def test_return_effects_differ_from_live_only_by_their_preset_reference(
    version: int, tmp_path: Path
) -> None:
    """`effects=True` writes Live's Reverb and Delay: everything conforms but the preset file
    reference Live always saves with them, which we cannot point at a real file."""
    song = make_song("house", 1, bars=8)
    xml = serialize(build_live_set(song, live_format(version), effects=True)).encode()
    path = tmp_path / "effects.als"
    path.write_bytes(gzip.compress(xml, mtime=0))
    result = run_checker(shared_path("tools", "als_check.py"), [path]).results[str(path)]
    assert result["invariants_held"] == result["invariants_total"]
    counts = result["problem_counts"]
    assert isinstance(counts, dict)
    assert set(counts) == {
        "missing children: DeviceChain/Devices/Reverb/LastPresetRef/Value",
        "missing children: DeviceChain/Devices/Delay/LastPresetRef/Value",
        "missing children: DeviceChain/Devices/Delay/SourceContext/Value",
    }
    root = parse_xml(xml)
    reverb, delay = next(root.iter("Reverb")), next(root.iter("Delay"))
    assert [c.tag for c in reverb][-len(REVERB) :] == [p[0] for p in REVERB]
    assert [c.tag for c in delay][-len(DELAY) :] == [p[0] for p in DELAY]
    ids = pointee_ids(root)
    assert len(ids) == len(set(ids))
    pad = next(t for t in midi_tracks(root) if value(t, "Name/UserName") == "Pad")
    reverb_send = pad.find("DeviceChain/Mixer/Sends/TrackSendHolder/Send")
    assert reverb_send is not None
    assert float(value(reverb_send, "Manual")) == pytest.approx(db_to_gain(-12.0))
