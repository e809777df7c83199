"""End to end in Chromium: a sentence in the chat becomes a project that plays and downloads;
an uploaded Live set is inspected and edited; uploaded audio is analysed (the sample library:
test_samples.py); the admin area opens for an admin; API errors are shown."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from musia.core.plan_builder import plan_from_text
from musia.production.assemble import write_project
from musia.production.render import TAIL_S
from tests.conftest import shared_path
from tests.web.conftest import ADMIN, Server, at_phone_width, screenshot, sign_up

PROMPT = "house 124 bpm A minor, 8 bars"


def _socket_events(page: Any) -> list[dict[str, Any]]:
    """Every event the server sends on the chat socket, as the page receives it."""
    events: list[dict[str, Any]] = []

    def watch(socket: Any) -> None:
        def received(payload: Any) -> None:
            if isinstance(payload, str):
                events.append(json.loads(payload))

        socket.on("framereceived", received)

    page.on("websocket", watch)
    return events


def _api(server: Server, path: str, token: str) -> Any:
    request = urllib.request.Request(
        server.url + path, headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def _progress_was_shown(page: Any, events: list[dict[str, Any]]) -> dict[str, Any]:
    """The job's progress events reached the page, rising, and the page shows the last word."""
    progress = [e for e in events if e["type"] == "progress"]
    result = next(e for e in events if e["type"] == "result")
    assert progress, "no progress event reached the page"
    assert all(e["job_id"] == result["job_id"] for e in progress)
    fractions = [e["fraction"] for e in progress]
    assert all(later >= earlier - 1e-9 for earlier, later in itertools.pairwise(fractions))
    assert 0 < fractions[-1] < 1 and len(set(fractions)) > 2
    shown = page.locator(f'#chat-log [data-job="{result["job_id"]}"]')
    assert shown.locator("progress").evaluate("bar => bar.value") == 1
    assert shown.locator(".job-text").inner_text() == result["text"]
    return result


