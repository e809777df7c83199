"""Hostile uploads: each is refused with a SetFormatError (or InvalidInput); how fast is
measured by bench/robustness.py."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest

from musia.errors import InvalidInput, SetFormatError
from musia.formats.als.reader import DEFAULT_MAX_XML_BYTES, read_set

LIVE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Ableton MajorVersion="5" MinorVersion="11.0_11300">'
    b'\n\t<LiveSet>\n\t\t<NextPointeeId Value="10" />\n%s\t</LiveSet>\n</Ableton>\n'
)


def _write(tmp_path: Path, data: bytes, name: str = "x.als") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _refused(path: Path, words: str, **kwargs: int) -> SetFormatError:
    with pytest.raises(SetFormatError) as caught:
        read_set(path, **kwargs)
    assert words in caught.value.message, caught.value.message
    return caught.value


def test_a_gzip_bomb_stops_at_the_cap(tmp_path: Path) -> None:
    zeros = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    bomb = b"".join(zeros.compress(chunk) for _ in range(600)) + zeros.flush()
    assert len(bomb) < 1_000_000  # 600 MB of zeros
    path = _write(tmp_path, bomb)
    _refused(path, "decompresses to more than 8 MB", max_xml_bytes=8 * 1024 * 1024)
    assert DEFAULT_MAX_XML_BYTES == 512 * 1024 * 1024  # the cap uploads get


def test_a_plain_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    _refused(_write(tmp_path, LIVE % (b" " * 5000)), "larger than", max_xml_bytes=4096)


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    for n in range(1, 10):
        refs = f"&lol{n - 1};".encode() * 10 if n > 1 else b"&lol;" * 10
        laughs += b'<!ENTITY lol%d "%s">\n' % (n, refs)
    laughs += b"]>\n<Ableton><LiveSet>&lol9;</LiveSet></Ableton>\n"
    _refused(_write(tmp_path, laughs), "DTD or entities")


def test_external_entities_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    xxe = (
        f'<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        "<Ableton><LiveSet><Name Value='&x;' /></LiveSet></Ableton>"
    ).encode()
    error = _refused(_write(tmp_path, gzip.compress(xxe)), "DTD or entities")
    assert "password" not in error.message


def test_truncated_gzip(tmp_path: Path) -> None:
    whole = gzip.compress(LIVE % b"")
    _refused(_write(tmp_path, whole[: len(whole) // 2]), "truncated gzip")


def test_corrupt_gzip(tmp_path: Path) -> None:
    whole = bytearray(gzip.compress(LIVE % b""))
    whole[12:20] = b"\xff" * 8
    _refused(_write(tmp_path, bytes(whole)), "corrupt gzip")


def test_binary_noise(tmp_path: Path) -> None:
    noise = bytes((i * 7919 + 13) % 256 for i in range(4096))
    _refused(_write(tmp_path, noise), "neither a gzip file nor XML")
    _refused(_write(tmp_path, b"<" + noise), "not well-formed XML")


def test_wrong_root_and_missing_live_set(tmp_path: Path) -> None:
    _refused(_write(tmp_path, b"<Project><LiveSet /></Project>"), "root element is <Project>")
    _refused(_write(tmp_path, b"<Ableton><Other /></Ableton>"), "no <LiveSet>")


def test_ids_that_point_nowhere(tmp_path: Path) -> None:
    pointee = (
        b'\t\t<Envelope><EnvelopeTarget><PointeeId Value="77" /></EnvelopeTarget></Envelope>\n'
    )
    _refused(_write(tmp_path, LIVE % pointee), "PointeeId 77 points at no target")
    group = b'\t\t<Tracks><MidiTrack Id="3"><TrackGroupId Value="9" /></MidiTrack></Tracks>\n'
    _refused(_write(tmp_path, LIVE % group), "TrackGroupId 9 is no group track")
    route = b'\t\t<Tracks><MidiTrack Id="3"><Target Value="AudioIn/Track.8/PostFX" />'
    route += b"</MidiTrack></Tracks>\n"
    _refused(_write(tmp_path, LIVE % route), "routing points at track 8")


def test_other_encodings_and_missing_files(tmp_path: Path) -> None:
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><Ableton><LiveSet/></Ableton>'.encode("utf-16")
    with pytest.raises(SetFormatError):
        read_set(_write(tmp_path, utf16))
    latin = b'<?xml version="1.0" encoding="ISO-8859-1"?><Ableton><LiveSet/></Ableton>'
    _refused(_write(tmp_path, latin), "Live sets are UTF-8")
    with pytest.raises(InvalidInput, match="no such file"):
        read_set(tmp_path / "absent.als")
    with pytest.raises(InvalidInput, match="folder"):
        read_set(tmp_path)


def test_a_minimal_set_reads(tmp_path: Path) -> None:
    info = read_set(_write(tmp_path, gzip.compress(LIVE % b""))).info
    assert info.tempo == 120.0 and info.tracks == () and info.time_signature == (4, 4)


def test_damaged_numbers_read_as_defaults_not_crashes(tmp_path: Path) -> None:
    """Found by the fuzz test: a tempo automation event whose Value is not a number."""
    from musia.formats.als import song_to_als_xml
    from tests.helpers import make_song

    xml = song_to_als_xml(make_song("house", seed=3, bpm=124))
    tempo_event = xml.index(b'<FloatEvent Id="0" Time="-63072000" Value="124"')
    damaged = xml[:tempo_event] + xml[tempo_event:].replace(b'Value="124"', b'Value="1;24"', 1)
    assert damaged != xml
    info = read_set(_write(tmp_path, damaged, "damaged.als")).info
    assert info.tempo == 124.0  # the Manual value still stands
