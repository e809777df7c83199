"""Result files are fetched at once into our storage, capped in size, and typed by their bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from musia.errors import ProviderResultInvalid
from musia.providers import ProviderClient, download_results, store_content
from musia.providers.download import sniff
from tests.providers.conftest import FolderStore
from tests.providers.fakes import FILES, FakeVendor, KieSuno


def test_files_are_stored_under_safe_names_with_sniffed_types(
    client: ProviderClient, store: FolderStore, tmp_path: Path
) -> None:
    with FakeVendor(KieSuno()) as fake:
        urls = [f"{fake.url}/files/a%20song.mp3", f"{fake.url}/files/cover.png?sig=1"]
        stored = download_results(urls, store, client=client)
    assert [s.content_type for s in stored] == ["audio/mpeg", "image/png"]
    assert [Path(s.reference).name for s in stored] == ["01-a song.mp3", "02-cover.png"]
    assert (tmp_path / "01-a song.mp3").read_bytes() == FILES[".mp3"][0]
    assert stored[0].source_url == urls[0]
    downloads = [r for r in fake.requests if r.path.startswith("/files/")]
    assert len(downloads) == 2
    assert all("authorization" not in r.headers for r in downloads)  # no key to CDNs


def test_a_file_over_the_size_cap_is_refused(client: ProviderClient, store: FolderStore) -> None:
    with FakeVendor(KieSuno()) as fake, pytest.raises(ProviderResultInvalid, match="larger"):
        download_results([f"{fake.url}/files/x.mp4"], store, client=client, max_bytes=100)
    assert store.saved == []


@pytest.mark.parametrize(
    ("name", "message"),
    [("x.wav", "not audio, image or video"), ("x.empty", "empty"), ("x.txt", "HTTP 404")],
)
def test_what_is_not_a_media_file_is_refused(
    name: str, message: str, client: ProviderClient, store: FolderStore
) -> None:
    with FakeVendor(KieSuno()) as fake, pytest.raises(ProviderResultInvalid, match=message):
        download_results([f"{fake.url}/files/{name}"], store, client=client)
    assert store.saved == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x/y.mp3", "javascript:alert(1)"])
def test_only_http_links_are_fetched(url: str, store: FolderStore) -> None:
    with pytest.raises(ProviderResultInvalid, match="not an http"):
        download_results([url], store)


def test_inline_results_are_stored_too(store: FolderStore) -> None:
    stored = store_content(FILES[".flac"][0], store, name="hf")
    assert stored.content_type == "audio/flac" and stored.reference.endswith("01-hf.flac")
    with pytest.raises(ProviderResultInvalid):
        store_content(b'{"error": "oops"}', store)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x20ftypM4A \x00", "audio/mp4"),
        (b"\x00\x00\x00\x20ftypisom\x00", "video/mp4"),
        (b"\xff\xfb\x90\x64\x00", "audio/mpeg"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"\x1a\x45\xdf\xa3\x01", "video/webm"),
        (b"<html>", None),
        (b"", None),
    ],
)
def test_sniffing(data: bytes, expected: str | None) -> None:
    found = sniff(data)
    assert (found[0] if found else None) == expected


def test_redirects_are_followed_a_few_hops(client: ProviderClient, store: FolderStore) -> None:
    with FakeVendor(KieSuno()) as fake:
        stored = download_results([f"{fake.url}/redirect/3/song.mp3"], store, client=client)
        assert stored[0].content_type == "audio/mpeg"
        with pytest.raises(ProviderResultInvalid, match="redirects more than 5"):
            download_results([f"{fake.url}/redirect/9/song.mp3"], store, client=client)


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "10.1.2.3", "192.168.0.10", "169.254.169.254", "[::1]", "0.0.0.0"],
)
def test_links_into_private_networks_are_refused_by_default(host: str, store: FolderStore) -> None:
    with FakeVendor(KieSuno()) as fake:
        port = fake.url.rsplit(":", 1)[1]
        url = f"http://{host}:{port}/files/song.mp3"
        with pytest.raises(ProviderResultInvalid, match="private network"):
            download_results([url], store, client=ProviderClient())
    assert fake.requests == [] and store.saved == []
