"""Property-based requests from the OpenAPI document (schemathesis): whatever it sends, with or
without a valid token, the service never answers 5xx. The example count is bounded so that the
run stays short; MUSIA_FUZZ_EXAMPLES raises it."""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musia.runtime import Runtime
from musia.server.app import create_app
from tests.server.conftest import register

EXAMPLES = int(os.environ.get("MUSIA_FUZZ_EXAMPLES", "12"))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_request_makes_a_server_error(runtime: Runtime) -> None:
    app = create_app(runtime=runtime)
    with TestClient(app) as client:
        auth = register(client, "fuzzer")
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        failures: list[str] = []
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 20
        for operation in operations:
            started = time.perf_counter()
            failures += _fuzz(operation, auth)
            print(f"{operation.label}: {time.perf_counter() - started:.1f} s")
        assert runtime.queue is not None
        runtime.queue.stop()  # the jobs it started finish before the database goes
    assert not failures, "\n".join(failures[:20])


def _fuzz(operation: schemathesis.APIOperation, auth: dict[str, str]) -> list[str]:
    failures: list[str] = []

    @given(case=operation.as_strategy(), authorised=st.booleans())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case, authorised: bool) -> None:
        headers = dict(case.headers or {})
        if authorised:
            headers.update(auth)
        response = case.call(headers=headers)
        if response.status_code >= 500:
            failures.append(f"{operation.label}: {response.status_code} {response.text[:300]}")
        elif response.status_code >= 400:
            content_type = (response.headers.get("content-type") or [""])[0]
            if not content_type.startswith("application/json"):
                failures.append(f"{operation.label}: {response.status_code} is not JSON")

    run()
    return failures
