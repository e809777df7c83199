"""Faults on a real `musia serve` (in-process engine, 127.0.0.1): the server SIGKILLed in the
middle of a render and started again, and two edits of one project sent at the same moment."""

from __future__ import annotations

import gzip
import io
import os
import signal
import threading
import time
import wave
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from tests.faults.serving import free_port, login, serve, wait_final

LEASE = {"JOBS_LEASE_S": "3", "JOBS_SWEEP_S": "0.5", "JOBS_RENDER_PROCESSES": "0"}
RENDER = {"prompt": "house track, 124 bpm, A minor, 48 bars", "audio": True, "seed": 11}


def test_a_render_killed_with_its_server_ends_final_and_nothing_half_written_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    system_temp = tmp_path / "system-temp"  # the servers' TMPDIR: nothing of ours may stay
    system_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_temp))
    first = serve(data, free_port(), **LEASE)
    try:
        headers = login(first.url, "kim")
        started = httpx.post(
            f"{first.url}/api/v1/projects/generate", json=RENDER, headers=headers, timeout=30
        ).json()
        job_id, project_id = started["job"]["id"], started["project"]["id"]
        _wait_until_it_renders(first.url, headers, job_id)
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=30)
    finally:
        first.stop()
    killed_scratch = [
        p for p in (data / "tmp").iterdir() if p.name.startswith(f"{first.process.pid}-")
    ]
    renders = [r for p in killed_scratch for r in p.glob("render-*")]
    assert renders, killed_scratch  # a kill runs no clean-up: its render folder stays

    second = serve(data, free_port(), **LEASE)
    try:
        assert not any(p.exists() for p in killed_scratch)  # swept when the server started
        early = httpx.get(
            f"{second.url}/api/v1/projects/{project_id}/download?format=als",
            headers=headers,
            timeout=30,
        )
        if early.status_code == 200:  # only a whole file, written by the rerun
            gzip.decompress(early.content)
        else:
            assert early.status_code in {404, 409}, early.text
            assert early.json()["error"] in {"not_found", "conflict"}, early.text
        final = wait_final(second.url, headers, job_id, timeout_s=300)
        assert final["status"] in {"COMPLETED", "FAILED"}, final
        if final["status"] == "FAILED":
            assert final["error"], final
            return
        assert final["attempts"] >= 2, final  # the second server ran it again
        als = httpx.get(
            f"{second.url}/api/v1/projects/{project_id}/download?format=als",
            headers=headers,
            timeout=60,
        )
        ET.fromstring(gzip.decompress(als.content))  # whole: it inflates and parses
        preview = httpx.get(
            f"{second.url}/api/v1/projects/{project_id}/download?format=wav",
            headers=headers,
            timeout=60,
        )
        assert preview.status_code == 200, preview.text
        with wave.open(io.BytesIO(preview.content)) as reader:
            frames = reader.getnframes()
            assert (
                frames > 0
                and len(reader.readframes(frames))
                == frames * reader.getsampwidth() * reader.getnchannels()
            )
        stored = list((data / "storage").rglob("*"))
        leftovers = [
            p
            for p in stored
            if p.is_file() and (p.name.startswith(".") or ".tmp" in p.name) and p.name != ".owner"
        ]
        assert leftovers == []
    finally:
        second.stop()
    ours = [p for p in system_temp.iterdir() if p.name.startswith("musia-")]
    assert ours == []  # before: the killed render's musia-render-* folder stayed for good


def _wait_until_it_renders(url: str, headers: dict[str, str], job_id: str) -> None:
    """Until the job renders audio: the moment to kill its server."""
    deadline = time.monotonic() + 120
    job = {}
    while time.monotonic() < deadline:  # wait until it renders audio, then kill
        job = httpx.get(f"{url}/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] != "PENDING" and job["progress"] >= 0.1:
            break
        time.sleep(0.05)
    assert job["status"] == "PROCESSING", job  # killed in the middle, not after


def test_two_edits_at_the_same_moment_make_two_versions_in_order(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    server = serve(data, free_port(), JOBS_WORKERS="2", JOBS_RENDER_PROCESSES="0")
    try:
        headers = login(server.url, "lee")
        started = httpx.post(
            f"{server.url}/api/v1/projects/generate",
            json={"prompt": "techno, 8 bars", "seed": 3},
            headers=headers,
            timeout=30,
        ).json()
        assert wait_final(server.url, headers, started["job"]["id"], 180)["status"] == "COMPLETED"
        project_id = started["project"]["id"]
        instructions = ["make it 128 bpm", "transpose up 2 semitones"]
        answers: dict[str, httpx.Response] = {}
        gate = threading.Barrier(len(instructions))

        def edit(instruction: str) -> None:
            gate.wait()
            answers[instruction] = httpx.post(
                f"{server.url}/api/v1/projects/{project_id}/modify",
                json={"instruction": instruction},
                headers=headers,
                timeout=60,
            )

        threads = [threading.Thread(target=edit, args=(i,)) for i in instructions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(a.status_code == 202 for a in answers.values()), {
            i: a.text for i, a in answers.items()
        }
        numbers = sorted(a.json()["version"]["number"] for a in answers.values())
        assert numbers == [2, 3]
        for answer in answers.values():
            job = wait_final(server.url, headers, answer.json()["job"]["id"], 180)
            assert job["status"] == "COMPLETED", job
        versions = httpx.get(
            f"{server.url}/api/v1/projects/{project_id}/versions", headers=headers, timeout=30
        ).json()
        assert [v["number"] for v in versions] == [1, 2, 3] or [v["number"] for v in versions] == [
            3,
            2,
            1,
        ]
        by_number = {v["number"]: v for v in versions}
        assert {by_number[2]["instruction"], by_number[3]["instruction"]} == set(instructions)
        assert all(v["status"] == "ready" for v in versions), versions
    finally:
        server.stop()
