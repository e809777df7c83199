"""Filling request templates: types are kept, absent optional values vanish, and every bad
parameter is refused with a field error before any request leaves."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from musia.errors import InvalidInput, PresetInvalid, ProviderRequestInvalid
from musia.providers import ProviderClient, preset
from musia.providers.spec import ModelSpec, load_model
from musia.providers.templating import build_request, render, resolve_values
from tests.providers.conftest import provider_for
from tests.providers.fakes import FakeVendor, KieSuno

FIELDS: list[dict[str, Any]] = [
    {"name": "prompt", "kind": "text", "required": True, "max_length": 50},
    {"name": "duration", "kind": "number", "min": 1, "max": 30, "default": 8},
    {"name": "steps", "kind": "number", "integer": True, "min": 1, "max": 50},
    {"name": "instrumental", "kind": "bool", "default": True},
    {"name": "image_url", "kind": "text"},
    {"name": "images", "kind": "list", "max_items": 2},
    {"name": "ratio", "kind": "select", "options": ["16:9", "9:16"], "default": "16:9"},
    {"name": "variants", "kind": "select", "options": [1, 2, 4]},
    {"name": "thinking", "kind": "select", "options": ["enabled", "disabled"]},
]

TEMPLATE = {
    "prompt": "{{prompt}}",
    "title": "Song about {{prompt}} ({{duration}} s, instrumental={{instrumental}})",
    "duration": "{{duration}}",
    "steps": "{{steps}}",
    "instrumental": "{{instrumental}}",
    "imageUrls": ["{{image_url}}"],
    "images": "{{images}}",
    "mixed": ["fixed", "{{image_url}}"],
    "ratio": "{{ratio}}",
    "n": "{{variants}}",
    "thinking": {"type": "{{thinking}}"},
    "callBackUrl": "{{callback_url}}",
    "stream": False,
    "count": 3,
}


def model(template: Any = None, fields: list[dict[str, Any]] | None = None) -> ModelSpec:
    return load_model(
        {
            "provider": "test",
            "name": "m",
            "type": "MUSIC",
            "endpoint": "/generate",
            "delivery": "sync",
            "request_schema": TEMPLATE if template is None else template,
            "parameters_schema": FIELDS if fields is None else fields,
            "create": {"result_url_paths": ["url"]},
        }
    )


def body(params: dict[str, Any], context: dict[str, str] | None = None) -> Any:
    return build_request(model(), params, context)[1]


def test_lone_slots_keep_their_types() -> None:
    sent = body(
        {
            "prompt": "rain",
            "duration": 12.5,
            "steps": 20,
            "instrumental": False,
            "image_url": "https://x/cat.png",
            "images": ["a", "b"],
            "variants": 2,
            "thinking": "enabled",
        },
        {"callback_url": "https://musia/cb"},
    )
    assert sent["duration"] == 12.5 and isinstance(sent["duration"], float)
    assert sent["steps"] == 20 and isinstance(sent["steps"], int)
    assert sent["instrumental"] is False
    assert sent["imageUrls"] == ["https://x/cat.png"]
    assert sent["images"] == ["a", "b"]
    assert sent["n"] == 2
    assert sent["thinking"] == {"type": "enabled"}
    assert sent["callBackUrl"] == "https://musia/cb"
    assert sent["stream"] is False and sent["count"] == 3


def test_slots_inside_text_are_interpolated() -> None:
    sent = body({"prompt": "rain", "duration": 12, "instrumental": False})
    assert sent["title"] == "Song about rain (12 s, instrumental=false)"


def test_defaults_fill_in_and_absent_optionals_vanish() -> None:
    sent = body({"prompt": "rain"})
    assert sent["duration"] == 8
    assert sent["instrumental"] is True
    assert sent["ratio"] == "16:9"
    # No value, no default: the key, the array element, and the container emptied by it go.
    for key in ("steps", "imageUrls", "images", "n", "thinking", "callBackUrl"):
        assert key not in sent
    assert sent["mixed"] == ["fixed"]
    assert "{{" not in str(sent)


def test_explicit_none_counts_as_absent() -> None:
    assert "steps" not in body({"prompt": "rain", "steps": None})


def test_an_empty_template_stays_an_object() -> None:
    assert render({}, {}) == {}
    assert render({"a": "{{x}}"}, {}) == {}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"prompt": "rain", "tempo": 120}, "tempo", "is not a parameter"),
        ({}, "prompt", "is required"),
        ({"prompt": "x" * 51}, "prompt", "at most 50 characters"),
        ({"prompt": 5}, "prompt", "must be text"),
        ({"prompt": "rain", "duration": "8"}, "duration", "must be a number"),
        ({"prompt": "rain", "duration": True}, "duration", "must be a number"),
        ({"prompt": "rain", "duration": 31}, "duration", "at most 30"),
        ({"prompt": "rain", "duration": 0.5}, "duration", "at least 1"),
        ({"prompt": "rain", "duration": float("nan")}, "duration", "finite"),
        ({"prompt": "rain", "steps": 2.5}, "steps", "whole number"),
        ({"prompt": "rain", "instrumental": 1}, "instrumental", "true or false"),
        ({"prompt": "rain", "instrumental": "yes"}, "instrumental", "true or false"),
        ({"prompt": "rain", "ratio": "4:3"}, "ratio", "one of 16:9, 9:16"),
        ({"prompt": "rain", "variants": "2"}, "variants", "one of 1, 2, 4"),
        ({"prompt": "rain", "variants": True}, "variants", "one of"),
        ({"prompt": "rain", "images": "a"}, "images", "list of text"),
        ({"prompt": "rain", "images": ["a", "b", "c"]}, "images", "at most 2 items"),
        ({"prompt": "rain", "images": [1]}, "images", "list of text"),
    ],
)
def test_out_of_schema_parameters_are_refused(
    params: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ProviderRequestInvalid) as caught:
        body(params)
    assert isinstance(caught.value, InvalidInput)
    errors = caught.value.errors
    assert any(e["field"] == field and message in e["message"] for e in errors), errors


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ProviderRequestInvalid) as caught:
        body({"duration": 99, "ratio": "1:1", "nope": 1})
    fields = {e["field"] for e in caught.value.errors}
    assert fields == {"prompt", "duration", "ratio", "nope"}
    answer = caught.value.to_dict()
    assert answer["error"] == "provider_request_invalid"
    assert len(answer["errors"]) == 4


def test_templates_with_undeclared_variables_are_refused_when_loaded() -> None:
    with pytest.raises(PresetInvalid, match="undeclared variables: tempo"):
        model(template={"prompt": "{{prompt}}", "bpm": "{{tempo}}"})


def test_bad_defaults_and_fields_are_refused_when_loaded() -> None:
    with pytest.raises(PresetInvalid, match="default"):
        model(
            fields=[{"name": "prompt", "kind": "select", "options": ["a"], "default": "b"}],
            template={"p": "{{prompt}}"},
        )
    with pytest.raises(PresetInvalid, match="needs options"):
        model(fields=[{"name": "prompt", "kind": "select"}], template={"p": "{{prompt}}"})
    with pytest.raises(PresetInvalid):
        model(fields=[{"name": "bad name", "kind": "text"}], template={})


def test_endpoint_values_cannot_climb_the_url() -> None:
    hf = preset("huggingface").model("text-to-audio")
    assert build_request(hf, {"prompt": "p", "model_id": "facebook/musicgen-small"})[0] == (
        "/models/facebook/musicgen-small"
    )
    for bad in ("../../admin", "a b", "x?y=1", "a/../b"):
        with pytest.raises(ProviderRequestInvalid) as caught:
            build_request(hf, {"prompt": "p", "model_id": bad})
        assert caught.value.errors[0]["field"] == "model_id"


def test_resolve_values_adds_the_gateway_context() -> None:
    values = resolve_values(model(), {"prompt": "rain"}, {"callback_url": "https://cb"})
    assert values["callback_url"] == "https://cb"


def test_refusals_happen_before_any_request(client: ProviderClient) -> None:
    suno = preset("kie").model("suno")
    with FakeVendor(KieSuno()) as fake:
        provider = provider_for(fake, "kie")
        for params in ({}, {"prompt": "rain", "model": "V9"}, {"prompt": "rain", "bpm": 120}):
            with pytest.raises(ProviderRequestInvalid):
                client.run_generation(provider, suno, params)
        # A model built without validation, whose template names a variable nobody declared.
        unchecked = ModelSpec.model_construct(
            **(suno.__dict__ | {"request_schema": {"prompt": "{{prompt}}", "x": "{{secret_var}}"}})
        )
        with pytest.raises(ProviderRequestInvalid, match="secret_var"):
            client.run_generation(provider, unchecked, {"prompt": "rain"})
    assert fake.requests == []


_JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text().filter(lambda text: "{{" not in text)
)
_JSON = st.recursive(
    _JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_JSON)
def test_a_template_without_slots_is_sent_as_written(template: Any) -> None:
    assert render(template, {"x": 1}) == template


@given(st.integers(min_value=1, max_value=30) | st.floats(min_value=1, max_value=30))
def test_any_number_in_bounds_is_sent_as_that_number(duration: float) -> None:
    sent = body({"prompt": "rain", "duration": duration})
    assert sent["duration"] == duration and type(sent["duration"]) is type(duration)


@given(st.text(max_size=50).filter(str.strip))
def test_any_text_is_sent_verbatim(prompt: str) -> None:
    assert body({"prompt": prompt})["prompt"] == prompt
