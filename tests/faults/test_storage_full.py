"""A storage folder that fills up under a real `musia serve`: the server runs in a mount
namespace of its own with a 12 MB tmpfs as its storage folder (the host's mounts are untouched).
Uploads past the room answer 507 `storage_full`, a render that cannot store its files ends
FAILED with that reason, what was stored before stays whole, and the service answers after."""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
import pytest

from tests.faults.serving import free_port, login, serve, wait_final
from tests.helpers import unshare_prefix
from tests.server.media_data import wav_bytes

# `sh -c` mounts the tmpfs on the storage folder, then becomes the server.
MOUNTED = 'mount -t tmpfs -o size=12m musia-full "$1" || exit 97; shift; exec "$@"'


def test_a_full_storage_answers_507_or_fails_the_job_and_keeps_what_it_had(
    tmp_path: Path,
) -> None:
    unshare = unshare_prefix()
    if unshare is None:
        pytest.fail("this machine cannot mount a test file system (unshare --mount)")
    data = tmp_path / "data"
    storage = data / "storage"
    storage.mkdir(parents=True)
    prefix = (*unshare, "sh", "-c", MOUNTED, "sh", str(storage))
    server = serve(data, free_port(), prefix=prefix, JOBS_RENDER_PROCESSES="0")
    try:
        url = server.url
        headers = login(url, "max")
        small = wav_bytes(0.2)
        first = httpx.post(
            f"{url}/api/v1/samples/upload",
            files={"file": ("first.wav", small)},
            headers=headers,
            timeout=60,
        )
        assert first.status_code == 201, first.text
        started = httpx.post(
            f"{url}/api/v1/projects/generate",
            json={"prompt": "techno, 8 bars", "seed": 2},
            headers=headers,
            timeout=60,
        ).json()
        assert wait_final(url, headers, started["job"]["id"], 180)["status"] == "COMPLETED"
        project_id = started["project"]["id"]

        # An 8-bar project (its instruments' zones) takes about 5 MB; 2.6 MB each: the 12 MB
        # fill up within four.
        big = wav_bytes(60.0)
        answers = [
            httpx.post(
                f"{url}/api/v1/samples/upload",
                files={"file": (f"big{n}.wav", big)},
                headers=headers,
                timeout=120,
            )
            for n in range(4)
        ]
        codes = [a.status_code for a in answers]
        assert 507 in codes, [a.text for a in answers]
        assert set(codes) <= {201, 507}, [a.text for a in answers]
        refused = answers[codes.index(507)].json()
        assert refused["error"] == "storage_full", refused

        render = httpx.post(
            f"{url}/api/v1/projects/generate",
            json={"prompt": "house track, 124 bpm, A minor, 32 bars", "audio": True},
            headers=headers,
            timeout=60,
        )
        if render.status_code == 202:
            job = wait_final(url, headers, render.json()["job"]["id"], 300)
            assert job["status"] == "FAILED", job
            assert "storage is full" in job["error"], job
        else:
            assert render.status_code == 507, render.text

        sample = httpx.get(
            f"{url}/api/v1/samples/{first.json()['id']}/audio", headers=headers, timeout=60
        )
        assert sample.content == small  # earlier files intact
        als = httpx.get(
            f"{url}/api/v1/projects/{project_id}/download?format=als", headers=headers, timeout=60
        )
        assert b"<Ableton" in gzip.decompress(als.content)[:200]
        listed = httpx.get(f"{url}/api/v1/samples", headers=headers, timeout=60).json()
        assert listed["total"] == 1 + codes.count(201)  # no row for a file not stored
        assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200
    finally:
        server.stop()
