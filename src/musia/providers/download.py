"""Fetching generated files at once (vendor links expire after hours or days) into our storage,
with a size cap and the type sniffed from the bytes, not taken from the vendor's header.

The vendor's API key is never sent with these requests: result links point at CDNs and other
hosts, and a key must only travel to the provider's own base URL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import httpx

from musia.errors import ProviderResultInvalid
from musia.files import safe_name
from musia.providers.http import Judgement, Session, open_client, retry_after_s

if TYPE_CHECKING:
    from musia.providers.client import ProviderClient

DEFAULT_MAX_BYTES = 500 * 1024 * 1024
MAX_FILES = 32
CHUNK_BYTES = 64 * 1024

# (file name, bytes, sniffed content type) -> a reference to where it is stored.
StoreFn = Callable[[str, bytes, str], str]


@dataclass(frozen=True)
class StoredFile:
    source_url: str
    reference: str
    content_type: str
    size_bytes: int


_SIGNATURES: list[tuple[int, bytes, str, str]] = [
    (0, b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (0, b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (0, b"GIF87a", "image/gif", ".gif"),
    (0, b"GIF89a", "image/gif", ".gif"),
    (0, b"fLaC", "audio/flac", ".flac"),
    (0, b"OggS", "audio/ogg", ".ogg"),
    (0, b"ID3", "audio/mpeg", ".mp3"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm", ".webm"),
    (4, b"ftyp", "video/mp4", ".mp4"),
]


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of audio, image or video bytes, or None."""
    if data[:4] == b"RIFF" and data[8:12] in {b"WAVE", b"WEBP"}:
        return ("audio/wav", ".wav") if data[8:12] == b"WAVE" else ("image/webp", ".webp")
    for offset, magic, content_type, extension in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            if magic == b"ftyp" and data[8:11] == b"M4A":
                return "audio/mp4", ".m4a"
            return content_type, extension
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        return "audio/mpeg", ".mp3"  # an MPEG audio frame without an ID3 tag
    return None


def download_results(
    urls: Sequence[str],
    dest_storage_fn: StoreFn,
    *,
    client: ProviderClient | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[StoredFile]:
    """Download every URL (http/https only), check it, and hand it to `dest_storage_fn`.
    `client` is a ProviderClient whose transport, timeouts, retries and clock apply."""
    from musia.providers.client import ProviderClient

    provider_client = client or ProviderClient()
    if len(urls) > MAX_FILES:
        raise ProviderResultInvalid(f"{len(urls)} result files; at most {MAX_FILES} are kept")
    for url in urls:
        if urlsplit(url).scheme not in {"http", "https"}:
            raise ProviderResultInvalid(f"not an http(s) link: {url[:100]}")
    stored = []
    with open_client(provider_client.transport, provider_client.timeouts) as http:
        session = provider_client.session(http, secrets=[], label="download")
        for number, url in enumerate(urls, start=1):
            data = _fetch(session, url, max_bytes)
            stored.append(_store(number, url, data, dest_storage_fn))
    return stored


def store_content(content: bytes, dest_storage_fn: StoreFn, *, name: str = "result") -> StoredFile:
    """Store a result that came in the answer itself (Hugging Face audio bytes)."""
    return _store(1, f"inline:{name}", content, dest_storage_fn)


def _store(number: int, url: str, data: bytes, dest_storage_fn: StoreFn) -> StoredFile:
    kind = sniff(data)
    if kind is None:
        raise ProviderResultInvalid(f"result {number} is not audio, image or video")
    content_type, extension = kind
    stem = safe_name(
        PurePosixPath(unquote(urlsplit(url).path)).stem, fallback="result", max_chars=60
    )
    reference = dest_storage_fn(f"{number:02d}-{stem}{extension}", data, content_type)
    return StoredFile(url, reference, content_type, len(data))


def _fetch(session: Session, url: str, max_bytes: int) -> bytes:
    def once() -> Judgement:
        with session.client.stream("GET", url, headers={"Accept": "*/*"}) as response:
            if response.status_code == 429:
                return Judgement("retry", message="HTTP 429", retry_after_s=retry_after_s(response))
            if response.status_code >= 500:
                return Judgement("retry", message=f"HTTP {response.status_code}")
            if response.status_code >= 400:
                raise ProviderResultInvalid(
                    f"a result link answered HTTP {response.status_code} (expired?)",
                    http_status=response.status_code,
                )
            return Judgement("ok", _read_capped(response, max_bytes))

    payload = session.attempt(once, what=f"GET {url[:200]}").payload
    assert isinstance(payload, bytes)
    return payload


def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ProviderResultInvalid(f"a result file is larger than {max_bytes} bytes")
    chunks, size = [], 0
    for chunk in response.iter_bytes(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise ProviderResultInvalid(f"a result file is larger than {max_bytes} bytes")
        chunks.append(chunk)
    if size == 0:
        raise ProviderResultInvalid("a result file is empty")
    return b"".join(chunks)
