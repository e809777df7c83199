"""The studio in a real browser: `musia serve` on 127.0.0.1 (SQLite and local storage in a
temporary folder, the in-process worker), driven by Debian's Chromium through Playwright.

The browser is the system's `/usr/bin/chromium` (never a downloaded build), headless, with
every background connection off and every host but 127.0.0.1 unresolvable. Without it the
tests skip, and under CI=true they fail. Screenshots go to artifacts/screenshots/ at the
repository root, which the run keeps for review."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.conftest import REPO

CHROMIUM = Path(os.environ.get("MUSIA_TEST_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = REPO / "artifacts" / "screenshots"
ADMIN = ("root", "admin password 1")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
    # networking to the outside off: only the app under test resolves
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# The elements that reach past the viewport's right edge, to name them when a page overflows.
WIDEST = """() => [...document.querySelectorAll('body *:not(.sr)')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
    || e.scrollWidth > e.clientWidth + 1)
  .slice(0, 5)
  .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`
    + ` ${Math.round(e.getBoundingClientRect().right)}`)
  .concat([`inner ${window.innerWidth}`])"""
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def chromium(unavailable: Callable[[str], NoReturn]) -> Path:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("playwright is not installed (it is in the test dependency group)")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    url: str
    data_dir: Path
    log: Path


def _musia(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "musia.cli", *args]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"musia serve exited: {log.read_text('utf-8')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"musia serve did not get ready: {log.read_text('utf-8')[-3000:]}")


@pytest.fixture(scope="session")
def server(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`musia serve` in its own process on a free port, with an admin made by the CLI."""
    data_dir = tmp_path_factory.mktemp("web-data")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("MUSIA_")}
    env = {
        **inherited,  # SQLite and local storage in the data folder: the embedded defaults
        "MUSIA_DATA_DIR": str(data_dir),
        "MUSIA_JOBS_ENGINE": "inprocess",
        "MUSIA_JOBS_RENDER_PROCESSES": "0",
        "MUSIA_HTTP_LOG_JSON": "false",
    }
    made = _musia("users", "create", ADMIN[0], "--password", ADMIN[1], "--admin", env=env)
    assert made.returncode == 0, made.stderr
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "musia.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(url, process, log)
        yield Server(url, data_dir, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def playwright_driver(chromium: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def page(playwright_driver: Any, chromium: Path, server: Server, tmp_path: Path) -> Iterator[Any]:
    """A fresh browser profile (its own user-data-dir) per test, on the desktop viewport."""
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=str(chromium),
        headless=True,
        args=ARGS,
        viewport=DESKTOP,
        accept_downloads=True,
    )
    context.set_default_timeout(30_000)
    current = context.pages[0] if context.pages else context.new_page()
    errors: list[str] = []
    current.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield current
    finally:
        context.close()
    assert not errors, f"the page raised: {errors}"


def screenshot(page: Any, name: str) -> Path:
    """Save the whole page, at the viewport it has now, for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def at_phone_width(page: Any, name: str) -> Path:
    page.set_viewport_size(PHONE)
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        widest = page.evaluate(WIDEST)
        assert width <= PHONE["width"] + 1, f"{name} is {width} px wide at phone width: {widest}"
        return screenshot(page, f"{name}-phone")
    finally:
        page.set_viewport_size(DESKTOP)


def sign_up(page: Any, server: Server, username: str, password: str = "correct horse") -> None:
    page.goto(server.url + "/")
    form = page.locator("#sign-up")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Sign up").click()
    page.locator("#view-chat").wait_for(state="visible")
    page.get_by_text("Connected: progress arrives live.").wait_for()


def clean_screenshots() -> None:
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
