"""The chat's result card in Chromium at 1280 and 390 px: a player and a button for each file
that exists, the changes of an edit, no-ops said, the newest message clear of the composer (also
after a reload), the project named in the header; long messages refused with a reason; projects
and audio renamed and deleted from the studio."""

from __future__ import annotations

from typing import Any

from tests.server.media_data import groove_wav
from tests.web.conftest import DESKTOP, PHONE, SCREENSHOTS, Server, screenshot, sign_up

SONG = "deep house 124 bpm A minor, 4 bars"


def _send(page: Any, text: str) -> None:
    page.get_by_label("Message").fill(text)
    page.get_by_label("Message").press("Enter")


def _clear_of_composer(page: Any, target: Any) -> None:
    """The target's bottom edge is above the composer's top edge, inside the window."""
    box, composer = target.bounding_box(), page.locator("#chat-form").bounding_box()
    assert box is not None and composer is not None
    assert box["y"] >= 0, box
    where = page.evaluate(
        "[scrollY, document.documentElement.scrollHeight, innerHeight,"
        " getComputedStyle(document.documentElement).getPropertyValue('--composer')]"
    )
    assert box["y"] + box["height"] <= composer["y"] + 1, (box, composer, where)


def _newest_card(page: Any) -> Any:
    return page.locator("#chat-log .result-card").last


