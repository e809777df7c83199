"""The sample library in Chromium, as a new producer meets it: an empty library offers the
starter pack, one click fills it (every file analysed), files dropped several at a time are
analysed as they arrive, any spelling of a key finds the A minor loop, rows carry waveform
thumbnails, and at 390 px the table becomes cards that break no word."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import soundfile

from tests.web.conftest import at_phone_width, screenshot, sign_up

RATE = 22050
# Every word of a row's name and labels on one line: a word split over two lines ("Ty/p/e",
# "Pl/ay") has a range with more than one client rectangle.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('#sample-table tbody th, #sample-table tbody td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def _wav(signal: np.ndarray) -> str:  # type: ignore[type-arg]
    buffer = io.BytesIO()
    soundfile.write(buffer, signal.astype(np.float32), RATE, format="WAV")
    return base64.b64encode(buffer.getvalue()).decode()


def _kick() -> str:
    """A sine that sweeps down from 150 to 50 Hz and dies away in a third of a second."""
    t = np.arange(int(0.4 * RATE)) / RATE
    phase = 2 * np.pi * np.cumsum(50 + 100 * np.exp(-t * 25)) / RATE
    return _wav(0.9 * np.sin(phase) * np.exp(-t * 12))


def _clicks(bpm: float, seconds: float) -> str:
    signal = np.zeros(int(seconds * RATE))
    click = np.sin(2 * np.pi * 880 * np.arange(int(0.03 * RATE)) / RATE) * np.hanning(
        int(0.03 * RATE)
    )
    for start in np.arange(0, seconds - 0.05, 60.0 / bpm):
        at = int(start * RATE)
        signal[at : at + click.size] += 0.8 * click
    return _wav(signal)


DROP = """([files]) => {
  const transfer = new DataTransfer();
  for (const [name, data] of files) {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, { type: "audio/wav" }));
  }
  const zone = document.querySelector('#sample-drop');
  zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true }));
  zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true }));
}"""


def _count(page: Any, text: str) -> None:
    page.locator("#sample-count").get_by_text(text, exact=True).wait_for()


def _search(page: Any, **fields: str) -> None:
    filters = page.locator("#sample-filters")
    filters.get_by_label("Type").select_option(fields.get("type", ""))
    for label in ("Text", "BPM from", "BPM to", "Key"):
        filters.get_by_label(label).fill(fields.get(label, ""))
    filters.get_by_role("button", name="Search").click()


def test_the_library_fills_itself(page: Any, server: Any, tmp_path: Path) -> None:
    sign_up(page, server, "gina")
    page.get_by_role("link", name="Samples").click()
    empty = page.locator("#starter-empty")
    empty.wait_for()
    _count(page, "0 sample(s)")
    screenshot(page, "samples-empty")
    at_phone_width(page, "samples-empty")

    empty.get_by_role("button", name="Add the starter pack").click()
    page.locator("#sample-count").get_by_text("36 sample(s)", exact=True).wait_for(timeout=600_000)
    assert empty.is_hidden()  # the library is no longer empty; the card said what it did
    assert empty.locator(".job-text").text_content() == "Added 36 sample(s)."
    assert page.locator("#sample-table svg.thumb path").count() == 36

    _search(page, type="kick")
    _count(page, "4 sample(s)")
    for spelling in ("Am", "A minor", "la menor", "ля мінор"):
        _search(page, Key=spelling)
        _count(page, "1 sample(s)")
        assert page.locator("#sample-table tbody th").inner_text() == (
            "Musia Chord Loop 120 BPM A minor.wav"
        )
    _search(page, Key="H minor")
    page.locator("#sample-filters .error").get_by_text("cannot read the key").wait_for()

    page.evaluate(DROP, [[("Deep Kick.wav", _kick()), ("groove.wav", _clicks(120, 8.0))]])
    uploads = page.locator("#upload-list li")
    uploads.nth(1).wait_for()
    assert uploads.count() == 2
    kick = uploads.filter(has_text="Deep Kick.wav").locator(".meta")
    kick.get_by_text("kick", exact=True).wait_for(timeout=120_000)
    groove = uploads.filter(has_text="groove.wav").locator(".meta")
    groove.get_by_text(re.compile(r"^loop · 1[12]\d(\.\d+)? BPM$")).wait_for(timeout=120_000)
    _search(page, type="kick")
    _count(page, "5 sample(s)")
    page.get_by_role("button", name="Audition Deep Kick.wav").click()
    page.wait_for_function("() => document.querySelector('#audition').currentTime > 0.05")

    _search(page)
    _count(page, "38 sample(s)")
    screenshot(page, "samples")
    assert page.evaluate(BROKEN_WORDS) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(BROKEN_WORDS) == []
    at_phone_width(page, "samples")
