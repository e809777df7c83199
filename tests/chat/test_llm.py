"""The chat's models over real HTTP (a fake GLM / MiniMax on 127.0.0.1): a good JSON plan is
used, broken JSON, a slow answer and a 500 fall back to the local parser's plan; small talk goes
to the conversation model; the selection rule is a setting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from musia.chat.llm import Brain, plan_from_model
from musia.core.plan_builder import plan_from_text
from musia.runtime import open_runtime
from musia.server.app import create_app
from musia.settings import ChatSettings
from tests.chat.fake_llm import Behaviour, fake_llm
from tests.server.conftest import make_settings, register

PROMPT = "dark techno 132 bpm in F minor, 16 bars"
MODEL_PLAN = {"style": "techno", "bpm": 133, "tonic_pc": 5, "mode": "minor", "bars": 32}


@pytest.fixture
def vendor() -> Iterator[tuple[str, Behaviour]]:
    with fake_llm() as running:
        yield running


def _brain(base_url: str, **extra: object) -> Brain:
    settings = ChatSettings(
        glm_api_key="glm-key",
        glm_base_url=base_url + "/api/paas/v4",
        minimax_api_key="mm-key",
        minimax_base_url=base_url,
        llm_timeout_s=0.5,
        **extra,  # type: ignore[arg-type]
    )
    return Brain(settings)


def test_a_good_answer_is_the_plan(vendor: tuple[str, Behaviour]) -> None:
    base_url, behaviour = vendor
    behaviour.content = "<think>the user wants techno</think>" + json.dumps(MODEL_PLAN)
    local = plan_from_text(PROMPT)
    plan = _brain(base_url).plan(PROMPT, local)
    assert plan is not None
    assert (plan.style, plan.bpm, plan.tonic_pc, plan.mode, plan.bars) == (
        "techno",
        133,
        5,
        "minor",
        32,
    )
    assert sum(s.bars for s in plan.sections) == 32  # re-arranged for the new length
    assert plan.seed == local.seed and plan.intent == local.intent
    sent = behaviour.requests[-1]
    assert sent["path"].endswith("/chat/completions") and sent["auth"] == "Bearer glm-key"
    assert sent["body"]["model"] == "glm-4.6"
    assert sent["body"]["response_format"] == {"type": "json_object"}
    assert sent["body"]["messages"][0]["role"] == "system"
    assert sent["body"]["messages"][-1]["content"] == PROMPT


@pytest.mark.parametrize("mode", ["broken", "slow", "500"])
def test_failures_fall_back_to_the_local_plan(vendor: tuple[str, Behaviour], mode: str) -> None:
    base_url, behaviour = vendor
    behaviour.mode, behaviour.content = mode, json.dumps(MODEL_PLAN)
    assert _brain(base_url).plan(PROMPT, plan_from_text(PROMPT)) is None
    assert behaviour.requests  # it was asked


@pytest.mark.parametrize(
    "answer",
    [
        json.dumps({"style": "polka", "bpm": 120}),  # not a style we know
        json.dumps({"bpm": 5000}),  # out of range
        json.dumps({"parts": ["kazoo"]}),
        json.dumps([1, 2, 3]),
        "",
    ],
)
def test_invalid_plans_are_refused(answer: str) -> None:
    assert plan_from_model(answer, plan_from_text(PROMPT)) is None


def test_the_selection_rule_is_a_setting(vendor: tuple[str, Behaviour]) -> None:
    base_url, behaviour = vendor
    behaviour.content = json.dumps(MODEL_PLAN)
    brain = _brain(base_url, structured_provider="minimax", conversation_provider="zhipu")
    assert brain.plan(PROMPT, plan_from_text(PROMPT)) is not None
    assert behaviour.requests[-1]["path"] == "/v1/text/chatcompletion_v2"
    assert behaviour.requests[-1]["body"]["model"] == "MiniMax-M2"
    behaviour.content = "Hola, soy Musia."
    assert brain.talk("hola, ¿qué tal?", "es") == "Hola, soy Musia."
    assert behaviour.requests[-1]["path"].endswith("/api/paas/v4/chat/completions")


def test_the_chat_uses_the_models_and_falls_back(
    tmp_path: Path, vendor: tuple[str, Behaviour]
) -> None:
    base_url, behaviour = vendor
    chat = ChatSettings(
        glm_api_key="k",
        glm_base_url=base_url + "/api/paas/v4",
        minimax_api_key="m",
        minimax_base_url=base_url,
        llm_timeout_s=0.5,
    )
    runtime = open_runtime(
        make_settings(tmp_path / "d", _sqlite(tmp_path), chat=chat), migrate=False
    )
    with TestClient(create_app(runtime=runtime)) as client:
        alice = register(client, "alice")

        def say(text: str) -> dict:  # type: ignore[type-arg]
            answer = client.post("/api/v1/chat/message", json={"message": text}, headers=alice)
            assert answer.status_code == 200, answer.text
            return dict(answer.json())

        behaviour.content = json.dumps(MODEL_PLAN)
        assert say(PROMPT)["plan"]["bpm"] == 133
        behaviour.mode = "500"
        assert say(PROMPT)["plan"]["bpm"] == 132
        behaviour.mode, behaviour.content = "good", "Hi! I make Live sets."
        assert say("hello, how are you?")["reply"]["content"] == "Hi! I make Live sets."
        assert behaviour.requests[-1]["path"] == "/v1/text/chatcompletion_v2"
    runtime.close()


def _sqlite(folder: Path) -> str:
    from musia.db.engine import make_engine
    from musia.db.migrate import upgrade

    url = f"sqlite:///{folder / 'musia.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url