def test_the_result_card_plays_downloads_and_stays_clear_of_the_composer(
    page: Any, server: Server
) -> None:
    sign_up(page, server, "card_user")
    _send(page, SONG)
    card = _newest_card(page)
    card.get_by_role("link", name="Open the project").wait_for(timeout=120_000)
    buttons = card.locator(".downloads button").all_inner_texts()
    assert buttons == ["Live set (.als)", "Project (.zip)", "MIDI (.mid)", "Preview (.wav)"]
    duration = card.locator("audio").evaluate(
        """audio => new Promise((done, fail) => {
            if (audio.readyState >= 1) done(audio.duration);
            audio.addEventListener('loadedmetadata', () => done(audio.duration));
            audio.addEventListener('error', () => fail(new Error('the preview does not load')));
        })"""
    )
    assert duration > 4 * 4 * 60 / 124 - 0.5
    with page.expect_download() as started:
        card.get_by_role("button", name="Live set (.als)").click()
    assert started.value.suggested_filename.endswith(".als")
    header = page.locator("#chat-project")
    assert header.is_visible() and "Editing" in header.inner_text()
    _clear_of_composer(page, card.get_by_role("link", name="Open the project"))
    screenshot(page, "chat-card")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat-card-viewport.png"))

    _send(page, "añade un pad")  # the song has one: said, not made
    page.locator("#chat-log .msg.assistant").filter(has_text="ya tiene pad").wait_for()
    _send(page, "remove the hats")
    page.locator("#chat-log .result-card .changes").filter(has_text="removed: hats").wait_for(
        timeout=120_000
    )
    _clear_of_composer(page, _newest_card(page).get_by_role("link", name="Open the project"))
    assert page.locator("#chat-log .result-card").count() == 2
    # the new version's first bars play at once, and the older card's player stops for them
    page.wait_for_function(
        "() => { const a = [...document.querySelectorAll('#chat-log audio')];"
        " return a.length === 2 && a[0].paused && !a[1].paused; }"
    )
    screenshot(page, "chat-card-edit")

    # after a reload, at phone width, the history opens at the newest message and its card
    page.set_viewport_size(PHONE)
    page.reload()
    newest = _newest_card(page)
    newest.get_by_role("link", name="Open the project").wait_for()
    assert newest.locator(".changes").inner_text().endswith("removed: hats")
    assert "removed: hats" not in newest.locator("xpath=..").locator("p").first.inner_text()
    page.wait_for_timeout(300)  # the composer's height settles the scroll padding
    _clear_of_composer(page, newest.get_by_role("link", name="Open the project"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # what the phone shows: the card, then the box
    page.screenshot(path=str(SCREENSHOTS / "chat-card-phone-viewport.png"))
    page.set_viewport_size(DESKTOP)


def test_without_audio_the_card_offers_no_preview(page: Any, server: Server) -> None:
    sign_up(page, server, "silent_user")
    page.get_by_label("Render the audio preview").uncheck()
    _send(page, SONG)
    card = _newest_card(page)
    card.get_by_role("link", name="Open the project").wait_for(timeout=120_000)
    buttons = card.locator(".downloads button").all_inner_texts()
    assert buttons == ["Live set (.als)", "Project (.zip)", "MIDI (.mid)"]
    assert card.locator("audio").count() == 0


def test_a_message_over_the_limit_is_refused_with_the_reason(page: Any, server: Server) -> None:
    sign_up(page, server, "long_user")
    page.get_by_label("Message").fill("house " * 700)  # 4,200 characters, nothing cut
    assert len(page.get_by_label("Message").input_value()) == 4200
    page.get_by_label("Message").press("Enter")
    alert = page.locator("#chat-form .error[role=alert]")
    alert.wait_for()
    assert "4200 characters; the limit is 4000" in alert.inner_text()
    assert "200 too many" in page.locator("#chat-count").inner_text()
    assert page.locator("#chat-log .msg.user").count() == 0
    screenshot(page, "chat-too-long")


def test_projects_are_renamed_and_deleted_from_the_list(page: Any, server: Server) -> None:
    sign_up(page, server, "tidy_user")
    page.get_by_label("Render the audio preview").uncheck()
    _send(page, SONG)
    _newest_card(page).get_by_role("link", name="Open the project").wait_for(timeout=120_000)
    _send(page, "techno 130 bpm, 4 bars")
    page.locator("#chat-log .result-card").nth(1).wait_for(timeout=120_000)
    for viewport, name in ((DESKTOP, "Night drive"), (PHONE, "Phone take")):
        page.set_viewport_size(viewport)
        page.goto(server.url + "/#projects")
        first = page.locator("#project-list li").first
        first.get_by_role("button", name="Rename").click()
        field = first.get_by_role("textbox")
        field.fill(name)
        first.get_by_role("button", name="Save").click()
        page.locator("#project-list li a").filter(has_text=name).wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"] + 1
    screenshot(page, "projects-renamed-phone")
    page.set_viewport_size(DESKTOP)
    before = page.locator("#project-list li").count()
    row = page.locator("#project-list li").filter(has_text="Phone take")
    row.get_by_role("button", name="Delete").click()
    screenshot(page, "projects-delete-confirm")
    row.get_by_role("button", name="Yes, delete").click()
    page.locator("#project-list li").filter(has_text="Phone take").wait_for(state="detached")
    assert page.locator("#project-list li").count() == before - 1
    screenshot(page, "projects-after-delete")


def test_audio_is_transformed_downloaded_renamed_and_deleted(page: Any, server: Server) -> None:
    sign_up(page, server, "audio_user")
    page.goto(server.url + "/#audio")
    page.locator("#audio-file").set_input_files(
        {"name": "groove.wav", "mimeType": "audio/wav", "buffer": groove_wav()}
    )
    page.get_by_role("button", name="Upload and analyse").click()
    page.locator("#analysis-title").filter(has_text="groove.wav").wait_for(timeout=120_000)
    page.get_by_label("Transform it").fill("transpose up 2 semitones")
    page.get_by_role("button", name="Transform").click()
    title = "Analysis: groove — +2 st.wav"
    page.locator("#analysis-title").filter(has_text=title).wait_for(timeout=120_000)
    with page.expect_download() as started:
        page.locator("#music-download").click()
    assert started.value.suggested_filename == "groove — +2 st.wav"
    page.set_viewport_size(PHONE)
    row = page.locator("#music-list li").filter(has_text="+2 st")
    row.get_by_role("button", name="Rename").click()
    row.get_by_role("textbox").fill("Higher groove")
    row.get_by_role("button", name="Save").click()
    renamed = page.locator("#music-list li").filter(has_text="Higher groove.wav")
    renamed.wait_for()
    page.locator("#analysis-title").filter(has_text="Higher groove.wav").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    screenshot(page, "audio-renamed-phone")
    renamed.get_by_role("button", name="Delete").click()
    renamed.get_by_role("button", name="Yes, delete").click()
    renamed.wait_for(state="detached")
    assert page.locator("#analysis-title").count() == 0  # the deleted file's analysis is gone
    assert page.locator("#music-list li").count() == 1
    page.set_viewport_size(DESKTOP)
