"""Time to first sound in the studio: from pressing Send in the chat to hearing the song, in
Debian's Chromium (headless, through Playwright) against `musia serve` on 127.0.0.1 (SQLite,
local storage, the in-process worker), for a 32-bar song and a club-length (6-minute) one.

The page is driven like an eager listener: any preview player that appears in the chat is
asked to play at once (the studio now starts the first bars by itself; before, the card only
offered a player once the whole preview had been rendered and downloaded). Each song is asked
for twice: "cold" is the first render of the server process (instruments not yet built),
"warm" the next. Printed per run:

- first sound: Send → the first `playing` event of any audio in the chat;
- whole: Send → the result card (the whole preview, the set and the files ready);
- stalled: seconds the player stood waiting after the first bars ran out, before the whole
  preview took over (0 when the head covered the render).

    .venv/bin/python bench/first_sound.py [--src DIR] [--songs 32bars,club] [--json]
    .venv/bin/python bench/first_sound.py --render-only   # no browser: CPU seconds per stage

`--render-only` times, in this process, what stands between Send and the first sound on the
server (composing, the first head, its Ogg encoding) next to the whole render, in wall and CPU
seconds: on a machine shared with other work the CPU figure is the one to compare.

`--src` runs another checkout's `src/` (e.g. `git archive main | tar -x -C /tmp/before`) with
this environment, for a before/after figure.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

SONGS = {
    "32bars": "deep house 122 bpm A minor, 32 bars",
    "club": "techno club track, 128 bpm, 6 minutes",
}
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required"]
# Plays every chat player as soon as it has a source, and notes when sound starts and stops.
LISTENER = """() => {
  window.benchSound = { sentAt: null, playing: null, stalls: [], ended: null };
  document.addEventListener('playing', (e) => {
    const b = window.benchSound;
    if (b.sentAt !== null && b.playing === null) b.playing = performance.now();
    if (b.ended !== null) { b.stalls.push(performance.now() - b.ended); b.ended = null; }
  }, true);
  document.addEventListener('ended', (e) => {
    if (e.target.dataset.part === 'head') window.benchSound.ended = performance.now();
  }, true);
  setInterval(() => {
    for (const audio of document.querySelectorAll('#chat-log audio')) {
      if (audio.currentSrc && audio.paused && !audio.ended && !audio.dataset.benchAsked) {
        audio.dataset.benchAsked = '1';
        audio.play().catch(() => { delete audio.dataset.benchAsked; });
      }
    }
  }, 20);
}"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(folder: Path, src: Path | None) -> tuple[subprocess.Popen[bytes], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUSIA_")}
    env |= {"MUSIA_DATA_DIR": str(folder), "MUSIA_JOBS_ENGINE": "inprocess"}
    env |= {"MUSIA_JOBS_RENDER_PROCESSES": "0", "MUSIA_HTTP_LOG_JSON": "false"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    port = _free_port()
    command = [sys.executable, "-m", "musia.cli", "serve", "--host", "127.0.0.1"]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen([*command, "--port", str(port)], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"musia serve did not start: {(folder / 'server.log').read_text()[-2000:]}")


def measure(page: Any, prompt: str) -> dict[str, Any]:
    page.evaluate(LISTENER)
    cards = page.locator("#chat-log .result-card").count()
    page.get_by_label("Message").fill(prompt)
    page.evaluate("() => { window.benchSound.sentAt = performance.now(); }")
    page.get_by_label("Message").press("Enter")
    page.locator("#chat-log .result-card").nth(cards).wait_for(timeout=600_000)
    whole_ms = page.evaluate("() => performance.now() - window.benchSound.sentAt")
    page.wait_for_function("() => window.benchSound.playing !== null", timeout=120_000)
    page.wait_for_timeout(4_000)  # the player takes the whole preview up where it stands
    found = page.evaluate(
        "() => { const b = window.benchSound;"  # a stall still going on counts until now
        " if (b.ended !== null) b.stalls.push(performance.now() - b.ended); return b; }"
    )
    page.evaluate("() => document.querySelectorAll('audio').forEach(a => a.pause())")
    return {
        "first_sound_s": round((found["playing"] - found["sentAt"]) / 1000, 2),
        "whole_s": round(whole_ms / 1000, 2),
        "stalled_s": round(sum(found["stalls"]) / 1000, 2),
    }


def _sign_up(page: Any, url: str, username: str) -> None:
    page.goto(url + "/")
    form = page.locator("#sign-up")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill("correct horse")
    form.get_by_role("button", name="Sign up").click()
    page.get_by_text("Connected: progress arrives live.").wait_for()


def run(songs: list[str], src: Path | None) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory(prefix="musia-bench-") as folder:
        process, url = start_server(Path(folder), src)
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for run_name in ("cold", "warm"):
                    for song in songs:
                        page = browser.new_page(viewport={"width": 1280, "height": 900})
                        _sign_up(page, url, f"bench_{run_name}_{song}")  # a new conversation
                        found = measure(page, SONGS[song])
                        rows.append({"song": song, "run": run_name, **found})
                        print(rows[-1], file=sys.stderr, flush=True)
                        page.close()
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=30)
    return rows


def render_only(songs: list[str]) -> list[dict[str, Any]]:
    from musia.core.compose import compose
    from musia.core.plan_builder import plan_from_text
    from musia.formats.webcopy import write_web_copy
    from musia.production.firstsound import render_head, warm_up
    from musia.production.render import render_song

    warm_up()  # as the server does when it starts
    rows = []
    with tempfile.TemporaryDirectory(prefix="musia-bench-") as folder:
        for run_name in ("cold", "warm"):
            for song_name in songs:
                times: dict[str, Any] = {"song": song_name, "run": run_name}
                wall, cpu = time.perf_counter(), time.process_time()
                song = compose(plan_from_text(SONGS[song_name], seed=1))
                head = render_head(song)
                write_web_copy(Path(folder) / "head.ogg", head.audio, head.sample_rate)
                times["head_wall_s"] = round(time.perf_counter() - wall, 2)
                times["head_cpu_s"] = round(time.process_time() - cpu, 2)
                times["head_music_s"] = round(head.duration_s, 1)
                wall, cpu = time.perf_counter(), time.process_time()
                render_song(song)
                times["whole_wall_s"] = round(time.perf_counter() - wall, 2)
                times["whole_cpu_s"] = round(time.process_time() - cpu, 2)
                rows.append(times)
                print(times, file=sys.stderr, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, default=None, help="another checkout's src/")
    parser.add_argument("--songs", default="32bars,club")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--render-only", action="store_true", help="no browser: render timings")
    options = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if options.render_only:
        found = render_only(options.songs.split(","))
        print(json.dumps(found, indent=2) if options.json else "\n".join(map(str, found)))
        return
    rows = run(options.songs.split(","), options.src)
    if options.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'song':8} {'run':5} {'first sound s':>14} {'whole s':>8} {'stalled s':>10}")
    for row in rows:
        print(
            f"{row['song']:8} {row['run']:5} {row['first_sound_s']:>14} "
            f"{row['whole_s']:>8} {row['stalled_s']:>10}"
        )


if __name__ == "__main__":
    main()