def _downloaded_set_passes_the_checker(page: Any, tmp_path: Path, checker: Path) -> None:
    with page.expect_download() as started:
        page.get_by_role("button", name="Project (.zip)").click()
    archive = tmp_path / "project.zip"
    started.value.save_as(archive)
    with zipfile.ZipFile(archive) as packed:
        packed.extractall(tmp_path / "unpacked")
    sets = list((tmp_path / "unpacked").rglob("*.als"))
    assert len(sets) == 1
    checked = subprocess.run(
        [sys.executable, str(checker), "--samples", str(sets[0])],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.shared
def test_a_sentence_in_the_chat_becomes_a_project_that_plays_and_downloads(
    page: Any, server: Server, tmp_path: Path
) -> None:
    checker = shared_path("tools", "als_check.py")
    events = _socket_events(page)
    sign_up(page, server, "alice")
    screenshot(page, "chat-empty")
    page.get_by_label("Message").fill(PROMPT)
    page.get_by_label("Message").press("Enter")
    page.get_by_role("link", name="Open the project").wait_for(timeout=120_000)

    result = _progress_was_shown(page, events)
    screenshot(page, "chat-result")
    at_phone_width(page, "chat-result")

    page.get_by_role("link", name="Open the project").click()
    player = page.locator("#preview-player")
    player.wait_for()
    token = page.evaluate("localStorage.getItem('musia.token')")
    view = _api(server, f"/api/v1/projects/{result['project_id']}/view", token)
    duration = player.evaluate(
        """audio => new Promise((done, fail) => {
            if (audio.readyState >= 1) done(audio.duration);
            audio.addEventListener('loadedmetadata', () => done(audio.duration));
            audio.addEventListener('error', () => fail(new Error('the preview does not load')));
        })"""
    )
    # the preview is the song and its releases ringing out (musia.production.render.TAIL_S)
    assert abs(duration - view["preview_s"]) < 0.5
    assert view["duration_s"] - 0.5 <= duration <= view["duration_s"] + TAIL_S + 0.5
    assert abs(view["duration_s"] - 8 * 4 * 60 / 124) < 0.05
    player.evaluate("audio => audio.play()")
    page.wait_for_function(
        "() => document.querySelector('#preview-player').currentTime > 0.3", timeout=15_000
    )
    rolls = page.locator(".part img")
    assert rolls.count() == len(view["parts"]) >= 4
    page.wait_for_function(
        "() => [...document.querySelectorAll('.part img')]"
        ".every(i => i.complete && i.naturalWidth === 960)"
    )
    assert page.locator(".part .stem-load").count() == len(view["stems"])
    player.evaluate("audio => audio.pause()")
    page.get_by_role("button", name="Play the Bass stem").click()
    page.wait_for_function(
        "() => { const stem = document.querySelector('.part audio.stem');"
        " return stem && stem.currentTime > 0.2; }"
    )
    assert page.locator(".sections li").count() == len(view["sections"]) >= 1
    screenshot(page, "project")
    at_phone_width(page, "project")

    _downloaded_set_passes_the_checker(page, tmp_path, checker)

    page.get_by_role("link", name="Projects", exact=True).click()
    page.get_by_role("link", name=view["name"]).wait_for()
    assert "version 1" in page.locator("#project-list").inner_text()
    screenshot(page, "projects")
    at_phone_width(page, "projects")
    page.goto(server.url + "/#chat")  # a new page load shows the conversation so far
    page.locator("#chat-log .msg.user", has_text=PROMPT).wait_for()


def _live_set(folder: Path) -> Path:
    """A set written by Musia's own writer (no corpus file leaves ../shared)."""
    project = write_project(plan_from_text("techno 130 bpm, 8 bars", seed=3), folder, audio=False)
    return next(p for p in project.files if p.suffix == ".als")


def test_an_uploaded_set_is_inspected_and_edited(page: Any, server: Server, tmp_path: Path) -> None:
    live_set = _live_set(tmp_path)
    sign_up(page, server, "bob")
    page.get_by_role("link", name="Live sets").click()
    page.get_by_label("A Live set (.als) to inspect and edit").set_input_files(str(live_set))
    page.get_by_role("button", name="Upload and inspect").click()
    page.locator("#inspection-title").wait_for(timeout=60_000)
    facts = page.locator("#set-body .facts").inner_text()
    assert "130 BPM" in facts and "4/4" in facts
    rows = page.locator("#set-body table.tracks tbody tr")
    names = rows.locator("th").all_inner_texts()
    assert {"Drums", "Bass"} <= set(names)
    assert page.locator("#set-body .clips li").count() >= len(names)
    assert page.locator("#set-body .locators li").count() >= 1
    screenshot(page, "set-inspection")
    at_phone_width(page, "set-inspection")

    page.get_by_label("Edit the set").fill("make it 128 bpm")
    page.get_by_role("button", name="Apply").click()
    page.get_by_text("Inspection: version 2").wait_for(timeout=60_000)
    assert "128 BPM" in page.locator("#set-body .facts").inner_text()


def _click_track(path: Path, bpm: float = 120.0, seconds: float = 6.0, rate: int = 22050) -> Path:
    import soundfile

    signal = np.zeros(int(seconds * rate), dtype=np.float32)
    click = np.sin(2 * np.pi * 880 * np.arange(int(0.03 * rate)) / rate) * np.hanning(
        int(0.03 * rate)
    )
    for start in np.arange(0, seconds, 60.0 / bpm):
        at = int(start * rate)
        signal[at : at + click.size] += click[: signal.size - at].astype(np.float32) * 0.8
    soundfile.write(path, signal, rate)
    return path


def test_uploaded_audio_is_analysed_and_drawn(page: Any, server: Server, tmp_path: Path) -> None:
    audio = _click_track(tmp_path / "clicks 120.wav")
    sign_up(page, server, "carol")
    page.get_by_role("link", name="Audio").click()
    page.get_by_label("Audio to analyse").set_input_files(str(audio))
    page.get_by_role("button", name="Upload and analyse").click()
    page.locator("#analysis-title").wait_for(timeout=60_000)
    facts = page.locator("#audio-body .facts").inner_text()
    tempo = re.search(r"([\d.]+) BPM", facts)
    assert tempo and abs(float(tempo.group(1)) - 120) < 2, facts
    assert "LUFS" in facts and "0:06.0" in facts
    page.wait_for_function(
        "() => { const i = document.querySelector('#audio-body img.waveform');"
        " return i && i.complete && i.naturalWidth === 960 && i.naturalHeight === 160; }"
    )
    assert page.locator("#music-list li").count() == 1
    screenshot(page, "audio-analysis")
    at_phone_width(page, "audio-analysis")

    page.get_by_label("Transform it").fill("transpose up 2 semitones")
    page.get_by_role("button", name="Transform").click()
    page.get_by_text("from “transpose up 2 semitones”").wait_for(timeout=90_000)
    assert page.locator("#music-list li").count() == 2


def test_the_admin_area_opens_for_an_admin_only(page: Any, server: Server) -> None:
    page.goto(server.url + "/admin/")
    # sqladmin's own login form (its labels are not tied to the inputs: found by name)
    page.locator("input[name=username]").fill("nobody")
    page.locator("input[name=password]").fill("not a password")
    page.get_by_role("button", name="Login").click()
    assert "/admin/login" in page.url
    page.locator("input[name=username]").fill(ADMIN[0])
    page.locator("input[name=password]").fill(ADMIN[1])
    page.get_by_role("button", name="Login").click()
    page.get_by_role("link", name="Users").first.wait_for()
    for name in ("Providers", "Models", "Jobs"):
        assert page.get_by_role("link", name=name).count() >= 1
    page.get_by_role("link", name="Users").first.click()
    page.get_by_text(ADMIN[0]).first.wait_for()
    screenshot(page, "admin-users")
    page.goto(server.url + "/")  # the studio shows the admin link to an admin
    form = page.locator("#sign-in")
    form.get_by_label("Username").fill(ADMIN[0])
    form.get_by_label("Password").fill(ADMIN[1])
    form.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Admin").wait_for()


def test_api_errors_are_shown_and_forms_work_from_the_keyboard(page: Any, server: Server) -> None:
    page.goto(server.url + "/")
    page.locator("#in-username").focus()
    page.keyboard.type("nobody")
    page.keyboard.press("Tab")
    page.keyboard.type("wrong password")
    page.keyboard.press("Enter")
    alert = page.locator("#sign-in [role=alert]")
    alert.wait_for()
    assert alert.inner_text() == "wrong username or password"
    screenshot(page, "sign-in-error")
    at_phone_width(page, "sign-in-error")

    form = page.locator("#sign-up")
    form.get_by_label("Username").fill("erin")
    form.get_by_label("Password").fill("short")
    form.get_by_role("button", name="Sign up").click()
    problem = form.locator("[role=alert]")
    problem.wait_for()
    assert "password" in problem.inner_text()
    assert form.get_by_label("Password").get_attribute("aria-invalid") == "true"

    sign_up(page, server, "erin")
    page.get_by_role("link", name="Live sets").click()
    page.get_by_label("A Live set (.als) to inspect and edit").set_input_files(
        files=[{"name": "fake.als", "mimeType": "application/gzip", "buffer": b"not a set"}]
    )
    page.get_by_role("button", name="Upload and inspect").click()
    refused = page.locator("#set-upload [role=alert]")
    refused.wait_for()
    assert "Live set" in refused.inner_text() or "gzip" in refused.inner_text()
