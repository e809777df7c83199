"""The producer's uploaded samples in generated projects: the drum one-shots and a loop that fit
the song are chosen, recorded as the project's samples, and collected into the project; the zip
download holds every file the set references (the checker's --samples passes on it)."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import soundfile
from fastapi.testclient import TestClient
from sqlalchemy import select

from musia.db.models import ProjectSample, Sample
from musia.runtime import Runtime
from tests.audio.signals import RATE, clicks
from tests.conftest import shared_path
from tests.server.conftest import Headers, wait_for_job
from tests.server.media_data import zero_channel_wav
from tests.server.test_projects import generate

HOUSE = "house track, 124 bpm, A minor, 16 bars"


def _wav(samples: np.ndarray) -> bytes:  # type: ignore[type-arg]
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, RATE, format="WAV")
    return buffer.getvalue()


def _upload(client: TestClient, headers: Headers, name: str, data: bytes, **form: str) -> str:
    files = {"file": (name, data, "audio/wav")}
    answer = client.post("/api/v1/samples/upload", files=files, data=form, headers=headers)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _hit(frequency_hz: float, decay: float) -> bytes:
    t = np.arange(int(0.3 * RATE)) / RATE
    return _wav(
        (0.5 * np.sin(2 * np.pi * frequency_hz * t) * np.exp(-t * decay)).astype(np.float32)
    )


def test_uploaded_samples_are_chosen_recorded_and_collected(
    client: TestClient, alice: Headers, bob: Headers, runtime: Runtime, tmp_path: Path
) -> None:
    kick = _upload(client, alice, "Deep Kick.wav", _hit(55, 20))  # typed by its name
    clap = _upload(client, alice, "c1.wav", _hit(1200, 60), type="clap", style="house")
    _upload(client, alice, "slow loop.wav", _wav(clicks(100, 9.6)), type="loop", bpm="100")
    loop = _upload(client, alice, "groove.wav", _wav(clicks(122, 7.87)), type="loop", bpm="122")
    _upload(client, bob, "Bob Kick.wav", _hit(60, 20))  # another user's library is not ours

    started = generate(client, alice, prompt=HOUSE, seed=3)
    project_id = started["project"]["id"]
    detail = client.get(f"/api/v1/projects/{project_id}", headers=alice).json()
    used = {s["sample_id"]: s for s in detail["version"]["samples"]}
    assert set(used) == {kick, clap, loop}
    assert used[kick]["note"] == 36 and used[clap]["note"] == 39 and used[loop]["role"] == "loop"
    with runtime.sessions() as session:
        linked = session.scalars(
            select(ProjectSample.sample_id).where(ProjectSample.project_id == project_id)
        )
        assert set(linked) == {kick, clap, loop}

    zipped = client.get(f"/api/v1/projects/{project_id}/download?format=zip", headers=alice)
    assert zipped.status_code == 200
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        archive.extractall(tmp_path)
    (als,) = tmp_path.glob("*/*.als")
    folder = als.parent
    for sample in used.values():
        assert (folder / sample["file"]).is_file(), sample["file"]
    xml = gzip.decompress(als.read_bytes()).decode()
    root = ET.fromstring(xml)
    (loop_track,) = [
        t
        for t in root.iter("AudioTrack")
        if t.find("Name/EffectiveName").get("Value") == "Library Loop"  # type: ignore[union-attr]
    ]
    assert loop_track.find("TrackGroupId").get("Value") == "-1"  # type: ignore[union-attr]
    assert loop_track.find("DeviceChain/Mixer/Speaker/Manual").get("Value") == "true"  # type: ignore[union-attr]
    (rack,) = root.iter("DrumGroupDevice")
    rack_files = {Path(r.get("Value", "")).name for r in rack.iter("RelativePath")}
    assert {Path(used[kick]["file"]).name, Path(used[clap]["file"]).name} <= rack_files
    checker = shared_path("tools", "als_check.py")
    run = subprocess.run(
        [sys.executable, str(checker), "--samples", str(als)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    loop_file, rate = soundfile.read(folder / used[loop]["file"])
    song_s = 16 * 4 * 60 / 124
    assert abs(len(loop_file) / rate - song_s) < 0.05  # laid out over the whole song


def test_with_audio_every_stem_is_its_own_file_in_the_listing_and_the_zip(
    client: TestClient, alice: Headers
) -> None:
    started = generate(client, alice, prompt="house track, 124 bpm, A minor, 8 bars", audio=True)
    project_id = started["project"]["id"]
    listed = wait_for_job(client, alice, started["job"]["id"])["result"]["files"]
    stems = [f for f in listed if f.startswith("stem:")]
    assert "wav" in listed and len(stems) >= 4, listed
    preview = client.get(f"/api/v1/projects/{project_id}/download?format=wav", headers=alice)
    assert 'filename="preview.wav"' in preview.headers["content-disposition"], preview.headers
    zipped = client.get(f"/api/v1/projects/{project_id}/download?format=zip", headers=alice)
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        names = archive.namelist()
    assert sum("/Samples/Imported/" in n for n in names) == len(stems), names


def test_a_stored_sample_that_does_not_read_is_skipped_and_reported(
    client: TestClient, alice: Headers, runtime: Runtime
) -> None:
    """Issue 23: one broken file (stored before uploads were decoded) failed every generation of
    its owner with "….wav has no audio channels". The chooser now leaves it out, says so, and
    picks the next sample that fits."""
    good = _upload(client, alice, "Good Kick.wav", _hit(55, 20), type="kick")
    # Tagged with the song's style, the broken kick is every seed's first pick.
    broken = _upload(client, alice, "Broken Kick.wav", _hit(60, 20), type="kick", style="house")
    with runtime.sessions() as session:
        row = session.get(Sample, broken)
        assert row is not None
        key = row.file_key
    runtime.storage.put_stream(key, io.BytesIO(zero_channel_wav()), "audio/wav")  # damaged since

    for seed in (1, 2):
        answer = client.post(
            "/api/v1/projects/generate", json={"prompt": HOUSE, "seed": seed}, headers=alice
        )
        assert answer.status_code == 202, answer.text
        job = wait_for_job(client, alice, answer.json()["job"]["id"])
        assert job["status"] == "COMPLETED", job
        project_id = answer.json()["project"]["id"]
        detail = client.get(f"/api/v1/projects/{project_id}", headers=alice).json()
        used = {s["sample_id"] for s in detail["version"]["samples"]}
        assert used == {good}, (seed, used)
        assert job["result"].get("skipped_samples") == [
            {
                "sample_id": broken,
                "name": "Broken Kick.wav",
                "reason": "Broken Kick.wav has no audio channels (its header says 0)",
            }
        ]
