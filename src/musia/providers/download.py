"""Fetching generated files at once (vendor links expire after hours or days) into our storage,
with a size cap and the type sniffed from the bytes, not taken from the vendor's header.

The vendor's API key is never sent with these requests: result links point at CDNs and other
hosts, and a key must only travel to the provider's own base URL.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from musia.errors import ProviderResultInvalid
from musia.files import safe_name
from musia.providers.http import Judgement, Session, open_client, retry_after_s

if TYPE_CHECKING:
    from musia.providers.client import ProviderClient

DEFAULT_MAX_BYTES = 500 * 1024 * 1024
MAX_FILES = 32
CHUNK_BYTES = 64 * 1024
MAX_REDIRECTS = 5

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
    """Download every URL, check it, and hand it to `dest_storage_fn`. `client` is a
    ProviderClient whose transport, timeouts, retries, clock and host policy apply. Links
    are vendor answers, so hostile input: http(s) only, and unless the client allows private
    hosts, every hop (redirects included) must resolve to public addresses."""
    from musia.providers.client import ProviderClient

    provider_client = client or ProviderClient()
    if len(urls) > MAX_FILES:
        raise ProviderResultInvalid(f"{len(urls)} result files; at most {MAX_FILES} are kept")
    for url in urls:
        _check_link(url, provider_client.allow_private_hosts)
    stored = []
    with open_client(provider_client.transport, provider_client.timeouts) as http:
        session = provider_client.session(http, secrets=[], label="download")
        for number, url in enumerate(urls, start=1):
            data = _fetch(session, url, max_bytes, provider_client.allow_private_hosts)
            stored.append(_store(number, url, data, dest_storage_fn))
    return stored


def _check_link(url: str, allow_private_hosts: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ProviderResultInvalid(f"not an http(s) link: {url[:100]}")
    if allow_private_hosts:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, None)}
    except (socket.gaierror, UnicodeError):
        raise ProviderResultInvalid(f"cannot resolve the result host {parts.hostname}") from None
    for address in addresses:
        if not ipaddress.ip_address(str(address).split("%")[0]).is_global:
            raise ProviderResultInvalid(
                f"a result link points into a private network ({parts.hostname})"
            )


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


def _fetch(session: Session, url: str, max_bytes: int, allow_private_hosts: bool) -> bytes:
    def once() -> Judgement:
        target = url
        for _hop in range(MAX_REDIRECTS + 1):
            # Redirects are followed by hand so that every hop passes the host check.
            with session.client.stream(
                "GET", target, headers={"Accept": "*/*"}, follow_redirects=False
            ) as response:
                if not response.is_redirect:
                    return _judge_file(response, max_bytes)
                target = urljoin(target, response.headers.get("location", ""))
            _check_link(target, allow_private_hosts)
        raise ProviderResultInvalid(f"a result link redirects more than {MAX_REDIRECTS} times")

    payload = session.attempt(once, what=f"GET {url[:200]}").payload
    assert isinstance(payload, bytes)
    return payload


def _judge_file(response: httpx.Response, max_bytes: int) -> Judgement:
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
