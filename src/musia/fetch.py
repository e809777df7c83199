"""Fetching a user's URL without becoming a proxy into our own network: http(s) only, every
address the name resolves to must be public (unless a setting allows private ones), the
connection goes to the address that was checked, redirects are checked the same way, and the
body is cut off at the size limit."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from musia.errors import InvalidInput, TooLarge, UnsafeUrl

MAX_REDIRECTS = 3


def check_url(url: str, *, allow_private: bool) -> tuple[str, str, int, str]:
    """(scheme, host, port, the checked address to connect to)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise UnsafeUrl("only http and https URLs can be fetched", field="music_url")
    if not parts.hostname or parts.username or parts.password:
        raise UnsafeUrl("the URL needs a host and no credentials", field="music_url")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeUrl("the URL's port is not a number", field="music_url") from exc
    addresses = _resolve(parts.hostname, port)
    for address in addresses:
        if not allow_private and not _public(address):
            raise UnsafeUrl(
                f"{parts.hostname} resolves to {address}, a private or local address",
                field="music_url",
            )
    return parts.scheme, parts.hostname, port, addresses[0]


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(f"{host} does not resolve", field="music_url") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def fetch_to_file(
    url: str, target: Path, *, limit_bytes: int, allow_private: bool, timeout_s: float
) -> str:
    """Download into `target`; returns the final URL. Pins each hop to its checked address."""
    import httpx

    with httpx.Client(timeout=timeout_s, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            scheme, host, port, address = check_url(url, allow_private=allow_private)
            parts = urlsplit(url)
            netloc = f"[{address}]" if ":" in address else address
            pinned = parts._replace(netloc=f"{netloc}:{port}").geturl()
            headers = {"Host": parts.netloc.rsplit("@", 1)[-1]}
            extensions = {"sni_hostname": host} if scheme == "https" else {}
            with client.stream("GET", pinned, headers=headers, extensions=extensions) as answer:
                if answer.is_redirect and "location" in answer.headers:
                    url = urljoin(url, answer.headers["location"])
                    continue
                if answer.status_code != 200:
                    raise InvalidInput(f"the URL answered {answer.status_code}", field="music_url")
                _save(answer, target, limit_bytes)
                return url
    raise InvalidInput(f"more than {MAX_REDIRECTS} redirects", field="music_url")


def _save(answer: object, target: Path, limit_bytes: int) -> None:
    import httpx

    assert isinstance(answer, httpx.Response)
    received = 0
    with target.open("wb") as file:
        for chunk in answer.iter_bytes():
            received += len(chunk)
            if received > limit_bytes:
                raise TooLarge(
                    f"the file at the URL is over {limit_bytes:,} bytes", field="music_url"
                )
            file.write(chunk)
