"""A render job's first sound: the head of the preview, published as soon as it is mixed (a
`preview` event to the owner's studio with a listening URL), and the web copy of the whole
preview, encoded while the project's files are stored.

The head is levelled to sound as loud as the same bars of the whole preview
(`musia.production.firstsound`); the studio plays it and moves to the whole preview at the same
moment of the song when the job is done.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from musia import tickets
from musia.core.compose import compose
from musia.core.plan import Plan
from musia.errors import MusiaError
from musia.events import publish_owner
from musia.formats.webcopy import WEB_MEDIA_TYPE, WEB_SUFFIX, web_copy_of_wav, write_web_copy
from musia.jobs.context import JobContext
from musia.production.firstsound import render_head
from musia.production.render import audio_available
from musia.services.projects import version_prefix

if TYPE_CHECKING:
    from musia.production.library import ChosenSamples

WEB_FOLDER = "web"  # beside the version's files, never in its zip
HEAD_AT = 0.06  # on the job's 0..1 scale: before the full render (from 0.08)
# The heads published, in seconds of music: the first bars at once; then, for a song whose
# whole render outlasts them (a club track renders for ~20 s here), a minute and a half more,
# which the player moves on to at the same moment of the song.
FIRST_HEAD_S = 20.0
LONG_HEAD_S = 90.0
LONG_SONG_S = 120.0
PREVIEW_FILE = "preview.wav"


def publish_head(
    context: JobContext,
    plan: Plan,
    library: ChosenSamples | None,
    version: tuple[str, int],
    folder: Path,
) -> None:
    """Render, encode, store and announce the head. A head that cannot be made is only a
    missed head start: the whole preview still comes (or says why it cannot)."""
    if not audio_available():
        return
    project_id, number = version
    song = compose(plan)
    lengths = [FIRST_HEAD_S] + ([LONG_HEAD_S] if song.duration_s > LONG_SONG_S else [])
    for index, seconds in enumerate(lengths, start=1):
        try:
            head = render_head(song, seconds=seconds, library=library)
        except MusiaError:
            return
        name = f"head-{index}{WEB_SUFFIX}"
        path = write_web_copy(folder / name, head.audio, head.sample_rate)
        key = f"{version_prefix(project_id, number)}/{WEB_FOLDER}/{path.name}"
        context.runtime.storage.put_file(key, path, WEB_MEDIA_TYPE)
        secret = context.runtime.settings.jwt_secret
        event = {
            "type": "preview",
            "job_id": context.job_id,
            "project_id": project_id,
            "version": number,
            "url": tickets.issue(context.owner_id, key, WEB_MEDIA_TYPE, secret),
            "duration_s": round(head.duration_s, 3),
            "bars": head.bars,
            "complete": False,
        }
        publish_owner(context.runtime.settings, context.owner_id, event)
        context.progress(HEAD_AT, "previewing")
        if head.bars >= song.bars:
            return


@dataclass
class WebCopy:
    path: Path | None = None
    media_type: str = "audio/ogg"
    error: BaseException | None = None


@contextmanager
def web_copy(project_folder: Path, folder: Path) -> Iterator[WebCopy]:
    """Encode the project's preview.wav (when it has one) to its web copy in a thread while the
    block runs (libsndfile lets go of the interpreter while it encodes); the copy's path is set
    when the block ends."""
    wav = project_folder / PREVIEW_FILE
    result = WebCopy()
    if not wav.is_file():
        yield result
        return
    target = folder / f"preview{WEB_SUFFIX}"

    def encode() -> None:
        try:
            web_copy_of_wav(wav, target)
        except Exception as exc:  # the WAV still plays: the copy is optional
            result.error = exc

    worker = threading.Thread(target=encode, name="musia-web-copy", daemon=True)
    worker.start()
    try:
        yield result
    finally:
        worker.join()
    if result.error is None and target.is_file():
        result.path, result.media_type = target, WEB_MEDIA_TYPE
