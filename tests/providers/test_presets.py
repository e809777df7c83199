"""Every shipped preset, end to end against a fake of its vendor: create, poll (or the sync
answer), COMPLETED, and the result files downloaded from the fake into our storage."""

from __future__ import annotations

import json
from typing import Any

import pytest

from musia.errors import PresetInvalid
from musia.providers import (
    ModelSpec,
    ModelType,
    ProviderClient,
    Status,
    StatusEvent,
    download_results,
    load_presets,
    preset,
    store_content,
)
from musia.providers.registry import parse_preset
from tests.providers.conftest import FolderStore, provider_for
from tests.providers.fakes import DIALECTS, CallbackReceiver, FakeVendor

SHIPPED = [(p.provider.name, m.name) for p in load_presets() for m in p.models]
MEDIA = {
    ModelType.MUSIC: "audio/",
    ModelType.AUDIO: "audio/",
    ModelType.IMAGE: "image/",
    ModelType.VIDEO: "video/",
}


def test_the_presets_cover_what_issue_7_names() -> None:
    kie = {m.name for m in preset("kie").models}
    assert kie == {"suno", "veo3", "flux-kontext", "4o-image", "runway", "market"}
    assert {p.provider.name for p in load_presets()} == {"kie", "huggingface", "zhipu", "minimax"}
    assert {m.name for m in preset("minimax").models} == {"MiniMax-M2", "music"}
    for _, name in SHIPPED:
        assert name


def test_every_preset_has_a_fake_and_says_where_its_shape_came_from() -> None:
    assert set(DIALECTS) == set(SHIPPED)
    for found in load_presets():
        for model in found.models:
            assert model.source, f"{model.name} does not say where its shape came from"
            assert model.description


@pytest.mark.parametrize(("provider_name", "model_name"), SHIPPED)
def test_every_preset_runs_end_to_end(
    provider_name: str, model_name: str, client: ProviderClient, store: FolderStore
) -> None:
    model = preset(provider_name).model(model_name)
    events: list[StatusEvent] = []
    with FakeVendor(DIALECTS[(provider_name, model_name)](), processing_polls=2) as fake:
        provider = provider_for(fake, provider_name)
        result = client.run_generation(
            provider, model, {"prompt": "warm house groove"}, on_status=events.append
        )
        assert result.status is Status.COMPLETED
        stored = _collect(model, result, client, store)
    statuses = [event.status for event in events]
    assert statuses[0] is Status.PENDING and statuses[-1] is Status.COMPLETED
    _check_requests(model, fake)
    downloads = [r for r in fake.requests if r.path.startswith("/files/")]
    assert all("authorization" not in r.headers for r in downloads)
    if model.type is ModelType.TEXT:
        assert result.text and "says" in result.text
        return
    assert stored, "no result file was stored"
    for file in stored:
        assert file.content_type.startswith(MEDIA[model.type])
        assert file.size_bytes > 100


def _collect(
    model: ModelSpec, result: Any, client: ProviderClient, store: FolderStore
) -> list[Any]:
    if result.content is not None:
        return [store_content(result.content, store)]
    if model.type is ModelType.TEXT:
        return []
    assert result.result_urls and all(u.startswith("http://127.0.0.1") for u in result.result_urls)
    return download_results(result.result_urls, store, client=client)


def _check_requests(model: ModelSpec, fake: FakeVendor) -> None:
    create, *polls = fake.api_requests()
    assert create.method == model.method
    assert create.headers["authorization"] == f"Bearer {fake.api_key}"
    assert "{{" not in json.dumps(create.body)
    assert "callBackUrl" not in json.dumps(create.body)  # no callback URL was given
    if model.delivery == "poll":
        assert len(polls) == 3  # two unfinished answers, then the final one
        assert all(p.query["taskId"] == ["task-1"] for p in polls)
    else:
        assert polls == []


def test_the_create_body_is_in_the_vendors_shape(client: ProviderClient) -> None:
    with FakeVendor(DIALECTS[("kie", "suno")]()) as fake:
        client.run_generation(
            provider_for(fake, "kie"),
            preset("kie").model("suno"),
            {"prompt": "lofi rain", "model": "V5", "instrumental": False},
        )
    assert fake.requests[0].body == {
        "prompt": "lofi rain",
        "customMode": False,
        "instrumental": False,
        "model": "V5",
    }


def test_kie_suno_by_callback(client: ProviderClient, store: FolderStore) -> None:
    suno = preset("kie").model("suno")
    by_callback = ModelSpec.model_validate(suno.model_dump() | {"delivery": "callback"})
    with CallbackReceiver() as receiver, FakeVendor(DIALECTS[("kie", "suno")]()) as fake:
        provider = provider_for(fake, "kie")
        started = client.run_generation(
            provider, by_callback, {"prompt": "rain"}, context={"callback_url": receiver.url}
        )
        assert started.status is Status.PENDING and started.task_id == "task-1"
        assert fake.requests[0].body["callBackUrl"] == receiver.url
        assert receiver.arrived.wait(5), "the fake vendor never called back"
        result = client.read_callback(by_callback, receiver.bodies[0])
        files = download_results(result.result_urls, store, client=client)
    assert result.status is Status.COMPLETED and result.task_id == "task-1"
    assert len(files) == 2 and all(f.content_type == "audio/mpeg" for f in files)
    assert [r.path for r in fake.api_requests()] == ["/api/v1/generate"]  # nothing polled


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a preset is an object"),
        ({"provider": {"name": "x", "base_url": "ftp://x"}, "models": []}, "provider"),
        ({"provider": {"name": "x", "base_url": "https://x"}, "models": [1]}, "not an object"),
        (
            {
                "provider": {"name": "x", "base_url": "https://x"},
                "models": [{"name": "m", "type": "SOUND", "endpoint": "/g", "delivery": "sync"}],
            },
            "type",
        ),
        (
            {
                "provider": {"name": "x", "base_url": "https://x"},
                "models": [{"name": "m", "type": "MUSIC", "endpoint": "/g", "delivery": "poll"}],
            },
            "poll",
        ),
        (
            {
                "provider": {"name": "x", "base_url": "https://x"},
                "models": [
                    {
                        "name": "m",
                        "type": "MUSIC",
                        "endpoint": "/g",
                        "delivery": "sync",
                        "create": {"text_path": "choices[x]"},
                    }
                ],
            },
            "bad path",
        ),
        (
            {
                "provider": {"name": "x", "base_url": "https://x", "auth": {"scheme": "header"}},
                "models": [],
            },
            "provider",
        ),
    ],
)
def test_broken_presets_are_refused_with_a_reason(data: Any, message: str) -> None:
    with pytest.raises(PresetInvalid, match=message):
        parse_preset(data, origin="broken.json")


def test_unknown_preset_and_model_names_are_refused() -> None:
    with pytest.raises(PresetInvalid, match="no preset named"):
        preset("openai")
    with pytest.raises(PresetInvalid, match="has no model"):
        preset("kie").model("midjourney")
