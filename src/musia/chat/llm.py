"""The chat's language models (GLM at Zhipu, MiniMax-M2), through the provider gateway.

Structured work (a plan from a sentence) goes to one provider, conversation (small talk) to
another; which is which is a setting. A model's plan is only a proposal: its JSON is merged onto
the local parser's plan and validated as a Plan (sections re-arranged for the new length), and
any error, timeout or invalid answer leaves the local plan standing."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from musia.core.plan import Plan
from musia.errors import MusiaError

if TYPE_CHECKING:
    import httpx

    from musia.providers import ModelSpec, Provider
    from musia.settings import ChatSettings

log = logging.getLogger("musia.chat")

# The plan fields a model may set; everything else (intent, seed, sounds…) stays local.
MODEL_FIELDS = ("style", "bpm", "tonic_pc", "mode", "time_signature", "bars", "mood", "parts")
# Vendors' JSON mode, as data (MiniMax-M2 has none documented: it is asked in words).
JSON_MODE: dict[str, dict[str, Any]] = {
    "zhipu": {"response_format": {"type": "json_object"}, "thinking": {"type": "disabled"}},
    "minimax": {},
}
PLAN_SYSTEM = (
    "You turn a music producer's request into a plan for a song. Answer with one JSON object "
    "only, with these keys: style (one of: {styles}), bpm (number), tonic_pc (0-11, C=0), "
    "mode (major or minor), time_signature (like 4/4), bars (1-1024), mood (one of: {moods} "
    "or null), parts (a list from: drums, bass, chords, pad, lead, fx). The current plan, to "
    "change only where the request asks, is: {current}"
)
TALK_SYSTEM = (
    "You are Musia, an assistant that makes Ableton Live projects from a sentence and changes "
    "them (tempo, key, parts, length). Answer briefly in the user's language ({language})."
)
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL)


@dataclass(frozen=True)
class Brain:
    """What the processor asks the models; None answers mean 'use the local way'."""

    settings: ChatSettings
    transport: httpx.BaseTransport | None = None

    def plan(self, text: str, local: Plan) -> Plan | None:
        from musia.core.prompt.reading import MOODS, STYLES

        current = json.dumps({k: local.model_dump(mode="json")[k] for k in MODEL_FIELDS})
        system = PLAN_SYSTEM.format(
            styles=", ".join(STYLES), moods=", ".join(MOODS), current=current
        )
        answer = self._ask(self.settings.structured_provider, system, text, json_mode=True)
        return None if answer is None else plan_from_model(answer, local)

    def talk(self, text: str, language: str) -> str | None:
        system = TALK_SYSTEM.format(language=language)
        answer = self._ask(self.settings.conversation_provider, system, text, json_mode=False)
        return answer.strip() or None if answer else None

    def _ask(self, provider_name: str, system: str, text: str, *, json_mode: bool) -> str | None:
        found = self._account(provider_name)
        if found is None:
            return None
        provider, model = found
        try:
            return _complete(self, provider, _with_system(model, system, json_mode), text)
        except MusiaError as exc:  # vendor error, timeout, refused answer: fall back
            log.warning(
                "chat model failed", extra={"provider": provider.name, "error": exc.message}
            )
            return None

    def _account(self, name: str) -> tuple[Provider, ModelSpec] | None:
        from musia.providers import preset

        chat = self.settings
        accounts = {
            "zhipu": (chat.glm_api_key, chat.glm_base_url, chat.glm_model),
            "minimax": (chat.minimax_api_key, chat.minimax_base_url, chat.minimax_model),
        }
        if name not in accounts or not accounts[name][0]:
            return None
        key, base_url, model_name = accounts[name]
        found = preset(name)
        model = next(m for m in found.models if m.type == "TEXT")
        return found.with_key(str(key), base_url=base_url), model.model_copy(
            update={"name": model_name}
        )


def available(settings: ChatSettings) -> bool:
    return bool(settings.glm_api_key or settings.minimax_api_key)


def _with_system(model: ModelSpec, system: str, json_mode: bool) -> ModelSpec:
    """The preset's body with a system message first (and the vendor's JSON mode)."""
    body = dict(model.request_schema)
    messages = [{"role": "system", "content": system}, *body.get("messages", [])]
    body["messages"] = messages
    body.pop("thinking", None)
    if json_mode:
        body.update(JSON_MODE.get(model.provider, {}))
    return model.model_copy(update={"request_schema": body})


def _complete(brain: Brain, provider: Provider, model: ModelSpec, text: str) -> str | None:
    from musia.providers import ProviderClient, RetryPolicy, Timeouts

    timeout_s = brain.settings.llm_timeout_s
    client = ProviderClient(
        transport=brain.transport,
        timeouts=Timeouts(connect_s=timeout_s, read_s=timeout_s, write_s=timeout_s),
        retry=RetryPolicy(max_attempts=1),
        job_timeout_s=timeout_s,
        allow_private_hosts=True,
    )
    params = {"model": model.name, "prompt": text}
    result = client.run_generation(provider, model, params)
    return result.text


def plan_from_model(answer: str, local: Plan) -> Plan | None:
    """The model's JSON on top of the local plan, or None when it is not a valid plan."""
    from musia.core.arrange import plan_sections
    from musia.core.styles import load_style

    data = _json_object(answer)
    if data is None:
        return None
    proposal = {k: data[k] for k in MODEL_FIELDS if k in data and data[k] is not None}
    merged = {**local.model_dump(mode="json"), **proposal}
    try:
        parts = tuple(merged["parts"])
        style = load_style(str(merged["style"]))
        merged["sections"] = [
            s.model_dump(mode="json") for s in plan_sections(style, int(merged["bars"]), parts)
        ]
        merged["sounds"] = {p: v for p, v in {**style.sounds, **local.sounds}.items() if p in parts}
        return Plan.model_validate(merged)
    except (ValidationError, MusiaError, KeyError, TypeError, ValueError) as exc:
        log.warning("chat model's plan refused", extra={"error": str(exc)[:300]})
        return None


def _json_object(answer: str) -> dict[str, Any] | None:
    text = _THINK.sub("", answer).strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        value = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
