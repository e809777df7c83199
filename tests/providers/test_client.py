"""How the gateway behaves when vendors misbehave: retries with backoff on 5xx, timeouts and
dropped connections; Retry-After on 429; FAILED with the vendor's message on 401/402/422 and
on failed tasks; the whole-job deadline; and API keys masked in every log line."""

from __future__ import annotations

import logging

import httpx
import pytest

from musia.errors import (
    ProviderAnswerInvalid,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from musia.providers import Auth, ProviderClient, RetryPolicy, Status, StatusEvent, preset
from musia.providers.http import mask, retry_after_s
from musia.providers.spec import ModelSpec, Poll
from tests.providers.conftest import FakeClock, make_client, provider_for
from tests.providers.fakes import DIALECTS, FakeVendor, Kie4o, KieRunway, KieSuno, KieVeo

PROMPT = {"prompt": "dark techno"}


def test_server_errors_are_retried_with_exponential_backoff_and_jitter(
    clock: FakeClock, client: ProviderClient
) -> None:
    with FakeVendor(KieSuno(), disruptions=[500, 503, 502]) as fake:
        result = client.run_generation(
            provider_for(fake, "kie"), preset("kie").model("suno"), PROMPT
        )
    assert result.status is Status.COMPLETED
    creates = [r for r in fake.requests if r.path == "/api/v1/generate"]
    assert len(creates) == 4  # three failures, then the task
    backoff, poll_wait = clock.sleeps[:3], clock.sleeps[3]
    for number, delay in enumerate(backoff):
        plain = 2.0**number  # 1 s, 2 s, 4 s
        assert plain <= delay <= plain * 1.25
    assert backoff[0] < backoff[1] < backoff[2]
    assert poll_wait == 10.0  # the preset's poll interval


@pytest.mark.parametrize("disruption", ["hang", "drop"])
def test_timeouts_and_dropped_connections_are_retried(
    disruption: str, client: ProviderClient
) -> None:
    with FakeVendor(KieVeo(), disruptions=[disruption], hang_s=1.5) as fake:
        result = client.run_generation(
            provider_for(fake, "kie"), preset("kie").model("veo3"), PROMPT
        )
    assert result.status is Status.COMPLETED
    assert [r.path for r in fake.requests].count("/api/v1/veo/generate") == 2


def test_a_429_waits_as_long_as_retry_after_says(clock: FakeClock, client: ProviderClient) -> None:
    with FakeVendor(KieRunway(), disruptions=[429, 429], retry_after="7") as fake:
        result = client.run_generation(
            provider_for(fake, "kie"), preset("kie").model("runway"), PROMPT
        )
    assert result.status is Status.COMPLETED
    assert clock.sleeps[:2] == [7.0, 7.0]


def test_retry_after_as_an_http_date_and_garbage() -> None:
    dated = httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT"})
    assert retry_after_s(dated, now=lambda: 1445412480.0) == pytest.approx(30.0)
    assert retry_after_s(httpx.Response(429, headers={"Retry-After": "soon"})) is None
    assert retry_after_s(httpx.Response(429)) is None


def test_retries_are_bounded(clock: FakeClock) -> None:
    client = make_client(clock, retry=RetryPolicy(max_attempts=3))
    events: list[StatusEvent] = []
    with (
        FakeVendor(KieSuno(), disruptions=[500] * 10) as fake,
        pytest.raises(ProviderUnavailable, match="gave up after 3 attempts") as caught,
    ):
        client.run_generation(
            provider_for(fake, "kie"),
            preset("kie").model("suno"),
            PROMPT,
            on_status=events.append,
        )
    assert len(fake.requests) == 3
    assert caught.value.http_status == 500
    assert events[-1].status is Status.FAILED


# The vendors say "no" differently: Kie in a 200 body's `code`, MiniMax in base_resp,
# Zhipu and Hugging Face with the HTTP status.
REFUSALS = [
    ("kie", "suno"),
    ("minimax", "music"),
    ("zhipu", "glm-4.6"),
    ("huggingface", "text-to-audio"),
]


@pytest.mark.parametrize(
    ("status", "message"),
    [(401, "Invalid API key"), (402, "Credits insufficient"), (422, "prompt is too long")],
)
@pytest.mark.parametrize(("provider_name", "model_name"), REFUSALS)
def test_refusals_fail_at_once_with_the_vendors_message(
    provider_name: str, model_name: str, status: int, message: str, client: ProviderClient
) -> None:
    events: list[StatusEvent] = []
    dialect = DIALECTS[(provider_name, model_name)]()
    with (
        FakeVendor(dialect, reject=(status, message)) as fake,
        pytest.raises(ProviderRejected) as caught,
    ):
        client.run_generation(
            provider_for(fake, provider_name),
            preset(provider_name).model(model_name),
            PROMPT,
            on_status=events.append,
        )
    assert caught.value.http_status == status
    assert message in caught.value.message
    assert len(fake.requests) == 1  # a refusal is not retried
    assert events[-1].status is Status.FAILED and message in events[-1].message


def test_a_wrong_key_is_refused(client: ProviderClient) -> None:
    with FakeVendor(KieSuno(), api_key="the-real-key") as fake:
        provider = preset("kie").with_key("a-wrong-key", base_url=fake.url)
        with pytest.raises(ProviderRejected, match="access permissions") as caught:
            client.run_generation(provider, preset("kie").model("suno"), PROMPT)
    assert caught.value.http_status == 401


def test_a_failed_task_ends_failed_with_the_vendors_message(client: ProviderClient) -> None:
    events: list[StatusEvent] = []
    with FakeVendor(KieSuno(), processing_polls=1, fail_task="Sensitive words detected") as fake:
        result = client.run_generation(
            provider_for(fake, "kie"), preset("kie").model("suno"), PROMPT, on_status=events.append
        )
    assert result.status is Status.FAILED
    assert result.error == "Sensitive words detected"
    assert result.result_urls == []
    assert events[-1] == StatusEvent(Status.FAILED, None, "Sensitive words detected", "task-1")


def test_a_slow_task_reports_every_status_change_and_progress(client: ProviderClient) -> None:
    events: list[StatusEvent] = []
    with FakeVendor(Kie4o(), processing_polls=5) as fake:
        result = client.run_generation(
            provider_for(fake, "kie"),
            preset("kie").model("4o-image"),
            PROMPT,
            on_status=events.append,
        )
    assert result.status is Status.COMPLETED
    assert len([r for r in fake.requests if r.path.endswith("record-info")]) == 6
    progress = [e.progress for e in events if e.status is Status.PROCESSING]
    assert progress == [0.25, 0.5, 0.75, 0.9]  # the vendor said 0.90 twice: reported once
    assert [e.status for e in events][:2] == [Status.PENDING, Status.PENDING]
    assert events[1].task_id == "task-1"
    assert events[-1].status is Status.COMPLETED and events[-1].progress == 1.0


def test_suno_statuses_map_to_ours(client: ProviderClient) -> None:
    events: list[StatusEvent] = []
    with FakeVendor(KieSuno(), processing_polls=3) as fake:
        client.run_generation(
            provider_for(fake, "kie"), preset("kie").model("suno"), PROMPT, on_status=events.append
        )
    # PENDING (created), PENDING (task id), vendor PENDING, TEXT_SUCCESS, FIRST_SUCCESS, SUCCESS.
    assert [e.status for e in events] == [
        Status.PENDING,
        Status.PENDING,
        Status.PROCESSING,
        Status.COMPLETED,
    ]


def test_the_whole_job_has_a_deadline(clock: FakeClock) -> None:
    client = make_client(clock, job_timeout_s=60.0)
    start = clock.now
    with (
        FakeVendor(KieVeo(), processing_polls=10_000) as fake,
        pytest.raises(ProviderTimeout, match="ran out of time"),
    ):
        client.run_generation(provider_for(fake, "kie"), preset("kie").model("veo3"), PROMPT)
    polls = [r for r in fake.requests if r.path.endswith("record-info")]
    assert len(polls) == 4  # every 15 s within 60 s
    assert clock.now - start <= 60.0


def test_backoff_never_sleeps_past_the_deadline(clock: FakeClock) -> None:
    client = make_client(clock, job_timeout_s=5.0, retry=RetryPolicy(max_attempts=10))
    with (
        FakeVendor(KieSuno(), disruptions=[429] * 10, retry_after="30") as fake,
        pytest.raises(ProviderTimeout),
    ):
        client.run_generation(provider_for(fake, "kie"), preset("kie").model("suno"), PROMPT)
    assert clock.sleeps == [] and len(fake.requests) == 1


SECRET = "sk-live-0123456789abcdef"


@pytest.mark.parametrize(
    ("auth", "fake_auth"),
    [
        (Auth(scheme="bearer"), ("bearer", None)),
        (Auth(scheme="header", name="X-Api-Key"), ("header", "X-Api-Key")),
        (Auth(scheme="query", name="key"), ("query", "key")),
    ],
)
def test_the_api_key_never_reaches_the_logs(
    auth: Auth,
    fake_auth: tuple[str, str | None],
    client: ProviderClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeVendor(KieSuno(), api_key=SECRET, auth=fake_auth, disruptions=[500, 429]) as fake:
        provider = (
            preset("kie").with_key(SECRET, base_url=fake.url).model_copy(update={"auth": auth})
        )
        result = client.run_generation(
            provider, preset("kie").model("suno"), {"prompt": f"a song about {SECRET}"}
        )
    assert result.status is Status.COMPLETED
    assert SECRET not in caplog.text
    assert "a song about ***" in caplog.text  # the body sent is logged, masked
    assert "POST" in caplog.text and "retry 1" in caplog.text


def test_the_key_is_masked_in_errors_too(client: ProviderClient) -> None:
    with FakeVendor(
        KieSuno(), api_key=SECRET, auth=("query", "key"), disruptions=[500] * 5
    ) as fake:
        provider = (
            preset("kie")
            .with_key(SECRET, base_url=fake.url)
            .model_copy(update={"auth": Auth(scheme="query", name="key")})
        )
        with pytest.raises(ProviderUnavailable) as caught:
            client.run_generation(provider, preset("kie").model("suno"), PROMPT)
    assert SECRET not in str(caught.value)


def test_a_provider_never_shows_its_key() -> None:
    provider = preset("kie").with_key(SECRET)
    assert SECRET not in repr(provider) and SECRET not in str(provider)
    assert SECRET not in provider.model_dump_json()
    assert SECRET not in str(provider.model_dump())
    assert provider.secrets() == [SECRET]


def test_mask_hides_raw_and_url_quoted_secrets() -> None:
    assert mask("k=a/b+c&x=a%2Fb%2Bc", ["a/b+c"]) == "k=***&x=***"
    assert mask("short", ["ab"]) == "short"  # too short to mask without eating words


def test_a_job_resumes_polling_the_task_it_created(client: ProviderClient) -> None:
    suno = preset("kie").model("suno")
    events: list[StatusEvent] = []
    with FakeVendor(KieSuno(), processing_polls=2) as fake:
        provider = provider_for(fake, "kie")
        first = client.run_generation(provider, suno, PROMPT, on_status=events.append)
        # A new worker picks the job up with the task id the first one reported.
        task_id = next(e.task_id for e in events if e.task_id)
        again = client.poll_task(provider, suno, task_id, PROMPT)
        with pytest.raises(ProviderAnswerInvalid, match="unusable task id"):
            client.poll_task(provider, suno.model_copy(update={"poll": _path_poll(suno)}), "../x")
    assert first.status is again.status is Status.COMPLETED
    assert again.result_urls == first.result_urls
    assert [r.path for r in fake.requests].count("/api/v1/generate") == 1  # created once


def _path_poll(model: ModelSpec) -> Poll:
    assert model.poll is not None
    return model.poll.model_copy(update={"endpoint": "/api/v1/tasks/{{task_id}}"})


@pytest.mark.parametrize(
    ("provider_name", "model_name", "codes"),
    [
        ("kie", "flux-kontext", ["body:455", "body:500", "body:429"]),  # maintenance, server, rate
        ("minimax", "music", ["body:429", "body:500"]),  # base_resp 1002, 1013
    ],
)
def test_error_codes_inside_200_answers_are_retried(
    provider_name: str, model_name: str, codes: list[str], clock: FakeClock, client: ProviderClient
) -> None:
    with FakeVendor(DIALECTS[(provider_name, model_name)](), disruptions=list(codes)) as fake:
        result = client.run_generation(
            provider_for(fake, provider_name), preset(provider_name).model(model_name), PROMPT
        )
    assert result.status is Status.COMPLETED
    creates = [r for r in fake.requests if r.path == fake.dialect.create_path]
    assert len(creates) == len(codes) + 1
    assert len(clock.sleeps) >= len(codes)
