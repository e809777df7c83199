"""The service's sample library fills itself: an upload is analysed in a job by the function
`musia samples index` runs, and the service answers a query as `musia samples search` does.

The files are the starter pack's own: a kick, a snare, a closed hat and the chord loop (i-iv-v-i
in A minor at 120 BPM, whose name states both), so what the analysis must find is known."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from musia.audio.io import write_audio
from musia.audio.sample_search import SampleQuery
from musia.audio.sample_starter import CHORD_LOOP_NAME, starter_sounds
from musia.audio.sample_synth import SAMPLE_RATE
from musia.audio.samples import SampleIndex
from musia.db.models import Sample
from musia.runtime import Runtime
from tests.server.conftest import Headers, wait_for_job

PICKED = ("Kicks/Musia Kick 01.wav", "Snares/Musia Snare 01.wav", "Hats/Musia Closed Hat 01.wav",
          CHORD_LOOP_NAME)  # fmt: skip


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The picked files side by side in one folder: an upload has a name but no folder, so the
    CLI indexes them without the pack's folders ("Kicks/") too."""
    folder = tmp_path_factory.mktemp("pack")
    sounds = starter_sounds()
    for relative in PICKED:
        write_audio(folder / Path(relative).name, sounds[relative][1][:, None], SAMPLE_RATE)
    return folder


def _upload(client: TestClient, headers: Headers, path: Path, **form: str) -> dict[str, Any]:
    files = {"file": (path.name, path.read_bytes(), "audio/wav")}
    answer = client.post("/api/v1/samples/upload", files=files, data=form, headers=headers)
    assert answer.status_code == 201, answer.text
    sample = answer.json()
    assert sample["data"]["status"] == "pending" and sample["job_id"]
    job = wait_for_job(client, headers, sample["job_id"])
    assert job["status"] == "COMPLETED", job
    return dict(client.get(f"/api/v1/samples?q={path.stem}", headers=headers).json()["items"][0])


def _found(client: TestClient, headers: Headers, **query: str) -> list[str]:
    answer = client.get("/api/v1/samples", params=query | {"page_size": "100"}, headers=headers)
    assert answer.status_code == 200, answer.text
    return [item["name"] for item in answer.json()["items"]]


def test_uploads_are_analysed_and_found_as_the_cli_finds_them(
    client: TestClient, alice: Headers, pack: Path, tmp_path: Path
) -> None:
    uploaded = {relative: _upload(client, alice, pack / Path(relative).name) for relative in PICKED}
    kick = uploaded[PICKED[0]]
    assert (kick["type"], kick["bpm"], kick["key"]) == ("kick", None, None)
    assert kick["data"]["analysis"]["kind"] == "one-shot"
    assert kick["data"]["filled"] == ["type"]
    assert 0 < kick["duration_s"] < 2
    peaks = kick["data"]["peaks"]
    assert len(peaks) == 48 and max(peaks[:6]) > 4 * max(peaks[-6:])  # a hit that dies away
    loop = uploaded[CHORD_LOOP_NAME]
    assert (loop["type"], loop["bpm"], loop["key"]) == ("loop", 120.0, "A minor")

    with SampleIndex(tmp_path / "index.sqlite") as index:
        index.update(pack)
        queries = [
            {"type": "kick"}, {"type": "kicks"}, {"type": "loop"}, {"type": "one-shot"},
            {"key": "Am"}, {"key": "A minor"}, {"key": "la menor"}, {"key": "ля мінор"},
            {"key": "A-moll"}, {"key": "A"}, {"key": "C major"},
            {"bpm_min": "118", "bpm_max": "122"}, {"bpm_min": "125"}, {"q": "musia"},
            {"q": "dark"}, {"type": "hat", "q": "closed"},
        ]  # fmt: skip
        for query in queries:
            cli = index.search(_cli_query(query))
            assert _found(client, alice, **query) == [r["name"] for r in cli], query
    assert _found(client, alice, key="la menor") == [Path(CHORD_LOOP_NAME).name]
    assert _found(client, alice, type="kick") == ["Musia Kick 01.wav"]


