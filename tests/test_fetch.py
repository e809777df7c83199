"""Fetching a user's URL: http(s) only, no private/loopback/link-local address unless allowed,
redirects checked, size cut off. The server is a real one on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from musia.errors import InvalidInput, TooLarge, UnsafeUrl
from musia.fetch import check_url, fetch_to_file
from tests.server.media_data import wav_bytes

BODY = wav_bytes(0.5)  # a real WAV: the music tests transform what they fetch


class _Files(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/redirect"):
            target = self.path.split("to=", 1)[1]
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
            return
        if self.path == "/missing":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@pytest.fixture(scope="module")
def file_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/x.wav", "file:///etc/passwd", "gopher://x", "javascript:alert(1)",
        "http://127.0.0.1/x", "http://localhost/x", "http://10.0.0.8/x", "http://192.168.1.1/x",
        "http://172.16.0.1/x", "http://169.254.169.254/latest/meta-data", "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x", "http://0.0.0.0/x", "http://100.64.0.1/x",
        "http://user:pw@8.8.8.8/x", "http://", "http://x.invalid/a.wav", "http://127.0.0.1:99999/",
    ],
)  # fmt: skip
def test_unsafe_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeUrl):
        check_url(url, allow_private=False)


def test_a_public_address_passes_without_any_request() -> None:
    assert check_url("https://8.8.8.8/a.wav", allow_private=False) == (
        "https",
        "8.8.8.8",
        443,
        "8.8.8.8",
    )


def test_fetch_from_an_allowed_local_server(file_server: str, tmp_path: Path) -> None:
    target = tmp_path / "x.wav"
    fetch_to_file(
        f"{file_server}/song.wav", target, limit_bytes=10**6, allow_private=True, timeout_s=5
    )
    assert target.read_bytes() == BODY
    with pytest.raises(UnsafeUrl):
        fetch_to_file(
            f"{file_server}/song.wav", target, limit_bytes=10**6, allow_private=False, timeout_s=5
        )


def test_redirects_are_checked_and_bounded(file_server: str, tmp_path: Path) -> None:
    target = tmp_path / "x.wav"
    hop = f"{file_server}/redirect?to={file_server}/song.wav"
    final = fetch_to_file(hop, target, limit_bytes=10**6, allow_private=True, timeout_s=5)
    assert final.endswith("/song.wav")
    with pytest.raises(UnsafeUrl):
        fetch_to_file(
            f"{file_server}/redirect?to=file:///etc/passwd", target,
            limit_bytes=10**6, allow_private=True, timeout_s=5,
        )  # fmt: skip
    loop = f"{file_server}/redirect?to=/redirect?to=/redirect?to=/redirect?to=/redirect?to=/x"
    with pytest.raises(InvalidInput, match="redirects"):
        fetch_to_file(loop, target, limit_bytes=10**6, allow_private=True, timeout_s=5)


def test_size_limit_and_errors(file_server: str, tmp_path: Path) -> None:
    target = tmp_path / "x.wav"
    with pytest.raises(TooLarge):
        fetch_to_file(
            f"{file_server}/big.wav", target, limit_bytes=1000, allow_private=True, timeout_s=5
        )
    with pytest.raises(InvalidInput, match="404"):
        fetch_to_file(
            f"{file_server}/missing", target, limit_bytes=10**6, allow_private=True, timeout_s=5
        )
