"""The project page's mixer in Chromium: the stems play together from one clock, parts are muted
and soloed, and a playhead moves across the stems' waveform and every piano roll (whose bars
are numbered and whose Cs are named, tests/formats/test_png.py)."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

from tests.web.conftest import Server, at_phone_width, screenshot, sign_up

PROMPT = "house 124 bpm A minor, 4 bars"


def _call(server: Server, path: str, token: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def _project_with_stems(server: Server, token: str) -> str:
    started = _call(server, "/api/v1/projects/generate", token, {"prompt": PROMPT, "audio": True})
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        job = _call(server, f"/api/v1/jobs/{started['job']['id']}?wait=20", token)
        if job["status"] in {"COMPLETED", "FAILED", "CANCELED"}:
            assert job["status"] == "COMPLETED", job
            return str(started["project"]["id"])
    raise AssertionError("the project did not finish in 300 s")


def _position(page: Any) -> float:
    return float(page.locator(".mixer").get_attribute("data-position"))


def _left_percent(locator: Any) -> float:
    return float(locator.evaluate("e => parseFloat(e.style.left)"))


def test_the_stems_play_together_with_mute_solo_and_a_moving_playhead(
    page: Any, server: Server
) -> None:
    sign_up(page, server, "mixer-frank")
    token = page.evaluate("localStorage.getItem('musia.token')")
    project_id = _project_with_stems(server, token)
    view = _call(server, f"/api/v1/projects/{project_id}/view", token)
    assert view["stems"] and view["roll"]["gutter_px"] > 0
    page.goto(f"{server.url}/#project/{project_id}")
    mixer = page.locator(".mixer")
    mixer.wait_for()
    strips = mixer.locator(".strips li")
    assert strips.count() == len(view["stems"])
    page.locator(".parts figure.part img").first.wait_for()

    mixer.get_by_role("button", name="▶ Play the stems").click()
    page.wait_for_function(
        "() => Number(document.querySelector('.mixer').dataset.position) > 0.5", timeout=120_000
    )
    assert mixer.get_attribute("data-state") == "playing"
    assert _left_percent(mixer.locator(".mix-wave-wrap .playhead")) > 0
    heads = page.locator(".parts .roll .playhead")
    assert heads.count() == page.locator(".parts figure.part img").count() > 0
    gutter = 100 * view["roll"]["gutter_px"] / 960
    first = _left_percent(heads.first)
    assert first > gutter  # past the note names, moving right as the song plays
    page.wait_for_function(
        f"() => parseFloat(document.querySelector('.parts .roll .playhead').style.left) > {first}"
    )

    names = view["stems"]
    mixer.get_by_role("button", name=f"Mute {names[0]}").click()
    heard = {n: strips.nth(i).get_attribute("data-audible") for i, n in enumerate(names)}
    assert heard == {n: str(n != names[0]).lower() for n in names}
    mixer.get_by_role("button", name=f"Solo {names[-1]}").click()
    heard = {n: strips.nth(i).get_attribute("data-audible") for i, n in enumerate(names)}
    assert heard == {n: str(n == names[-1]).lower() for n in names}  # solo wins over mute
    screenshot(page, "mixer")
    at_phone_width(page, "mixer")

    mixer.get_by_role("button", name="❚❚ Pause").click()
    assert mixer.get_attribute("data-state") == "idle"
    paused_at = _position(page)
    assert _position(page) == paused_at  # a paused mix stays where it was
    wave = mixer.locator(".mix-wave-wrap")
    box = wave.bounding_box()
    wave.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    duration = view["duration_s"]
    assert abs(_position(page) - duration / 2) < 0.02 * duration