def _cli_query(query: dict[str, str]) -> SampleQuery:
    low, high = query.get("bpm_min"), query.get("bpm_max")
    return SampleQuery.parse(
        type_text=query.get("type"), key_text=query.get("key"), text=query.get("q"),
        bpm_min=float(low) if low else None, bpm_max=float(high) if high else None,
    )  # fmt: skip


def test_what_the_producer_states_wins_and_is_read_in_any_spelling(
    client: TestClient, alice: Headers, pack: Path
) -> None:
    stated = _upload(
        client,
        alice,
        pack / Path(PICKED[1]).name,
        type="claps",
        key="fa-диез минор",
        bpm="100",
        style="House",
    )
    assert (stated["type"], stated["key"], stated["bpm"]) == ("clap", "F# minor", 100.0)
    assert stated["data"]["filled"] == []
    assert stated["data"]["analysis"]["class_name"] == "snare"  # kept, for what it is worth
    assert _found(client, alice, key="F#m", style="house") == ["Musia Snare 01.wav"]
    assert _found(client, alice, type="snare") == []


@pytest.mark.parametrize(
    ("field", "query"),
    [("key", {"key": "H minor"}), ("type", {"type": "trumpet"}),
     ("bpm", {"bpm_min": "130", "bpm_max": "120"})],
)  # fmt: skip
def test_a_query_that_cannot_be_read_is_a_typed_422(
    client: TestClient, alice: Headers, field: str, query: dict[str, str]
) -> None:
    answer = client.get("/api/v1/samples", params=query, headers=alice)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "invalid_input" and answer.json()["field"] == field


def test_an_unreadable_stated_key_or_type_refuses_the_upload(
    client: TestClient, alice: Headers, pack: Path
) -> None:
    path = pack / Path(PICKED[0]).name
    for form, field in (({"key": "Z major"}, "key"), ({"type": "banjo"}, "type")):
        files = {"file": (path.name, path.read_bytes(), "audio/wav")}
        answer = client.post("/api/v1/samples/upload", files=files, data=form, headers=alice)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"] == "invalid_input" and answer.json()["field"] == field
    assert client.get("/api/v1/samples", headers=alice).json()["total"] == 0


@pytest.mark.slow
def test_the_starter_pack_is_added_once_analysed(client: TestClient, alice: Headers) -> None:
    started = client.post("/api/v1/samples/starter", headers=alice)
    assert started.status_code == 202, started.text
    job = wait_for_job(client, alice, started.json()["job"]["id"], timeout_s=600)
    assert job["status"] == "COMPLETED", job
    assert job["result"]["added"] == len(starter_sounds()) == 36
    kicks = sorted(_found(client, alice, type="kick"))
    assert kicks == [f"Musia Kick {n:02d}.wav" for n in range(1, 5)]
    assert _found(client, alice, key="la menor") == [Path(CHORD_LOOP_NAME).name]
    again = client.post("/api/v1/samples/starter", headers=alice).json()["job"]["id"]
    assert wait_for_job(client, alice, again)["result"] == {
        "added": 0,
        "kept": 36,
        "sample_ids": [],
    }
    assert client.get("/api/v1/samples", headers=alice).json()["total"] == 36


def test_a_sample_stored_before_uploads_were_analysed_is_analysed_on_request(
    client: TestClient, alice: Headers, bob: Headers, runtime: Runtime, pack: Path
) -> None:
    hat = _upload(client, alice, pack / Path(PICKED[2]).name)
    with runtime.sessions() as session, session.begin():  # as a row of an older Musia
        row = session.get(Sample, hat["id"])
        assert row is not None
        row.type, row.duration_s, row.data = None, None, None
    assert _found(client, alice, type="hat") == []
    assert client.post(f"/api/v1/samples/{hat['id']}/analyze", headers=bob).status_code == 404
    started = client.post(f"/api/v1/samples/{hat['id']}/analyze", headers=alice)
    assert started.status_code == 202, started.text
    assert wait_for_job(client, alice, started.json()["job"]["id"])["status"] == "COMPLETED"
    again = client.get(f"/api/v1/samples/{hat['id']}", headers=alice).json()
    assert (again["type"], again["data"]["status"]) == ("hat", "analysed")
    assert _found(client, alice, type="hat") == [hat["name"]]
